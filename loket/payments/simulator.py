"""The payment SIMULATOR: a local stand-in for the PNBP gateway, never a real payment.

It issues 15-digit billing codes (14 random digits and a Luhn check digit), lets a
pretend payer pay, refuse or time out on its page, and then calls back Loket's callback
endpoint with an HMAC-signed body exactly as a gateway would. Every log line and page
says SIMULATOR. Behaviour can be forced with LOKET_PAYMENT_SIMULATOR_MODE
("normal", "fail", "timeout").

- pay:     the bank accepts; a callback with status "paid" and an NTPN is delivered.
- fail:    the bank refuses; a callback with status "failed" is delivered; the code can
           still be paid before it expires.
- timeout: the bank accepts but the callback never arrives; Loket finds the payment
           through the gateway status query (the "check payment" button, and expire_holds
           asks before it lapses a hold).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import urllib.request
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core.errors import ApplicationError, NotFound
from loket.payments import conf
from loket.payments.gateway import GatewayPayment, luhn_digit
from loket.payments.models import Bill, BillStatus, SimulatorPayment

logger = logging.getLogger("loket.payments.simulator")

OUTCOMES = ("paid", "failed", "timeout")


class SimulatorGateway:
    """SIMULATOR implementation of payments.gateway.PaymentGateway."""

    name = "simulator"
    is_simulator = True

    def issue(
        self, *, amount: int, expires_at: dt.datetime, reference: str, payer_name: str
    ) -> str:
        body = "9" + "".join(secrets.choice("0123456789") for _ in range(13))
        code = body + luhn_digit(body)
        logger.info("SIMULATOR issued billing code %s for %s (Rp%s)", code, reference, amount)
        return code

    def status(self, billing_code: str) -> GatewayPayment:
        row = SimulatorPayment.objects.filter(billing_code=billing_code, outcome="paid").first()
        if row is None:
            return GatewayPayment(paid=False)
        return GatewayPayment(
            paid=True,
            amount=row.amount,
            ntpn=row.ntpn,
            paid_at=row.created_at,
            event_id=row.event_id,
        )


def _ntpn() -> str:
    """A 16-character NTPN look-alike, marked as SIMULATOR by its "SIM" prefix."""
    alphabet = "0123456789ABCDEF"
    return "SIM" + "".join(secrets.choice(alphabet) for _ in range(13))


@dataclass(frozen=True)
class SimulatorResult:
    outcome: str
    callback_status: int | None
    callback_body: dict


def callback_body(
    *, billing_code: str, amount: int, outcome: str, ntpn: str, event_id: str
) -> bytes:
    payload = {
        "event_id": event_id,
        "billing_code": billing_code,
        "status": outcome,
        "amount": amount,
        "ntpn": ntpn,
        "paid_at": timezone.now().isoformat() if outcome == "paid" else None,
        "gateway": "SIMULATOR",
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def deliver_callback(body: bytes) -> tuple[int, dict]:
    """Send a signed callback: over HTTP when a URL is configured, else in-process.

    In-process delivery runs the very same handler as the HTTP endpoint (signature and
    amount checks included); only the network hop is skipped.
    """
    from loket.payments.billing import payment_callback_handle, sign

    header = sign(body)
    url = conf.simulator_callback_url()
    if not url:
        return payment_callback_handle(raw_body=body, signature=header)
    request = urllib.request.Request(  # noqa: S310 - the operator configures this URL
        url,
        data=body,
        headers={"Content-Type": "application/json", "X-Loket-Signature": header},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def simulator_pay(*, billing_code: str, outcome: str) -> SimulatorResult:
    """The pretend payer acts on a code at the SIMULATOR's bank."""
    if outcome not in OUTCOMES:
        raise ApplicationError("simulator_outcome_invalid", _("Choose pay, fail or time out."))
    forced = conf.simulator_mode()
    if forced == "fail":
        outcome = "failed"
    elif forced == "timeout" and outcome == "paid":
        outcome = "timeout"
    bill = Bill.objects.filter(billing_code=billing_code, gateway=SimulatorGateway.name).first()
    if bill is None:
        raise NotFound("billing_code_unknown", _("This billing code is not known."))
    # A bank refuses a code after its deadline (SIMPONI does): paying it is impossible.
    if bill.status == BillStatus.EXPIRED or (
        bill.status == BillStatus.ISSUED and timezone.now() >= bill.expires_at
    ):
        raise ApplicationError(
            "bill_expired",
            _(
                "This billing code has expired and can no longer be paid. Book again for a new code."
            ),
            status=409,
        )
    if bill.status == BillStatus.CANCELLED:
        raise ApplicationError(
            "bill_cancelled", _("This billing code was cancelled and cannot be paid."), status=409
        )
    if bill.status == BillStatus.PAID:
        raise ApplicationError(
            "bill_already_paid", _("This billing code is already paid."), status=409
        )

    event_id = "sim-" + uuid.uuid4().hex
    bank_outcome = "paid" if outcome in ("paid", "timeout") else "failed"
    ntpn = _ntpn() if bank_outcome == "paid" else ""
    try:
        with transaction.atomic():
            row = SimulatorPayment.objects.create(
                billing_code=billing_code,
                outcome=bank_outcome,
                amount=bill.amount,
                ntpn=ntpn,
                event_id=event_id,
            )
    except IntegrityError:
        raise ApplicationError(
            "bill_already_paid", _("This billing code is already paid."), status=409
        ) from None
    logger.info("SIMULATOR payer chose %s for %s", outcome, billing_code)
    if outcome == "timeout":
        logger.info("SIMULATOR callback for %s withheld (timeout)", billing_code)
        return SimulatorResult(outcome=outcome, callback_status=None, callback_body={})
    body = callback_body(
        billing_code=billing_code,
        amount=bill.amount,
        outcome=bank_outcome,
        ntpn=ntpn,
        event_id=event_id,
    )
    status, answer = deliver_callback(body)
    if 200 <= status < 300:
        SimulatorPayment.objects.filter(pk=row.pk).update(callback_delivered=True)
    logger.info("SIMULATOR callback for %s answered %s %s", billing_code, status, answer)
    return SimulatorResult(outcome=outcome, callback_status=status, callback_body=answer)
