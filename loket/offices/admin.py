"""Admin for office set-up. National admins edit every office; an office admin edits
only their own offices, and every save or delete writes an audit line."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loket.core.choices import NATIONAL_ROLES, Role
from loket.offices import admin_core  # noqa: F401  (registers accounts, calendar, audit log)
from loket.offices.admin_base import AuditedAdminMixin, admin_office_ids, national_admin
from loket.offices.models import (
    Counter,
    DailyQuota,
    Office,
    OfficeClosure,
    OpeningHours,
    Question,
    ServiceSession,
    StaffRole,
    Stage,
    Target,
)


class OfficeScopedAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Rows of an office: national admins see all, office admins only theirs."""

    office_lookup = "office"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = super().get_queryset(request)
        ids = admin_office_ids(request)
        return queryset if ids is None else queryset.filter(**{f"{self.office_lookup}__in": ids})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = admin_office_ids(request)
        if ids is not None and db_field.related_model is Office:
            kwargs["queryset"] = Office.objects.filter(id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        ids = admin_office_ids(request)
        if ids is None:
            return True
        if not ids:
            return False
        if obj is None:
            return True
        if isinstance(obj, Office):
            return obj.pk in ids
        target = obj
        for part in self.office_lookup.split("__")[:-1]:
            target = getattr(target, part, None)
        return getattr(target, "office_id", None) in ids

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)


class ScopedInline(admin.TabularInline):
    extra = 0

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        ids = admin_office_ids(request)
        return ids is None or (obj is not None and obj.pk in ids) or (obj is None and bool(ids))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)


class OpeningHoursInline(ScopedInline):
    model = OpeningHours


class ClosureInline(ScopedInline):
    model = OfficeClosure


class StageInline(ScopedInline):
    model = Stage


class SessionInline(ScopedInline):
    model = ServiceSession


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdmin):
    office_lookup = "id"
    list_display = ["code", "name", "kind", "timezone", "city", "is_active"]
    list_filter = ["kind", "timezone", "is_active"]
    search_fields = ["code", "name", "city", "province"]
    inlines = [OpeningHoursInline, SessionInline, StageInline, ClosureInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return national_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code identifies the office everywhere (audit log, URLs); only national admins change it.
        return [] if national_admin(request) else ["code", "parent", "is_active"]


@admin.register(Counter)
class CounterAdmin(OfficeScopedAdmin):
    list_display = ["office", "number", "name", "is_priority", "is_active"]
    list_filter = ["office", "is_priority", "is_active"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = admin_office_ids(request)
        if db_field.name == "stages" and ids is not None:
            kwargs["queryset"] = Stage.objects.filter(office_id__in=ids)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(DailyQuota)
class DailyQuotaAdmin(OfficeScopedAdmin):
    list_display = ["office", "session", "category", "capacity"]
    list_filter = ["office", "category"]


@admin.register(OfficeClosure)
class OfficeClosureAdmin(OfficeScopedAdmin):
    list_display = ["office", "date", "reason"]
    list_filter = ["office"]
    date_hierarchy = "date"


@admin.register(StaffRole)
class StaffRoleAdmin(OfficeScopedAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not national_admin(request):
            # Office admins cannot hand out national roles.
            kwargs["choices"] = [(r.value, r.label) for r in Role if r not in NATIONAL_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(OfficeScopedAdmin):
    """Q&A of an office, edited by its office admins; national Q&A (no office) only by
    national admins, so an office admin can neither see nor create one."""

    list_display = ["short_question", "office", "sort_order", "is_published"]
    list_filter = ["is_published", "office"]
    search_fields = ["question_id", "answer_id", "question_en", "answer_en"]
    list_editable = ["sort_order", "is_published"]
    fieldsets = [
        (None, {"fields": ["office", "sort_order", "is_published"]}),
        ("Bahasa Indonesia", {"fields": ["question_id", "answer_id"]}),
        ("English", {"fields": ["question_en", "answer_en"]}),
    ]

    @admin.display(description=_("question"))
    def short_question(self, obj: Question) -> str:
        return obj.question_id[:80]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if not national_admin(request) and "office" in form.base_fields:
            # An empty office would make the question national.
            form.base_fields["office"].required = True
        return form


@admin.register(Target)
class TargetAdmin(OfficeScopedAdmin):
    """Read-only here: targets are entered on the office's "Targets and plans" page,
    which keeps the months consistent with the year and audits every change."""

    list_display = ["office", "year", "month", "passports", "officers_per_day", "counters_per_day"]
    list_filter = ["year"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
