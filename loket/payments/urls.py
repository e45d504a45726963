from django.urls import path

from loket.payments import views, views_gateway

app_name = "payments"

urlpatterns = [
    path("biaya/", views.fee_calculator, name="fees"),
    path("pembayaran/callback/", views_gateway.payment_callback, name="callback"),
    path("simulator-pembayaran/", views_gateway.simulator_page, name="simulator"),
]
