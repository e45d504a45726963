import pytest
from django.urls import reverse

from loket.booking.models import Booking
from loket.booking.tests.conftest import THU, WED
from loket.booking.tests.factories import verified_application
from loket.payments.simulator import simulator_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, application):
    client.force_login(application.account)
    return client


def confirm_url(application):
    return reverse("booking:confirm", args=[application.public_id])


def test_url_names(application):
    assert reverse("booking:book", kwargs={"public_id": application.public_id}) == (
        f"/akun/pemesanan/baru/{application.public_id}/"
    )
    assert reverse("booking:proof", args=["ABCDEFGH"]) == "/akun/pemesanan/ABCDEFGH/bukti/"


def test_whole_flow_without_javascript(signed_in, application):
    r = signed_in.get(reverse("booking:book", args=[application.public_id]))
    assert r.status_code == 200
    assert b'data-testid="choose-2025-03-12-pagi"' in r.content
    r = signed_in.get(reverse("booking:book", args=[application.public_id]), {"from": "2025-03-17"})
    assert b'data-testid="opens-at"' in r.content

    r = signed_in.get(confirm_url(application), {"date": "2025-03-12", "session": "pagi"})
    assert r.status_code == 200 and b'id="confirm-booking"' in r.content
    key = r.context["form"].initial["idempotency_key"]
    post = {"date": "2025-03-12", "session": "pagi", "idempotency_key": key}
    r = signed_in.post(confirm_url(application), post)
    booking = Booking.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("booking:detail", args=[booking.code])
    # a double submit lands on the same booking
    r = signed_in.post(confirm_url(application), post)
    assert r["Location"] == reverse("booking:detail", args=[booking.code])
    assert Booking.objects.count() == 1
    # the book page now leads to the active booking
    r = signed_in.get(reverse("booking:book", args=[application.public_id]))
    assert r["Location"] == reverse("booking:detail", args=[booking.code])

    r = signed_in.get(reverse("booking:detail", args=[booking.code]))
    assert booking.bill.billing_code.encode() in r.content
    assert b'data-testid="deadline"' in r.content and b"12:00 WIB" in r.content
    assert b'id="pay-simulator"' in r.content
    r = signed_in.get(reverse("booking:detail", args=[booking.code]), HTTP_HX_REQUEST="true")
    assert r.content.lstrip().startswith(b'<section id="booking-status"')

    r = signed_in.get(reverse("booking:proof", args=[booking.code]))
    assert r.status_code == 409

    simulator_pay(billing_code=booking.bill.billing_code, outcome="failed")
    r = signed_in.get(reverse("booking:detail", args=[booking.code]))
    assert b'data-testid="payment-failed"' in r.content
    simulator_pay(billing_code=booking.bill.billing_code, outcome="timeout")
    r = signed_in.post(reverse("booking:refresh", args=[booking.code]))
    r = signed_in.get(reverse("booking:detail", args=[booking.code]))
    assert b'data-status="confirmed"' in r.content and b'id="proof-link"' in r.content

    r = signed_in.get(reverse("booking:proof", args=[booking.code]))
    assert r.status_code == 200 and b"<svg" in r.content and booking.code.encode() in r.content
    assert application.nik.encode() not in r.content  # masked
    r = signed_in.get(reverse("booking:proof_pdf", args=[booking.code]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")

    r = signed_in.get(reverse("booking:reschedule", args=[booking.code]))
    assert b'data-testid="choose-2025-03-13-siang"' in r.content
    r = signed_in.post(
        reverse("booking:reschedule", args=[booking.code]),
        {"date": THU.isoformat(), "session": "siang"},
    )
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.slot.date == THU
    r = signed_in.post(
        reverse("booking:reschedule", args=[booking.code]),
        {"date": WED.isoformat(), "session": "pagi"},
    )
    assert r.status_code == 409 and b'data-code="reschedule_used"' in r.content

    r = signed_in.post(reverse("booking:cancel", args=[booking.code]), {"reason": ""})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert signed_in.get(reverse("booking:list")).status_code == 200


def test_confirm_errors_are_shown(signed_in, application):
    r = signed_in.get(confirm_url(application), {"date": "2025-03-19", "session": "pagi"})
    assert r.status_code == 409 and b'data-code="date_not_released"' in r.content
    r = signed_in.get(confirm_url(application), {"date": "bad"})
    assert r.status_code == 400


def test_other_peoples_things_are_404(signed_in, office, book):
    stranger = verified_application(office=office)
    other = book(stranger)
    assert signed_in.get(reverse("booking:book", args=[stranger.public_id])).status_code == 404
    for name in ("detail", "proof", "proof_pdf", "reschedule", "cancel"):
        assert signed_in.get(reverse(f"booking:{name}", args=[other.code])).status_code == 404
    assert signed_in.post(reverse("booking:cancel", args=[other.code])).status_code == 404
    other.refresh_from_db()
    assert other.status == "held"


def test_sign_in_and_verification_required(client, office, now):
    from loket.applications.tests.factories import ApplicationFactory

    application = ApplicationFactory(office=office)
    url = reverse("booking:book", args=[application.public_id])
    assert client.get(url)["Location"].startswith(reverse("core:applicant_login"))
    client.force_login(application.account)
    assert client.get(url)["Location"] == reverse("applicants:verify")


def test_walk_in_case_gets_a_clear_page(client, office, now):
    application = verified_application(office=office, case_type="lost")
    client.force_login(application.account)
    r = client.get(reverse("booking:book", args=[application.public_id]))
    assert r.status_code == 409
