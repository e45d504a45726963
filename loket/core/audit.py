"""Writing the audit log. Call these inside the transaction of the change they record."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from loket.core.models import AuditEntry, User

# Set by loket.core.middleware for the duration of a request, so services need not
# carry the client's address through every call.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_repr": str(target)[:200],
    }


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    office_code: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one line to the audit log and return it.

    Must run inside the caller's atomic block: if the change rolls back, so does its line.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the change.")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "system")[:200],
        action=action,
        office_code=office_code,
        changes=changes or {},
        reason=reason[:300],
        ip_address=current_ip.get(),
        **_target_fields(target),
    )


def audit_personal_data_view(
    *, actor: User, subject: models.Model, office_code: str, fields: Iterable[str], purpose: str
) -> AuditEntry:
    """Record that a staff member saw an applicant's personal data (UU 27/2022)."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action="personal_data.view",
            target=subject,
            office_code=office_code,
            changes={"fields": sorted(fields)},
            reason=purpose,
        )


def model_changes(instance: models.Model, before: dict[str, Any] | None) -> dict[str, Any]:
    """A {field: [old, new]} map of concrete fields that differ from `before`."""
    after = snapshot(instance)
    if before is None:
        return {k: [None, v] for k, v in after.items()}
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Concrete field values as JSON-safe text, for before/after comparison."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"password", "updated_at"}:
            continue
        value = field.value_from_object(instance)
        values[field.attname] = value if isinstance(value, bool | int | type(None)) else str(value)
    return values
