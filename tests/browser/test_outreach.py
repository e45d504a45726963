"""Outreach (jemput bola) in Chromium, on a phone: the office offers today and a smallest
group of two; a school's coordinator registers, confirms the email, is told their group
is too small, requests a visit for two and enters both members' data with their consent;
the office accepts and schedules it with an officer and a mobile kit; on the day the
front desk issues the group's tickets and a counter calls and serves them. axe-core
checks every page on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command

from loket.applications.tests.factories import nik_for
from loket.notifications.services import outbox_send_due
from tests.browser.conftest import axe_violations, has_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Loket-demo-2026"
PHONE = {"width": 360, "height": 740}
BIRTH = dt.date(1990, 5, 17)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def checked(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"
    assert not has_horizontal_overflow(page), f"{page.url} scrolls sideways on a phone"


def submit(page, selector: str) -> None:
    """Click a button whose form posts back to the same address and wait for the reload."""
    with page.expect_navigation():
        page.locator(selector).click()


def staff_page(browser, live_server, email: str):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/staf/masuk/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staf/$"))
    return page


def enter_member(page, name: str, nik: str) -> None:
    page.locator("#id_full_name").fill(name)
    page.locator("input[name=mode][value=coordinator]").check()
    page.locator("#id_consent").check()
    page.locator("#id_consent_note").fill("Formulir persetujuan bertanda tangan")
    page.locator("#add-member").click()
    page.wait_for_url(re.compile(r"/langkah/1/$"))
    checked(page)
    page.locator("#id_applicant_type").select_option("adult")
    page.locator("#id_case_type").select_option("new")
    page.locator("#id_book_type").select_option("electronic")
    page.locator("#id_validity_years").select_option("10")
    page.locator("#id_purpose").select_option("tourism")
    page.locator("#member-next").click()
    page.wait_for_url(re.compile(r"/langkah/2/$"))
    fields = {
        "#id_nik": nik,
        "#id_kk_number": "5371011705150002",
        "#id_full_name": name,
        "#id_birth_place": "Kupang",
        "#id_birth_date": "1990-05-17",
        "#id_address": "Jl. Frans Seda 3, Kupang",
        "#id_occupation": "Pelajar",
        "#id_father_name": "Yohanes",
        "#id_mother_name": "Maria",
        "#id_phone": "081234567890",
        "#id_email": f"{name.split()[0].lower()}@example.test",
    }
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    page.locator("#id_sex").select_option("F")
    page.locator("#id_marital_status").select_option("single")
    checked(page)
    submit(page, "#member-next")
    errors = page.locator(".error, .alert").all_inner_texts()
    assert re.search(r"/mitra/kunjungan/\d+/$", page.url), errors


def test_outreach_visit(browser, live_server, page, demo):
    from loket.offices.models import Counter, Office
    from loket.outreach.models import MobileKit, Visit
    from loket.outreach.selectors import local_today
    from loket.queueing.models import Ticket

    office = Office.objects.get(code="KPG")
    day = local_today(office).isoformat()
    kit = MobileKit.objects.get(office=office, name="Mobile kit 1")

    # 1. The office offers today for outreach and serves groups of two or more.
    boss = staff_page(browser, live_server, "kasubsi@demo.loket.test")
    boss.goto("/staf/kantor/KPG/jemput-bola/")
    checked(boss)
    boss.locator("#id_min_group_size").fill("2")
    submit(boss, "#save-settings")
    boss.locator("#id_date").fill(day)
    boss.locator("#id_capacity").fill("40")
    submit(boss, "#add-offer")
    checked(boss)

    # 2. A school's coordinator registers and confirms the email (on a phone).
    page.set_viewport_size(PHONE)
    page.goto("/mitra/daftar/")
    checked(page)
    page.locator("#id_name").fill("SMA Negeri 1 Kupang")
    page.locator("#id_kind").select_option("school")
    page.locator("#id_address").fill("Jl. Adisucipto 1, Kupang")
    page.locator("#id_contact_phone").fill("081234567891")
    page.locator("#id_full_name").fill("Yosefina Bere")
    page.locator("#id_email").fill("yosefina@example.test")
    page.locator("#id_password").fill("teh-manis-sore-2026")
    page.locator("#id_password_again").fill("teh-manis-sore-2026")
    page.locator("#id_consent").check()
    page.locator("#partner-signup").click()
    page.wait_for_url(re.compile("/akun/verifikasi/"))
    outbox_send_due()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.locator("#id_code").fill(code)
    page.locator("#verify-submit").click()
    page.wait_for_load_state()
    page.goto("/mitra/")
    assert page.get_by_test_id("partner-name").inner_text() == "SMA Negeri 1 Kupang"
    checked(page)

    # 3. A group of one is refused with the office's minimum; two are accepted.
    page.locator("#request-visit").click()
    page.wait_for_url(re.compile(r"/mitra/kunjungan/baru/$"))
    checked(page)
    page.locator("#id_office").select_option("KPG")
    page.locator("#id_date").fill(day)
    page.locator("#id_group_size").fill("1")
    submit(page, "#send-request")
    assert page.locator("#id_group_size_error_1").is_visible()
    assert page.locator("#id_group_size").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").count() >= 1
    checked(page)
    assert not Visit.objects.filter(partner__name="SMA Negeri 1 Kupang").exists()
    page.locator("#id_group_size").fill("2")
    page.locator("#send-request").click()
    page.wait_for_url(re.compile(r"/mitra/kunjungan/\d+/$"))
    visit = Visit.objects.get(partner__name="SMA Negeri 1 Kupang")
    assert visit.status == "requested"
    checked(page)

    # 4. Both members agreed that the coordinator enters their data.
    enter_member(page, "Agnes Bere", nik_for(BIRTH, "F", 41))
    checked(page)
    enter_member(page, "Maria Seran", nik_for(BIRTH, "F", 42))
    ready = page.get_by_test_id("member-ready").all_inner_texts()
    assert len(ready) == 2

    # A member who fills in their own data joins with the emailed code on this page.
    page.goto("/akun/jemput-bola/gabung/")
    checked(page)
    page.locator("#id_code").fill("WRONG123")
    submit(page, "#join")
    assert page.locator("#id_code_error_1").is_visible()
    checked(page)

    # 5. The office accepts and schedules it: today, an officer and the mobile kit.
    boss.goto("/staf/kantor/KPG/jemput-bola/")
    boss.locator(f"#visit-{visit.pk}").click()
    boss.wait_for_url(re.compile(rf"/staf/jemput-bola/{visit.pk}/$"))
    checked(boss)
    submit(boss, "#accept")
    boss.locator("#id_date").fill(day)
    boss.locator("#id_starts_at").fill("09:00")
    boss.locator("#id_place").fill("Aula SMA Negeri 1 Kupang")
    from loket.core.models import User

    desk = User.objects.get(email="front.desk@demo.loket.test")
    boss.locator(f"input[name=officers][value='{desk.pk}']").check()
    boss.locator("#id_kit").select_option(str(kit.pk))
    submit(boss, "#schedule")
    assert not boss.locator("#schedule-form .error").count(), boss.locator(
        "#schedule-form .error, .alert"
    ).all_inner_texts()
    assert "Aula SMA Negeri 1 Kupang" in boss.get_by_test_id("schedule").inner_text()
    checked(boss)
    visit.refresh_from_db()
    assert visit.status == "scheduled" and visit.kit == kit

    page.goto(f"/mitra/kunjungan/{visit.pk}/")
    assert "09:00" in page.get_by_test_id("schedule").inner_text()

    # 6. On the day: the front desk issues the group's tickets in the group lane.
    front = staff_page(browser, live_server, "front.desk@demo.loket.test")
    front.goto(f"/staf/jemput-bola/{visit.pk}/")
    checked(front)
    submit(front, "#issue-tickets")
    numbers = [t.split(" ")[0] for t in front.get_by_test_id("member-ticket").all_inner_texts()]
    assert numbers == ["G001", "G002"]
    checked(front)
    visit.refresh_from_db()
    assert visit.status == "held"
    from loket.applications.models import Application

    arrived = Application.objects.filter(outreach_member__visit=visit)
    assert sorted(arrived.values_list("status", flat=True)) == ["document_check"] * 2

    # 7. A counter calls them like everyone else and serves the first.
    counter = Counter.objects.get(office=office, number="3")  # document check
    boss.goto(f"/staf/loket/{counter.pk}/")
    submit(boss, "#open-counter")
    from loket.offices.models import Stage

    stage = Stage.objects.get(office=office, code="document_check")
    boss.locator(f"#stage-{stage.pk}").check()
    submit(boss, "#call-next")
    assert boss.get_by_test_id("current-number").inner_text() == "G001"
    submit(boss, "#start")
    submit(boss, "#finish")
    first = Ticket.objects.get(lane__prefix="G", number=1, office=office)
    assert (first.stage.code, first.status) == ("interview", "waiting")
    # The coordinator sees the group's tickets too.
    page.reload()
    assert page.get_by_test_id("member-ticket").all_inner_texts()[0].startswith("G001")
    for context in (boss.context, front.context):
        context.close()
