"""The head of office opens the evaluation dashboard after a short morning at the
counters: figures are shown, the period filter works, axe-core finds no serious or
critical violation and nothing scrolls sideways at 320 px."""

from __future__ import annotations

import re

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
