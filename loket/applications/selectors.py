"""Reads of applications, always scoped to their owner or to staff of the chosen office."""

from __future__ import annotations

import uuid

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from loket.applications.choices import BOOKABLE, WALK_IN_ONLY_CASES
from loket.applications.models import Application
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import User
from loket.core.queries import one_or_none
from loket.offices.models import Office
from loket.offices.selectors import office_ids_with_role


def applications_of(*, account: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(account=account).select_related("office").order_by("-created_at")
    )


def application_get_for_owner(*, account: User, public_id: uuid.UUID | str) -> Application:
    """The account's own application; anybody else's (or a malformed id) is simply not found."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("application_not_found", _("Application not found.")) from None
    application = one_or_none(
        Application.objects.filter(public_id=key, account=account).select_related("office")
    )
    if application is None:
        raise NotFound("application_not_found", _("Application not found."))
    return application


def application_require_bookable(application: Application) -> None:
    """Raise unless the application is complete and may be booked online."""
    if application.case_type in WALK_IN_ONLY_CASES:
        raise ApplicationError(
            "walk_in_only",
            _(
                "Lost, damaged and data-change cases need an examination (BAP): come to the office without a booking."
            ),
            status=409,
        )
    if application.status not in BOOKABLE:
        raise ApplicationError(
            "application_incomplete",
            _("Finish and submit the application before booking a visit."),
            status=409,
        )
    if application.office_id is None:
        raise ApplicationError("office_required", _("Choose an office first."), status=409)


def application_get_for_staff(*, user: User, public_id: uuid.UUID | str) -> Application:
    """An application of one of the officer's offices (assisted entry, document check)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("application_not_found", _("Application not found.")) from None
    application = Application.objects.filter(public_id=key).select_related("office").first()
    visible = office_ids_with_role(user)
    if application is None or (visible is not None and application.office_id not in visible):
        raise NotFound("application_not_found", _("Application not found."))
    return application


def applications_at_office(*, office: Office, status: str | None = None) -> list[Application]:
    """An office's applications at one step (in the office's completion order), or all of
    those at the office (earliest due date first). The caller has checked the office."""
    from loket.applications import print_queue, workflow

    if status is not None:
        return print_queue.step_queue(office, status)
    return list(
        Application.objects.filter(office=office, status__in=sorted(workflow.AT_OFFICE))
        .select_related("office")
        .order_by(F("due_date").asc(nulls_last=True), "status_changed_at", "pk")
    )
