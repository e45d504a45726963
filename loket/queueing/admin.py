from django.contrib import admin

from loket.offices.admin import OfficeScopedAdmin
from loket.queueing.models import CounterLane, Lane, QueueConfig, StageState


@admin.register(QueueConfig)
class QueueConfigAdmin(OfficeScopedAdmin):
    list_display = ["office", "policy", "max_wait_minutes", "burst", "no_show_after_calls"]
    readonly_fields = ["display_key"]


@admin.register(Lane)
class LaneAdmin(OfficeScopedAdmin):
    list_display = ["office", "prefix", "name", "service_class", "is_active"]
    list_filter = ["office", "service_class"]


@admin.register(CounterLane)
class CounterLaneAdmin(OfficeScopedAdmin):
    office_lookup = "counter__office"
    list_display = ["counter", "lane"]


@admin.register(StageState)
class StageStateAdmin(OfficeScopedAdmin):
    """A stage may follow its own call-next policy (e.g. FIFO at pickup)."""

    office_lookup = "stage__office"
    list_display = ["stage", "policy"]
    fields = ["stage", "policy"]
