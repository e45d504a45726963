"""Changes to an office's set-up. Each is atomic and writes its audit line."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from loket.core.audit import audit_record
from loket.core.choices import Role
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import User
from loket.offices.models import Office, OfficeClosure
from loket.offices.selectors import office_require_role

CLOSURE_ROLES = [Role.HEAD_OF_OFFICE, Role.OFFICE_ADMIN, Role.NATIONAL_ADMIN]


def office_closure_create(
    *, actor: User, office: Office, date: dt.date, reason: str
) -> OfficeClosure:
    office_require_role(user=actor, office=office, roles=CLOSURE_ROLES)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            "reason_required", _("Say why the office is closed."), fields={"reason": _("Required.")}
        )
    try:
        with transaction.atomic():
            closure = OfficeClosure.objects.create(office=office, date=date, reason=reason[:200])
            audit_record(
                actor=actor,
                action="office.closure_create",
                target=closure,
                office_code=office.code,
                changes={"date": str(date), "reason": reason},
            )
    except IntegrityError:
        raise ApplicationError(
            "closure_exists",
            _("The office is already closed on %(date)s.") % {"date": date.isoformat()},
            fields={"date": _("Already a closure on this date.")},
        ) from None
    return closure


def office_closure_delete(*, actor: User, office: Office, closure_id: int) -> None:
    office_require_role(user=actor, office=office, roles=CLOSURE_ROLES)
    with transaction.atomic():
        closure = (
            OfficeClosure.objects.select_for_update().filter(office=office, pk=closure_id).first()
        )
        if closure is None:
            raise NotFound("closure_not_found", _("That closure does not exist."))
        audit_record(
            actor=actor,
            action="office.closure_delete",
            target=closure,
            office_code=office.code,
            changes={"date": str(closure.date), "reason": closure.reason},
        )
        closure.delete()
