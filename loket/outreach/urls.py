from django.urls import path

from loket.outreach import views

app_name = "outreach"

urlpatterns = [
    path("mitra/daftar/", views.partner_signup, name="partner_signup"),
    path("mitra/", views.partner_home, name="partner_home"),
    path("mitra/kunjungan/baru/", views.visit_new, name="visit_new"),
    path("mitra/kunjungan/<int:pk>/", views.visit_detail, name="visit"),
    path("mitra/kunjungan/<int:pk>/batal/", views.visit_cancel_view, name="visit_cancel"),
    path("mitra/anggota/<int:pk>/langkah/<int:step>/", views.member_step, name="member_step"),
    path("mitra/anggota/<int:pk>/hapus/", views.member_remove_view, name="member_remove"),
    path("akun/jemput-bola/gabung/", views.join, name="join"),
    path("staf/kantor/<str:code>/jemput-bola/", views.office_visits, name="office_visits"),
    path("staf/jemput-bola/<int:pk>/", views.office_visit, name="office_visit"),
]
