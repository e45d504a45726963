from django.urls import path

from loket.offices import views

app_name = "offices"

urlpatterns = [
    path("kantor/", views.office_list, name="office_list"),
    path("kantor/<str:code>/", views.office_detail, name="office_detail"),
    path("staf/", views.staff_home, name="staff_home"),
    path("staf/audit/", views.staff_audit, name="staff_audit"),
    path("staf/kantor/<str:code>/", views.staff_office, name="staff_office"),
    path("staf/kantor/<str:code>/penutupan/", views.staff_closure_add, name="staff_closure_add"),
    path(
        "staf/kantor/<str:code>/penutupan/<int:closure_id>/hapus/",
        views.staff_closure_delete,
        name="staff_closure_delete",
    ),
]
