from django.urls import path

from loket.applicants import views

app_name = "applicants"

urlpatterns = [
    path("akun/", views.home, name="home"),
    path("akun/daftar/", views.signup, name="signup"),
    path("akun/verifikasi/", views.verify, name="verify"),
    path("akun/verifikasi/kirim-ulang/", views.resend, name="resend"),
    path("akun/lupa-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "akun/lupa-sandi/terkirim/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "akun/lupa-sandi/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "akun/lupa-sandi/selesai/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
