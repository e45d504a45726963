"""Admin for the feedback set-up: SLA policy per office and the IPK question set.

Complaints and survey answers are not edited here: complaints change only through their
services (events and audit), and survey answers are anonymous records nobody may alter.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from loket.feedback.models import IpkQuestion, SlaPolicy
from loket.offices.admin import OfficeScopedAdmin
from loket.offices.admin_base import admin_office_ids, national_admin


@admin.register(SlaPolicy)
class SlaPolicyAdmin(OfficeScopedAdmin):
    list_display = [
        "office",
        "verify_days",
        "fast_days",
        "medium_days",
        "complex_days",
        "very_complex_days",
        "at_risk_days",
        "reopen_days",
    ]


@admin.register(IpkQuestion)
class IpkQuestionAdmin(OfficeScopedAdmin):
    """Default questions (no office) are for national admins; an office admin adds or
    replaces questions for their own office (same code replaces the default)."""

    list_display = ["code", "aspect", "office", "sequence", "text_id", "is_active"]
    list_filter = ["aspect", "is_active", "office"]
    ordering = ["office", "sequence"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        ids = admin_office_ids(request)
        if ids is None:
            return queryset
        # Office admins see the defaults (read-only) and their offices' own questions.
        return queryset.filter(models.Q(office__isnull=True) | models.Q(office_id__in=ids))

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.office_id is None:
            return national_admin(request)
        return super()._allowed(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.office_id is None:
            return super()._allowed(request)
        return self._allowed(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if not national_admin(request) and "office" in form.base_fields:
            form.base_fields["office"].required = True
        return form
