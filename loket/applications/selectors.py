"""Reads of applications, always scoped to their owner or to staff of the chosen office."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import F, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from loket.applications.choices import BOOKABLE, WALK_IN_ONLY_CASES, ApplicationStatus
from loket.applications.models import Application
from loket.core.calendar import local_date
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


def nik_suspended_until(*, nik: str, now: dt.datetime | None = None) -> dt.date | None:
    """The end date of a passport suspension (ditangguhkan, the BAP outcome "suspend")
    in force for this NIK at `now`, the latest when there are several; None when free.

    The end date is the first day a new application is accepted: a 6-month suspension
    decided on 15 January ends on 15 July. It is read on the calendar of the office that
    decided it, as `bap._decide` computed it there."""
    if not nik:
        return None
    now = now or timezone.now()
    ends = []
    suspended = Application.objects.filter(nik=nik, status=ApplicationStatus.SUSPENDED)
    for application in suspended.select_related("office"):
        try:
            until = dt.date.fromisoformat(str(application.outcome.get("suspended_until", "")))
        except ValueError:
            continue  # decided before the end date was recorded: no date to hold it to
        today = local_date(application.office, now) if application.office else now.date()
        if today < until:
            ends.append(until)
    return max(ends, default=None)


def application_require_not_suspended(
    application: Application, *, now: dt.datetime | None = None
) -> None:
    """Raise while a suspension is in force for the application's NIK: the office takes
    no new application from that person until its end date (submission online, arrival
    of a walk-in, assisted or outreach entry at the document check)."""
    until = nik_suspended_until(nik=application.nik, now=now)
    if until is None:
        return
    message = _(
        "A passport suspension is in force for this NIK until %(date)s: a new application "
        "can be accepted from that date."
    ) % {"date": formats.date_format(until, "DATE_FORMAT")}
    raise ApplicationError(
        "nik_suspended",
        message,
        fields={"nik": message},
        status=409,
        extra={"suspended_until": until.isoformat()},
    )


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
