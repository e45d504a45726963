"""Bills, the signed callback and the payment SIMULATOR round trip.

Bookings are used as the thing being paid for because that is the only payer today;
the payments code itself never imports booking.
"""

import datetime as dt
import json
import time

import pytest
from django.core.management import call_command

from loket.booking.tests.conftest import WED
from loket.booking.tests.factories import book_for, setup_booking_office, verified_application
from loket.payments.billing import sign, signature_valid
from loket.payments.gateway import billing_code_valid, luhn_digit
from loket.payments.models import Bill, BillStatus, PaymentNotification, SimulatorPayment
from loket.payments.simulator import callback_body, simulator_pay

pytestmark = pytest.mark.django_db
CALLBACK = "/pembayaran/callback/"


@pytest.fixture
def held(office_wib, time_machine):
    time_machine.move_to("2025-03-10 10:00 +07:00", tick=False)
    setup_booking_office(office_wib)
    return book_for(verified_application(office=office_wib), WED)


def post_callback(client, body: bytes, signature: str):
    return client.post(
        CALLBACK, body, content_type="application/json", HTTP_X_LOKET_SIGNATURE=signature
    )


def test_billing_codes_are_15_digits_with_a_check_digit():
    assert luhn_digit("7992739871") == "3"
    assert billing_code_valid("9" * 13 + "1" + luhn_digit("9" * 13 + "1"))
    assert not billing_code_valid("12345")
    code = "91234567890123"
    good = code + luhn_digit(code)
    assert billing_code_valid(good)
    assert not billing_code_valid(good[:-1] + str((int(good[-1]) + 1) % 10))


def test_signature_checks_secret_and_age(settings):
    body = b'{"a":1}'
    assert signature_valid(body, sign(body))
    assert not signature_valid(body + b" ", sign(body))
    assert not signature_valid(body, sign(body, timestamp=int(time.time()) - 3600))
    assert not signature_valid(body, "t=x,v1=y")
    header = sign(body)
    settings.LOKET_PAYMENT_CALLBACK_SECRET = "another"
    assert not signature_valid(body, header)


class TestSimulatorRoundTrip:
    def test_pay_confirms_and_the_email_is_delivered(self, held, smtp_server, client):
        from loket.notifications.services import outbox_send_due

        result = simulator_pay(billing_code=held.bill.billing_code, outcome="paid")
        assert result.callback_status == 200 and result.callback_body["result"] == "paid"
        held.refresh_from_db()
        held.bill.refresh_from_db()
        assert held.status == "confirmed"
        assert held.bill.status == BillStatus.PAID and held.bill.ntpn.startswith("SIM")
        assert SimulatorPayment.objects.get(billing_code=held.bill.billing_code).callback_delivered
        assert outbox_send_due()["sent"] >= 1
        sent = [m for m in smtp_server.messages if held.code.encode() in m[2]]
        assert len(sent) == 1
        assert held.application.email in sent[0][1]
        assert f"/akun/pemesanan/{held.code}/bukti/".encode() in sent[0][2]
        # paying again is refused; the booking is untouched
        with pytest.raises(Exception) as info:
            simulator_pay(billing_code=held.bill.billing_code, outcome="paid")
        assert info.value.code == "bill_already_paid"

    def test_failed_payment_keeps_the_hold_and_can_be_retried(self, held):
        result = simulator_pay(billing_code=held.bill.billing_code, outcome="failed")
        assert result.callback_status == 200 and result.callback_body["result"] == "payment_failed"
        held.refresh_from_db()
        assert held.status == "held"
        assert PaymentNotification.objects.filter(outcome="failed").count() == 1
        simulator_pay(billing_code=held.bill.billing_code, outcome="paid")
        held.refresh_from_db()
        assert held.status == "confirmed"

    def test_timed_out_callback_is_found_by_expire_holds(self, held, time_machine):
        result = simulator_pay(billing_code=held.bill.billing_code, outcome="timeout")
        assert result.callback_status is None
        held.refresh_from_db()
        assert held.status == "held"
        time_machine.shift(dt.timedelta(hours=3))
        call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115
        held.refresh_from_db()
        assert held.status == "confirmed"  # reconciled, not lapsed
        assert held.slot.used == 1

    def test_forced_failure_mode(self, held, settings):
        settings.LOKET_PAYMENT_SIMULATOR_MODE = "fail"
        assert (
            simulator_pay(billing_code=held.bill.billing_code, outcome="paid").outcome == "failed"
        )
        held.refresh_from_db()
        assert held.status == "held"

    def test_expired_code_cannot_be_paid(self, held, time_machine):
        time_machine.shift(dt.timedelta(minutes=121))
        with pytest.raises(Exception) as info:
            simulator_pay(billing_code=held.bill.billing_code, outcome="paid")
        assert info.value.code == "bill_expired"
        assert not SimulatorPayment.objects.exists()

    def test_simulator_page(self, held, client):
        code = held.bill.billing_code
        r = client.get("/simulator-pembayaran/", {"billing_code": code})
        assert r.status_code == 200
        assert b'data-testid="simulator-banner"' in r.content and b"SIMULATOR" in r.content
        r = client.post("/simulator-pembayaran/", {"billing_code": code, "outcome": "paid"})
        assert r.status_code == 200 and b'data-outcome="paid"' in r.content
        held.refresh_from_db()
        assert held.status == "confirmed"
        r = client.get("/simulator-pembayaran/", {"billing_code": "123456789012345"})
        assert r.status_code == 400  # fails the check digit

    def test_simulator_page_refuses_an_expired_code(self, held, client, time_machine):
        time_machine.shift(dt.timedelta(hours=2, minutes=1))
        r = client.post(
            "/simulator-pembayaran/", {"billing_code": held.bill.billing_code, "outcome": "paid"}
        )
        assert r.status_code == 409 and b'data-code="bill_expired"' in r.content


