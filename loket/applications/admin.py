"""Admin of the workflow's office data: completion standards, approval chain, blank stock
and settings. National admins edit every office; an office admin only their own offices
(the other offices' rows are neither listed nor offered), and every edit is audited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from loket.applications.models import (
    ApprovalChainStep,
    BlankStock,
    CompletionStandard,
    WorkflowSettings,
)
from loket.offices.admin import OfficeScopedAdmin


@admin.register(CompletionStandard)
class CompletionStandardAdmin(OfficeScopedAdmin):
    list_display = ["office", "kind", "working_days", "intake_cutoff"]
    list_filter = ["kind"]


@admin.register(ApprovalChainStep)
class ApprovalChainStepAdmin(OfficeScopedAdmin):
    list_display = ["office", "sequence", "role"]


@admin.register(BlankStock)
class BlankStockAdmin(OfficeScopedAdmin):
    list_display = ["office", "book_type", "quantity", "low_threshold", "is_low"]

    @admin.display(boolean=True, description=_("low on blanks"))
    def is_low(self, obj: BlankStock) -> bool:
        return obj.is_low


@admin.register(WorkflowSettings)
class WorkflowSettingsAdmin(OfficeScopedAdmin):
    list_display = ["office", "print_order", "waive_percepatan_for_vulnerable"]
