from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "loket.booking"
    label = "booking"
    verbose_name = _("Quotas and booking")

    def ready(self) -> None:
        # Connects booking's receiver of payments.signals.bill_paid: a paid bill confirms
        # its booking in the same transaction (payments sits below booking and never
        # imports it).
        from loket.booking import services  # noqa: F401
