from django.contrib import admin

from loket.offices.admin import OfficeScopedAdmin
from loket.planning.models import SavedScenario


@admin.register(SavedScenario)
class SavedScenarioAdmin(OfficeScopedAdmin):
    """Saved scenarios, scoped to the admin's offices; edited in the planner, not here."""

    list_display = ["name", "office", "created_by", "created_at"]
    list_filter = ["office"]
    search_fields = ["name"]
    readonly_fields = ["plan", "params", "results", "created_by", "created_at"]
