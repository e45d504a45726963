"""The periodic report (issue #9): a month, quarter, semester or year of one office or of
the nation, for the letter upward (PDF) and for analysis (XLSX).

Its figures are the dashboard's, from the same selectors (``selectors_dashboard``), for
the period and for the one before it; the service standard (PermenPANRB 15/2014) comes
from ``selectors.service_standard``. Nothing here counts anything on its own: it sets
figures side by side and words what got better or worse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core.errors import ApplicationError
from loket.core.models import User
from loket.feedback.choices import PeriodKind
from loket.feedback.periods import Period, period_containing, period_make, periods_per_year
from loket.feedback.selectors import ikm_report, ipk_report
from loket.offices.models import Office
from loket.reports.selectors import ServiceStandard, service_standard
from loket.reports.selectors_dashboard import (
    Dashboard,
    DashPeriod,
    TimeRow,
    dashboard,
    percent,
)

KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.SEMESTER, PeriodKind.YEAR)
FIRST_YEAR = 2000


# ---------------------------------------------------------------- the period


def report_period_parse(*, today: dt.date, kind: str, year: str, index: str) -> Period:
    """The calendar period asked for. A wrong kind, year or number raises
    ``ApplicationError`` with a message for the field at fault; so does a period that
    has not begun yet."""
    if kind not in KINDS:
        message = _("Choose a month, quarter, semester or year.")
        raise ApplicationError("report_kind_invalid", message, fields={"kind": message})
    try:
        year_n = int(year)
    except ValueError:
        year_n = 0
    if not FIRST_YEAR <= year_n <= today.year:
        message = _("Enter a year from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR,
            "last": today.year,
        }
        raise ApplicationError("report_year_invalid", message, fields={"year": message})
    count = periods_per_year(kind)
    try:
        index_n = 1 if count == 1 else int(index)
    except ValueError:
        index_n = 0
    if not 1 <= index_n <= count:
        message = _("Enter a number from 1 to %(n)s.") % {"n": count}
        raise ApplicationError("report_index_invalid", message, fields={"index": message})
    period = period_make(kind, year_n, index_n)
    if period.start > today:
        message = _("This period has not begun yet.")
        raise ApplicationError("report_period_future", message, fields={"index": message})
    return period


def previous_period(period: Period) -> Period:
    if period.index > 1:
        return period_make(period.kind, period.year, period.index - 1)
    return period_make(period.kind, period.year - 1, periods_per_year(period.kind))


def last_complete_period(kind: str, today: dt.date) -> Period:
    """The latest period of ``kind`` that ended before ``today``."""
    return previous_period(period_containing(kind, today))


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class Change:
    """One headline figure in both periods. ``better`` is True or False when the figure
    moved and has a direction (a volume only rises or falls: None)."""

    label: str
    current: Decimal | int | None
    previous: Decimal | int | None
    unit: str
    better: bool | None
    sentence: str


@dataclass(frozen=True)
class StandardLine:
    """One component of the service standard: what the office promises and what the
    period's records show (or that the records do not measure it)."""

    number: int
    component: str
    promised: str
    measured: str


@dataclass
class PeriodicReport:
    offices: list[Office]
    office: Office | None
    period: Period
    previous: Period
    partial: bool  # the period has not ended: figures up to today
    board: Dashboard
    before: Dashboard
    now: Headline | None = None
    then: Headline | None = None
    changes: list[Change] = field(default_factory=list)
    standard: list[StandardLine] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def scope_name(self) -> str:
        return self.office.name if self.office is not None else _("All offices")

    @property
    def title(self) -> str:
        return _("Service report %(period)s — %(scope)s") % {
            "period": self.period.label,
            "scope": self.scope_name,
        }

    @property
    def file_stem(self) -> str:
        scope = self.office.code if self.office is not None else "national"
        return f"report-{scope}-{self.period.label}"


def _dash(period: Period, today: dt.date) -> DashPeriod:
    return DashPeriod(period.start, min(period.end, today))


def periodic_report(
    *,
    user: User | None,
    offices: Sequence[Office],
    period: Period,
    office: Office | None = None,
    today: dt.date | None = None,
) -> PeriodicReport:
    """The report of ``period`` for ``offices`` (one office: ``office`` too) as ``user``
    may see it. A period still running is cut at ``today``; the period before is taken
    whole, so its comparison is marked partial."""
    today = today or timezone.localdate()
    previous = previous_period(period)
    board = dashboard(user=user, offices=offices, period=_dash(period, today), office=office)
    before = dashboard(user=user, offices=offices, period=_dash(previous, today), office=office)
    report = PeriodicReport(
        offices=list(offices),
        office=office,
        period=period,
        previous=previous,
        partial=period.end >= today,
        board=board,
        before=before,
    )
    report.now, report.then = headline(board), headline(before)
    report.changes = changes_between(report.now, report.then, office=office)
    std = service_standard(office=office, on=period.end) if office is not None else None
    report.standard = standard_lines(std, board, report.now)
    return report


# ---------------------------------------------------------------- headline figures


