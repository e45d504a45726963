from django.urls import path

from loket.pickup import views

app_name = "pickup"

urlpatterns = [
    path("akun/pengambilan/<uuid:public_id>/", views.choose, name="choose"),
    path("akun/pengambilan/<uuid:public_id>/ubah/", views.reschedule, name="reschedule"),
    path("akun/pengambilan/<uuid:public_id>/batal/", views.cancel, name="cancel"),
    path("staf/pengambilan/<str:code>/drive-thru/", views.drive_thru, name="drive_thru"),
    path("staf/pengambilan/<str:code>/", views.desk, name="desk"),
    path("staf/pengambilan/<str:code>/paspor/<uuid:public_id>/", views.passport, name="passport"),
]
