"""A morning at the office in Chromium: walk-ins (one priority), two counters calling,
transfers across stages, a no-show, the hall display and its announcement, and the
applicant's status page following along. Elements are found by id and data-testid."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command

from loket.queueing.models import QueueConfig, Ticket
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Loket-demo-2026"


@pytest.fixture
def demo(db, time_machine):
    """The demo offices; the clock is the next working morning at Kupang, 09:30 WITA,
    ticking. The morning needs one: the booked applicant (session from 08:00) is queued
    from their appointment, and tickets belong to the local day they were issued, so at
    00:30 or across midnight the order and the queue would be another test's."""
    from django.utils import timezone

    from loket.core.calendar import is_working_day, local_date
    from loket.offices.models import Office
    from loket.queueing.services import queue_setup

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    office = Office.objects.get(code="KPG")
    day = local_date(office, timezone.now()) + dt.timedelta(days=1)
    while not is_working_day(office, day):
        day += dt.timedelta(days=1)
    time_machine.move_to(dt.datetime.combine(day, dt.time(9, 30), tzinfo=office.tz), tick=True)
    queue_setup(office)
    QueueConfig.objects.filter(office__code="KPG").update(no_show_after_calls=1)


def sign_in(page, email: str) -> None:
    page.goto("/staf/masuk/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staf/$"))


def register(page, lane_prefix: str, name: str, category: str = "") -> str:
    page.goto("/staf/kantor/KPG/antrian/")
    from loket.queueing.models import Lane

    page.locator("#id_lane").select_option(
        str(Lane.objects.get(office__code="KPG", prefix=lane_prefix).pk)
    )
    page.locator("#id_holder_name").fill(name)
    if category:
        page.locator("#id_priority_category").select_option(category)
    page.locator("#issue-ticket").click()
    return page.get_by_test_id("ticket-number").inner_text()


def call(page, counter_pk: int, stage_code: str = "document_check") -> str:
    from loket.offices.models import Stage

    page.goto(f"/staf/loket/{counter_pk}/")
    stage = Stage.objects.get(office__code="KPG", code=stage_code)
    page.locator(f"#stage-{stage.pk}").check()
    page.locator("#call-next").click()
    return page.get_by_test_id("current-number").inner_text()


def test_a_morning(browser, live_server, demo):
    from loket.offices.models import Counter

    desk = browser.new_context(base_url=live_server.url)
    officer_a = browser.new_context(base_url=live_server.url)
    officer_b = browser.new_context(base_url=live_server.url)
    applicant = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}
    )
    tv = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 720})
    for context in (desk, officer_a, officer_b, applicant, tv):
        context.set_default_timeout(10_000)
    try:
        front = desk.new_page()
        sign_in(front, "front.desk@demo.loket.test")
        # A booked applicant checks in at the kiosk with the code on their proof.
        from loket.offices.models import Office
        from loket.queueing.tests.test_checkin import booking

        booking(Office.objects.get(code="KPG"), code="KPGBOOK1")
        key = QueueConfig.objects.get(office__code="KPG").display_key
        kiosk = applicant.new_page()
        kiosk.goto(f"/kios/KPG/?key={key}")
        kiosk.locator("#id_code").fill("kpgbook1")
        kiosk.locator("#kiosk-submit").click()
        assert kiosk.get_by_test_id("ticket-number").inner_text() == "A001"
        assert axe_violations(kiosk) == []

        regular = register(front, "A", "Bapak Yohanes")
        elder = register(front, "C", "Oma Maria", category="elderly")
        late = register(front, "A", "Nona Ina")
        assert (regular, elder, late) == ("A002", "C001", "A003")
        assert axe_violations(front) == []

        phone = applicant.new_page()
        phone.goto(f"/antrian/{Ticket.objects.get(lane__prefix='A', number=2).status_token}/")
        live = phone.get_by_test_id("live")
        assert (live.get_attribute("data-stage"), live.get_attribute("data-status")) == (
            "document_check",
            "waiting",
        )

        # Two counters: the priority ticket is called first even though it came second.
        counter_doc = Counter.objects.get(office__code="KPG", number="3")  # document check
        counter_prio = Counter.objects.get(office__code="KPG", number="2")  # priority counter
        page_a = officer_a.new_page()
        sign_in(page_a, "front.desk@demo.loket.test")
        page_a.goto(f"/staf/loket/{counter_prio.pk}/")
        page_a.locator("#open-counter").click()
        page_b = officer_b.new_page()
        sign_in(page_b, "kasubsi@demo.loket.test")
        page_b.goto(f"/staf/loket/{counter_doc.pk}/")
        page_b.locator("#open-counter").click()

        assert call(page_a, counter_prio.pk) == "C001"
        key = QueueConfig.objects.get(office__code="KPG").display_key
        board = tv.new_page()
        board.goto(f"/layar/KPG/?key={key}")
        board.get_by_test_id("now-number").wait_for()
        assert board.get_by_test_id("now-number").inner_text() == "C001"
        assert (
            board.get_by_test_id("announcement").inner_text()
            == "Nomor antrian C nol nol satu, silakan ke loket dua."
        )

        assert call(page_b, counter_doc.pk) == "A001"  # the booked applicant, first to arrive
        board.wait_for_function(
            "document.querySelector('[data-testid=now-number]').innerText === 'A001'", timeout=2500
        )
        page_b.locator("#start").click()
        page_b.locator("#finish").click()
        assert call(page_b, counter_doc.pk) == "A002"
        # The display follows within two seconds (it polls every second).
        board.wait_for_function(
            "document.querySelector('[data-testid=now-number]').innerText === 'A002'", timeout=2500
        )
        # The applicant's page follows by itself (it polls every 5 s): their turn, counter 3.
        phone.wait_for_function(
            "document.querySelector('[data-testid=live]').dataset.status === 'called'", timeout=7000
        )
        assert phone.get_by_test_id("live").get_attribute("data-counter") == "3"

        # Serve A002: start, finish -> interview stage.
        page_b.locator("#start").click()
        page_b.locator("#finish").click()
        assert Ticket.objects.get(lane__prefix="A", number=2).stage.code == "interview"
        phone.reload()
        live = phone.get_by_test_id("live")
        assert (live.get_attribute("data-stage"), live.get_attribute("data-status")) == (
            "interview",
            "waiting",
        )

        # C001 is transferred straight to BAP by the priority officer (lost passport).
        from loket.offices.models import Stage

        page_a.locator("#transfer-stage").select_option(
            str(Stage.objects.get(office__code="KPG", code="bap").pk)
        )
        page_a.locator("#transfer").click()
        assert Ticket.objects.get(lane__prefix="C").stage.code == "bap"

        # A003 does not answer: with one call allowed, a no-show.
        assert call(page_b, counter_doc.pk) == "A003"
        page_b.locator("#skip").click()
        assert Ticket.objects.get(lane__prefix="A", number=3).status == "no_show"

        for page in (page_a, page_b, phone):
            assert axe_violations(page) == [], page.url
    finally:
        for context in (desk, officer_a, officer_b, applicant, tv):
            context.close()
