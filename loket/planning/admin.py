from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from loket.offices.admin import OfficeScopedAdmin
from loket.planning.models import DutyDay, QuotaPlan, SavedScenario


@admin.register(SavedScenario)
class SavedScenarioAdmin(OfficeScopedAdmin):
    """Saved scenarios, scoped to the admin's offices; edited in the planner, not here."""

    list_display = ["name", "office", "created_by", "created_at"]
    list_filter = ["office"]
    search_fields = ["name"]
    readonly_fields = ["plan", "params", "results", "created_by", "created_at"]


class PlanAdmin(OfficeScopedAdmin):
    """Read-only here: plans are entered on the Targets and plans page, whose service
    checks them (months against the year, counters against officers) and audits them."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QuotaPlan)
class QuotaPlanAdmin(PlanAdmin):
    list_display = ["office", "year", "month", "category", "places_per_day"]
    list_filter = ["year", "category"]


@admin.register(DutyDay)
class DutyDayAdmin(PlanAdmin):
    list_display = ["office", "date", "officers", "counters"]
    date_hierarchy = "date"
