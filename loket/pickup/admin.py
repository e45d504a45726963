"""Admin of pickup: office admins edit their office's drive-thru schedule, pickup settings
and courier fees; national admins the courier partners. Places, choices, handovers and
storage rows change only through the services, so they are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from loket.core.audit import audit_personal_data_view
from loket.core.models import User
from loket.offices.admin import OfficeScopedAdmin
from loket.offices.admin_base import AuditedAdminMixin, admin_office_ids, national_admin
from loket.pickup.models import (
    CourierFee,
    CourierPartner,
    DriveThruSchedule,
    DriveThruSlot,
    Handover,
    PassportStorage,
    PickupChoice,
    PickupEvent,
    PickupSettings,
)


@admin.register(DriveThruSchedule)
class DriveThruScheduleAdmin(OfficeScopedAdmin):
    list_display = [
        "office",
        "weekdays",
        "opens",
        "closes",
        "slot_minutes",
        "car_per_day",
        "motorbike_per_day",
        "days_ahead",
        "is_active",
    ]
    list_filter = ["is_active"]


@admin.register(PickupSettings)
class PickupSettingsAdmin(OfficeScopedAdmin):
    list_display = ["office", "reminder_days", "cancel_after_days"]


@admin.register(CourierPartner)
class CourierPartnerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Partners are national (one contract); office admins see them to set their fees."""

    list_display = ["name", "tracking_url", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def _office_or_national(self, request: HttpRequest) -> bool:
        ids = admin_office_ids(request)
        return ids is None or bool(ids)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._office_or_national(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._office_or_national(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return national_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)


@admin.register(CourierFee)
class CourierFeeAdmin(OfficeScopedAdmin):
    list_display = ["office", "partner", "province", "fee"]
    list_filter = ["partner", "office"]
    search_fields = ["province"]
    list_select_related = ["office", "partner"]


class ReadOnlyScopedAdmin(OfficeScopedAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DriveThruSlot)
class DriveThruSlotAdmin(ReadOnlyScopedAdmin):
    list_display = ["office", "date", "start", "end", "lane", "capacity", "used"]
    list_filter = ["office", "lane", "date"]
    date_hierarchy = "date"
    list_select_related = ["office"]


class PickupEventInline(admin.TabularInline):
    model = PickupEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "from_status", "to_status", "actor", "reason")
    readonly_fields = ("at", "kind", "from_status", "to_status", "actor", "reason")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PickupChoice)
class PickupChoiceAdmin(ReadOnlyScopedAdmin):
    list_display = ["code", "office", "method", "status", "slot", "created_at"]
    list_filter = ["method", "status", "office"]
    search_fields = ["code", "plate", "tracking_number"]
    list_select_related = ["office", "slot"]
    # The proxy's NIK and family card and the delivery address stay on the officer's
    # screens, where every view is audited for a purpose.
    exclude = ["proxy_nik", "proxy_kk_number", "proxy_document", "address"]
    inlines = [PickupEventInline]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        choice = self.get_queryset(request).filter(pk=object_id).select_related("office").first()
        if choice is not None and isinstance(request.user, User):
            audit_personal_data_view(
                actor=request.user,
                subject=choice,
                office_code=choice.office.code,
                fields=["plate", "proxy_name"],
                purpose="admin pickup view",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Handover)
class HandoverAdmin(ReadOnlyScopedAdmin):
    office_lookup = "application__office"
    list_display = ["application", "received_by", "receiver_name", "officer", "at"]
    list_filter = ["received_by"]
    date_hierarchy = "at"
    list_select_related = ["application", "officer"]


@admin.register(PassportStorage)
class PassportStorageAdmin(ReadOnlyScopedAdmin):
    list_display = ["application", "office", "location", "set_by", "updated_at"]
    search_fields = ["location"]
    list_select_related = ["application", "office", "set_by"]
