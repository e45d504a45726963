"""Capacity planning in Chromium: a head of office calibrates from the office's ticket
records, runs a what-if comparison (one more interview counter) and sees both
scenarios' results, charts with their data tables, and saves the what-if. Elements
are found by id and data-testid; axe-core finds no serious or critical violations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations, has_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Loket-demo-2026"
PERIOD = "calibrate_from=2025-02-03&calibrate_to=2025-02-05"


@pytest.fixture
def demo(db):
    from loket.offices.models import Office
    from loket.planning.tests.synthetic import Truth, generate, working_days
    from loket.queueing.services import queue_setup

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    office = Office.objects.get(code="KPG")
    queue_setup(office)
    truth = Truth(
        rates={"A": [10, 16, 12, 8, 6, 4, 2], "C": [3] * 7, "E": [4] * 7},
        service={
            "document_check": (6.0, 3.0),
            "interview": (5.0, 2.5),
            "biometrics": (3.0, 1.0),
            "bap": (25.0, 10.0),
            "pickup": (2.0, 1.0),
        },
        bap_share={"A": 0.05, "C": 0.1},
        booked_share={"A": 0.8},
        no_show=0.05,
        counters={"document_check": 2, "interview": 2, "biometrics": 2, "bap": 1, "pickup": 1},
        opens=dt.time(8),
    )
    generate(office=office, days=working_days(dt.date(2025, 2, 3), 3), truth=truth)


def sign_in(page, email: str) -> None:
    page.goto("/staf/masuk/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staf/$"))


def test_what_if_comparison(page, demo):
    sign_in(page, "head.of.office@demo.loket.test")
    page.goto(f"/staf/perencanaan/KPG/?{PERIOD}")
    fit = page.get_by_test_id("calibration-fit")
    assert fit.is_visible()
    assert int(page.get_by_test_id("calibration-tickets").inner_text()) > 100
    assert page.locator("#chart-arrivals svg").count() == 1
    assert axe_violations(page) == []
    assert not has_horizontal_overflow(page)

    page.locator("#id_b-name").fill("Tambah loket wawancara")
    page.locator("#stages-b").click()
    page.locator("#id_b-counters_interview").fill("4")
    page.locator("#run-compare").click()

    comparison = page.get_by_test_id("comparison")
    comparison.wait_for()
    for column in (1, 2):
        cell = page.get_by_test_id(f"result-A-wait_total_p90-{column}")
        assert re.search(r"\d", cell.inner_text()), column
    headers = page.locator('[data-testid="results-lane-A"] thead th').all_inner_texts()
    assert any("Tambah loket wawancara" in h for h in headers)
    for chart in ("chart-wait", "chart-sop", "chart-utilisation"):
        assert page.locator(f"#{chart} svg rect").count() >= 2
        assert page.locator(f"#{chart} table tbody tr").count() >= 1
    interview = page.locator('[data-testid="results-stages"] tr[data-stage="interview"] td')
    assert interview.nth(0).inner_text() == "2" and interview.nth(3).inner_text() == "4"
    assert axe_violations(page) == []
    assert not has_horizontal_overflow(page)

    page.locator("#save-b").click()
    page.get_by_test_id("saved-list").wait_for()
    from loket.planning.models import SavedScenario

    saved = SavedScenario.objects.get(office__code="KPG")
    assert saved.name == "Tambah loket wawancara"
    assert page.locator(f"#load-b-{saved.pk}").is_visible()


def test_targets_and_plans(page, db):
    """A head of office enters the year's target, February's quota plan and a week of
    duty days at a small phone's width; counters above officers are refused with their
    message and nothing is saved. February 2025 has 20 working days in Indonesia."""
    from loket.offices.models import Target
    from loket.planning.models import DutyDay, QuotaPlan

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "head.of.office@demo.loket.test")
    page.goto("/staf/perencanaan/KPG/target/?year=2025&month=2")
    assert page.get_by_test_id("target-year").inner_text() == "—"
    assert axe_violations(page) == []
    assert not has_horizontal_overflow(page)

    page.locator("#id_target-passports").fill("1200")
    page.locator("#target-months").click()
    page.locator("#id_target-month_2").fill("100")
    page.locator("#save-target").click()
    page.locator(".messages").wait_for()
    assert page.get_by_test_id("target-year").inner_text() == "1200"
    assert (
        page.locator('[data-testid="target-table"] tr[data-month="2"] td').nth(0).inner_text()
        == "100"
    )

    page.locator("#id_quota-regular").fill("60")
    page.locator("#id_quota-priority").fill("10")
    page.locator("#save-quota").click()
    page.get_by_test_id("quota-table").wait_for()
    assert page.get_by_test_id("planned-regular").inner_text() == "1200"  # 60 x 20
    assert page.get_by_test_id("planned-priority").inner_text() == "200"

    page.locator("#id_range-start").fill("2025-02-03")
    page.locator("#id_range-end").fill("2025-02-09")
    page.locator("#id_range-officers").fill("6")
    page.locator("#id_range-counters").fill("4")
    page.locator("#save-range").click()
    page.locator(".messages").wait_for()
    for d in range(3, 8):
        assert page.get_by_test_id(f"counters-2025-02-0{d}").inner_text() == "4"
        assert page.get_by_test_id(f"officers-2025-02-0{d}").inner_text() == "6"
    assert page.locator('[data-testid="duty-table"] tr[data-date="2025-02-08"]').count() == 0

    page.locator("#id_duty-date").fill("2025-02-10")
    page.locator("#id_duty-officers").fill("2")
    page.locator("#id_duty-counters").fill("3")
    page.locator("#save-duty").click()
    error = page.locator("#id_duty-counters_error_1")
    error.wait_for()
    assert "3" in error.inner_text() and "2" in error.inner_text()
    assert page.get_by_test_id("counters-2025-02-10").inner_text() == "—"
    assert axe_violations(page) == []
    assert not has_horizontal_overflow(page)

    assert list(Target.objects.filter(office__code="KPG").values_list("month", "passports")) in (
        [(None, 1200), (2, 100)],
        [(2, 100), (None, 1200)],
    )
    assert QuotaPlan.objects.filter(office__code="KPG").count() == 2
    assert sorted(DutyDay.objects.filter(office__code="KPG").values_list("date", flat=True)) == [
        dt.date(2025, 2, d) for d in range(3, 8)
    ]
