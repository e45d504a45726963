from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from loket.offices.admin_base import AuditedAdminMixin, national_admin
from loket.payments.models import Tariff


@admin.register(Tariff)
class TariffAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The fee table is national law: only national admins edit it; office admins read it."""

    list_display = [
        "regulation",
        "item",
        "book_type",
        "validity_years",
        "amount",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["regulation", "item", "book_type"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return national_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)
