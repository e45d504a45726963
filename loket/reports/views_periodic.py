"""The periodic report pages (issue #9): choose a month, quarter, semester or year, read
its summary and service standard lines, download the PDF or XLSX; and the reports the
scheduled ``generate_reports`` kept. Same scope as the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError
from loket.feedback.choices import PeriodKind
from loket.offices.models import Office
from loket.planning.selectors import stored_report_get, stored_reports_for
from loket.reports.periodic import (
    KINDS,
    PeriodicReport,
    last_complete_period,
    periodic_report,
    report_period_parse,
)
from loket.reports.report_files import headline_rows, report_pdf, report_xlsx
from loket.reports.selectors_dashboard import dashboard_national_offices, dashboard_office

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _today(office: Office | None) -> dt.date:
    tz = office.tz if office is not None else timezone.get_current_timezone()
    return timezone.now().astimezone(tz).date()


def _values(request: HttpRequest, today: dt.date) -> dict[str, str]:
    default = last_complete_period(PeriodKind.MONTH, today)
    if not any(k in request.GET for k in ("kind", "year", "index")):
        return {"kind": default.kind, "year": str(default.year), "index": str(default.index)}
    return {k: request.GET.get(k, "").strip() for k in ("kind", "year", "index")}


def _report(
    request: HttpRequest, offices: Sequence[Office], office: Office | None
) -> tuple[dict[str, str], PeriodicReport | None, ApplicationError | None]:
    today = _today(office)
    values = _values(request, today)
    try:
        period = report_period_parse(today=today, **values)
    except ApplicationError as error:
        return values, None, error
    report = periodic_report(
        user=request_user(request), offices=offices, office=office, period=period, today=today
    )
    return values, report, None


def _page(request: HttpRequest, offices: Sequence[Office], office: Office | None) -> HttpResponse:
    values, report, error = _report(request, offices, office)
    kind_labels = dict(PeriodKind.choices)
    context: dict[str, Any] = {
        "office": office,
        "values": values,
        "kinds": [(str(k), kind_labels[k]) for k in KINDS],
        "report": report,
        "headline": headline_rows(report) if report is not None else [],
        "error": error,
        "query": urlencode(values),
        "stored": list(stored_reports_for(office=office)[:48]),
    }
    return render(request, "reports/periodic.html", context, status=400 if error else 200)


def _file(
    request: HttpRequest, offices: Sequence[Office], office: Office | None, fmt: str
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("No such format."))
    report = _report(request, offices, office)[1]
    if report is None:
        return _page(request, offices, office)
    content = report_pdf(report) if fmt == "pdf" else report_xlsx(report)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report.file_stem}.{fmt}"'
    return response


def _stored_file(office: Office | None, report_id: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("No such format."))
    stored = stored_report_get(office=office, report_id=report_id)
    scope = office.code if office is not None else "national"
    content = bytes(stored.pdf if fmt == "pdf" else stored.xlsx)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="report-{scope}-{stored.label}-{stored.kind}.{fmt}"'
    )
    return response


@staff_required
def office_report(request: HttpRequest, code: str) -> HttpResponse:
    office = dashboard_office(user=request_user(request), code=code)
    return _page(request, [office], office)


@staff_required
def office_report_file(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    office = dashboard_office(user=request_user(request), code=code)
    return _file(request, [office], office, fmt)


@staff_required
def office_stored_file(request: HttpRequest, code: str, report_id: int, fmt: str) -> HttpResponse:
    office = dashboard_office(user=request_user(request), code=code)
    return _stored_file(office, report_id, fmt)


@staff_required
def national_report(request: HttpRequest) -> HttpResponse:
    offices = dashboard_national_offices(user=request_user(request))
    return _page(request, offices, None)


@staff_required
def national_report_file(request: HttpRequest, fmt: str) -> HttpResponse:
    offices = dashboard_national_offices(user=request_user(request))
    return _file(request, offices, None, fmt)


@staff_required
def national_stored_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    dashboard_national_offices(user=request_user(request))
    return _stored_file(None, report_id, fmt)
