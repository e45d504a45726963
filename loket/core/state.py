"""One mechanism for records that move along a status map (style.md rules 4–5).

A record moves with a conditional UPDATE on its current status (a concurrent change
makes the second mover fail cleanly), and every move writes an event row and an audit
line in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise

from loket.core.audit import audit_record
from loket.core.errors import ApplicationError
from loket.core.models import User


@dataclass(frozen=True)
class StatusFlow:
    """The status map of one model and where its events go.

    `refused` and `changed` are translatable messages; `refused` gets %(from)s and %(to)s.
    """

    model: type[models.Model]
    event_model: type[models.Model]
    event_field: str
    transitions: Mapping[str, frozenset[str]]
    labels: type[models.TextChoices]
    audit_prefix: str
    refused_code: str
    refused: Promise
    changed_code: str
    changed: Promise

    def record(
        self,
        obj: Any,
        *,
        kind: str,
        before: str,
        actor: User | None,
        reason: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        """Write the event row and the audit line of a change already made to `obj`."""
        self.event_model.objects.create(  # type: ignore[attr-defined]
            **{self.event_field: obj},
            kind=kind,
            from_status=before,
            to_status=obj.status,
            actor=actor if actor is not None and actor.pk else None,
            reason=reason[:200],
            data=data or {},
        )
        audit_record(
            actor=actor,
            action=f"{self.audit_prefix}.{kind}",
            target=obj,
            office_code=obj.office.code,
            changes={"status": [before, obj.status], **(data or {})},
            reason=reason,
        )

    def move(
        self,
        obj: Any,
        *,
        to: str,
        kind: str,
        actor: User | None,
        reason: str = "",
        data: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Any:
        """Move `obj` to `to` if the map allows it and nobody moved it meanwhile."""
        before = obj.status
        if to not in self.transitions[before]:
            raise ApplicationError(
                self.refused_code,
                str(self.refused)
                % {"from": self.labels(before).label, "to": self.labels(to).label},
                status=409,
            )
        won = self.model.objects.filter(pk=obj.pk, status=before).update(  # type: ignore[attr-defined]
            status=to, updated_at=timezone.now(), **fields
        )
        if won != 1:
            raise ApplicationError(self.changed_code, str(self.changed), status=409)
        obj.status = to
        for name, value in fields.items():
            setattr(obj, name, value)
        self.record(obj, kind=kind, before=before, actor=actor, reason=reason, data=data)
        return obj
