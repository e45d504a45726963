"""The whole online journey in Chromium: sign up, confirm the email, fill the wizard with
a mistake corrected on the way, upload documents, pick a date, pay through the payment
SIMULATOR, download the proof. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from PIL import Image

from loket.booking.models import Booking
from loket.notifications.services import outbox_send_due
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def scan(tmp_path, name: str) -> str:
    path = tmp_path / name
    Image.new("RGB", (300, 200), (230, 230, 230)).save(path, "PNG")
    return str(path)


def accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def test_online_journey(page, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    # 1. Sign up and confirm the email with the code it receives.
    page.goto("/akun/daftar/")
    accessible(page)
    page.locator("#id_full_name").fill("Siti Aminah")
    page.locator("#id_email").fill("siti.aminah@example.test")
    page.locator("#id_password").fill("teh-manis-sore-2026")
    page.locator("#id_password_again").fill("teh-manis-sore-2026")
    page.locator("#id_consent").check()
    page.locator("#signup-submit").click()
    page.wait_for_url(re.compile("/akun/verifikasi/"))
    accessible(page)
    outbox_send_due()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.locator("#id_code").fill(code)
    page.locator("#verify-submit").click()
    page.wait_for_url(re.compile("/akun/permohonan/$"))

    # 2. The wizard: case, then personal data with a mistake that is caught and fixed.
    page.locator("#new-application").click()
    page.wait_for_url(re.compile("/langkah/1/"))
    accessible(page)
    page.locator("#id_office").select_option("KPG")
    page.locator("#id_applicant_type").select_option("adult")
    page.locator("#id_case_type").select_option("new")
    page.locator("#id_book_type").select_option("electronic")
    page.locator("#id_validity_years").select_option("10")
    page.locator("#id_purpose").select_option("umrah")
    page.locator("#next-step").click()
    page.wait_for_url(re.compile("/langkah/2/"))
    fields = {
        "#id_nik": "3273011705900012",  # a man's NIK: the applicant is a woman
        "#id_kk_number": "3273011705150002",
        "#id_full_name": "Siti Aminah",
        "#id_birth_place": "Bandung",
        "#id_birth_date": "1990-05-17",
        "#id_address": "Jl. Merdeka 1",
        "#id_occupation": "Guru",
        "#id_father_name": "Ahmad",
        "#id_mother_name": "Fatimah",
        "#id_phone": "081234567890",
        "#id_email": "siti.aminah@example.test",
    }
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    page.locator("#id_sex").select_option("F")
    page.locator("#id_marital_status").select_option("married")
    page.locator("#next-step").click()
    nik_error = page.locator("#id_nik_error_1")
    assert nik_error.is_visible()
    assert page.locator("#id_nik").get_attribute("aria-invalid") == "true"
    accessible(page)
    # Reloading loses nothing: the draft kept every value, the wrong one included.
    page.reload()
    assert page.locator("#id_full_name").input_value() == "Siti Aminah"
    page.locator("#id_nik").fill("3273015705900012")  # day + 40: a woman's NIK
    page.locator("#next-step").click()
    page.wait_for_url(re.compile("/dokumen/"))
    accessible(page)

    # 3. Documents, checked by content.
    for kind in ("ktp", "kk", "birth_certificate"):
        form = page.get_by_test_id(f"upload-{kind}")
        form.locator("input[type=file]").set_input_files(scan(tmp_path, f"{kind}.png"))
        form.locator("button[type=submit]").first.click()
        page.wait_for_load_state()
    page.locator("#to-review").click()
    accessible(page)
    page.locator("#submit-application").click()
    page.locator("#book-visit").click()

    # 4. Pick the first free session, confirm: a held booking with a billing code.
    page.wait_for_url(re.compile("/akun/pemesanan/baru/"))
    accessible(page)
    page.locator("[data-testid^=choose-]").first.click()
    page.locator("#confirm-booking").click()
    page.get_by_test_id("billing-code").wait_for()
    accessible(page)
    billing_code = page.get_by_test_id("billing-code").inner_text().replace(" ", "")
    assert re.fullmatch(r"\d{15}", billing_code)
    booking_url = page.url

    # 5. Pay through the SIMULATOR, which calls the gateway callback.
    page.goto(f"/simulator-pembayaran/?billing_code={billing_code}")
    assert page.get_by_test_id("simulator-banner").is_visible()
    page.locator("#sim-pay").click()
    page.get_by_test_id("simulator-result").wait_for()
    page.goto(booking_url)
    assert page.get_by_test_id("booking-status").get_attribute("data-status") == "confirmed"
    assert Booking.objects.get().status == "confirmed"

    # 6. The proof, as a page and a PDF.
    page.locator("#proof-link").click()
    page.get_by_test_id("proof").wait_for()
    accessible(page)
    pdf = page.request.get(page.locator("#proof-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
