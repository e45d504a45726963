"""The periodic report: its period rules, the summary against the period before and the
service standard lines worked out by hand on the dashboard's small office, the PDF and
XLSX, the pages with their scope, and the idempotent scheduled command."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from loket.core.choices import Role
from loket.core.errors import ApplicationError
from loket.core.models import AuditEntry
from loket.feedback.periods import period_make
from loket.offices.models import Target
from loket.planning.models import StoredReport
from loket.planning.services import stored_report_save
from loket.queueing.choices import ServiceClass
from loket.reports.periodic import (
    last_complete_period,
    periodic_report,
    previous_period,
    report_period_parse,
)
from loket.reports.report_files import report_pdf, report_xlsx

NOW = "2025-04-10 10:00 +07:00"
TODAY = dt.date(2025, 4, 10)
MARCH = period_make("month", 2025, 3)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def april(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def head(make_staff, office_wib):
    return make_staff(Role.HEAD_OF_OFFICE, office_wib)


# ---------------------------------------------------------------- periods


def test_period_parse_and_errors():
    assert report_period_parse(today=TODAY, kind="month", year="2025", index="3") == MARCH
    year = report_period_parse(today=TODAY, kind="year", year="2024", index="")
    assert (year.start, year.end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    cases = [
        ({"kind": "week", "year": "2025", "index": "1"}, "report_kind_invalid", "kind"),
        ({"kind": "month", "year": "abc", "index": "1"}, "report_year_invalid", "year"),
        ({"kind": "month", "year": "2026", "index": "1"}, "report_year_invalid", "year"),
        ({"kind": "month", "year": "2025", "index": "13"}, "report_index_invalid", "index"),
        ({"kind": "semester", "year": "2025", "index": "3"}, "report_index_invalid", "index"),
        ({"kind": "month", "year": "2025", "index": "5"}, "report_period_future", "index"),
    ]
    for kwargs, code, field in cases:
        with pytest.raises(ApplicationError) as caught:
            report_period_parse(today=TODAY, **kwargs)
        assert caught.value.code == code
        assert field in caught.value.fields


def test_previous_and_last_complete_periods():
    assert previous_period(period_make("month", 2025, 1)).label == "2024-12"
    assert previous_period(period_make("quarter", 2025, 2)).label == "2025-Q1"
    assert [last_complete_period(k, TODAY).label for k in ("month", "quarter", "semester")] == [
        "2025-03",
        "2025-Q1",
        "2024-S2",
    ]
    assert last_complete_period("year", TODAY).label == "2024"
    assert last_complete_period("month", dt.date(2025, 4, 1)).label == "2025-03"


# ---------------------------------------------------------------- figures


@pytest.fixture
def march_report(april, office_wib, head, queue, applications, counters):
    Target.objects.create(office=office_wib, year=2025, month=3, passports=62)
    return periodic_report(user=head, offices=[office_wib], office=office_wib, period=MARCH)


def test_headline_and_summary_by_hand(march_report):
    report = march_report
    assert report.previous.label == "2025-02" and not report.partial
    now, then = report.now, report.then
    assert now is not None and then is not None
    # March: 6 submitted, 2 with warnings, 2 reach ready; target 62 -> 3.2 %.
    assert (now.submitted, now.issued, now.target_share) == (6, 2, Decimal("3.2"))
    assert now.warning_share == Decimal("33.3")
    # Waits within the SOP: document check 4 of 5 regular + 1 of 1 priority, interview
    # 0 of 1 -> 5 of 7; median of the regular waits 2, 4, 6, 8, 25, 30 is 7.
    assert now.sop_share == Decimal("71.4")
    assert now.wait_median == Decimal("7.0")
    # February: one online application without warnings, nothing issued, no target.
    assert (then.submitted, then.issued, then.target_share, then.warning_share) == (
        1,
        0,
        None,
        Decimal("0.0"),
    )
    changes = {c.label: c for c in report.changes}
    assert changes["Applications submitted"].better is None
    assert "rose from 1 to 6" in changes["Applications submitted"].sentence
    assert changes["Passports issued"].better is True
    assert changes["Applications with warnings"].better is False
    assert changes["Applications with warnings"].sentence.startswith("Worse:")
    assert changes["Issued against target"].better is None
    assert "no comparison" in changes["Issued against target"].sentence
    assert changes["Complaints overdue"].sentence == "Complaints overdue: unchanged at 0."
    # Counter 1: 48 min serving in 4 h staffed; counter 2: 1 h staffed (to 31 March
    # 24:00), nothing served: 48 min of 5 h. February: counter 1's night session counted
    # until midnight (2 h), nothing served.
    assert (now.utilisation, then.utilisation) == (Decimal("16.0"), Decimal("0.0"))
    assert changes["Counter utilisation"].better is None


def test_service_standard_lines(march_report):
    lines = {s.number: s for s in march_report.standard}
    assert len(lines) == 14
    assert lines[1].component == "Requirements"
    assert "33.3%" in lines[1].measured and "online 66.7%" in lines[1].measured
    assert "assisted 0.0%" in lines[1].measured
    assert lines[3].promised.startswith("Waiting at most 30 min and service 18 min")
    assert "7.0 min" in lines[3].measured and "71.4%" in lines[3].measured
    assert lines[5].measured == "2 passports issued; 3.2% of the target."
    assert lines[11].measured == "1 officers finished stages at the counters."
    assert lines[14].measured == "6 stages finished at the counters."
    assert lines[4].measured == "Not measured from the service records."


def test_pdf_carries_the_figures(march_report):
    pdf = report_pdf(march_report)
    assert pdf.startswith(b"%PDF")
    for text in (
        b"Service report 2025-03",
        b"Passports issued",
        b"3.2%",
        b"33.3%",
        b"71.4%",
        b"Petugas Satu",
        b"Worse: Applications with warnings went from 0.0% to 33.3%.",
        b"Passports ready in the period and not collected yet: 0.",
        b"Members with a group ticket",
        b"Applications: School or university",
        b"Utilisation: time serving against time staffed",
        b"Ready by the due date",
        b"20.0%",
    ):
        assert text in pdf, text


def test_xlsx_carries_the_figures(march_report):
    wb = load_workbook(io.BytesIO(report_xlsx(march_report)))
    summary = wb["Summary"]
    rows = {r[0]: r[1:3] for r in summary.iter_rows(min_row=5, values_only=True) if r[0]}
    assert rows["Passports issued"] == (2, 0)
    assert rows["Applications with warnings"] == (33.3, 0.0)
    assert rows["Issued against target"] == (3.2, None)
    times = list(wb["Waiting and service"].iter_rows(min_row=2, values_only=True))
    regular = str(ServiceClass.REGULAR.label)
    doc = next(r for r in times if r[0] == "Document check" and r[1] == regular)
    assert doc[2:4] == (5, 6.0) and doc[6] == 80.0
    assert len(list(wb["Service standard"].iter_rows(min_row=2))) == 14
    pickups = {(r[0], r[1]): r[3:] for r in wb["Pickups"].iter_rows(min_row=2, values_only=True)}
    assert pickups[("Handed over", "counter")] == (0, None, None, None)
    assert pickups[("Drive-thru", "car")] == (0, 0, 0, None)
    assert pickups[("Ready, not collected", None)][0] == 0
    outreach = {(r[0], r[1]): r[2] for r in wb["Outreach"].iter_rows(min_row=2, values_only=True)}
    assert outreach[("Visits held", None)] == 0
    assert outreach[("Applications by kind of partner", "school")] == 0
    assert len(outreach) == 6 + 5
    completion = list(wb["Ready by the due date"].iter_rows(min_row=2, values_only=True))
    assert len(completion) == 4 and sum(r[1] for r in completion) == 2
    use = list(wb["Utilisation"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in use] == [
        ("Counter", 4.0, 0.8, 20.0, 6),
        ("Counter", 1.0, 0.0, 0.0, 0),
        ("Officer", 1.0, 0.0, 0.0, 0),
        ("Officer", 4.0, 0.8, 20.0, 6),
    ]


def test_empty_period_is_no_data(april, office_wib, head):
    report = periodic_report(user=head, offices=[office_wib], office=office_wib, period=MARCH)
    assert report.now is not None and report.now.submitted == 0
    assert report.now.sop_share is None
    assert report_pdf(report).startswith(b"%PDF")
    assert load_workbook(io.BytesIO(report_xlsx(report)))["Summary"]["A1"].value


# ---------------------------------------------------------------- pages


def test_report_page_and_downloads(client, april, office_wib, head, queue):
    client.force_login(head)
    client.cookies["django_language"] = "en"
    url = reverse("reports:report", args=["CLP"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Service report 2025-03" in html and 'id="report-pdf"' in html
    query = {"kind": "month", "year": "2025", "index": "3"}
    pdf = client.get(reverse("reports:report_file", args=["CLP", "pdf"]), query)
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="report-CLP-2025-03.pdf"' in pdf["Content-Disposition"]
    xlsx = client.get(reverse("reports:report_file", args=["CLP", "xlsx"]), query)
    assert load_workbook(io.BytesIO(xlsx.content))["Summary"]["A1"].value.startswith(
        "Service report 2025-03"
    )
    assert client.get(reverse("reports:report_file", args=["CLP", "doc"]), query).status_code == 404


def test_report_bad_period_is_a_clear_message(client, april, office_wib, head):
    client.force_login(head)
    client.cookies["django_language"] = "en"
    for query, message in [
        ({"kind": "month", "year": "2025", "index": "13"}, "Enter a number from 1 to 12."),
        ({"kind": "month", "year": "2025", "index": "6"}, "This period has not begun yet."),
    ]:
        response = client.get(reverse("reports:report", args=["CLP"]), query)
        assert response.status_code == 400
        assert message in response.content.decode()
        download = client.get(reverse("reports:report_file", args=["CLP", "pdf"]), query)
        assert download.status_code == 400 and download["Content-Type"].startswith("text/html")


def test_report_scope(client, april, office_wib, office_wita, make_staff, national_admin, head):
    client.force_login(head)
    assert client.get(reverse("reports:report", args=["KPG"])).status_code == 404
    assert client.get(reverse("reports:report_file", args=["KPG", "pdf"])).status_code == 404
    assert client.get(reverse("reports:report_national")).status_code == 403
    client.force_login(make_staff(Role.FRONT_DESK, office_wib))
    assert client.get(reverse("reports:report", args=["CLP"])).status_code == 403
    client.force_login(national_admin)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:report_national"))
    assert response.status_code == 200 and "All offices" in response.content.decode()
    assert client.get(reverse("reports:report", args=["KPG"])).status_code == 200


# ---------------------------------------------------------------- schedule


def test_generate_reports_once(april, office_wib, office_wita, queue):
    out = io.StringIO()
    call_command("generate_reports", stdout=out)
    # Two offices and the nation, four kinds each.
    assert "reports stored: 12, already kept: 0" in out.getvalue()
    clp = StoredReport.objects.get(office=office_wib, kind="month")
    assert (clp.label, clp.year, clp.index) == ("2025-03", 2025, 3)
    assert bytes(clp.pdf).startswith(b"%PDF") and b"71.4%" in bytes(clp.pdf)
    assert StoredReport.objects.get(office__isnull=True, kind="year").label == "2024"
    assert AuditEntry.objects.filter(action="report.generated").count() == 12
    out = io.StringIO()
    call_command("generate_reports", stdout=out)
    assert "reports stored: 0, already kept: 12" in out.getvalue()
    assert StoredReport.objects.count() == 12


def test_stored_report_save_twice_keeps_one(office_wib):
    first, made = stored_report_save(
        office=office_wib, kind="month", year=2025, index=3, label="2025-03", pdf=b"a", xlsx=b"b"
    )
    again, made_again = stored_report_save(
        office=office_wib, kind="month", year=2025, index=3, label="2025-03", pdf=b"c", xlsx=b"d"
    )
    assert (made, made_again) == (True, False) and again.pk == first.pk
    assert bytes(StoredReport.objects.get().pdf) == b"a"
    national, _made = stored_report_save(
        office=None, kind="month", year=2025, index=3, label="2025-03", pdf=b"n", xlsx=b"x"
    )
    assert stored_report_save(
        office=None, kind="month", year=2025, index=3, label="2025-03", pdf=b"m", xlsx=b"y"
    ) == (national, False)


def test_stored_report_pages(client, april, office_wib, office_wita, head, national_admin):
    mine, _m = stored_report_save(
        office=office_wib,
        kind="month",
        year=2025,
        index=3,
        label="2025-03",
        pdf=b"%PDF-1",
        xlsx=b"x",
    )
    theirs, _t = stored_report_save(
        office=office_wita,
        kind="month",
        year=2025,
        index=3,
        label="2025-03",
        pdf=b"%PDF-2",
        xlsx=b"y",
    )
    client.force_login(head)
    page = client.get(reverse("reports:report", args=["CLP"])).content.decode()
    assert reverse("reports:report_stored", args=["CLP", mine.pk, "pdf"]) in page
    response = client.get(reverse("reports:report_stored", args=["CLP", mine.pk, "pdf"]))
    assert response.content == b"%PDF-1"
    assert (
        client.get(reverse("reports:report_stored", args=["CLP", theirs.pk, "pdf"])).status_code
        == 404
    )
    assert (
        client.get(reverse("reports:report_national_stored", args=[mine.pk, "pdf"])).status_code
        == 403
    )
