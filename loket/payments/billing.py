"""Bills: issuing billing codes, recording payments from the gateway callback, expiry.

Every status change is a conditional UPDATE on the old status (style rule 6), so a
payment and an expiry racing for one bill cannot both win. Lock order everywhere is
bill first, then whatever the bill pays for, so two such transactions never deadlock.

When a bill becomes paid, `signals.bill_paid` is sent inside the same transaction; the
booking app listens (payments never imports booking).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from loket.core.audit import audit_record
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import User
from loket.payments import conf
from loket.payments.gateway import billing_code_valid, get_gateway
from loket.payments.models import Bill, BillStatus, PaymentNotification
from loket.payments.signals import bill_paid

logger = logging.getLogger("loket.payments")

SIGNATURE_HEADER = "X-Loket-Signature"


# --- signatures ---------------------------------------------------------------------------


def sign(body: bytes, *, timestamp: int | None = None) -> str:
    """The signature header value for a callback body: "t=<unix>,v1=<hex hmac-sha256>"."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(conf.callback_secret(), f"{stamp}.".encode() + body, hashlib.sha256)
    return f"t={stamp},v1={digest.hexdigest()}"


def signature_valid(body: bytes, header: str) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(time.time() - stamp) > conf.callback_max_age_seconds():
        return False
    expected = sign(body, timestamp=stamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


# --- selectors ----------------------------------------------------------------------------


def bill_get(*, billing_code: str) -> Bill:
    bill = Bill.objects.filter(billing_code=billing_code).first()
    if bill is None:
        raise NotFound("billing_code_unknown", _("This billing code is not known."))
    return bill


# --- services -----------------------------------------------------------------------------


def bill_issue(
    *,
    amount: int,
    lines: list[dict[str, Any]],
    billing_date: dt.date,
    reference: str,
    office_code: str,
    payer_name: str,
) -> Bill:
    """Issue a billing code through the gateway and store the bill (payable for the hold)."""
    if amount <= 0:
        raise ApplicationError("amount_invalid", _("A bill needs a positive amount."))
    gateway = get_gateway()
    now = timezone.now()
    expires_at = now + dt.timedelta(minutes=conf.hold_minutes())
    for _attempt in range(5):
        code = gateway.issue(
            amount=amount, expires_at=expires_at, reference=reference, payer_name=payer_name
        )
        try:
            with transaction.atomic():
                bill = Bill.objects.create(
                    billing_code=code,
                    gateway=gateway.name,
                    reference=reference,
                    office_code=office_code,
                    payer_name=payer_name[:150],
                    amount=amount,
                    lines=lines,
                    billing_date=billing_date,
                    issued_at=now,
                    expires_at=expires_at,
                )
                audit_record(
                    actor=None,
                    action="bill.issue",
                    target=bill,
                    office_code=office_code,
                    changes={"amount": amount, "reference": reference, "gateway": gateway.name},
                )
                return bill
        except IntegrityError:
            # The gateway handed out a code we already hold (codes are random): ask again.
            logger.warning("Billing code collision on %s; asking the gateway again", code)
    raise ApplicationError(
        "billing_unavailable",
        _("The payment system could not issue a billing code; try again in a minute."),
        status=503,
    )


def _refuse_unpayable(bill: Bill) -> None:
    if bill.status == BillStatus.EXPIRED:
        raise ApplicationError(
            "bill_expired",
            _("This billing code has expired; the payment is refused. Book again for a new code."),
            status=409,
        )
    if bill.status == BillStatus.CANCELLED:
        raise ApplicationError(
            "bill_cancelled",
            _("This billing code was cancelled; the payment is refused."),
            status=409,
        )


def bill_mark_paid(
    *, billing_code: str, amount: int, ntpn: str, paid_at: dt.datetime | None = None
) -> bool:
    """Record a payment reported by the gateway. True if this call marked it paid.

    Idempotent: the same payment reported again (same NTPN) changes nothing. A payment of
    an expired or cancelled code, of the wrong amount, or made after the deadline is
    refused with a stable code and leaves the bill as it was.
    """
    paid_at = paid_at or timezone.now()
    with transaction.atomic():
        bill = Bill.objects.select_for_update().filter(billing_code=billing_code).first()
        if bill is None:
            raise NotFound("billing_code_unknown", _("This billing code is not known."))
        if bill.status == BillStatus.PAID:
            if bill.ntpn == ntpn:
                return False
            logger.error(
                "Second payment of %s with NTPN %s (first %s)", billing_code, ntpn, bill.ntpn
            )
            raise ApplicationError(
                "bill_already_paid", _("This billing code is already paid."), status=409
            )
        _refuse_unpayable(bill)
        if amount != bill.amount:
            raise ApplicationError(
                "amount_mismatch",
                _("The amount paid does not match the bill."),
                status=422,
                extra={"expected": bill.amount, "received": amount},
            )
        if paid_at > bill.expires_at:
            raise ApplicationError(
                "bill_expired",
                _("This billing code had expired when it was paid; the payment is refused."),
                status=409,
            )
        if not ntpn or len(ntpn) > 16:
            raise ApplicationError("ntpn_invalid", _("A payment needs its NTPN."), status=422)
        won = Bill.objects.filter(pk=bill.pk, status=BillStatus.ISSUED).update(
            status=BillStatus.PAID, paid_at=paid_at, ntpn=ntpn
        )
        if won != 1:  # pragma: no cover - the row lock above makes this unreachable
            raise ApplicationError("bill_changed", _("The bill changed; try again."), status=409)
        bill.refresh_from_db()
        audit_record(
            actor=None,
            action="bill.paid",
            target=bill,
            office_code=bill.office_code,
            changes={"ntpn": ntpn, "amount": amount},
        )
        bill_paid.send(sender=Bill, bill=bill)
    logger.info("Bill %s paid, NTPN %s", billing_code, ntpn)
    return True


def bill_close(*, bill: Bill, to: str, actor: User | None = None) -> bool:
    """Move an unpaid bill to EXPIRED or CANCELLED; False when it was no longer unpaid.

    Call inside the caller's transaction, before touching what the bill pays for.
    """
    if to not in (BillStatus.EXPIRED, BillStatus.CANCELLED):
        raise ValueError(f"bill_close cannot move a bill to {to!r}")
    now = timezone.now()
    won = Bill.objects.filter(pk=bill.pk, status=BillStatus.ISSUED).update(status=to, closed_at=now)
    if won:
        bill.status, bill.closed_at = to, now
        audit_record(actor=actor, action=f"bill.{to}", target=bill, office_code=bill.office_code)
    return bool(won)


def bill_reconcile(*, bill: Bill) -> bool:
    """Ask the gateway whether an unpaid bill was paid after all (a callback that never
    arrived); record the payment if so. True when the bill is now paid by this call."""
    if bill.status != BillStatus.ISSUED:
        return False
    payment = get_gateway().status(bill.billing_code)
    if not payment.paid:
        return False
    try:
        return bill_mark_paid(
            billing_code=bill.billing_code,
            amount=payment.amount,
            ntpn=payment.ntpn,
            paid_at=payment.paid_at,
        )
    except ApplicationError as error:
        logger.error("Reconciling %s failed: %s", bill.billing_code, error.code)
        return False


def payment_callback_handle(*, raw_body: bytes, signature: str) -> tuple[int, dict[str, Any]]:
    """Handle one gateway callback; returns (HTTP status, JSON answer).

    The signature is checked before anything is read; a delivery of an event seen before
    gets the answer it got the first time.
    """
    if not signature_valid(raw_body, signature or ""):
        logger.warning("Payment callback with a bad signature refused")
        return 401, {"error": {"code": "bad_signature", "message": "Signature invalid."}}
    try:
        body = json.loads(raw_body)
        event_id = str(body["event_id"])[:64]
        billing_code = str(body["billing_code"])
        outcome = str(body["status"])
        amount = int(body["amount"])
    except (ValueError, KeyError, TypeError):
        return 400, {"error": {"code": "invalid_body", "message": "Malformed callback body."}}
    seen = PaymentNotification.objects.filter(event_id=event_id).first()
    if seen is not None:
        return seen.http_status, _answer(seen.result_code, seen.http_status)
    if not billing_code_valid(billing_code):
        return 400, {"error": {"code": "billing_code_invalid", "message": "Not a billing code."}}

    ntpn = str(body.get("ntpn") or "")[:16]
    status, result = 200, "payment_failed"
    if outcome == "paid":
        paid_at = parse_datetime(str(body.get("paid_at") or "")) or timezone.now()
        try:
            changed = bill_mark_paid(
                billing_code=billing_code, amount=amount, ntpn=ntpn, paid_at=paid_at
            )
            result = "paid" if changed else "already_recorded"
        except ApplicationError as error:
            status, result = error.status, error.code
            logger.warning("Payment callback for %s refused: %s", billing_code, error.code)
    elif outcome != "failed":
        status, result = 400, "status_invalid"
    try:
        with transaction.atomic():
            PaymentNotification.objects.create(
                event_id=event_id,
                billing_code=billing_code,
                outcome=outcome[:10],
                amount=amount,
                ntpn=ntpn,
                result_code=result,
                http_status=status,
                body=body if isinstance(body, dict) else {},
            )
    except IntegrityError:
        seen = PaymentNotification.objects.get(event_id=event_id)
        return seen.http_status, _answer(seen.result_code, seen.http_status)
    return status, _answer(result, status)


def _answer(result: str, status: int) -> dict[str, Any]:
    if status < 300:
        return {"ok": True, "result": result}
    return {"error": {"code": result, "message": result.replace("_", " ")}}


def bill_last_failure(*, billing_code: str) -> PaymentNotification | None:
    """The latest refused payment attempt of a code, for the applicant's page."""
    return (
        PaymentNotification.objects.filter(billing_code=billing_code, outcome="failed")
        .order_by("-received_at")
        .first()
    )
