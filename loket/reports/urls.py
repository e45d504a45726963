from django.urls import path

from loket.reports import views

app_name = "reports"

urlpatterns = [
    path("direktori/", views.directory, name="directory"),
    path("kantor/<str:code>/standar/", views.standard, name="standard"),
    path("kantor/<str:code>/standar.pdf", views.standard_pdf, name="standard_pdf"),
    path("tanya-jawab/", views.questions, name="questions"),
]

# The evaluation dashboard (views_dashboard); "nasional" before the office code.
from loket.reports import views_dashboard  # noqa: E402

urlpatterns += [
    path("staf/dasbor/nasional/", views_dashboard.national_dashboard, name="dashboard_national"),
    path("staf/dasbor/<str:code>/", views_dashboard.office_dashboard, name="dashboard"),
]
