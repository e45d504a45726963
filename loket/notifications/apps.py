from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "loket.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from loket.core.outbox import register
        from loket.notifications.services import notification_enqueue

        register(notification_enqueue)
