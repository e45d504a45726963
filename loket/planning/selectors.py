"""Reads for the planner: saved scenarios (office-scoped) and the figures it shows."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from loket.booking.models import SlotCapacity
from loket.core.calendar import days_off
from loket.core.choices import NATIONAL_ROLES, SUPERVISOR_ROLES
from loket.core.errors import NotFound
from loket.core.models import User
from loket.offices.choices import QuotaCategory
from loket.offices.models import Office, Target
from loket.offices.selectors import office_ids_with_role, office_require_role
from loket.planning.calibration import Calibration
from loket.planning.charts import Series, bar_chart
from loket.planning.models import DutyDay, QuotaPlan, SavedScenario, StoredReport
from loket.queueing.models import CounterSession

# Who may plan capacity: the office's supervisors and the national roles.
PLANNER_ROLES = sorted(SUPERVISOR_ROLES | NATIONAL_ROLES)


def scenarios_for_office(*, user: User, office: Office) -> QuerySet[SavedScenario]:
    office_require_role(user=user, office=office, roles=PLANNER_ROLES)
    return SavedScenario.objects.filter(office=office).select_related("created_by")


def scenario_get(*, user: User, office: Office, scenario_id: int) -> SavedScenario:
    """A saved scenario of ``office``; another office's is reported as not found."""
    scenario = scenarios_for_office(user=user, office=office).filter(pk=scenario_id).first()
    if scenario is None:
        raise NotFound("scenario_not_found", _("Saved scenario not found."))
    return scenario


def _clamp(value: float, share: bool) -> float:
    # Counts, minutes and shares cannot be negative, nor shares above 1: a t-interval
    # over few replications can reach past those bounds.
    return min(max(value, 0.0), 1.0) if share else max(value, 0.0)


def _estimate(
    node: dict[str, Any] | None, *, scale: float = 1.0, digits: int = 1, share: bool = False
) -> str:
    if not node or node.get("mean") is None:
        return "—"
    text = number_format(node["mean"] * scale, digits)
    if node.get("low") is not None and node.get("high") is not None:
        low = number_format(_clamp(node["low"], share) * scale, digits)
        high = number_format(_clamp(node["high"], share) * scale, digits)
        text += f" ({low}–{high})"
    return text


def _series(name: str, nodes: list[dict[str, Any] | None], scale: float = 1.0) -> Series:
    def pick(node: dict[str, Any] | None, key: str) -> float | None:
        if not node or node.get(key) is None:
            return None
        return _clamp(float(node[key]), scale == 100) * scale

    return Series(
        name=name,
        values=[pick(n, "mean") for n in nodes],
        lows=[pick(n, "low") for n in nodes],
        highs=[pick(n, "high") for n in nodes],
    )


