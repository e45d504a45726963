"""SOP standards: completion targets in working days and the clocks that measure them.

Targets are data per office (`CompletionStandard`); an office without a row for a kind
uses `DEFAULT_STANDARDS`. Dates are the office's local dates and skip national
holidays, joint leave days and office closures (loket.core.calendar).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applications.choices import (
    SLA_RUNNING,
    CaseType,
    RiskFlag,
    ServiceClass,
    StandardKind,
)
from loket.applications.models import Application, CompletionStandard
from loket.core.calendar import (
    add_working_days,
    is_working_day,
    local_date,
    working_days_between,
)
from loket.core.errors import ApplicationError
from loket.offices.models import Office, Stage


@dataclass(frozen=True)
class Standard:
    kind: str
    working_days: int
    intake_cutoff: dt.time | None = None


# Brief §4: regular 3-4 working days (office SOP), percepatan the same day before a
# morning cut-off, priority shorter than regular, data change 7 (central approval).
DEFAULT_STANDARDS: dict[str, Standard] = {
    StandardKind.REGULAR: Standard(StandardKind.REGULAR, 3),
    StandardKind.PERCEPATAN: Standard(StandardKind.PERCEPATAN, 0, dt.time(10, 0)),
    StandardKind.PRIORITY: Standard(StandardKind.PRIORITY, 2),
    StandardKind.DATA_CHANGE: Standard(StandardKind.DATA_CHANGE, 7),
}


def standard_for(office: Office, kind: str) -> Standard:
    row = CompletionStandard.objects.filter(office=office, kind=kind).first()
    if row is None:
        return DEFAULT_STANDARDS[kind]
    return Standard(kind, row.working_days, row.intake_cutoff)


def standard_kind(application: Application) -> str:
    if application.case_type == CaseType.DATA_CHANGE:
        return StandardKind.DATA_CHANGE
    if application.service_class == ServiceClass.PERCEPATAN or application.percepatan:
        return StandardKind.PERCEPATAN
    if application.service_class == ServiceClass.PRIORITY:
        return StandardKind.PRIORITY
    return StandardKind.REGULAR


def due_date_for(*, application: Application, start: dt.datetime) -> dt.date:
    """The date the office promised to finish, counted from `start` (arrival or payment).

    Refuses same-day service after the office's intake cut-off and on a day off, so a
    due date never falls on a holiday.
    """
    office = application.office
    if office is None:
        raise ApplicationError("office_required", _("The application has no office."))
    standard = standard_for(office, standard_kind(application))
    if standard.working_days == 0:
        if not is_working_day(office, start):
            raise ApplicationError(
                "due_date_day_off",
                _("%(date)s is not a working day at this office: same-day service is not possible.")
                % {"date": local_date(office, start).isoformat()},
                status=409,
            )
        local = timezone.localtime(start, office.tz)
        if standard.intake_cutoff is not None and local.time() > standard.intake_cutoff:
            raise ApplicationError(
                "percepatan_after_cutoff",
                _("Same-day service is accepted until %(time)s; choose regular service.")
                % {"time": standard.intake_cutoff.strftime("%H:%M")},
                status=409,
            )
        return local_date(office, start)
    # Priority may never be promised later than the regular target of the same office.
    days = standard.working_days
    if standard.kind == StandardKind.PRIORITY:
        days = min(days, standard_for(office, StandardKind.REGULAR).working_days)
    return add_working_days(office, start, days)


@dataclass(frozen=True)
class StageClock:
    status: str
    minutes: float
    sop_minutes: int | None

    @property
    def over(self) -> bool:
        return self.sop_minutes is not None and self.minutes > self.sop_minutes


def stage_clock(application: Application, *, now: dt.datetime | None = None) -> StageClock:
    """Minutes in the current step against the office's SOP (waiting + service) for it."""
    now = now or timezone.now()
    since = application.status_changed_at or application.updated_at
    minutes = max(0.0, (now - since).total_seconds() / 60) if since else 0.0
    stage = None
    if application.office_id:
        stage = Stage.objects.filter(
            office_id=application.office_id, code=application.status
        ).first()
    sop = stage.sop_wait_minutes + stage.sop_service_minutes if stage else None
    return StageClock(application.status, round(minutes, 1), sop)


def risk_for(
    application: Application, *, now: dt.datetime | None = None, clock: StageClock | None = None
) -> str:
    """OVERDUE after the due date; AT_RISK on the due date of a multi-day service, or when
    the current step has run past its SOP minutes (the only warning for same-day service,
    which is always due today)."""
    now = now or timezone.now()
    if application.due_date is None or application.office is None:
        return RiskFlag.NONE
    today = local_date(application.office, now)
    if today > application.due_date:
        return RiskFlag.OVERDUE
    same_day = standard_kind(application) == StandardKind.PERCEPATAN
    if today == application.due_date and not same_day:
        return RiskFlag.AT_RISK
    clock = clock or stage_clock(application, now=now)
    return RiskFlag.AT_RISK if clock.over else RiskFlag.NONE


@dataclass(frozen=True)
class OverallClock:
    """The application's clock at the office, computed from its events (style rule 5).

    `running_minutes` counts only time in the steps where the completion clock runs
    (postponed time and time after ready do not count). `working_days_left` is the
    number of working days after today up to the due date (0 on the due date), and
    `working_days_late` those after the due date up to today."""

    started_at: dt.datetime | None
    running_minutes: float
    running: bool
    due_date: dt.date | None
    working_days_left: int | None
    working_days_late: int | None
    risk: str


def overall_clock(application: Application, *, now: dt.datetime | None = None) -> OverallClock:
    now = now or timezone.now()
    events = list(application.events.order_by("at", "id").values_list("to_status", "at"))
    started_at = None
    running_since: dt.datetime | None = None
    seconds = 0.0
    for to_status, at in events:
        if running_since is not None:
            seconds += (at - running_since).total_seconds()
            running_since = None
        if to_status in SLA_RUNNING:
            started_at = started_at or at
            running_since = at
    running = running_since is not None and application.status in SLA_RUNNING
    if running and running_since is not None:
        seconds += max(0.0, (now - running_since).total_seconds())
    office = application.office
    due = application.due_date
    left = late = None
    if office is not None and due is not None:
        left = working_days_between(office, now, due)
        late = working_days_between(office, due, now)
    risk = risk_for(application, now=now) if application.status in SLA_RUNNING else RiskFlag.NONE
    return OverallClock(
        started_at=started_at,
        running_minutes=round(seconds / 60, 1),
        running=running,
        due_date=due,
        working_days_left=left,
        working_days_late=late,
        risk=risk,
    )
