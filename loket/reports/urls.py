from django.urls import path

from loket.reports import views

app_name = "reports"

urlpatterns = [
    path("direktori/", views.directory, name="directory"),
    path("kantor/<str:code>/standar/", views.standard, name="standard"),
    path("kantor/<str:code>/standar.pdf", views.standard_pdf, name="standard_pdf"),
    path("tanya-jawab/", views.questions, name="questions"),
]
