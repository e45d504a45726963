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
