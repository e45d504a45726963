from django.urls import path

from loket.booking import views

app_name = "booking"

urlpatterns = [
    path("akun/pemesanan/", views.booking_list, name="list"),
    path("akun/pemesanan/baru/<uuid:public_id>/", views.book, name="book"),
    path("akun/pemesanan/baru/<uuid:public_id>/konfirmasi/", views.confirm, name="confirm"),
    path("akun/pemesanan/baru/<uuid:public_id>/antre/", views.wait, name="wait"),
    path("akun/pemesanan/<str:code>/", views.detail, name="detail"),
    path("akun/pemesanan/<str:code>/cek-pembayaran/", views.refresh, name="refresh"),
    path("akun/pemesanan/<str:code>/bukti/", views.proof, name="proof"),
    path("akun/pemesanan/<str:code>/bukti.pdf", views.proof_pdf_view, name="proof_pdf"),
    path("akun/pemesanan/<str:code>/ubah/", views.reschedule, name="reschedule"),
    path("akun/pemesanan/<str:code>/batal/", views.cancel, name="cancel"),
]
