from django.urls import path

from loket.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.login_choice, name="login"),
    path("staf/masuk/", views.staff_login, name="staff_login"),
    path("akun/masuk/", views.applicant_login, name="applicant_login"),
    path("keluar/", views.sign_out, name="logout"),
]
