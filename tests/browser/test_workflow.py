"""Issue #6 end to end in Chromium: a regular, a percepatan, a priority and a
lost-passport (BAP) applicant go from check-in through every officer screen to ready
for pickup. The priority applicant is never finished after the percepatan one (default
policy), and every officer screen passes axe-core. Elements are found by id, name and
data-testid only (the interface is Indonesian)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser.conftest import axe_violations
from tests.browser.test_queue import sign_in

# Elements of <main> wider than the viewport, outside the tables' scrolling regions.
MAIN_OVERFLOW_OUTSIDE_TABLES = """() => [...document.querySelectorAll('main *')]
    .filter(e => !e.closest('.table-wrap'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + (e.id ? '#' + e.id : ''))"""
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OFFICERS = [
    "front.desk",
    "interviewer",
    "biometrics",
    "bap.examiner",
    "adjudicator",
    "printing",
    "qc",
    "kasubsi",
    "kasi",
    "head.of.office",
]


def _photo() -> bytes:
    """A small PNG standing in for the camera's picture."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 50), (210, 190, 170)).save(out, "PNG")
    return out.getvalue()


def _working_day(office, time_machine) -> None:
    """Same-day service needs a working day at Kupang: on a weekend or holiday, move the
    clock forward (ticking) to the next working morning; otherwise leave it alone."""
    from loket.core.calendar import is_working_day

    now = timezone.now()
    moment = now
    while not is_working_day(office, moment):
        moment += dt.timedelta(days=1)
    if moment != now:
        local = moment.astimezone(office.tz)
        time_machine.move_to(local.replace(hour=9, minute=0), tick=True)


@pytest.fixture
def desk(db, time_machine):
    from loket.applications.models import CompletionStandard
    from loket.applications.tests.factories import ApplicationFactory
    from loket.booking.models import Booking
    from loket.offices.models import Office
    from loket.queueing.services import queue_setup
    from loket.queueing.tests.test_checkin import booking

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    office = Office.objects.get(code="KPG")
    _working_day(office, time_machine)
    queue_setup(office)
    # Same-day service with no morning cut-off, so the test runs at any hour.
    CompletionStandard.objects.update_or_create(
        office=office, kind="percepatan", defaults={"working_days": 0, "intake_cutoff": None}
    )
    apps = {}
    for key, code, category, birth in (
        ("percepatan", "WFPERC01", "percepatan", dt.date(1990, 5, 17)),
        ("regular", "WFREGU01", "regular", dt.date(1991, 6, 1)),
        ("priority", "WFPRIO01", "regular", dt.date(1950, 1, 1)),  # elderly: priority lane
    ):
        b = booking(office, code=code, category=category, birth=birth)
        Booking.objects.filter(pk=b.pk).update(confirmed_at=timezone.now())
        apps[key] = b.application
    apps["lost"] = ApplicationFactory(office=office, case_type="lost", full_name="Lost Passport")
    return apps


def test_four_applicants_to_ready_for_pickup(browser, live_server, desk):
    from loket.applications.models import Application, ApplicationEvent
    from loket.offices.models import Counter, Stage
    from loket.payments.billing import bill_mark_paid
    from loket.payments.models import Bill

    contexts = {}
    pages = {}

    def as_(who: str):
        if who not in pages:
            context = browser.new_context(base_url=live_server.url)
            context.set_default_timeout(10_000)
            contexts[who] = context
            pages[who] = context.new_page()
            sign_in(pages[who], f"{who}@demo.loket.test")
        return pages[who]

    checked: set[str] = set()

    def accessible(page, screen: str) -> None:
        if screen not in checked:
            checked.add(screen)
            assert axe_violations(page) == [], (screen, page.url)

    def work(who: str, key: str):
        page = as_(who)
        page.goto(f"/staf/permohonan/{desk[key].public_id}/")
        return page

    def status(page) -> str:
        return page.get_by_test_id("status").get_attribute("data-status")

    try:
        # Check-in at the front desk with the booking codes starts the workflow.
        front = as_("front.desk")
        for code in ("WFPERC01", "WFREGU01", "WFPRIO01"):
            front.goto("/staf/kantor/KPG/antrian/")
            front.locator("#id_code").fill(code)
            front.locator("#check-in").click()
            front.wait_for_url("**/cetak/**")
        # The lost-passport walk-in: the desk starts the step on the application screen,
        # issues the office bill, and the gateway reports it paid.
        page = work("front.desk", "lost")
        accessible(page, "arrive")
        page.locator("#service-class").select_option("regular")
        page.locator("#arrive").click()
        page.locator("#issue-bill").click()
        bill = Bill.objects.get(reference=f"application:{desk['lost'].public_id}")
        bill_mark_paid(billing_code=bill.billing_code, amount=bill.amount, ntpn="WF0000000000001")
        page = work("front.desk", "lost")
        page.locator("#receipt").click()
        assert page.get_by_test_id("ntpn").inner_text() == "WF0000000000001"
        accessible(page, "receipt")
        for key, expected in (
            ("percepatan", "percepatan"),
            ("regular", "regular"),
            ("priority", "priority"),
            ("lost", "regular"),
        ):
            application = Application.objects.get(pk=desk[key].pk)
            assert (application.status, application.service_class) == ("document_check", expected)
            assert application.paid_at is not None and application.due_date is not None

        # The priority counter calls the elderly applicant; the counter links to the step.
        counter = Counter.objects.get(office__code="KPG", number="2")
        front.goto(f"/staf/loket/{counter.pk}/")
        front.locator("#open-counter").click()
        stage = Stage.objects.get(office__code="KPG", code="document_check")
        front.locator(f"#stage-{stage.pk}").check()
        front.locator("#call-next").click()
        accessible(front, "counter")
        front.get_by_test_id("application-stage-link").click()
        assert status(front) == "document_check"
        assert front.url.endswith(f"/staf/permohonan/{desk['priority'].public_id}/")

        # Percepatan first through the hall and adjudication, priority last: the print
        # queue still finishes the priority applicant first.
        for key in ("percepatan", "regular", "lost", "priority"):
            page = work("front.desk", key)
            accessible(page, "documents")
            boxes = page.locator("#form-documents input[type=checkbox]")
            for i in range(boxes.count()):
                boxes.nth(i).check()
            page.locator("#documents-done").click()
            assert status(page) == "interview"

            page = work("interviewer", key)
            accessible(page, "interview")
            page.locator("#destination").fill("Japan")
            page.locator("#sponsor").fill("self")
            page.locator("#interview-done").click()
            assert status(page) == "biometrics"

            page = work("biometrics", key)
            accessible(page, "biometrics")
            page.locator("#photo").set_input_files(
                files=[{"name": f"{key}.png", "mimeType": "image/png", "buffer": _photo()}]
            )
            page.locator("#fingerprint-ref").fill(f"FP-{key}")
            page.locator("#biometrics-done").click()
            assert page.locator("#view-photo").count() == 1

            if key == "lost":
                assert status(page) == "bap"
                page = work("bap.examiner", key)
                accessible(page, "bap")
                page.locator("#statement").fill("Passport lost while moving house.")
                page.locator("#findings").fill("Police report seen; identity confirmed.")
                page.locator("#proposal").select_option("approve")
                page.locator("#bap-propose").click()
                for who in ("kasubsi", "kasi", "head.of.office"):
                    page = work(who, key)
                    accessible(page, "bap-approval")
                    page.locator("#bap-approve").click()
            page = work("adjudicator", key)
            assert status(page) == "adjudication"
            accessible(page, "adjudication")
            page.locator("#decision").select_option("approve")
            page.locator("#adjudicate").click()
            assert status(page) == "printing"

        # Printing and QC follow the office queue: no cherry-picking.
        printer = as_("printing")
        printer.goto("/staf/permohonan/kantor/KPG/")
        accessible(printer, "office-queues")
        queue = printer.get_by_test_id("print-queue").locator("li")
        first = queue.first.get_attribute("data-public-id")
        assert first == str(desk["priority"].public_id)
        for _i in range(4):
            printer.locator("#print-next").click()
        qc = as_("qc")
        qc.goto("/staf/permohonan/kantor/KPG/")
        for _i in range(4):
            qc.locator("#qc-pass").click()
        assert qc.get_by_test_id("ready-list").locator("li").count() == 4
        accessible(qc, "office-queues-ready")

        ready = {
            key: ApplicationEvent.objects.get(application=desk[key], to_status="ready")
            for key in desk
        }
        assert ready["priority"].pk < ready["percepatan"].pk
        assert ready["priority"].at <= ready["percepatan"].at
        assert all(Application.objects.get(pk=a.pk).status == "ready" for a in desk.values())

        # On a small phone (320 px) the officer screens fit: wide tables scroll inside
        # their own keyboard-reachable region, the page itself never sideways.
        qc.set_viewport_size({"width": 320, "height": 640})
        for url in ("/staf/permohonan/kantor/KPG/", f"/staf/permohonan/{desk['lost'].public_id}/"):
            qc.goto(url)
            assert qc.evaluate(MAIN_OVERFLOW_OUTSIDE_TABLES) == [], url
            assert qc.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
            accessible(qc, "phone " + url)
    finally:
        for context in contexts.values():
            context.close()


def test_interviewer_postpones_and_a_supervisor_cancels(browser, live_server, db):
    """The officer screen's postpone (at the interview) and supervisor cancel forms, with
    axe-core on both screens; a cancel without a reason is refused by the browser first."""
    from loket.applications.tests.factories import ApplicationFactory
    from loket.offices.models import Office

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    office = Office.objects.get(code="KPG")
    application = ApplicationFactory(
        office=office, status="interview", paid_at=timezone.now(), full_name="Held Over"
    )
    contexts = []

    def as_(who: str):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, f"{who}@demo.loket.test")
        page.goto(f"/staf/permohonan/{application.public_id}/")
        return page

    try:
        page = as_("interviewer")
        assert axe_violations(page) == [], "postpone"
        page.locator("#postpone-awaited").fill("Labour office recommendation")
        page.locator("#postpone-reason").fill("Sponsor unclear")
        page.locator("#postpone").click()
        page.wait_for_selector('[data-testid="status"][data-status="postponed"]')
        assert page.locator("#form-cancel").count() == 0

        page = as_("kasi")
        assert axe_violations(page) == [], "cancel"
        page.locator("#cancel").click()  # the reason is required: nothing is sent
        assert page.get_by_test_id("status").get_attribute("data-status") == "postponed"
        page.locator("#cancel-reason").fill("Withdrawn by the applicant")
        page.locator("#cancel").click()
        page.wait_for_selector('[data-testid="status"][data-status="cancelled"]')
        application.refresh_from_db()
        assert application.status == "cancelled"
        assert application.events.get(to_status="cancelled").reason == (
            "Withdrawn by the applicant"
        )
    finally:
        for context in contexts:
            context.close()
