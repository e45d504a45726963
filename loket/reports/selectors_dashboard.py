"""Read-only figures of the evaluation dashboard (issue #9), for one office or the nation.

Every figure is computed from the records other apps keep (ticket events, bookings and
slots, application events, complaints, survey responses) and aggregated in the database;
only the percentiles are taken in Python, from per-second counts of the waits and
services. A ratio with an empty denominator is ``None`` ("no data"), never 0.

Periods are local dates, inclusive. Each office's figures are cut at its own midnight
(``Office.tz``), so a national period covers the same calendar days in WIB, WITA and WIT.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import queue
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.applications.choices import ApplicationStatus, CaseType, Channel, StandardKind
from loket.applications.choices import ServiceClass as AppServiceClass
from loket.applications.models import CHECK_FINDING, Application, ApplicationEvent
from loket.applications.sop import standard_kind
from loket.booking.choices import BookingStatus
from loket.booking.models import Booking, SlotCapacity
from loket.core.choices import NATIONAL_ROLES, Role
from loket.core.errors import ApplicationError, Forbidden
from loket.core.models import User
from loket.feedback import ikm
from loket.feedback.choices import ComplaintCategory
from loket.feedback.models import Complaint, IkmResponse, IpkAnswer, IpkResponse
from loket.feedback.periods import Period, period_make
from loket.feedback.selectors import complaints_overdue_q, complaints_visible_to
from loket.offices.choices import StageCode
from loket.offices.models import Counter, Office, Stage, Target
from loket.offices.selectors import has_national_role, office_get_for_staff, office_require_role
from loket.outreach.choices import PartnerKind
from loket.outreach.selectors import VisitFigures, visit_figures
from loket.pickup.choices import Lane as DriveThruLane
from loket.pickup.choices import Method as PickupMethod
from loket.pickup.models import DriveThruSlot, Handover
from loket.queueing.choices import EventKind, ServiceClass
from loket.queueing.models import CounterSession, TicketEvent

DASHBOARD_ROLES = frozenset(
    {Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE, Role.INTEGRITY_OFFICER, *NATIONAL_ROLES}
)
PRESETS = ("this_month", "last_month", "this_quarter", "this_year")
MAX_DAYS = 366
# Above this many months the survey trend is drawn per quarter (fewer, fuller points).
TREND_MONTHS = 12
# Memory for one grouping of the dashboard's year of events on PostgreSQL (per query).
ANALYTIC_WORK_MEM = "64MB"


# ---------------------------------------------------------------- scope and period


def dashboard_office(*, user: User, code: str) -> Office:
    """The office whose dashboard ``user`` may read: another office is not found."""
    office = office_get_for_staff(user=user, code=code)
    office_require_role(user=user, office=office, roles=DASHBOARD_ROLES)
    return office


def dashboard_national_offices(*, user: User) -> list[Office]:
    if not has_national_role(user):
        raise Forbidden("role_required", _("The national dashboard is for national roles."))
    return list(Office.objects.filter(is_active=True).order_by("name"))


@dataclass(frozen=True)
class DashPeriod:
    start: dt.date
    end: dt.date  # inclusive
    preset: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_preset(preset: str, today: dt.date) -> DashPeriod:
    """Presets end today at the latest: figures of days not yet lived are not shown."""
    if preset == "last_month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return DashPeriod(end.replace(day=1), end, preset)
    if preset == "this_quarter":
        return DashPeriod(_quarter_start(today), today, preset)
    if preset == "this_year":
        return DashPeriod(dt.date(today.year, 1, 1), today, preset)
    return DashPeriod(today.replace(day=1), today, "this_month")


def _parse_date(value: str, field_name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        message = _("Enter a date as YYYY-MM-DD, e.g. 2025-03-31.")
        raise ApplicationError(
            "period_invalid", message, fields={field_name: message}, status=400
        ) from None


def period_parse(*, today: dt.date, preset: str = "", start: str = "", end: str = "") -> DashPeriod:
    """A period from the query string: ``from``/``to`` dates win over a preset; nothing
    given is this month. Raises ``ApplicationError`` (status 400) with a message per
    field for a malformed date, a reversed period or one longer than a year."""
    if not start and not end:
        if preset and preset not in PRESETS:
            message = _("Choose one of the periods offered.")
            raise ApplicationError("period_invalid", message, fields={"preset": message})
        return period_preset(preset or "this_month", today)
    if not start or not end:
        message = _("Give both the first and the last day of the period.")
        missing = "from" if not start else "to"
        raise ApplicationError("period_incomplete", message, fields={missing: message})
    first, last = _parse_date(start, "from"), _parse_date(end, "to")
    if last < first:
        message = _("The last day of the period is before its first day.")
        raise ApplicationError("period_reversed", message, fields={"to": message})
    if (last - first).days + 1 > MAX_DAYS:
        message = _("Choose a period of at most one year.")
        raise ApplicationError("period_too_long", message, fields={"to": message})
    return DashPeriod(first, last)


def _local_range_q(
    field_name: str,
    offices: Sequence[Office],
    period: DashPeriod,
    *,
    office_field: str = "office_id",
) -> Q:
    """``field_name`` (a datetime) within the period, each office at its own midnight.
    One clause per time zone, not per office."""
    q = Q(pk__in=[])
    for zone, ids in _offices_by_zone(offices).items():
        low, high = _period_bounds(period, zone)
        q |= Q(**{f"{office_field}__in": ids, f"{field_name}__gte": low, f"{field_name}__lt": high})
    return q


def _offices_by_zone(offices: Sequence[Office]) -> dict[str, list[int]]:
    """Office ids per time zone, the zones in name order."""
    zones: dict[str, list[int]] = defaultdict(list)
    for office in offices:
        zones[office.timezone].append(office.pk)
    return dict(sorted(zones.items()))


def _period_bounds(period: DashPeriod, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """The period as instants: from its first day's midnight in ``zone`` to the midnight
    after its last day."""
    tz = ZoneInfo(zone)
    return (
        dt.datetime.combine(period.start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _utc_offset_minutes(moment: dt.datetime) -> int:
    """The zone's offset at ``moment``; SQL that moves instants by it is exact for WIB,
    WITA and WIT, which keep no daylight saving."""
    offset = moment.utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


@dataclass(frozen=True)
class _ZoneRange:
    """The offices of one time zone: their stages and the period as instants."""

    zone: str
    stage_ids: list[int]
    low: dt.datetime
    high: dt.datetime

    @property
    def utc_offset_minutes(self) -> int:
        return _utc_offset_minutes(self.low)


def _zone_ranges(
    offices: Sequence[Office],
    period: DashPeriod,
    stage_offices: Iterable[tuple[int, int]] | None = None,
) -> list[_ZoneRange]:
    """Per time zone of the offices, their stages and the period cut at local midnight:
    queue events are found through their stage (the covering index starts with it) and
    their time, without joining every ticket. ``stage_offices``: (stage id, office id)
    when the caller has read the stages already."""
    if stage_offices is None:
        stage_offices = Stage.objects.filter(office_id__in=[o.pk for o in offices]).values_list(
            "id", "office_id"
        )
    stages: dict[int, list[int]] = defaultdict(list)
    for pk, office_id in stage_offices:
        stages[office_id].append(pk)
    ranges = []
    for zone, office_ids in _offices_by_zone(offices).items():
        ids = sorted(pk for office_id in office_ids for pk in stages[office_id])
        if ids:
            ranges.append(_ZoneRange(zone, ids, *_period_bounds(period, zone)))
    return ranges


def _instants(*moments: dt.datetime) -> list[Any]:
    """Aware datetimes as the database compares them in raw SQL: as they are for
    PostgreSQL; for SQLite the UTC text it stores (a raw cursor would pass the local time
    with its offset, which sorts as text hours away from the stored UTC)."""
    return [connection.ops.adapt_datetimefield_value(m) for m in moments]


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, one decimal, rounded half up; None when empty."""
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def quantile(sorted_values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between order statistics (the "linear" method of NumPy and
    of the planner's calibration): median of 1..10 is 5.5, its p90 is 9.1."""
    if not sorted_values:
        return None
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


# ---------------------------------------------------------------- applications


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int
    share: Decimal | None


def _rows(counts: dict[str, int], choices: Iterable[tuple[str, Any]]) -> list[CountRow]:
    total = sum(counts.values())
    known = [(value, str(label)) for value, label in choices]
    rows = [
        CountRow(v, label, counts.get(v, 0), percent(counts.get(v, 0), total)) for v, label in known
    ]
    for value in sorted(set(counts) - {v for v, _l in known}):
        rows.append(
            CountRow(value, value or _("not stated"), counts[value], percent(counts[value], total))
        )
    return rows


@dataclass(frozen=True)
class QualityRow:
    """Per channel: applications submitted in the period and those carrying a warning for
    the officer from the form's own checks; and applications whose document check took
    place in the period and those the officer found wanting there (a mismatch note, the
    data-match item not ticked, or postponed for a missing document)."""

    channel: str
    label: str
    applications: int
    with_warnings: int
    share: Decimal | None
    checked: int = 0
    flagged: int = 0

    @property
    def flagged_share(self) -> Decimal | None:
        return percent(self.flagged, self.checked)


@dataclass
class ApplicationFigures:
    submitted: int
    issued: int
    target: Decimal | None
    target_share: Decimal | None
    by_channel: list[CountRow]
    by_service: list[CountRow]
    by_case_type: list[CountRow]
    quality: list[QualityRow]
    completion: list[CompletionRow] = field(default_factory=list)


@dataclass(frozen=True)
class CompletionRow:
    """Passports that became ready in the period, of one completion standard: how many
    had a due date (set at arrival or payment, counted in working days without holidays,
    joint leave or office closures) and how many were ready by it (the office's local
    date of their first ready in the period at the latest)."""

    kind: str
    label: str
    issued: int
    with_due_date: int
    by_due_date: int

    @property
    def share(self) -> Decimal | None:
        return percent(self.by_due_date, self.with_due_date)


def _service_of(service_class: str, percepatan: bool) -> str:
    if service_class in (AppServiceClass.PRIORITY, AppServiceClass.PERCEPATAN):
        return service_class
    return AppServiceClass.PERCEPATAN if percepatan else AppServiceClass.REGULAR


def issuance_target(*, office_ids: Iterable[int], period: DashPeriod) -> Decimal | None:
    """Passports to issue in the period from the offices' targets, pro rata by calendar
    days for a month only partly in the period; the months without their own target
    share equally what the months with one leave of the year's (as the planning page
    shows it). None when no office has a target for any of its months."""
    ids = list(office_ids)
    years = range(period.start.year, period.end.year + 1)
    rows = Target.objects.filter(office_id__in=ids, year__in=list(years)).values_list(
        "office_id", "year", "month", "passports"
    )
    monthly: dict[tuple[int, int, int], int] = {}
    yearly: dict[tuple[int, int], int] = {}
    for office_id, year, month, passports in rows:
        if month is None:
            yearly[(office_id, year)] = passports
        else:
            monthly[(office_id, year, month)] = passports
    # What each month without its own figure takes of the year's target.
    rest: dict[tuple[int, int], Fraction] = {}
    for (office_id, year), passports in yearly.items():
        given = [v for (o, y, _m), v in monthly.items() if (o, y) == (office_id, year)]
        if len(given) < 12:
            rest[(office_id, year)] = Fraction(max(passports - sum(given), 0), 12 - len(given))
    total = Fraction(0)
    found = False
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        length = calendar.monthrange(year, month)[1]
        first = max(period.start, dt.date(year, month, 1))
        last = min(period.end, dt.date(year, month, length))
        part = Fraction((last - first).days + 1, length)
        for office_id in ids:
            if (office_id, year, month) in monthly:
                total += monthly[(office_id, year, month)] * part
                found = True
            elif (office_id, year) in rest:
                total += rest[(office_id, year)] * part
                found = True
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not found:
        return None
    return Decimal(total.numerator) / Decimal(total.denominator)


def application_figures(*, offices: Sequence[Office], period: DashPeriod) -> ApplicationFigures:
    """Applications submitted in the period by channel, service and case, the share with
    warnings for the officer per channel (online vs assisted: the Kupang question),
    what the officers found at the document check per channel, passports issued (moved
    to ready) against target, and how many of them were ready by their due date. Four
    queries and one per time zone; the dashboard runs the three parts side by side."""
    return application_figures_of(
        submitted_counts(offices=offices, period=period),
        completion_by_due_date(offices=offices, period=period),
        document_check_findings(offices=offices, period=period),
    )


@dataclass
class SubmittedCounts:
    channel: dict[str, int]
    warned: dict[str, int]
    service: dict[str, int]
    case: dict[str, int]
    target: Decimal | None


def submitted_counts(*, offices: Sequence[Office], period: DashPeriod) -> SubmittedCounts:
    """Applications submitted in the period per channel (and with warnings), service and
    case; the issuance target of the period. Two queries."""
    counts = SubmittedCounts(
        defaultdict(int),
        defaultdict(int),
        defaultdict(int),
        defaultdict(int),
        issuance_target(office_ids=[o.pk for o in offices], period=period),
    )
    for row in (
        Application.objects.filter(_local_range_q("submitted_at", offices, period))
        .values("channel", "case_type", "service_class", "percepatan")
        .annotate(n=Count("id"), warned=Count("id", filter=~Q(warnings=[])))
    ):
        counts.channel[row["channel"]] += row["n"]
        counts.warned[row["channel"]] += row["warned"]
        counts.service[_service_of(row["service_class"], row["percepatan"])] += row["n"]
        counts.case[row["case_type"]] += row["n"]
    return counts


def application_figures_of(
    submitted: SubmittedCounts,
    completion: list[CompletionRow],
    findings: dict[str, tuple[int, int]],
) -> ApplicationFigures:
    channel, warned, target = submitted.channel, submitted.warned, submitted.target
    issued = sum(row.issued for row in completion)
    target_share = None
    if target:
        target_share = (Decimal(issued * 100) / target).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    return ApplicationFigures(
        submitted=sum(channel.values()),
        issued=issued,
        target=target.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        if target is not None
        else None,
        target_share=target_share,
        by_channel=_rows(channel, Channel.choices),
        by_service=_rows(submitted.service, AppServiceClass.choices),
        by_case_type=_rows(submitted.case, CaseType.choices),
        quality=[
            QualityRow(
                value,
                str(label),
                channel.get(value, 0),
                warned.get(value, 0),
                percent(warned.get(value, 0), channel.get(value, 0)),
                *findings.get(value, (0, 0)),
            )
            for value, label in Channel.choices
        ],
        completion=completion,
    )


def document_check_findings(
    *, offices: Sequence[Office], period: DashPeriod
) -> dict[str, tuple[int, int]]:
    """Per channel: (applications checked at the document check in the period, those
    with a finding: a mismatch note, the data-match item not ticked, or postponed for
    missing documents). The check's outcome is the event leaving the document check,
    found through the (status, time) index by where it went. One query."""
    checks = ApplicationEvent.objects.filter(
        _local_range_q("at", offices, period, office_field="application__office_id"),
        from_status=ApplicationStatus.DOCUMENT_CHECK,
        to_status__in=[ApplicationStatus.INTERVIEW, ApplicationStatus.POSTPONED],
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    # Two counts, each answered from its partial index (``CHECK_FINDING``) on PostgreSQL.
    for i, events in enumerate((checks, checks.filter(CHECK_FINDING))):
        for channel, n in (
            events.values_list("application__channel")
            .annotate(n=Count("application_id", distinct=True))
            .order_by()
        ):
            counts[channel][i] = n
    return {channel: (checked, flagged) for channel, (checked, flagged) in counts.items()}


def completion_by_due_date(*, offices: Sequence[Office], period: DashPeriod) -> list[CompletionRow]:
    """Per completion standard (regular, same-day, priority, data change: ``sop``), the
    applications that became ready in the period and the share ready by their due date.

    One query per time zone: each application's first ready in the period (the
    (status, time, application) index), joined to its application, compared in the
    database with the instant its due date ends at the office's midnight."""
    event, application = ApplicationEvent._meta.db_table, Application._meta.db_table
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for zone, ids in _offices_by_zone(offices).items():
        low, high = _period_bounds(period, zone)
        if connection.vendor == "postgresql":
            due_end, due_param = "(a.due_date + 1)::timestamp AT TIME ZONE %s", zone
        else:
            # SQLite (development) keeps instants as UTC text; Indonesia's offsets are fixed.
            offset = _utc_offset_minutes(low)
            due_end, due_param = "datetime(a.due_date, '+1 day', %s)", f"{-offset:+d} minutes"
        sql = f"""
            SELECT case_type, service_class, percepatan, COUNT(*), COUNT(due_date),
                   SUM(CASE WHEN first_ready < {due_end} THEN 1 ELSE 0 END)
            FROM (
                SELECT a.case_type, a.service_class, a.percepatan, a.due_date,
                       MIN(e.at) AS first_ready
                FROM {event} e
                JOIN {application} a ON a.id = e.application_id
                WHERE e.to_status = %s AND e.at >= %s AND e.at < %s
                  AND a.office_id IN ({", ".join(["%s"] * len(ids))})
                GROUP BY a.id, a.case_type, a.service_class, a.percepatan, a.due_date
            ) a
            GROUP BY case_type, service_class, percepatan
        """  # noqa: S608  (table names from the models' own Meta; values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [due_param, ApplicationStatus.READY.value, *_instants(low, high), *ids]
            )
            for case_type, service_class, percepatan, issued, with_due, on_time in cursor:
                kind = standard_kind(
                    Application(
                        case_type=case_type, service_class=service_class, percepatan=percepatan
                    )
                )
                row = counts[kind]
                row[0] += issued
                row[1] += with_due
                row[2] += int(on_time or 0)
    return [
        CompletionRow(kind, str(label), *counts.get(kind, [0, 0, 0]))
        for kind, label in StandardKind.choices
    ]


# ---------------------------------------------------------------- quota


@dataclass(frozen=True)
class QuotaDay:
    date: dt.date
    released: int
    taken: int
    booked: int
    checked_in: int
    no_show: int
    lapsed: int
    cancelled: int

    @property
    def use_share(self) -> Decimal | None:
        return percent(self.checked_in, self.released)


def quota_days(*, offices: Sequence[Office], period: DashPeriod) -> list[QuotaDay]:
    """Per day: places released and taken now (slots), and the bookings made for that day
    by what became of them: checked in (used), no-show, lapsed unpaid, cancelled. Days
    without released places and without bookings are left out. Two queries."""
    ids = [o.pk for o in offices]
    slots: dict[dt.date, dict[str, Any]] = {
        row["date"]: dict(row)
        for row in SlotCapacity.objects.filter(
            office_id__in=ids, date__range=(period.start, period.end)
        )
        .values("date")
        .annotate(released=Sum("capacity"), taken=Sum("used"))
    }
    bookings: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Booking.objects.filter(office_id__in=ids, slot__date__range=(period.start, period.end))
        .values("slot__date", "status")
        .annotate(n=Count("id"))
    ):
        bookings[row["slot__date"]][row["status"]] += row["n"]
    result = []
    for day in sorted(set(slots) | set(bookings)):
        s: dict[str, Any] = slots.get(day, {})
        b: dict[str, int] = bookings.get(day, {})
        result.append(
            QuotaDay(
                date=day,
                released=s.get("released") or 0,
                taken=s.get("taken") or 0,
                booked=sum(b.values()),
                checked_in=b.get(BookingStatus.CHECKED_IN, 0),
                no_show=b.get(BookingStatus.NO_SHOW, 0),
                lapsed=b.get(BookingStatus.EXPIRED, 0),
                cancelled=b.get(BookingStatus.CANCELLED, 0),
            )
        )
    return result


# ---------------------------------------------------------------- waiting and service


@dataclass(frozen=True)
class TimeRow:
    stage: str
    stage_label: str
    service_class: str
    class_label: str
    waits: int
    wait_median: float | None
    wait_p90: float | None
    within_sop: int
    sop_share: Decimal | None
    services: int
    service_median: float | None
    service_p90: float | None


@dataclass
class TimeFigures:
    rows: list[TimeRow] = field(default_factory=list)
    priority: TimeRow | None = None
    others: TimeRow | None = None


def time_figures(*, offices: Sequence[Office], period: DashPeriod) -> TimeFigures:
    """Waiting time (entering a stage -> first call there) and service time (the time
    served there until the first finish, parked time left out) per stage and lane
    class, in minutes, with SOP compliance: the share
    of waits within the stage's ``sop_wait_minutes`` (each office's own standard).

    Each wait and each service is measured once, in whole seconds, on the call or finish
    event that ends it (``queueing.timing``), and counted in the period when that event
    happened (at the office's local midnight). The database counts them per stage code,
    lane class (the lane the event was in), within the SOP or not, and second, so a
    year of the nation comes back as some thousands of rows of counts (on PostgreSQL an
    index-only scan of the covering (stage, kind, at) index, without reading tickets);
    the medians and 90th percentiles are taken from those counts exactly as from the
    sorted values (``quantile_counted``). One query, and one per time zone."""
    ids = [o.pk for o in offices]
    stages = {
        s.pk: s
        for s in Stage.objects.filter(office_id__in=ids).only(
            "id", "office_id", "code", "sequence", "sop_wait_minutes"
        )
    }
    waits: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    services: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    within: dict[tuple[str, str], int] = defaultdict(int)
    ranges = _zone_ranges(offices, period, ((s.pk, s.office_id) for s in stages.values()))
    # One query per time zone: each is a range of the covering index (an OR of the
    # zones would read the whole table).
    measured = [
        row
        for r in ranges
        for row in TicketEvent.objects.filter(
            stage_id__in=r.stage_ids,
            kind__in=[EventKind.CALL, EventKind.FINISH],
            at__gte=r.low,
            at__lt=r.high,
            seconds__isnull=False,
            lane__isnull=False,
        )
        .annotate(
            within=Case(
                When(seconds__lte=F("stage__sop_wait_minutes") * 60, then=Value(True)),
                default=Value(False),
            )
        )
        .values_list("stage__code", "lane__service_class", "kind", "within", "seconds")
        .annotate(n=Count("*"))
        .order_by()
    ]
    for code, lane_class, kind, is_within, seconds, n in measured:
        keys = (
            (code, lane_class),
            ("", ServiceClass.PRIORITY if lane_class == ServiceClass.PRIORITY else "other"),
        )
        for key in keys:
            if kind == EventKind.CALL:
                waits[key][seconds] += n
                if is_within:
                    within[key] += n
            else:
                services[key][seconds] += n
    order = {code: i for i, code in enumerate(_stage_order(stages.values()))}
    class_order = {c: i for i, c in enumerate(ServiceClass.values)}
    labels = dict(ServiceClass.choices)
    stage_labels = {s.code: str(s.get_code_display()) for s in stages.values()}

    def row(key: tuple[str, str], stage_label: str, class_label: str) -> TimeRow:
        w, s = waits.get(key, {}), services.get(key, {})
        return TimeRow(
            key[0],
            stage_label,
            key[1],
            class_label,
            sum(w.values()),
            _minutes(quantile_counted(w, 0.5)),
            _minutes(quantile_counted(w, 0.9)),
            within.get(key, 0),
            percent(within.get(key, 0), sum(w.values())),
            sum(s.values()),
            _minutes(quantile_counted(s, 0.5)),
            _minutes(quantile_counted(s, 0.9)),
        )

    figures = TimeFigures()
    for key in sorted(
        (k for k in set(waits) | set(services) if k[0]),
        key=lambda k: (order.get(k[0], 99), class_order.get(k[1], 99)),
    ):
        figures.rows.append(
            row(key, stage_labels.get(key[0], key[0]), str(labels.get(key[1], key[1])))
        )
    figures.priority = row(
        ("", ServiceClass.PRIORITY), _("All stages"), str(labels[ServiceClass.PRIORITY])
    )
    figures.others = row(("", "other"), _("All stages"), _("All other lanes"))
    return figures


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def quantile_counted(counts: dict[int, int], q: float) -> float | None:
    """``quantile`` of the values each repeated as often as counted: the same linear
    interpolation between the two values around position q × (n − 1), found by walking
    the distinct values in order instead of sorting every one."""
    n = sum(counts.values())
    if not n:
        return None
    position = q * (n - 1)
    low = math.floor(position)
    fraction = position - low
    seen = 0
    values = iter(sorted(counts.items()))
    for value, count in values:
        seen += count
        if seen > low:
            if fraction == 0 or seen > low + 1:
                return float(value)
            following = next(values)[0]
            return value + (following - value) * fraction
    raise AssertionError("unreachable: the counts hold more than position values")


@contextmanager
def _analytic() -> Iterator[None]:
    """On PostgreSQL, one transaction whose groupings of a year of events stay in memory
    (the default 4 MB ``work_mem`` spills a large office's to disk) and are not
    JIT-compiled (about 0.1 s of compiling per query, more than it saves here)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        _analytic_settings(cursor)
        yield


def _analytic_settings(cursor: Any) -> None:
    cursor.execute(f"SET LOCAL work_mem = '{ANALYTIC_WORK_MEM}'")
    cursor.execute("SET LOCAL jit = off")


def _stage_order(stages: Iterable[Stage]) -> list[str]:
    first: dict[str, int] = {}
    for stage in stages:
        first[stage.code] = min(first.get(stage.code, 999), stage.sequence)
    return sorted(first, key=lambda c: (first[c], c))


# ---------------------------------------------------------------- counters


@dataclass(frozen=True)
class ThroughputRow:
    officer: str
    stage: str
    stage_label: str
    finished: int
    days: int

    @property
    def per_day(self) -> Decimal | None:
        if not self.days:
            return None
        return (Decimal(self.finished) / Decimal(self.days)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class CounterUse:
    """Time staffed (officers signed in at the counter) and time serving there (the
    seconds served in every service finished there: from each start to the event after
    it, parked time left out), in the period. A service is counted at the counter that
    finished it."""

    label: str
    staffed_seconds: int
    busy_seconds: int
    finished: int

    @property
    def staffed_hours(self) -> Decimal:
        return _hours(self.staffed_seconds)

    @property
    def busy_hours(self) -> Decimal:
        return _hours(self.busy_seconds)

    @property
    def share(self) -> Decimal | None:
        """Utilisation: serving ÷ staffed, in per cent; None when never staffed."""
        return percent(self.busy_seconds, self.staffed_seconds)


def _hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class CounterFigures:
    throughput: list[ThroughputRow]
    counters: list[CounterUse]
    officers: list[CounterUse]


def counter_figures(
    *, offices: Sequence[Office], period: DashPeriod, now: dt.datetime | None = None
) -> CounterFigures:
    """Stages finished per officer and stage (``finish`` events) and on how many days the
    officer finished any there; per counter and per officer, the time serving against
    the time staffed (utilisation). Three queries, and one per time zone.

    The finish events are read once (the covering (stage, kind, at) index), counted per
    officer, stage, counter and day, and those few rows are summed three ways. A ticket
    only ever moves between its own office's stages (``ticket_transfer``), so naming the
    offices' stages changes no figure. An officer is one user (the e-mail address is
    unique), so grouping by the user's id gives the groups of (name, e-mail).

    Time staffed is each counter session cut to the period at the office's midnight, to
    ``now`` for a session still open, and to the end of the day it began (nothing
    closes a session an officer forgot; offices do not serve past midnight). Finishes
    are counted on the office's local day they happened, found through the offices'
    stages and their time (no ticket is read)."""
    ids = [o.pk for o in offices]
    stage_rows = list(Stage.objects.filter(office_id__in=ids).values_list("id", "office_id"))
    if not stage_rows:
        return CounterFigures([], [], [])
    ranges = _zone_ranges(offices, period, stage_rows)
    event, stage = TicketEvent._meta.db_table, Stage._meta.db_table
    parts: list[str] = []
    params: list[Any] = []
    for r in ranges:
        # The office's local day of each finish, as a number (only told apart, never
        # shown): the instant moved by the zone's offset, which is fixed in Indonesia
        # (no daylight saving). Cheaper than converting each instant in its zone.
        if connection.vendor == "postgresql":
            day = "floor((date_part('epoch', e.at) + %s) / 86400)"
            day_param: Any = r.utc_offset_minutes * 60
        else:
            day, day_param = "date(e.at, %s)", f"{r.utc_offset_minutes:+d} minutes"
        parts.append(
            f"""SELECT e.actor_id, e.stage_id, e.counter_id, {day} AS day,
                       COUNT(*) AS n, SUM(e.seconds) AS busy
                FROM {event} e
                WHERE e.kind = %s AND e.stage_id IN ({", ".join(["%s"] * len(r.stage_ids))})
                  AND e.at >= %s AND e.at < %s
                GROUP BY e.actor_id, e.stage_id, e.counter_id, {day}"""  # noqa: S608
        )
        params += [
            day_param,
            EventKind.FINISH.value,
            *r.stage_ids,
            *_instants(r.low, r.high),
            day_param,
        ]
    sql = f"""
        WITH per_day AS ({" UNION ALL ".join(parts)})
        SELECT 'stage', actor_id, code, NULL, SUM(n), NULL, COUNT(*)
        FROM (
            SELECT per_day.actor_id, s.code, per_day.day, SUM(per_day.n) AS n
            FROM per_day JOIN {stage} s ON s.id = per_day.stage_id
            GROUP BY per_day.actor_id, s.code, per_day.day
        ) days
        GROUP BY actor_id, code
        UNION ALL
        SELECT 'counter', NULL, NULL, counter_id, SUM(n), SUM(busy), NULL
        FROM per_day WHERE counter_id IS NOT NULL GROUP BY counter_id
        UNION ALL
        SELECT 'officer', actor_id, NULL, NULL, SUM(n), SUM(busy), NULL
        FROM per_day WHERE actor_id IS NOT NULL GROUP BY actor_id
    """  # noqa: S608  (table names from the models' own Meta; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = cursor.fetchall()
    staffed_counter: dict[int, int] = defaultdict(int)
    staffed_officer: dict[int, int] = defaultdict(int)
    moment = now or timezone.now()
    session_table, counter_table = CounterSession._meta.db_table, Counter._meta.db_table
    zone_offices = _offices_by_zone(offices)
    for r in ranges:
        end = min(moment, r.high)
        if end <= r.low:
            continue
        # Each session cut to the period, to now, and to the end of the local day it
        # began: a session nobody closed stops counting at that midnight instead of
        # running on for days. Summed per counter and officer by the database.
        if connection.vendor == "postgresql":
            day_end = "(date_trunc('day', s.started_at AT TIME ZONE %s) + interval '1 day') AT TIME ZONE %s"
            day_params: list[Any] = [r.zone, r.zone]
            seconds = "date_part('epoch', {upper} - {lower})"
            least, greatest = "LEAST", "GREATEST"
        else:
            shift = f"{r.utc_offset_minutes:+d} minutes"
            back = f"{-r.utc_offset_minutes:+d} minutes"
            day_end = "datetime(date(s.started_at, %s), '+1 day', %s)"
            day_params = [shift, back]
            seconds = "(julianday({upper}) - julianday({lower})) * 86400"
            least, greatest = "min", "max"
        upper = f"{least}(COALESCE(s.ended_at, %s), %s, {day_end})"
        lower = f"{greatest}(s.started_at, %s)"
        ids = zone_offices[r.zone]
        sql = f"""
            SELECT s.counter_id, s.officer_id,
                   SUM({greatest}(0, {seconds.format(upper=upper, lower=lower)}))
            FROM {session_table} s JOIN {counter_table} c ON c.id = s.counter_id
            WHERE c.office_id IN ({", ".join(["%s"] * len(ids))})
              AND s.started_at < %s AND (s.ended_at IS NULL OR s.ended_at > %s)
            GROUP BY s.counter_id, s.officer_id
        """  # noqa: S608  (table names from the models' own Meta; values are parameters)
        low_, end_ = _instants(r.low, end)
        with connection.cursor() as cursor:
            cursor.execute(sql, [end_, end_, *day_params, low_, *ids, end_, low_])
            for counter_id, officer_id, total in cursor:
                # Rounded: SQLite's julianday arithmetic leaves 3599.99… for an hour.
                staffed_counter[counter_id] += round(total or 0)
                staffed_officer[officer_id] += round(total or 0)
    busy_counter = {row[3]: (row[5] or 0, row[4]) for row in counts if row[0] == "counter"}
    busy_officer = {row[1]: (row[5] or 0, row[4]) for row in counts if row[0] == "officer"}
    names = {
        pk: (full_name, email)
        for pk, full_name, email in User.objects.filter(
            pk__in={row[1] for row in counts if row[1] is not None} | set(staffed_officer)
        ).values_list("id", "full_name", "email")
    }
    labels = dict(StageCode.choices)
    rows = []
    for _kind, actor_id, code, _c, finished, _busy, days in (r for r in counts if r[0] == "stage"):
        full_name, email = names.get(actor_id, (None, None))
        rows.append((code, -int(finished), full_name is None, full_name or "", email or "", days))
    # As the database would order them: stage code, most finished first, then by name
    # (an officer without an account, the system, last).
    rows.sort()
    counters = {
        c.pk: c
        for c in sorted(
            Counter.objects.filter(pk__in=set(busy_counter) | set(staffed_counter)).select_related(
                "office"
            ),
            # Counter "2" before "10": numbers as numbers where they are.
            key=lambda c: (c.office.code, not c.number.isdigit(), c.number.zfill(10)),
        )
    }

    def use(label: str, staffed: int, busy: tuple[int, int] | None) -> CounterUse:
        served, finished = busy or (0, 0)
        return CounterUse(label, staffed, int(served), int(finished))

    officers = [
        use(
            names[pk][0] or names[pk][1],
            staffed_officer.get(pk, 0),
            busy_officer.get(pk),
        )
        for pk in set(busy_officer) | set(staffed_officer)
        if pk in names
    ]
    officers.sort(key=lambda u: (u.label.casefold(), u.label))
    return CounterFigures(
        throughput=[
            ThroughputRow(
                officer=full_name or email or _("(system)"),
                stage=code,
                stage_label=str(labels.get(code, code)),
                finished=-minus_finished,
                days=int(days),
            )
            for code, minus_finished, _no_name, full_name, email, days in rows
        ],
        counters=[
            use(
                str(counter)
                if len(offices) > 1
                else _("Counter %(number)s") % {"number": counter.number},
                staffed_counter.get(pk, 0),
                busy_counter.get(pk),
            )
            for pk, counter in counters.items()
        ],
        officers=officers,
    )


# ---------------------------------------------------------------- pickups


@dataclass(frozen=True)
class LaneUse:
    lane: str
    label: str
    offered: int
    taken: int
    served: int

    @property
    def use_share(self) -> Decimal | None:
        return percent(self.taken, self.offered)


@dataclass
class PickupSummary:
    handed_over: list[CountRow]
    drive_thru: list[LaneUse]
    uncollected: int


def pickup_summary(*, offices: Sequence[Office], period: DashPeriod) -> PickupSummary:
    """Passports that left the office in the period by the pickup channel chosen
    (counter, drive-thru, courier, proxy), drive-thru places offered and taken per lane
    with the vehicles served there, and the passports that became ready in the period
    and still wait to be collected. The totals of the pickup app's per-day
    ``pickup_figures``, aggregated in the database. Three queries."""
    ids = [o.pk for o in offices]
    methods: dict[str, int] = defaultdict(int)
    served: dict[str, int] = defaultdict(int)
    for row in (
        # The choice's office is the application's (a passport is collected where it
        # was made): one join fewer than through the application.
        Handover.objects.filter(
            _local_range_q("at", offices, period, office_field="choice__office_id")
        )
        .values("choice__method", "choice__vehicle")
        .annotate(n=Count("id"))
        .order_by()
    ):
        methods[row["choice__method"]] += row["n"]
        if row["choice__method"] == PickupMethod.DRIVE_THRU and row["choice__vehicle"]:
            served[row["choice__vehicle"]] += row["n"]
    use: dict[str, tuple[int, int]] = {
        row["lane"]: (row["offered"] or 0, row["taken"] or 0)
        for row in DriveThruSlot.objects.filter(
            office_id__in=ids, date__range=(period.start, period.end)
        )
        .values("lane")
        .annotate(taken=Sum("used"), offered=Sum("capacity"))
        .order_by()
    }
    uncollected = (
        ApplicationEvent.objects.filter(
            _local_range_q("at", offices, period, office_field="application__office_id"),
            to_status=ApplicationStatus.READY,
            application__status=ApplicationStatus.READY,
        )
        .values("application_id")
        .distinct()
        .count()
    )
    return PickupSummary(
        handed_over=_rows(methods, PickupMethod.choices),
        drive_thru=[
            LaneUse(
                lane,
                str(label),
                *use.get(lane, (0, 0)),
                served.get(lane, 0),
            )
            for lane, label in DriveThruLane.choices
        ],
        uncollected=uncollected,
    )


# ---------------------------------------------------------------- complaints and surveys


@dataclass(frozen=True)
class ComplaintRow:
    category: str
    label: str
    received: int
    answered: int
    on_time: int
    late: int
    overdue: int

    @property
    def on_time_share(self) -> Decimal | None:
        return percent(self.on_time, self.answered)


def complaint_figures(
    *,
    user: User | None,
    offices: Sequence[Office],
    period: DashPeriod,
    now: dt.datetime | None = None,
) -> list[ComplaintRow]:
    """Complaints received in the period per category: answered, answered on time or
    late (the SLA flag the feedback app records), and overdue now (its own rule, each
    office on its own date). Only complaints the reader may see are counted
    (``complaints_visible_to``: integrity reports stay with the head and integrity
    officer). Without a reader (a scheduled report), restricted complaints are left out.
    One query."""
    moment = now or timezone.now()
    overdue = Q(pk__in=[])
    by_tz: dict[str, list[int]] = defaultdict(list)
    for office in offices:
        by_tz[office.timezone].append(office.pk)
    for ids in by_tz.values():
        sample = next(o for o in offices if o.pk == ids[0])
        overdue |= Q(office_id__in=ids) & complaints_overdue_q(moment.astimezone(sample.tz).date())
    counts: dict[str, dict[str, Any]] = {
        r["category"]: dict(r)
        for r in (
            complaints_visible_to(user)
            if user is not None
            else Complaint.objects.filter(restricted=False)
        )
        .filter(_local_range_q("created_at", offices, period))
        .values("category")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            on_time=Count("id", filter=Q(answered_on_time=True)),
            late=Count("id", filter=Q(answered_on_time=False)),
            overdue=Count("id", filter=overdue),
        )
        .order_by()
    }
    return [
        ComplaintRow(
            value,
            str(label),
            counts.get(value, {}).get("received", 0),
            counts.get(value, {}).get("answered", 0),
            counts.get(value, {}).get("on_time", 0),
            counts.get(value, {}).get("late", 0),
            counts.get(value, {}).get("overdue", 0),
        )
        for value, label in ComplaintCategory.choices
    ]


@dataclass(frozen=True)
class SurveyFigure:
    """An office's IKM or IPK over a period, as the feedback app's ``ikm_report`` and
    ``ipk_report`` compute it (exact fractions, rounded once; the IKM grade band)."""

    respondents: int
    index_exact: Fraction | None = None
    index: Decimal | None = None
    band: ikm.Band | None = None


@dataclass(frozen=True)
class SurveyPoint:
    label: str
    ikm: SurveyFigure
    ipk: SurveyFigure


def _trend_periods(period: DashPeriod) -> list[Period]:
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    kind = "month" if months <= TREND_MONTHS else "quarter"
    result: list[Period] = []
    day = period.start
    while day <= period.end:
        index = day.month if kind == "month" else (day.month - 1) // 3 + 1
        p = period_make(kind, day.year, index)
        if not result or result[-1] != p:
            result.append(p)
        day = p.end + dt.timedelta(days=1)
    return result


def survey_figures(
    *, office_ids: Sequence[int], periods: Sequence[Period]
) -> dict[tuple[int, int], tuple[SurveyFigure, SurveyFigure]]:
    """IKM and IPK per (office id, position in ``periods``) over the whole survey
    service (no service type). The same numbers as ``ikm_report``/``ipk_report``: an
    element's (a question's) NRR is its score total over its count, exactly; but the
    database sums per office and day, so a year of offices is three queries, not three
    per office and month. ``periods`` do not overlap."""
    if not periods:
        return {}
    ordered = sorted(range(len(periods)), key=lambda i: periods[i].start)
    starts = [periods[i].start for i in ordered]

    def slot(day: dt.date) -> int | None:
        at = bisect_right(starts, day) - 1
        if at < 0 or day > periods[ordered[at]].end:
            return None
        return ordered[at]

    ids = list(office_ids)
    span = (min(starts), max(p.end for p in periods))
    ikm_n: dict[tuple[int, int], int] = defaultdict(int)
    ikm_sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * len(ikm.ELEMENT_CODES))
    for ikm_row in (
        IkmResponse.objects.filter(office_id__in=ids, submitted_on__range=span)
        .values("office_id", "submitted_on")
        .annotate(n=Count("id"), **{f"sum_{c}": Sum(c) for c in ikm.ELEMENT_CODES})
        .order_by()
    ):
        at = slot(ikm_row["submitted_on"])
        if at is None:
            continue
        key = (ikm_row["office_id"], at)
        ikm_n[key] += ikm_row["n"]
        sums: dict[str, Any] = dict(ikm_row)
        for i, code in enumerate(ikm.ELEMENT_CODES):
            ikm_sums[key][i] += sums[f"sum_{code}"]
    ipk_n: dict[tuple[int, int], int] = defaultdict(int)
    for response_row in (
        IpkResponse.objects.filter(office_id__in=ids, submitted_on__range=span)
        .values("office_id", "submitted_on")
        .annotate(n=Count("id"))
        .order_by()
    ):
        at = slot(response_row["submitted_on"])
        if at is not None:
            ipk_n[(response_row["office_id"], at)] += response_row["n"]
    ipk_scores: dict[tuple[int, int], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for answer_row in (
        IpkAnswer.objects.filter(response__office_id__in=ids, response__submitted_on__range=span)
        .values("response__office_id", "response__submitted_on", "question_id")
        .annotate(total=Sum("score"), n=Count("id"))
        .order_by()
    ):
        at = slot(answer_row["response__submitted_on"])
        if at is None:
            continue
        pair = ipk_scores[(answer_row["response__office_id"], at)][answer_row["question_id"]]
        pair[0] += answer_row["total"]
        pair[1] += answer_row["n"]
    result: dict[tuple[int, int], tuple[SurveyFigure, SurveyFigure]] = {}
    for office_id in ids:
        for at in range(len(periods)):
            key = (office_id, at)
            ikm_figure = SurveyFigure(ikm_n.get(key, 0))
            if ikm_n.get(key):
                exact = ikm.ikm_exact([Fraction(t, ikm_n[key]) for t in ikm_sums[key]])
                index = ikm.round_half_up(exact)
                ikm_figure = SurveyFigure(ikm_n[key], exact, index, ikm.band_for(index))
            ipk_figure = SurveyFigure(ipk_n.get(key, 0))
            if ipk_scores.get(key):
                exact = ikm.mean_index_exact([Fraction(t, n) for t, n in ipk_scores[key].values()])
                ipk_figure = SurveyFigure(ipk_n.get(key, 0), exact, ikm.round_half_up(exact))
            result[key] = (ikm_figure, ipk_figure)
    return result


def survey_trend(*, office: Office, period: DashPeriod) -> list[SurveyPoint]:
    """IKM and IPK of each calendar month touching the period (quarters beyond a year)."""
    periods = _trend_periods(period)
    figures = survey_figures(office_ids=[office.pk], periods=periods)
    return [SurveyPoint(p.label, *figures[(office.pk, i)]) for i, p in enumerate(periods)]


def survey_by_office(
    *, offices: Sequence[Office], period: DashPeriod
) -> list[tuple[Office, SurveyPoint]]:
    """National view: IKM and IPK of each office over exactly the period."""
    whole = Period("custom", period.start.year, 1, period.start, period.end)
    figures = survey_figures(office_ids=[o.pk for o in offices], periods=[whole])
    return [(o, SurveyPoint(o.code, *figures[(o.pk, 0)])) for o in offices]


# ---------------------------------------------------------------- the whole dashboard


@dataclass
class Dashboard:
    offices: list[Office]
    office: Office | None
    period: DashPeriod
    applications: ApplicationFigures
    quota: list[QuotaDay]
    times: TimeFigures
    counters: list[ThroughputRow]
    counter_use: CounterFigures
    complaints: list[ComplaintRow]
    pickups: PickupSummary
    outreach: VisitFigures
    surveys: list[SurveyPoint]
    surveys_by_office: list[tuple[Office, SurveyPoint]]
    generated_at: dt.datetime

    @property
    def outreach_by_kind(self) -> list[tuple[str, str, int]]:
        """(kind, label, applications) for every partner kind, in the kinds' order."""
        counts = self.outreach.applications_by_partner_kind
        return [(kind, str(label), counts.get(kind, 0)) for kind, label in PartnerKind.choices]

    @property
    def tz_label(self) -> str:
        if self.office is not None:
            return f"{self.office.tz_abbreviation} ({self.office.timezone})"
        return _("each office's local time (WIB, WITA, WIT)")


