"""Admin for core records: accounts, the national calendar, and the read-only audit log.

It lives in the offices app (imported by offices/admin.py) because who may see what
depends on staff roles, which offices own; core imports no other Loket app."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from loket.core.audit import audit_personal_data_view
from loket.core.models import AuditEntry, CalendarDay, User
from loket.offices.admin_base import AuditedAdminMixin, admin_office_ids, national_admin
from loket.offices.models import Office


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "kind", "preferred_language")}),
        (_("Status"), {"fields": ("is_active", "date_joined", "last_login")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "kind", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["date_joined", "last_login"]

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        ids = admin_office_ids(request)
        if ids is None:
            return queryset
        # Office admins manage the staff of their offices, never applicants.
        return queryset.filter(staff_roles__office_id__in=ids).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return admin_office_ids(request) != set()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_office_ids(request) != set()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_office_ids(request) != set()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return admin_office_ids(request) != set()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        user = self.get_object(request, object_id)
        if user is not None and user.is_applicant and request.method == "GET":
            audit_personal_data_view(
                actor=cast(User, request.user),
                subject=user,
                office_code="",
                fields=["email", "full_name"],
                purpose="admin account view",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name", "decree"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return national_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)

    has_change_permission = has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return national_admin(request)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit log through the application."""

    list_display = ["at", "actor_label", "action", "office_code", "target_repr"]
    list_filter = ["action", "office_code"]
    search_fields = ["actor_label", "target_repr", "action"]
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        ids = admin_office_ids(request)
        if ids is None:
            return queryset
        return queryset.filter(office_code__in=Office.objects.filter(id__in=ids).values("code"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return admin_office_ids(request) != set()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_office_ids(request) != set()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
