from django.urls import path

from loket.feedback import views

app_name = "feedback"

urlpatterns = [
    path("pengaduan/", views.complaint_new, name="complaint_new"),
    path("pengaduan/lacak/", views.complaint_lookup, name="complaint_lookup"),
    path(
        "pengaduan/lacak/<str:number>/<str:token>/",
        views.complaint_follow,
        name="complaint_follow",
    ),
    path("pengaduan/<str:code>/", views.complaint_new, name="complaint_new_office"),
    path("survei/terima-kasih/", views.survey_thanks, name="survey_thanks"),
    path("survei/tiket/<str:status_token>/", views.survey_for_ticket, name="survey_for_ticket"),
    path(
        "survei/permohonan/<str:signed>/",
        views.survey_for_application,
        name="survey_for_application",
    ),
    path("survei/<str:token>/", views.survey, name="survey"),
    path("transparansi/<str:code>/", views.transparency, name="transparency"),
    path("staf/pengaduan/", views.staff_complaints, name="staff_complaints"),
    path(
        "staf/pengaduan/ekspor/<str:fmt>/",
        views.staff_complaint_export,
        name="staff_complaint_export",
    ),
    path("staf/pengaduan/qr/<str:code>/", views.staff_complaint_qr, name="staff_complaint_qr"),
    path(
        "staf/pengaduan/qr/<str:code>/qr.png",
        views.staff_complaint_qr_png,
        name="staff_complaint_qr_png",
    ),
    path(
        "staf/pengaduan/<str:number>/",
        views.staff_complaint_detail,
        name="staff_complaint_detail",
    ),
    path(
        "staf/pengaduan/<str:number>/lampiran/<int:attachment_id>/",
        views.staff_complaint_attachment,
        name="staff_complaint_attachment",
    ),
    path(
        "staf/pengaduan/<str:number>/<str:action>/",
        views.staff_complaint_action,
        name="staff_complaint_action",
    ),
    path("staf/survei/undangan/", views.staff_survey_invite, name="staff_survey_invite"),
    path("staf/survei/laporan/", views.staff_survey_report, name="staff_survey_report"),
    path("staf/survei/jumlah-layanan/", views.staff_served_count, name="staff_served_count"),
]