def dashboard(
    *,
    user: User | None,
    offices: Sequence[Office],
    period: DashPeriod,
    office: Office | None = None,
) -> Dashboard:
    offices = list(offices)
    tasks: dict[str, Callable[[], Any]] = {
        # Longest first: two connections finish together when the long ones start early.
        "times": lambda: time_figures(offices=offices, period=period),
        "findings": lambda: document_check_findings(offices=offices, period=period),
        "completion": lambda: completion_by_due_date(offices=offices, period=period),
        "counters": lambda: counter_figures(offices=offices, period=period),
        "submitted": lambda: submitted_counts(offices=offices, period=period),
        "pickups": lambda: pickup_summary(offices=offices, period=period),
        "quota": lambda: quota_days(offices=offices, period=period),
        "surveys": lambda: survey_trend(office=office, period=period) if office is not None else [],
        "surveys_by_office": lambda: (
            survey_by_office(offices=offices, period=period) if office is None else []
        ),
        "complaints": lambda: complaint_figures(user=user, offices=offices, period=period),
        "outreach": lambda: visit_figures(offices=offices, start=period.start, end=period.end),
    }
    done = run_selectors(tasks)
    counters: CounterFigures = done.pop("counters")
    applications = application_figures_of(
        done.pop("submitted"), done.pop("completion"), done.pop("findings")
    )
    return Dashboard(
        offices=offices,
        office=office,
        period=period,
        applications=applications,
        counters=counters.throughput,
        counter_use=counters,
        generated_at=timezone.now(),
        **done,
    )