@dataclass(frozen=True)
class Headline:
    submitted: int
    issued: int
    target_share: Decimal | None
    by_due_date: Decimal | None
    warning_share: Decimal | None
    sop_share: Decimal | None
    wait_median: Decimal | None
    no_show_share: Decimal | None
    complaints: int
    complaints_on_time: Decimal | None
    complaints_overdue: int
    utilisation: Decimal | None
    ikm: Decimal | None
    ipk: Decimal | None


def _all_lanes(board: Dashboard) -> tuple[int, int]:
    """Waits and waits within the SOP over every stage and lane."""
    rows: list[TimeRow] = [r for r in (board.times.priority, board.times.others) if r]
    return sum(r.waits for r in rows), sum(r.within_sop for r in rows)


def headline(board: Dashboard) -> Headline:
    apps = board.applications
    warned = sum(q.with_warnings for q in apps.quality)
    waits, within = _all_lanes(board)
    others = board.times.others
    booked = sum(d.booked for d in board.quota)
    no_show = sum(d.no_show for d in board.quota)
    answered = sum(c.answered for c in board.complaints)
    on_time = sum(c.on_time for c in board.complaints)
    ikm = ipk = None
    if board.office is not None:
        whole = Period("custom", board.period.start.year, 1, board.period.start, board.period.end)
        ikm = ikm_report(office=board.office, period=whole).index
        ipk = ipk_report(office=board.office, period=whole).index
    return Headline(
        submitted=apps.submitted,
        issued=apps.issued,
        target_share=apps.target_share,
        by_due_date=percent(
            sum(c.by_due_date for c in apps.completion),
            sum(c.with_due_date for c in apps.completion),
        ),
        warning_share=percent(warned, apps.submitted),
        sop_share=percent(within, waits),
        wait_median=Decimal(str(round(others.wait_median, 1)))
        if others is not None and others.wait_median is not None
        else None,
        no_show_share=percent(no_show, booked),
        complaints=sum(c.received for c in board.complaints),
        complaints_on_time=percent(on_time, answered),
        complaints_overdue=sum(c.overdue for c in board.complaints),
        utilisation=percent(
            sum(u.busy_seconds for u in board.counter_use.counters),
            sum(u.staffed_seconds for u in board.counter_use.counters),
        ),
        ikm=ikm,
        ipk=ipk,
    )


def _change(
    label: str,
    current: Decimal | int | None,
    previous: Decimal | int | None,
    unit: str,
    higher_is_better: bool | None,
) -> Change:
    def show(value: Decimal | int | None) -> str:
        return _("no data") if value is None else f"{value}{unit}"

    values = {"label": label, "now": show(current), "before": show(previous)}
    if current is None or previous is None:
        return Change(
            label,
            current,
            previous,
            unit,
            None,
            _("%(label)s: %(now)s (previous period: %(before)s); no comparison.") % values,
        )
    if current == previous:
        return Change(
            label,
            current,
            previous,
            unit,
            None,
            _("%(label)s: unchanged at %(now)s.") % values,
        )
    rose = current > previous
    if higher_is_better is None:
        text = (
            _("%(label)s rose from %(before)s to %(now)s.")
            if rose
            else _("%(label)s fell from %(before)s to %(now)s.")
        )
        return Change(label, current, previous, unit, None, text % values)
    better = rose == higher_is_better
    text = (
        _("Better: %(label)s went from %(before)s to %(now)s.")
        if better
        else _("Worse: %(label)s went from %(before)s to %(now)s.")
    )
    return Change(label, current, previous, unit, better, text % values)


def changes_between(now: Headline, then: Headline, *, office: Office | None) -> list[Change]:
    """The automatic summary: each headline figure against the period before (IKM and
    IPK for one office only: they are an office's index)."""
    minutes = " " + _("min")
    changes = [
        _change(_("Applications submitted"), now.submitted, then.submitted, "", None),
        _change(_("Passports issued"), now.issued, then.issued, "", True),
        _change(_("Issued against target"), now.target_share, then.target_share, "%", True),
        _change(_("Ready by the due date"), now.by_due_date, then.by_due_date, "%", True),
        _change(_("Applications with warnings"), now.warning_share, then.warning_share, "%", False),
        _change(_("Waits within the SOP"), now.sop_share, then.sop_share, "%", True),
        _change(
            _("Median wait (regular lanes)"), now.wait_median, then.wait_median, minutes, False
        ),
        _change(_("No-shows among bookings"), now.no_show_share, then.no_show_share, "%", False),
        _change(_("Complaints received"), now.complaints, then.complaints, "", None),
        _change(
            _("Complaints answered on time"),
            now.complaints_on_time,
            then.complaints_on_time,
            "%",
            True,
        ),
        _change(
            _("Complaints overdue"), now.complaints_overdue, then.complaints_overdue, "", False
        ),
        # Neither better nor worse by itself: idle counters and an overworked hall both
        # show in it.
        _change(_("Counter utilisation"), now.utilisation, then.utilisation, "%", None),
    ]
    if office is not None:
        changes.append(_change(_("IKM"), now.ikm, then.ikm, "", True))
        changes.append(_change(_("IPK"), now.ipk, then.ipk, "", True))
    return changes


