from django.urls import path

from loket.applications import views

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
]
