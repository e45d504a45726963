"""Admin of the workflow's office data: completion standards, approval chain, blank stock
(audited; office scoping of these pages is still to do)."""

from django.contrib import admin

from loket.applications.models import (
    ApprovalChainStep,
    BlankStock,
    CompletionStandard,
    WorkflowSettings,
)
from loket.offices.admin_base import AuditedAdminMixin


@admin.register(CompletionStandard)
class CompletionStandardAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["office", "kind", "working_days", "intake_cutoff"]
    list_filter = ["kind"]


@admin.register(ApprovalChainStep)
class ApprovalChainStepAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["office", "sequence", "role"]


@admin.register(BlankStock)
class BlankStockAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["office", "book_type", "quantity", "low_threshold"]


@admin.register(WorkflowSettings)
class WorkflowSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["office", "print_order", "waive_percepatan_for_vulnerable"]
