"""Admin: office admins edit their office's release rule; capacity rows and bookings are
read-only here (they change only through the booking services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from loket.booking.models import Booking, BookingEvent, ReleaseRule, SlotCapacity
from loket.core.audit import audit_personal_data_view
from loket.core.models import User
from loket.offices.admin import OfficeScopedAdmin


@admin.register(ReleaseRule)
class ReleaseRuleAdmin(OfficeScopedAdmin):
    list_display = ["office", "kind", "weekday", "time", "periods_ahead", "is_active"]
    list_filter = ["kind", "is_active"]


class ReadOnlyScopedAdmin(OfficeScopedAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlotCapacity)
class SlotCapacityAdmin(ReadOnlyScopedAdmin):
    list_display = ["office", "date", "session", "category", "capacity", "used"]
    list_filter = ["office", "category", "date"]
    date_hierarchy = "date"
    list_select_related = ["office", "session"]


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "from_status", "to_status", "actor", "reason")
    readonly_fields = ("at", "kind", "from_status", "to_status", "actor", "reason")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyScopedAdmin):
    list_display = ["code", "office", "slot", "category", "status", "created_at"]
    list_filter = ["status", "category", "office"]
    search_fields = ["code"]
    list_select_related = ["office", "slot__session"]
    exclude = ["nik"]
    readonly_fields = ["masked_nik"]
    inlines = [BookingEventInline]

    @admin.display(description="NIK")
    def masked_nik(self, obj: Booking) -> str:
        from loket.booking.proof import masked_nik

        return masked_nik(obj.nik)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        booking = self.get_queryset(request).filter(pk=object_id).select_related("office").first()
        if booking is not None and isinstance(request.user, User):
            audit_personal_data_view(
                actor=request.user,
                subject=booking,
                office_code=booking.office.code,
                fields=["full_name", "nik_masked", "application"],
                purpose="admin booking view",
            )
        return super().change_view(request, object_id, form_url, extra_context)