# ---------------------------------------------------------------- service standard


def _or_none(value: object, fmt: str) -> str:
    return _("no data") if value is None else fmt % {"v": value}


def standard_lines(
    std: ServiceStandard | None, board: Dashboard, h: Headline
) -> list[StandardLine]:
    """The fourteen components of PermenPANRB 15/2014 (six of service delivery, eight of
    service management), each with the office's promise and what the period measured.
    The national report has no single promise: it shows the measures only."""
    apps = board.applications
    quality = {q.channel: q.share for q in apps.quality}
    officers = sorted({t.officer for t in board.counters})
    released = sum(d.released for d in board.quota)
    used = sum(d.checked_in for d in board.quota)
    not_measured = _("Not measured from the service records.")
    dash = "—"
    promised: dict[int, str] = dict.fromkeys(range(1, 15), dash)
    if std is not None:
        promised.update(
            {
                1: _("%(n)s application cases with their documents published.")
                % {"n": len(std.requirements)},
                2: " → ".join(s.name for s in std.stages) or dash,
                3: _(
                    "Waiting at most %(wait)s min and service %(service)s min over all "
                    "stages; ready %(days)s working days after payment."
                )
                % {
                    "wait": std.sop_wait_minutes,
                    "service": std.sop_service_minutes,
                    "days": std.regular_working_days,
                },
                4: "; ".join(f"{f.label}: Rp{f.amount:,}".replace(",", ".") for f in std.fees)
                or _("No fee in force."),
                5: "; ".join(std.products) or dash,
                6: _("Verified within %(n)s working days; answered within %(days)s working days.")
                % {
                    "n": std.complaint_verify_days,
                    "days": "/".join(str(d) for d in std.complaint_class_days),
                },
                7: "; ".join(std.regulations) or dash,
                8: ", ".join(f.label for f in std.facilities if f.available) or dash,
                9: dash,
                10: _("Integrity survey (IPK) and the integrity officer."),
                11: _("%(officers)s officers, %(counters)s counters (%(priority)s priority).")
                % {
                    "officers": std.officers,
                    "counters": std.counters,
                    "priority": std.priority_counters,
                },
                12: std.pledge or dash,
                13: dash,
                14: _("This periodic report."),
            }
        )
    measured = {
        1: _("%(all)s of applications had a warning (online %(online)s, assisted %(assisted)s).")
        % {
            "all": _or_none(h.warning_share, "%(v)s%%"),
            "online": _or_none(quality.get("online"), "%(v)s%%"),
            "assisted": _or_none(quality.get("assisted"), "%(v)s%%"),
        },
        2: _("%(n)s applications submitted; %(share)s of waits within the stage standard.")
        % {"n": h.submitted, "share": _or_none(h.sop_share, "%(v)s%%")},
        3: _(
            "Median wait in regular lanes %(median)s; waits within the SOP %(share)s; "
            "passports ready by the due date %(due)s."
        )
        % {
            "median": _or_none(h.wait_median, "%(v)s min"),
            "share": _or_none(h.sop_share, "%(v)s%%"),
            "due": _or_none(h.by_due_date, "%(v)s%%"),
        },
        4: not_measured,
        5: _("%(n)s passports issued; %(share)s of the target.")
        % {"n": h.issued, "share": _or_none(h.target_share, "%(v)s%%")},
        6: _("%(n)s complaints received; %(share)s answered on time; %(overdue)s overdue.")
        % {
            "n": h.complaints,
            "share": _or_none(h.complaints_on_time, "%(v)s%%"),
            "overdue": h.complaints_overdue,
        },
        7: not_measured,
        8: _("%(released)s places released, %(used)s used (%(share)s).")
        % {
            "released": released,
            "used": used,
            "share": _or_none(percent(used, released), "%(v)s%%"),
        },
        9: not_measured,
        10: _("IPK %(ipk)s.") % {"ipk": _or_none(h.ipk, "%(v)s")},
        11: _("%(n)s officers finished stages at the counters.") % {"n": len(officers)},
        12: _("IKM %(ikm)s.") % {"ikm": _or_none(h.ikm, "%(v)s")},
        13: not_measured,
        14: _("%(n)s stages finished at the counters.")
        % {"n": sum(t.finished for t in board.counters)},
    }
    names = [
        _("Requirements"),
        _("System, mechanism and procedure"),
        _("Service time"),
        _("Cost / tariff"),
        _("Service product"),
        _("Complaints, suggestions and input"),
        _("Legal basis"),
        _("Facilities and infrastructure"),
        _("Competence of the staff"),
        _("Internal supervision"),
        _("Number of staff"),
        _("Service guarantee"),
        _("Security and safety guarantee"),
        _("Evaluation of staff performance"),
    ]
    return [
        StandardLine(i, name, promised[i], measured[i]) for i, name in enumerate(names, start=1)
    ]
