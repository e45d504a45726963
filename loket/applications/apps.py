from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "loket.applications"
    label = "applications"
    verbose_name = _("Passport applications")

    def ready(self) -> None:
        # Connects the receiver of payments.signals.bill_paid for bills issued at the
        # office (payments sits below applications and never imports it).
        from loket.applications import office_payment  # noqa: F401
