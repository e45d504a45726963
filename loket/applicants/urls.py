from django.urls import path

from loket.applicants import views

app_name = "applicants"

urlpatterns = [path("akun/", views.home, name="home")]
