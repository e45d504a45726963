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

# The periodic report (views_periodic); "nasional" before the office code.
from loket.reports import views_periodic  # noqa: E402

urlpatterns += [
    path("staf/laporan/nasional/", views_periodic.national_report, name="report_national"),
    path(
        "staf/laporan/nasional/laporan.<str:fmt>",
        views_periodic.national_report_file,
        name="report_national_file",
    ),
    path(
        "staf/laporan/nasional/arsip/<int:report_id>.<str:fmt>",
        views_periodic.national_stored_file,
        name="report_national_stored",
    ),
    path("staf/laporan/<str:code>/", views_periodic.office_report, name="report"),
    path(
        "staf/laporan/<str:code>/laporan.<str:fmt>",
        views_periodic.office_report_file,
        name="report_file",
    ),
    path(
        "staf/laporan/<str:code>/arsip/<int:report_id>.<str:fmt>",
        views_periodic.office_stored_file,
        name="report_stored",
    ),
]