class TestCallbackEndpoint:
    def _body(self, bill, **overrides):
        payload = json.loads(
            callback_body(
                billing_code=bill.billing_code,
                amount=bill.amount,
                outcome="paid",
                ntpn="SIMABC0000000001",
                event_id="ev-1",
            )
        )
        payload.update(overrides)
        return json.dumps(payload).encode()

    def test_forged_signature_is_refused(self, held, client):
        body = self._body(held.bill)
        r = post_callback(client, body, f"t={int(time.time())},v1={'0' * 64}")
        assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
        r = post_callback(client, body, "")
        assert r.status_code == 401
        held.refresh_from_db()
        assert held.status == "held"
        assert not PaymentNotification.objects.exists()

    def test_valid_callback_is_idempotent(self, held, client):
        body = self._body(held.bill)
        r = post_callback(client, body, sign(body))
        assert r.status_code == 200 and r.json() == {"ok": True, "result": "paid"}
        r = post_callback(client, body, sign(body))
        assert r.status_code == 200 and r.json()["result"] == "paid"
        other_event = self._body(held.bill, event_id="ev-2")
        r = post_callback(client, other_event, sign(other_event))
        assert r.status_code == 200 and r.json()["result"] == "already_recorded"
        held.refresh_from_db()
        assert held.status == "confirmed"
        assert held.events.filter(kind="confirmed").count() == 1

    def test_wrong_amount_is_refused(self, held, client):
        body = self._body(held.bill, amount=1000)
        r = post_callback(client, body, sign(body))
        assert r.status_code == 422 and r.json()["error"]["code"] == "amount_mismatch"
        held.refresh_from_db()
        assert held.status == "held"
        assert Bill.objects.get(pk=held.bill_id).status == BillStatus.ISSUED

    def test_unknown_code_and_bad_body(self, held, client):
        code = "91234567890123"
        body = self._body(held.bill, billing_code=code + luhn_digit(code))
        r = post_callback(client, body, sign(body))
        assert r.status_code == 404 and r.json()["error"]["code"] == "billing_code_unknown"
        body = b"not json"
        r = post_callback(client, body, sign(body))
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_body"

    def test_paying_an_expired_code_via_callback(self, held, client, time_machine):
        time_machine.shift(dt.timedelta(hours=3))
        call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115
        body = self._body(held.bill)
        r = post_callback(client, body, sign(body))
        assert r.status_code == 409 and r.json()["error"]["code"] == "bill_expired"
        held.refresh_from_db()
        assert held.status == "expired"

    def test_get_is_not_allowed(self, client):
        assert client.get(CALLBACK).status_code == 405
