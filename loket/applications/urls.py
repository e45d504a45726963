from django.urls import path

from loket.applications import office_views, views

app_name = "applications"

urlpatterns = [
    path("apa-yang-saya-perlukan/", views.checker, name="checker"),
    path("akun/permohonan/", views.application_list, name="list"),
    path("akun/permohonan/baru/", views.application_new, name="new"),
    path(
        "akun/permohonan/<str:public_id>/langkah/<int:step>/", views.application_step, name="step"
    ),
    path(
        "akun/permohonan/<str:public_id>/simpan/<int:step>/",
        views.application_autosave,
        name="autosave",
    ),
    path("akun/permohonan/<str:public_id>/dokumen/", views.application_documents, name="documents"),
    path(
        "akun/permohonan/<str:public_id>/dokumen/<str:kind>/",
        views.application_document_file,
        name="document_file",
    ),
    path("akun/permohonan/<str:public_id>/periksa/", views.application_review, name="review"),
    path("akun/permohonan/<str:public_id>/batal/", views.application_cancel_view, name="cancel"),
    path("staf/permohonan/kantor/<str:code>/", office_views.office_queues, name="staff_office"),
    path(
        "staf/permohonan/kantor/<str:code>/berikutnya/<str:step>/",
        office_views.office_queue_next,
        name="staff_queue_next",
    ),
    path("staf/permohonan/<str:public_id>/", office_views.application_work, name="staff_work"),
    path(
        "staf/permohonan/<str:public_id>/kuitansi/",
        office_views.payment_receipt,
        name="staff_receipt",
    ),
    path(
        "staf/permohonan/<str:public_id>/bap.pdf", office_views.bap_pdf_view, name="staff_bap_pdf"
    ),
    path(
        "staf/permohonan/<str:public_id>/foto/", office_views.photo_file_staff, name="staff_photo"
    ),
    path(
        "staf/permohonan/<str:public_id>/dokumen/<str:kind>/",
        office_views.document_file_staff,
        name="staff_document",
    ),
]
