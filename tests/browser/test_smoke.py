"""Smoke test in Chromium: officers and applicants sign in, and every page passes axe-core
with no serious or critical violations, reflows on a 320 px screen, and works by keyboard."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, has_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Loket-demo-2026"

PUBLIC_PAGES = [
    "/",
    "/masuk/",
    "/staf/masuk/",
    "/akun/masuk/",
    "/kantor/",
    "/kantor/KPG/",
    "/kantor/TUL/",
    "/biaya/",
    "/biaya/?book_type=electronic&validity_years=10&billing_date=2026-11-25&percepatan=on",
    "/biaya/?book_type=polycarbonate&validity_years=10&billing_date=2026-11-25",
    "/tidak-ada/",
    "/apa-yang-saya-perlukan/",
    "/apa-yang-saya-perlukan/?applicant_type=child&case_type=lost&book_type=electronic&validity_years=5",
    "/akun/daftar/",
    "/akun/lupa-sandi/",
    "/mitra/daftar/",
]
STAFF_PAGES = [
    "/staf/",
    "/staf/kantor/KPG/",
    "/staf/audit/",
    "/staf/audit/?since=2026-11-20&until=2026-11-01",
    "/staf/permohonan/kantor/KPG/",
    "/staf/pengambilan/KPG/",
    "/staf/pengambilan/KPG/drive-thru/",
    "/staf/kantor/KPG/jemput-bola/",
    "/staf/perencanaan/KPG/target/",
]
ADMIN_PAGES = ["/admin/", "/admin/offices/office/", "/admin/offices/counter/add/"]
APPLICANT_PAGES = ["/akun/", "/akun/permohonan/"]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def sign_in(page, path: str, email: str) -> None:
    page.goto(path)
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")  # keyboard only, no mouse
    page.wait_for_load_state()


def check_page(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 500, path
    assert page.locator("main#main").count() == 1, path
    assert page.locator("h1").count() >= 1, path
    violations = axe_violations(page)
    assert violations == [], f"{path}: {violations}"


def test_public_pages_are_accessible(page, demo):
    for path in PUBLIC_PAGES:
        check_page(page, path)
    assert "Layanan paspor kantor imigrasi" in page.goto("/").text()


def test_officer_signs_in_and_staff_pages_are_accessible(page, demo):
    sign_in(page, "/staf/masuk/", "head.of.office@demo.loket.test")
    assert page.url.endswith("/staf/")
    assert page.get_by_role(
        "link", name="Kantor Imigrasi Kelas I TPI Kupang", exact=True
    ).is_visible()
    # Another office's head is not listed and cannot be reached.
    assert page.get_by_text("Cilacap").count() == 0
    assert page.goto("/staf/kantor/CLP/").status == 404
    for path in STAFF_PAGES:
        check_page(page, path)


def test_office_admin_reaches_the_admin(page, demo):
    sign_in(page, "/staf/masuk/", "office.admin@demo.loket.test")
    for path in ADMIN_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        violations = axe_violations(page)
        assert violations == [], f"{path}: {violations}"


def test_applicant_signs_in_and_edits_profile(page, demo):
    sign_in(page, "/akun/masuk/", "pemohon@demo.loket.test")
    assert page.url.endswith("/akun/permohonan/")
    for path in APPLICANT_PAGES:
        check_page(page, path)
    page.goto("/akun/")
    page.locator("#id_phone").fill("12345")
    page.locator("main button[type=submit]").click()
    assert page.locator(".field .error").first.is_visible()
    page.locator("#id_phone").fill("081298765432")
    page.locator("main button[type=submit]").click()
    assert page.get_by_role("status").is_visible()
    assert page.locator("#id_phone").input_value() == "081298765432"


def test_pages_reflow_on_a_small_phone_and_at_high_zoom(browser, live_server, demo):
    # 320 CSS px wide is what a 1280 px screen shows at 400% zoom (WCAG 1.4.10).
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for path in PUBLIC_PAGES:
            page.goto(path)
            assert not has_horizontal_overflow(page), path
        sign_in(page, "/staf/masuk/", "head.of.office@demo.loket.test")
        for path in STAFF_PAGES:
            page.goto(path)
            assert not has_horizontal_overflow(page), path
    finally:
        context.close()


def test_skip_link_is_first_and_moves_focus(page, demo):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Langsung ke konten utama"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switch_to_english(page, demo):
    page.goto("/")
    page.locator("#lang-select").select_option("en")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Passport service of the immigration offices" in page.text_content("h1")


def test_fee_calculator_updates_in_place(page, demo):
    page.goto("/biaya/")
    page.locator("#id_book_type").select_option("non_electronic")
    page.locator("#id_validity_years").select_option("5")
    page.locator("main form button[type=submit]").click()
    # Each change sends a request; the last answer (5 years: Rp350.000) must win.
    expect(page.locator("#fee-result")).to_contain_text("Rp350.000", timeout=5000)
    expect(page.locator("#fee-result")).not_to_contain_text("650.000")
