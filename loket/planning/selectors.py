"""Reads for the planner: saved scenarios (office-scoped) and the figures it shows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from loket.core.choices import NATIONAL_ROLES, SUPERVISOR_ROLES
from loket.core.errors import NotFound
from loket.core.models import User
from loket.offices.models import Office
from loket.offices.selectors import office_require_role
from loket.planning.calibration import Calibration
from loket.planning.charts import Series, bar_chart
from loket.planning.models import SavedScenario, StoredReport

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
