"""The evaluation dashboard (issue #9): one office for its supervisors, the nation for
national roles. One view serves the page and the figures fragment that htmx polls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError
from loket.feedback import ikm
from loket.offices.models import Office
from loket.reports.charts_dashboard import hbar_chart, line_chart
from loket.reports.selectors_dashboard import (
    PRESETS,
    Dashboard,
    dashboard,
    dashboard_national_offices,
    dashboard_office,
    period_parse,
)

POLL_SECONDS = 30


def preset_choices() -> list[tuple[str, str]]:
    labels = {
        "this_month": _("This month"),
        "last_month": _("Last month"),
        "this_quarter": _("This quarter"),
        "this_year": _("This year"),
    }
    return [(p, labels[p]) for p in PRESETS]


def _charts(board: Dashboard) -> dict[str, Any]:
    apps = board.applications
    charts: dict[str, Any] = {
        "channel": hbar_chart(
            chart_id="chart-channel",
            title=_("Applications by channel"),
            desc=_("Number of applications submitted in the period, per channel."),
            rows=[(r.label, r.count) for r in apps.by_channel],
        ),
        "quality": hbar_chart(
            chart_id="chart-quality",
            title=_("Applications with warnings for the officer, % per channel"),
            desc=_("Share of applications submitted with at least one warning, per channel."),
            rows=[(q.label, q.share) for q in apps.quality],
        ),
        "quota": line_chart(
            chart_id="chart-quota",
            title=_("Places released, booked and used per day"),
            desc=_("Per day of the period: places released, bookings made and check-ins."),
            labels=[d.date.strftime("%d/%m") for d in board.quota],
            series=[
                (_("Released"), [d.released for d in board.quota]),
                (_("Booked"), [d.booked for d in board.quota]),
                (_("Checked in"), [d.checked_in for d in board.quota]),
            ],
        ),
        "wait": hbar_chart(
            chart_id="chart-wait",
            title=_("Median waiting time per stage and lane (minutes)"),
            desc=_("Median minutes from entering a stage to the first call, per stage and lane."),
            rows=[
                (
                    f"{r.stage_label} · {r.class_label}",
                    round(r.wait_median, 1) if r.wait_median is not None else None,
                )
                for r in board.times.rows
            ],
        ),
    }
    if board.surveys:
        bands = [(float(b.low), float(b.high), f"{b.grade}") for b in reversed(ikm.BANDS)]
        charts["ikm"] = line_chart(
            chart_id="chart-ikm",
            title=_("IKM and IPK per period"),
            desc=_(
                "Survey index per period with the IKM grade bands A to D; a gap means no responses."
            ),
            labels=[p.label for p in board.surveys],
            series=[
                ("IKM", [p.ikm.index for p in board.surveys]),
                ("IPK", [p.ipk.index for p in board.surveys]),
            ],
            maximum=100.0,
            bands=bands,
        )
    return charts


def _render(
    request: HttpRequest, *, offices: Sequence[Office], office: Office | None
) -> HttpResponse:
    user = request_user(request)
    tz = office.tz if office is not None else timezone.get_current_timezone()
    today = timezone.now().astimezone(tz).date()
    values = {
        "preset": request.GET.get("preset", ""),
        "from": request.GET.get("from", ""),
        "to": request.GET.get("to", ""),
    }
    context: dict[str, Any] = {
        "office": office,
        "values": values,
        "presets": preset_choices(),
        "poll_seconds": POLL_SECONDS,
        "query": request.GET.urlencode(),
        "error": None,
        "board": None,
    }
    status = 200
    try:
        period = period_parse(
            today=today, preset=values["preset"], start=values["from"], end=values["to"]
        )
    except ApplicationError as error:
        context["error"] = error
        status = 400
    else:
        board = dashboard(user=user, offices=offices, period=period, office=office)
        context["board"] = board
        context["charts"] = _charts(board)
        context["utilisation_tables"] = [
            (
                _("Utilisation per counter"),
                board.counter_use.counters,
                "utilisation-counters",
                _("Counter"),
            ),
            (
                _("Utilisation per officer"),
                board.counter_use.officers,
                "utilisation-officers",
                _("Officer"),
            ),
        ]
    template = "reports/dashboard.html"
    if getattr(request, "htmx", False):
        template += "#figures"
    return render(request, template, context, status=status)


@staff_required
def office_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    office = dashboard_office(user=request_user(request), code=code)
    return _render(request, offices=[office], office=office)


@staff_required
def national_dashboard(request: HttpRequest) -> HttpResponse:
    offices = dashboard_national_offices(user=request_user(request))
    return _render(request, offices=offices, office=None)
