"""A visitor finds an office, reads its service standard and fees, sees the next date
with free places and downloads the poster; every page passes axe-core and reflows at
320 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from loket.booking.models import ReleaseRule, SlotCapacity
from loket.booking.services import capacity_materialise
from loket.core.calendar import days_off, local_date
from loket.offices.models import Office, Stage
from loket.payments.selectors import fee_quote
from tests.browser.conftest import axe_violations, has_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def free_date(demo) -> tuple[dt.date, int]:
    """Cilacap releases two weeks ahead; today is full, the next working day has 7
    regular places left. Returns that date and its free places."""
    office = Office.objects.get(code="CLP")
    ReleaseRule.objects.update_or_create(
        office=office,
        defaults={"kind": "weekly", "weekday": 0, "time": dt.time(0, 0), "periods_ahead": 2},
    )
    today = local_date(office, timezone.now())
    off = days_off(office, today, today + dt.timedelta(days=14))
    target = next(
        today + dt.timedelta(days=n)
        for n in range(1, 15)
        if today + dt.timedelta(days=n) not in off
    )
    for day in (today, target):
        capacity_materialise(office=office, day=day)
    regular = SlotCapacity.objects.filter(office=office, category="regular")
    for slot in regular.filter(date=today):
        slot.used = slot.capacity
        slot.save()
    pagi, siang = regular.filter(date=target).order_by("session__starts")
    pagi.used = pagi.capacity - 7
    pagi.save()
    siang.used = siang.capacity
    siang.save()
    return target, 7


def assert_accessible(page, where: str) -> None:
    assert page.locator("main#main").count() == 1, where
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"


def test_visitor_finds_office_reads_standard_and_fees(page, free_date):
    target, free = free_date
    page.goto("/direktori/")
    assert_accessible(page, "directory")
    page.locator("#id_name").fill("cilacap")
    page.locator("[data-testid=directory-submit]").click()
    page.wait_for_load_state()
    card = page.locator("[data-testid=office-CLP]")
    assert card.is_visible()
    assert page.locator("[data-testid=office-KPG]").count() == 0
    first_free = card.locator("[data-testid=free-dates] li").first
    assert first_free.get_attribute("data-date") == target.isoformat()
    assert str(free) in first_free.text_content()
    assert_accessible(page, "directory results")

    page.locator("[data-testid=standard-link-CLP]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/kantor/CLP/standar/")
    assert_accessible(page, "standard")
    today = local_date(Office.objects.get(code="CLP"), timezone.now())
    for book_type, years in (("non_electronic", 5), ("electronic", 10)):
        quote = fee_quote(billing_date=today, book_type=book_type, validity_years=years)
        fee_row = page.locator(f"[data-testid=fee-{book_type}-{years}]")
        assert fee_row.get_attribute("data-amount") == str(quote.total)
        assert quote.lines[0].regulation in fee_row.text_content()
    for stage in Stage.objects.filter(office__code="CLP"):
        stage_row = page.locator(f"[data-testid=stage-{stage.code}]")
        assert stage_row.get_attribute("data-wait") == str(stage.sop_wait_minutes)
    # The requirement cases open by keyboard.
    page.locator("[data-testid=req-adult-lost] summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("[data-testid=req-adult-lost] ul").is_visible()

    href = page.locator("[data-testid=poster-link]").get_attribute("href")
    poster = page.request.get(href)
    assert poster.status == 200
    assert poster.headers["content-type"] == "application/pdf"
    assert poster.body().startswith(b"%PDF")


def test_questions_page_search_and_language(page, demo):
    page.goto("/tanya-jawab/")
    assert_accessible(page, "questions")
    page.locator("#id_q").fill("hilang")
    page.locator("#id_office").select_option("CLP")
    page.locator("[data-testid=qa-submit]").click()
    page.wait_for_load_state()
    results = page.locator("[data-testid=qa-results] details")
    assert results.count() == 1
    results.first.locator("summary").click()
    assert_accessible(page, "questions results")
    page.locator("#id_q").fill("tidak-ada-kata-ini")
    page.locator("[data-testid=qa-submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=qa-empty]").is_visible()
    assert_accessible(page, "questions empty")


def test_public_info_pages_reflow_at_320_px(browser, live_server, free_date):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for path in (
            "/direktori/",
            "/direktori/?name=zzz",
            "/direktori/?region=jawa",
            "/kantor/CLP/standar/",
            "/kantor/TUL/standar/",
            "/kantor/NOPE/standar/",
            "/tanya-jawab/?office=CLP",
        ):
            page.goto(path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            assert not has_horizontal_overflow(page), path
        page.goto("/kantor/CLP/standar/")
        assert_accessible(page, "standard at 320 px")
    finally:
        context.close()