def run_selectors(tasks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run read-only selectors and return their results by name.

    On PostgreSQL they run on ``REPORTS_PARALLEL_QUERIES`` connections at once (one
    thread each, so a 2-core database works on two groupings together), all reading
    one snapshot: this thread exports it (``pg_export_snapshot``) and every worker's
    repeatable-read transaction imports it, so the figures agree with each other as
    if read in one transaction. Each worker keeps this request's language and time
    zone and closes its connection when done.

    One after the other in this thread's transaction instead on SQLite, when set to 1,
    or inside an open transaction (its uncommitted rows, a test's for instance, are not
    in any snapshot another connection can import)."""
    workers = min(int(getattr(settings, "REPORTS_PARALLEL_QUERIES", 1)), len(tasks))
    if connection.vendor != "postgresql" or workers < 2 or connection.in_atomic_block:
        with _analytic():
            return {name: task() for name, task in tasks.items()}
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    pending: queue.SimpleQueue[tuple[str, Callable[[], Any]]] = queue.SimpleQueue()
    for item in tasks.items():
        pending.put(item)

    def work(snapshot: str) -> dict[str, Any]:
        results: dict[str, Any] = {}
        try:
            with (
                translation.override(language),
                timezone.override(zone),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                _analytic_settings(cursor)
                # The selectors already run side by side: PostgreSQL's own parallel
                # workers would only compete with them for the same cores.
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                while True:
                    try:
                        name, task = pending.get_nowait()
                    except queue.Empty:
                        break
                    results[name] = task()
        finally:
            connection.close()
        return results

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # The exported snapshot lives as long as this transaction: wait for every worker.
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dashboard") as pool:
            parts = list(pool.map(work, [snapshot] * workers))
    return {name: value for part in parts for name, value in part.items()}