def comparison(runs: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Side-by-side tables and charts of ``runs``: (column title, plan, results)."""
    lane_labels: dict[str, str] = {}
    stage_labels: dict[str, str] = {}
    for _title, plan, _results in runs:
        for lane in plan["lanes"]:
            used = any(
                (results.get("lanes", {}).get(lane["prefix"], {}).get("tickets") or {}).get("mean")
                for _t, _p, results in runs
            )
            if used:  # a lane without tickets in any scenario only adds empty rows
                lane_labels.setdefault(lane["prefix"], f"{lane['prefix']} — {lane['label']}")
        for stage in plan["stages"]:
            stage_labels.setdefault(stage["code"], stage["label"])
    titles = [title for title, _plan, _results in runs]

    def lane_node(results: dict[str, Any], prefix: str, key: str) -> dict[str, Any] | None:
        return results.get("lanes", {}).get(prefix, {}).get(key)

    def stage_node(results: dict[str, Any], code: str, *path: str) -> dict[str, Any] | None:
        node: Any = results.get("stages", {}).get(code)
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    lane_metrics = [
        ("tickets", _("Tickets per day"), 1.0),
        ("wait_total_mean", _("Mean wait, minutes (95% CI)"), 1.0),
        ("wait_total_p90", _("90th percentile wait, minutes (95% CI)"), 1.0),
        ("sop_compliance", _("Stage waits within the SOP standard, %"), 100.0),
        ("not_served", _("Not served by closing"), 1.0),
        ("turned_away", _("Turned away (quota or cut-off)"), 1.0),
    ]
    lanes = [
        {
            "prefix": prefix,
            "label": label,
            "metrics": [
                {
                    "key": key,
                    "label": metric,
                    "cells": [
                        _estimate(lane_node(results, prefix, key), scale=scale, share=scale == 100)
                        for _t, _p, results in runs
                    ],
                }
                for key, metric, scale in lane_metrics
            ],
        }
        for prefix, label in lane_labels.items()
    ]
    stages = [
        {
            "code": code,
            "label": label,
            "utilisation": [
                _estimate(stage_node(results, code, "utilisation"), scale=100.0, share=True)
                for _t, _p, results in runs
            ],
            "wait_p90": [
                _estimate(stage_node(results, code, "wait", "p90")) for _t, _p, results in runs
            ],
            "counters": [
                ", ".join(
                    str(c) for s in plan["stages"] if s["code"] == code for c in s["counters"]
                )
                or "—"
                for _t, plan, _r in runs
            ],
        }
        for code, label in stage_labels.items()
    ]
    prefixes = list(lane_labels)
    codes = list(stage_labels)
    charts = [
        bar_chart(
            chart_id="chart-wait",
            title=_("Waiting time by lane: 90th percentile of the total wait (minutes)"),
            categories=[lane_labels[p] for p in prefixes],
            series=[
                _series(title, [lane_node(results, p, "wait_total_p90") for p in prefixes])
                for title, _plan, results in runs
            ],
            unit=_("minutes"),
        ),
        bar_chart(
            chart_id="chart-sop",
            title=_("SOP compliance by lane (% of stage waits within the standard)"),
            categories=[lane_labels[p] for p in prefixes],
            series=[
                _series(title, [lane_node(results, p, "sop_compliance") for p in prefixes], 100)
                for title, _plan, results in runs
            ],
            unit="%",
            maximum=100.0,
        ),
        bar_chart(
            chart_id="chart-utilisation",
            title=_("Utilisation by stage (% of open counter time busy)"),
            categories=[stage_labels[c] for c in codes],
            series=[
                _series(title, [stage_node(results, c, "utilisation") for c in codes], 100)
                for title, _plan, results in runs
            ],
            unit="%",
            maximum=100.0,
        ),
    ]
    return {"titles": titles, "lanes": lanes, "stages": stages, "charts": charts}


def arrival_chart(calibration: Calibration) -> dict[str, Any]:
    """Arrivals per hour (all lanes) as recorded: the arrival profile."""
    totals = [sum(lane.per_hour[h] for lane in calibration.lanes) for h in range(calibration.hours)]
    return bar_chart(
        chart_id="chart-arrivals",
        title=_("Arrival profile: check-ins per hour, all lanes (mean per day)"),
        categories=calibration.hour_labels,
        series=[Series(_("Recorded"), list(totals), [None] * len(totals), [None] * len(totals))],
        unit=_("arrivals"),
    )


def stored_reports_for(*, office: Office | None) -> QuerySet[StoredReport]:
    """The scheduled reports of ``office`` (None: the national ones), newest first,
    without their file contents."""
    qs = StoredReport.objects.defer("pdf", "xlsx")
    if office is None:
        return qs.filter(office__isnull=True).order_by("-year", "-index", "kind")
    return qs.filter(office=office).order_by("-year", "-index", "kind")


def stored_report_get(*, office: Office | None, report_id: int) -> StoredReport:
    report = (
        StoredReport.objects.filter(office__isnull=True, pk=report_id).first()
        if office is None
        else StoredReport.objects.filter(office=office, pk=report_id).first()
    )
    if report is None:
        raise NotFound("report_not_found", _("Report not found."))
    return report


def stored_report_exists(*, office: Office | None, kind: str, year: int, index: int) -> bool:
    return StoredReport.objects.filter(office=office, kind=kind, year=year, index=index).exists()


# --- Targets and plans (issue #9): the year's target, quota plans, duty days -------------

# Who may change an office's targets and plans; every officer of the office and the
# national roles may read them.
PLAN_EDITOR_ROLES = sorted(SUPERVISOR_ROLES)


def plans_can_edit(*, user: User, office: Office) -> bool:
    """Whether ``user`` may change the office's targets and plans. Raises NotFound when
    the office is outside the user's scope, so a reader learns nothing of other offices."""
    office_require_role(user=user, office=office)
    allowed = office_ids_with_role(user, PLAN_EDITOR_ROLES)
    return allowed is None or office.pk in allowed


@dataclass(frozen=True)
class TargetYear:
    """The issuance target of one office and year: the yearly figure, the months that
    have their own, and what each month without its own figure gets (the rest of the
    year spread evenly, so that the twelve months always add up to the year)."""

    year: int
    passports: int | None
    months: dict[int, int]
    rest_per_month: Decimal | None


def target_year(*, office: Office, year: int) -> TargetYear:
    yearly: int | None = None
    months: dict[int, int] = {}
    for month, passports in Target.objects.filter(office=office, year=year).values_list(
        "month", "passports"
    ):
        if month is None:
            yearly = passports
        else:
            months[month] = passports
    rest: Decimal | None = None
    if yearly is not None and len(months) < 12:
        left = max(yearly - sum(months.values()), 0)
        rest = (Decimal(left) / Decimal(12 - len(months))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    return TargetYear(year=year, passports=yearly, months=months, rest_per_month=rest)


def quota_plan_month(*, office: Office, year: int, month: int) -> dict[str, int]:
    """Planned places per working day by category for one month of the office."""
    return dict(
        QuotaPlan.objects.filter(office=office, year=year, month=month).values_list(
            "category", "places_per_day"
        )
    )


def duty_days(*, office: Office, start: dt.date, end: dt.date) -> QuerySet[DutyDay]:
    return DutyDay.objects.filter(office=office, date__range=(start, end)).order_by("date")


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def working_days_by_month(*, office: Office, year: int) -> dict[int, int]:
    """Working days of each month of ``year`` on the office's calendar."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    off = days_off(office, start, end)
    counts = dict.fromkeys(range(1, 13), 0)
    day = start
    while day <= end:
        if day not in off:
            counts[day.month] += 1
        day += dt.timedelta(days=1)
    return counts


@dataclass(frozen=True)
class QuotaMonthRow:
    """Planned against released places of one category in one month. ``planned`` is
    places per working day times the month's working days (summed over offices);
    ``released`` and ``taken`` are the booking capacity rows of the month's dates."""

    month: int
    category: str
    label: str
    planned_per_day: int | None
    working_days: int
    planned: int | None
    released: int
    taken: int

    @property
    def difference(self) -> int | None:
        return None if self.planned is None else self.released - self.planned


def quota_planned_vs_released(
    *, offices: Sequence[Office], year: int, months: Iterable[int] = range(1, 13)
) -> list[QuotaMonthRow]:
    """Per month and quota category: places planned (QuotaPlan) against places released
    for booking and taken (booking.SlotCapacity), over ``offices``. A (month, category)
    with neither a plan nor a release is left out. ``planned_per_day`` is shown for one
    office only (a sum over offices of different calendars would mislead)."""
    wanted = sorted(set(months))
    ids = [o.pk for o in offices]
    per_day: dict[tuple[int, int, str], int] = {}
    for office_id, month, category, places in QuotaPlan.objects.filter(
        office_id__in=ids, year=year, month__in=wanted
    ).values_list("office_id", "month", "category", "places_per_day"):
        per_day[(office_id, month, category)] = places
    working = {o.pk: working_days_by_month(office=o, year=year) for o in offices}
    released: dict[tuple[int, str], tuple[int, int]] = {}
    for row in (
        SlotCapacity.objects.filter(office_id__in=ids, date__year=year, date__month__in=wanted)
        .values("date__month", "category")
        .annotate(capacity=Sum("capacity"), used=Sum("used"))
    ):
        released[(row["date__month"], row["category"])] = (row["capacity"], row["used"])
    labels = dict(QuotaCategory.choices)
    rows = []
    for month in wanted:
        for category in QuotaCategory.values:
            planned: int | None = None
            days = 0
            for office_id in ids:
                days += working[office_id][month]
                planned_places = per_day.get((office_id, month, category))
                if planned_places is not None:
                    planned = (planned or 0) + planned_places * working[office_id][month]
            capacity, used = released.get((month, category), (0, 0))
            if planned is None and not capacity:
                continue
            single = per_day.get((ids[0], month, category)) if len(ids) == 1 else None
            rows.append(
                QuotaMonthRow(
                    month=month,
                    category=category,
                    label=str(labels[category]),
                    planned_per_day=single,
                    working_days=days,
                    planned=planned,
                    released=capacity,
                    taken=used,
                )
            )
    return rows


@dataclass(frozen=True)
class CounterDayRow:
    """Counters planned (DutyDay) against counters that had an officer signed in at some
    moment of the local day (queueing.CounterSession), summed over offices."""

    date: dt.date
    working: bool
    officers: int | None
    planned: int | None
    opened: int

    @property
    def difference(self) -> int | None:
        return None if self.planned is None else self.opened - self.planned


def counters_planned_vs_opened(
    *, offices: Sequence[Office], start: dt.date, end: dt.date
) -> list[CounterDayRow]:
    """One row per local date in [start, end] that is a working day of any office, has a
    duty plan or had a counter open. A session still open counts up to now."""
    now = timezone.now()
    planned: dict[dt.date, tuple[int, int]] = {}
    for day, officers, counters in DutyDay.objects.filter(
        office__in=offices, date__range=(start, end)
    ).values_list("date", "officers", "counters"):
        before = planned.get(day, (0, 0))
        planned[day] = (before[0] + officers, before[1] + counters)
    opened: dict[dt.date, set[int]] = defaultdict(set)
    working: set[dt.date] = set()
    for office in offices:
        tz = office.tz
        first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        off = days_off(office, start, end)
        day = start
        while day <= end:
            if day not in off:
                working.add(day)
            day += dt.timedelta(days=1)
        sessions = CounterSession.objects.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=first),
            counter__office=office,
            started_at__lt=after,
        ).values_list("counter_id", "started_at", "ended_at")
        for counter_id, started_at, ended_at in sessions:
            last_moment = min(ended_at or now, after - dt.timedelta(microseconds=1))
            day = max(started_at.astimezone(tz).date(), start)
            last = last_moment.astimezone(tz).date()
            while day <= last:
                opened[day].add(counter_id)
                day += dt.timedelta(days=1)
    rows = []
    day = start
    while day <= end:
        if day in working or day in planned or opened.get(day):
            plan = planned.get(day)
            rows.append(
                CounterDayRow(
                    date=day,
                    working=day in working,
                    officers=plan[0] if plan else None,
                    planned=plan[1] if plan else None,
                    opened=len(opened.get(day, ())),
                )
            )
        day += dt.timedelta(days=1)
    return rows
