"""The head of office opens the evaluation dashboard after a short morning at the
counters: figures are shown, the period filter works, axe-core finds no serious or
critical violation and nothing scrolls sideways at 320 px. From there the periodic
report of this month is downloaded as PDF and XLSX and read back."""

from __future__ import annotations

import io
import re
import zoneinfo

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations, has_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Loket-demo-2026"


@pytest.fixture
def morning(db):
    from loket.core.models import User
    from loket.offices.models import Counter, Office, Stage
    from loket.queueing.models import Lane
    from loket.queueing.services import (
        call_next,
        counter_open,
        queue_setup,
        ticket_finish,
        ticket_issue,
        ticket_start,
    )

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    office = Office.objects.get(code="KPG")
    queue_setup(office)
    officer = User.objects.get(email="head.of.office@demo.loket.test")
    stage = Stage.objects.get(office=office, code="document_check")
    counter = Counter.objects.filter(office=office, stages=stage).first()
    counter_open(officer=officer, counter=counter)
    for prefix in ("A", "C"):
        ticket_issue(
            office=office,
            lane=Lane.objects.get(office=office, prefix=prefix),
            actor=officer,
            holder_name="Demo",
            priority_category="elderly" if prefix == "C" else "",
        )
    for _ in range(2):
        ticket = call_next(officer=officer, counter=counter, stage=stage)
        assert ticket is not None
        ticket_start(officer=officer, counter=counter, ticket_id=ticket.pk)
        ticket_finish(officer=officer, counter=counter, ticket_id=ticket.pk)


def test_dashboard(page, morning):
    page.goto("/staf/masuk/")
    page.locator("#id_email").fill("head.of.office@demo.loket.test")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staf/$"))

    page.goto("/staf/dasbor/KPG/")
    times = page.get_by_test_id("times")
    assert times.locator('tr[data-stage="document_check"][data-class="priority"]').count() == 1
    assert page.get_by_test_id("throughput").locator("tbody tr").count() == 1
    # The officer is still signed in at the counter: staffed until now, two services.
    counter_use = page.get_by_test_id("utilisation-counters").locator("tbody tr")
    assert counter_use.count() == 1 and counter_use.locator("td").last.inner_text() == "2"
    assert page.get_by_test_id("utilisation-officers").locator("tbody tr").count() == 1
    assert page.get_by_test_id("chart-wait").count() == 1
    assert axe_violations(page) == []

    page.locator("#id_preset").select_option("this_year")
    page.locator("#dashboard-apply").click()
    page.wait_for_url(re.compile(r"preset=this_year"))
    assert page.get_by_test_id("times").count() == 1

    page.locator("#id_from").fill("2025-03-31")
    page.locator("#id_to").fill("2025-03-01")
    page.locator("#dashboard-apply").click()
    assert page.get_by_test_id("period-error").is_visible()
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/staf/dasbor/KPG/")
    assert not has_horizontal_overflow(page)


def test_periodic_report_downloads(page, live_server, morning):
    from django.utils import timezone
    from openpyxl import load_workbook

    from loket.core.models import User

    head = User.objects.get(email="head.of.office@demo.loket.test")
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Makassar")).date()
    label = f"{today.year}-{today.month:02d}"
    # English through the language switch: the figures are read back in words.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/staf/masuk/")
    page.locator("#id_email").fill("head.of.office@demo.loket.test")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staf/$"))

    page.goto("/staf/dasbor/KPG/")
    page.locator("#id_preset").select_option("this_month")
    page.locator("#dashboard-apply").click()
    page.wait_for_url(re.compile(r"preset=this_month"))
    assert page.get_by_test_id("throughput").locator("tbody tr").count() == 1
    page.locator("#dashboard-report-link").click()
    page.wait_for_url(re.compile(r"/staf/laporan/KPG/"))
    assert axe_violations(page) == []

    page.locator("#id_index").fill("13")
    page.locator("#report-apply").click()
    assert page.get_by_test_id("report-error").is_visible()
    assert page.locator("#id_index").get_attribute("aria-invalid") == "true"

    page.locator("#id_kind").select_option("month")
    page.locator("#id_year").fill(str(today.year))
    page.locator("#id_index").fill(str(today.month))
    page.locator("#report-apply").click()
    page.wait_for_url(re.compile(rf"index={today.month}"))
    assert label in page.locator("#h-report").inner_text()
    standard = page.get_by_test_id("report-standard")
    assert "2 stages finished at the counters." in standard.inner_text()
    assert axe_violations(page) == []

    with page.expect_download() as pdf_info:
        page.locator("#report-pdf").click()
    pdf = open(pdf_info.value.path(), "rb").read()  # noqa: SIM115
    assert pdf_info.value.suggested_filename == f"report-KPG-{label}.pdf"
    assert pdf.startswith(b"%PDF")
    for text in (
        f"Service report {label}".encode(),
        b"2 stages finished at the counters.",
        b"1 officers finished stages at the counters.",
        (head.full_name or head.email).encode(),
    ):
        assert text in pdf, text

    with page.expect_download() as xlsx_info:
        page.locator("#report-xlsx").click()
    wb = load_workbook(io.BytesIO(open(xlsx_info.value.path(), "rb").read()))  # noqa: SIM115
    counters = list(wb["Counters"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in counters] == [(head.full_name or head.email, 2)]
    times = list(wb["Waiting and service"].iter_rows(min_row=2, values_only=True))
    assert sum(r[2] for r in times if r[0] != "All stages") == 2

    page.set_viewport_size({"width": 320, "height": 800})
    assert not has_horizontal_overflow(page)
