from django.contrib import admin

from loket.offices.admin import OfficeScopedAdmin
from loket.queueing.models import CounterLane, Lane, QueueConfig


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
