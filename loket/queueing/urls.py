from django.urls import path

from loket.queueing import views, views_assisted

app_name = "queueing"

urlpatterns = [
    path("staf/kantor/<str:code>/antrian/", views.front_desk, name="front_desk"),
    path("staf/loket/<int:counter_id>/", views.counter_screen, name="counter"),
    path("staf/loket/<int:counter_id>/buka-tutup/", views.counter_toggle, name="counter_toggle"),
    path("staf/tiket/<int:ticket_id>/cetak/", views.ticket_print, name="ticket_print"),
    path("staf/tiket/<int:ticket_id>/kembali/", views.ticket_return_view, name="ticket_return"),
    path("staf/tiket/<int:ticket_id>/pindah/", views.ticket_transfer_view, name="ticket_transfer"),
    path("antrian/<str:token>/", views.status, name="status"),
    path("layar/<str:code>/", views.display, name="display"),
    path("kios/<str:code>/", views.kiosk, name="kiosk"),
    path("staf/kantor/<str:code>/dibantu/baru/", views_assisted.assisted_new, name="assisted_new"),
    path(
        "staf/dibantu/<str:public_id>/langkah/<int:step>/",
        views_assisted.assisted_step,
        name="assisted_step",
    ),
    path(
        "staf/dibantu/<str:public_id>/tiket/",
        views_assisted.assisted_ticket,
        name="assisted_ticket",
    ),
]
