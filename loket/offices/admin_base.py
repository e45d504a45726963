"""Shared pieces of the admin: who administers which offices, and the audit of every edit."""

from __future__ import annotations

from typing import Any, cast

from django.db import models
from django.http import HttpRequest

from loket.core.audit import audit_record, model_changes, snapshot
from loket.core.choices import Role
from loket.core.models import User
from loket.offices.models import Office
from loket.offices.selectors import has_national_role, office_ids_with_role


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def national_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_superuser or has_national_role(cast(User, user), [Role.NATIONAL_ADMIN]))


def admin_office_ids(request: HttpRequest) -> set[int] | None:
    if national_admin(request):
        return None
    return office_ids_with_role(_actor(request), [Role.OFFICE_ADMIN]) or set()


def office_code_of(obj: models.Model) -> str:
    office = obj if isinstance(obj, Office) else getattr(obj, "office", None)
    return office.code if office is not None else ""


class AuditedAdminMixin:
    """Writes an audit line for every admin save and delete (inside the admin's transaction)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        audit_record(
            actor=_actor(request),
            action=f"admin.{'change' if change else 'add'}",
            target=obj,
            office_code=office_code_of(obj),
            changes=model_changes(obj, before),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {
            f.instance.pk: snapshot(f.instance)
            for f in formset.forms
            if f.instance.pk and f.has_changed()
        }
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects + [o for o, _fields in formset.changed_objects]:
            audit_record(
                actor=_actor(request),
                action="admin.change" if obj.pk in befores else "admin.add",
                target=obj,
                office_code=office_code_of(obj),
                changes=model_changes(obj, befores.get(obj.pk)),
            )
        for obj in formset.deleted_objects:
            audit_record(
                actor=_actor(request),
                action="admin.delete",
                target=obj,
                office_code=office_code_of(obj),
                changes=snapshot(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=_actor(request),
            action="admin.delete",
            target=obj,
            office_code=office_code_of(obj),
            changes=snapshot(obj),
        )
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
