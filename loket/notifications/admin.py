from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from loket.notifications.models import OutboxMessage
from loket.offices.admin_base import national_admin


@admin.register(OutboxMessage)
class OutboxAdmin(admin.ModelAdmin):
    """Read-only view of the outbox for national admins (it holds personal contact data)."""

    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return national_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
