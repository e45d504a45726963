from django.urls import path

from loket.payments import views

app_name = "payments"

urlpatterns = [path("biaya/", views.fee_calculator, name="fees")]
