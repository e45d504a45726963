"""Writes of the booking app: releasing quotas, taking and returning places, holds,
payment confirmation, reschedule, cancel, no-show and check-in.

Places are taken and returned only by one conditional UPDATE each (style rule 6):

    UPDATE booking_slotcapacity SET used = used + 1 WHERE id = %s AND used < capacity

and the row count says whether it worked. CHECK constraints (0 <= used <= capacity) and
the partial unique index on an active booking's NIK are the last guards. Lock order is
bill -> booking -> slot (slots by id when two are touched), so concurrent transactions
wait for each other instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.applications.choices import CaseType
from loket.applications.models import Application
from loket.applications.selectors import application_require_bookable
from loket.booking import conf, release
from loket.booking.ballot import ballot_open_for
from loket.booking.choices import (
    ACTIVE,
    CANCELLABLE,
    RESCHEDULABLE,
    TRANSITIONS,
    BookingStatus,
    EventKind,
)
from loket.booking.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Booking,
    BookingEvent,
    IdempotencyKey,
    SlotCapacity,
)
from loket.booking.selectors import availability_invalidate, release_rule_of, session_start
from loket.core.calendar import days_off, is_working_day, local_date
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import User
from loket.core.queries import one_or_none
from loket.core.state import StatusFlow
from loket.notifications.choices import Channel
from loket.notifications.services import notification_enqueue
from loket.offices.choices import QuotaCategory
from loket.offices.models import DailyQuota, Office, ServiceSession
from loket.payments.billing import bill_close, bill_issue, bill_reconcile
from loket.payments.models import Bill, BillStatus
from loket.payments.selectors import fee_quote
from loket.payments.signals import bill_paid

logger = logging.getLogger("loket.booking")

# Percepatan (same-day) is only for new passports and renewals of expired ones (brief §4).
PERCEPATAN_CASES = frozenset({CaseType.NEW, CaseType.RENEWAL_EXPIRED})


# --- quota release ------------------------------------------------------------------------


def capacity_materialise(*, office: Office, day: dt.date) -> int:
    """Create the capacity rows of one date from the office's standing plan (DailyQuota).

    Safe to run twice or concurrently: the unique constraint drops duplicates. Existing
    rows are never changed (their `used` is live). Returns the rows attempted.
    """
    rows = [
        SlotCapacity(
            office=office,
            date=day,
            session_id=quota.session_id,
            category=quota.category,
            capacity=quota.capacity,
        )
        for quota in DailyQuota.objects.filter(office=office)
    ]
    SlotCapacity.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def quotas_release(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Materialise capacity rows for every released working date of every office.

    Idempotent (style rule 7): run it every minute; a second copy running at the same
    time inserts nothing twice.
    """
    from loket.booking.models import ReleaseRule

    now = now or timezone.now()
    counts = {"offices": 0, "dates": 0}
    for rule in ReleaseRule.objects.filter(is_active=True, office__is_active=True).select_related(
        "office"
    ):
        office = rule.office
        today = local_date(office, now)
        last = min(
            release.released_until(rule, now),
            today + dt.timedelta(days=conf.booking_horizon_days()),
        )
        if last < today:
            continue
        off = days_off(office, today, last)
        existing = set(
            SlotCapacity.objects.filter(office=office, date__range=(today, last))
            .values_list("date", flat=True)
            .distinct()
        )
        counts["offices"] += 1
        day = today
        while day <= last:
            if day not in off and day not in existing:
                capacity_materialise(office=office, day=day)
                counts["dates"] += 1
            day += dt.timedelta(days=1)
    return counts


# --- places -------------------------------------------------------------------------------


def _places_changed(slot_id: int, office_id: int | None = None) -> None:
    """Drop cached availability of the slot's office once the change is committed."""
    if office_id is None:
        office_id = (
            SlotCapacity.objects.filter(pk=slot_id).values_list("office_id", flat=True).first()
        )
    if office_id is not None:
        found = office_id
        transaction.on_commit(lambda: availability_invalidate(office_id=found))


def _slot_take(slot: SlotCapacity) -> bool:
    """Take one place; False when the session is full. Never read-then-write."""
    taken = (
        SlotCapacity.objects.filter(pk=slot.pk, used__lt=F("capacity")).update(used=F("used") + 1)
        == 1
    )
    if taken:
        _places_changed(slot.pk, slot.office_id)
    return taken


def slot_require_free(slot: SlotCapacity) -> None:
    """Refuse early when the slot, as just read, is full: most attempts of a flash crowd
    arrive after the places are gone and need no more work than this. (A place that
    frees later is found by the next attempt; the conditional UPDATE decides anyway.)"""
    if slot.capacity > 0 and slot.used >= slot.capacity:
        raise _full()


def _slot_give_back(slot_id: int) -> None:
    if SlotCapacity.objects.filter(pk=slot_id, used__gt=0).update(used=F("used") - 1) != 1:
        # Only reachable if the counter was edited by hand: log loudly, never go negative.
        logger.error("Slot %s: returning a place found used already 0", slot_id)
    _places_changed(slot_id)


def category_for(application: Application) -> str:
    if not application.percepatan:
        return QuotaCategory.REGULAR
    if application.case_type not in PERCEPATAN_CASES:
        raise ApplicationError(
            "percepatan_not_allowed",
            _("Same-day service is only for new passports and renewals of expired ones."),
            status=409,
        )
    office = application.office
    if office is not None and not office.offers_percepatan:
        raise ApplicationError(
            "percepatan_not_offered",
            _("This office does not offer same-day service."),
            status=409,
        )
    return QuotaCategory.PERCEPATAN


def _require_bookable_date(
    office: Office, day: dt.date, session: ServiceSession, now: dt.datetime
) -> None:
    if session_start(office, day, session) <= now:
        raise ApplicationError(
            "date_past", _("This session has already started or is in the past."), status=409
        )
    if not is_working_day(office, day):
        raise ApplicationError(
            "not_working_day", _("The office is closed on %(date)s.") % {"date": day}, status=409
        )
    rule = release_rule_of(office)
    if rule is None:
        raise ApplicationError(
            "no_release_schedule",
            _("This office has not opened online booking yet."),
            status=409,
        )
    opens = release.opens_at(rule, day)
    if opens > now:
        local = opens.astimezone(office.tz)
        raise ApplicationError(
            "date_not_released",
            _("%(date)s is not open for booking yet; it opens on %(when)s %(tz)s.")
            % {"date": day, "when": local.strftime("%Y-%m-%d %H:%M"), "tz": office.tz_abbreviation},
            status=409,
            extra={"opens_at": opens.isoformat()},
        )


def slot_find(*, office: Office, day: dt.date, session_code: str, category: str) -> SlotCapacity:
    """The capacity row a booking would take; materialised on demand once its date is
    released (so a release is exact to the second, even before release_quotas has run)."""
    # The common case (the date is released and materialised) is one query.
    slot = one_or_none(
        SlotCapacity.objects.filter(
            office=office, date=day, session__code=session_code, category=category
        ).select_related("session")
    )
    if slot is not None:
        return slot
    session = one_or_none(ServiceSession.objects.filter(office=office, code=session_code))
    if session is None:
        raise NotFound("session_not_found", _("This office has no such session."))
    _require_bookable_date(office, day, session, timezone.now())
    capacity_materialise(office=office, day=day)
    slot = one_or_none(
        SlotCapacity.objects.filter(
            office=office, date=day, session=session, category=category
        ).select_related("session")
    )
    if slot is None:
        raise ApplicationError(
            "no_quota",
            _("This session has no places for this kind of service."),
            status=409,
        )
    return slot


# --- idempotency --------------------------------------------------------------------------


def request_hash_of(data: dict[str, Any]) -> str:
    """A stable fingerprint of a request body (keys sorted, no whitespace)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def booking_replay(*, account: User, key: str, request_hash: str) -> Booking | None:
    """The booking a seen idempotency key produced (replayed=True), None for a new key;
    the key with a different request is refused."""
    row = one_or_none(
        IdempotencyKey.objects.filter(account=account, key=key).select_related("booking")
    )
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise ApplicationError(
            "idempotency_key_reused",
            _("This idempotency key was already used for a different request."),
            status=422,
        )
    if row.booking is None:  # pragma: no cover - rows are only stored with their booking
        return None
    booking = row.booking
    booking.replayed = True
    return booking


# --- events -------------------------------------------------------------------------------


BOOKING_FLOW = StatusFlow(
    model=Booking,
    event_model=BookingEvent,
    event_field="booking",
    transitions=TRANSITIONS,
    labels=BookingStatus,
    audit_prefix="booking",
    refused_code="invalid_transition",
    refused=gettext_lazy("A booking that is “%(from)s” cannot become “%(to)s”."),
    changed_code="booking_changed",
    changed=gettext_lazy("The booking changed meanwhile; reload the page."),
)
_event = BOOKING_FLOW.record
_transition = BOOKING_FLOW.move


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def proof_url(booking: Booking) -> str:
    return conf.site_url().rstrip("/") + reverse("booking:proof", args=[booking.code])


def _email(booking: Booking, *, subject: str, body: str, dedupe: str) -> None:
    recipient = booking.application.email or booking.account.email
    notification_enqueue(
        channel=Channel.EMAIL,
        recipient=recipient,
        subject=subject,
        body=body,
        dedupe_key=dedupe,
        office_code=booking.office.code,
    )


def _visit_text(booking: Booking) -> str:
    session = booking.slot.session
    return f"{booking.slot.date:%d-%m-%Y} {session.name} {session.starts:%H:%M}–{session.ends:%H:%M} {booking.office.tz_abbreviation}"


# --- booking ------------------------------------------------------------------------------


def booking_create(
    *,
    application: Application,
    slot: SlotCapacity,
    account: User,
    idempotency_key: str,
    request_hash: str,
    via_ballot: bool = False,
    key_checked: bool = False,
) -> Booking:
    """Book `slot` for `application`: take one place, issue the bill, hold until paid.

    With an idempotency key seen before and the same request, the first booking is
    returned (`replayed` True) and nothing else happens; with a different request the
    key is refused. A refusal leaves nothing behind (one transaction).
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ApplicationError(
            "idempotency_key_required",
            _("Every booking request needs an idempotency key of at most 100 characters."),
            status=400,
        )
    if not key_checked:  # the caller may have looked the key up a moment ago
        replay = booking_replay(account=account, key=key, request_hash=request_hash)
        if replay is not None:
            return replay
    if application.account_id != account.pk:
        raise NotFound("application_not_found", _("Application not found."))
    application_require_bookable(application)
    if not application.nik:
        raise ApplicationError(
            "application_incomplete",
            _("Finish and submit the application before booking a visit."),
            status=409,
        )
    office = application.office
    assert office is not None  # application_require_bookable checked it
    category = category_for(application)
    if slot.office_id != office.pk or slot.category != category:
        raise ApplicationError(
            "slot_mismatch",
            _("This session is not one of your office's sessions for this service."),
            status=422,
        )
    now = timezone.now()
    _require_bookable_date(office, slot.date, slot.session, now)
    if not via_ballot and ballot_open_for(office_id=office.pk, day=slot.date, category=category):
        raise ApplicationError(
            "ballot_pending",
            _("The places of this date are given by ballot; enter the ballot instead."),
            status=409,
        )
    if Booking.objects.filter(nik=application.nik, status__in=ACTIVE).exists():
        raise _nik_taken()
    fresh = SlotCapacity.objects.filter(pk=slot.pk).values_list("used", "capacity").first()
    if fresh is None or fresh[0] >= fresh[1]:
        # Cheap early answer that spares the gateway a pointless bill; the UPDATE decides.
        raise _full()
    quote = fee_quote(
        billing_date=local_date(office, now),
        book_type=application.book_type,
        validity_years=application.validity_years or 5,
        percepatan=category == QuotaCategory.PERCEPATAN,
    )
    for _attempt in range(3):
        code = _new_code()
        try:
            with transaction.atomic():
                # The key first: a concurrent duplicate request waits here on the unique
                # index and then replays this one's result instead of booking again.
                key_row = IdempotencyKey.objects.create(
                    account=account, key=key, request_hash=request_hash
                )
                # The bill before the place: the slot's row lock is held only from its
                # UPDATE to the commit, never across a gateway call.
                bill = bill_issue(
                    amount=quote.total,
                    lines=[
                        {
                            "item": line.item,
                            "label": str(line.label),
                            "amount": line.amount,
                            "regulation": line.regulation,
                        }
                        for line in quote.lines
                    ],
                    billing_date=quote.billing_date,
                    reference=f"booking:{code}",
                    office_code=office.code,
                    payer_name=application.full_name,
                )
                if not _slot_take(slot):
                    raise _full()
                booking = Booking.objects.create(
                    code=code,
                    application=application,
                    account=account,
                    office=office,
                    slot=slot,
                    category=category,
                    nik=application.nik,
                    status=BookingStatus.HELD,
                    bill=bill,
                    hold_expires_at=bill.expires_at,
                )
                _event(
                    booking,
                    kind=EventKind.CREATED,
                    before="",
                    actor=account,
                    data={
                        "slot": slot.pk,
                        "date": str(slot.date),
                        "billing_code": bill.billing_code,
                    },
                )
                key_row.booking = booking
                key_row.response = {"booking": booking.code}
                key_row.save(update_fields=["booking", "response"])
                return booking
        except IntegrityError:
            replay = booking_replay(account=account, key=key, request_hash=request_hash)
            if replay is not None:
                return replay
            if Booking.objects.filter(nik=application.nik, status__in=ACTIVE).exists():
                raise _nik_taken() from None
            if not Booking.objects.filter(code=code).exists():
                raise
            # A booking code collision (1 in 8.5e11): draw another code.
    raise ApplicationError(  # pragma: no cover
        "booking_unavailable", _("Booking failed; try again."), status=503
    )


def _nik_taken() -> ApplicationError:
    return ApplicationError(
        "nik_has_active_booking",
        _(
            "This person (NIK) already has an active booking. Cancel it or let it lapse before booking again."
        ),
        status=409,
    )


def _full() -> ApplicationError:
    return ApplicationError(
        "session_full", _("This session is full; choose another session or date."), status=409
    )


@receiver(bill_paid, dispatch_uid="booking_on_bill_paid")
def _on_bill_paid(sender: Any, bill: Bill, **kwargs: Any) -> None:
    booking_confirm_paid(bill=bill)


def booking_confirm_paid(*, bill: Bill) -> Booking | None:
    """Confirm the booking a bill pays for (runs inside the payment's transaction)."""
    booking = (
        Booking.objects.select_for_update()
        .select_related("office", "slot__session", "application", "account")
        .filter(bill=bill)
        .first()
    )
    if booking is None:
        return None
    _transition(
        booking,
        to=BookingStatus.CONFIRMED,
        kind=EventKind.CONFIRMED,
        actor=None,
        data={"ntpn": bill.ntpn},
        confirmed_at=timezone.now(),
    )
    _email(
        booking,
        subject=_("Your passport visit is booked: %(code)s") % {"code": booking.code},
        body=_(
            "Your payment was received (NTPN %(ntpn)s) and your visit is confirmed.\n\n"
            "Booking code: %(code)s\nOffice: %(office)s\nVisit: %(visit)s\n\n"
            "Show the booking proof with its QR code at the office:\n%(url)s\n\n"
            "Bring the originals of your documents.\n\nLoket — passport service"
        )
        % {
            "ntpn": bill.ntpn,
            "code": booking.code,
            "office": booking.office.name,
            "visit": _visit_text(booking),
            "url": proof_url(booking),
        },
        dedupe=f"booking-confirmed:{booking.code}",
    )
    return booking


def booking_payment_refresh(*, booking: Booking) -> Booking:
    """Ask the gateway about an unpaid bill (a payment whose callback never arrived)."""
    if booking.status == BookingStatus.HELD and booking.bill is not None:
        bill_reconcile(bill=booking.bill)
        booking.refresh_from_db()
        booking.bill.refresh_from_db()
    return booking


def booking_cancel(*, booking: Booking, actor: User | None, reason: str = "") -> Booking:
    """Cancel; the place returns to the quota after LOKET_CANCEL_RETURN_DELAY_MINUTES."""
    now = timezone.now()
    with transaction.atomic():
        # Bill first (lock order); if it was paid a moment ago, a confirmed one is cancelled.
        if (
            booking.bill is not None
            and booking.status == BookingStatus.HELD
            and not bill_close(bill=booking.bill, to=BillStatus.CANCELLED, actor=actor)
        ):
            booking.refresh_from_db()
        current = Booking.objects.select_for_update().get(pk=booking.pk)
        booking.status = current.status
        if booking.status not in CANCELLABLE:
            raise ApplicationError(
                "not_cancellable",
                _("This booking can no longer be cancelled (it is “%(status)s”).")
                % {"status": booking.get_status_display()},
                status=409,
            )
        if session_start(booking.office, booking.slot.date, booking.slot.session) <= now:
            raise ApplicationError(
                "booking_past",
                _("The visit has already started; it cannot be cancelled."),
                status=409,
            )
        _transition(
            booking,
            to=BookingStatus.CANCELLED,
            kind=EventKind.CANCELLED,
            actor=actor,
            reason=reason,
            cancelled_at=now,
            place_returns_at=now + dt.timedelta(minutes=conf.cancel_return_delay_minutes()),
        )
    return booking


def booking_reschedule(*, booking: Booking, slot: SlotCapacity, actor: User | None) -> Booking:
    """Move a booking to another session once, up to the cutoff before its date.

    The new place is taken and the old one returned in one transaction, slots touched in
    id order so two people swapping sessions cannot deadlock.
    """
    now = timezone.now()
    office = booking.office
    with transaction.atomic():
        current = (
            Booking.objects.select_for_update().select_related("slot__session").get(pk=booking.pk)
        )
        if current.status not in RESCHEDULABLE:
            raise ApplicationError(
                "not_reschedulable",
                _("Only a held or confirmed booking can be moved."),
                status=409,
            )
        if current.reschedule_count >= conf.max_reschedules():
            raise ApplicationError(
                "reschedule_used",
                _("A booking can be moved only once, and this one has been moved already."),
                status=409,
            )
        last_day = current.slot.date - dt.timedelta(days=conf.reschedule_cutoff_days())
        if local_date(office, now) > last_day:
            raise ApplicationError(
                "reschedule_too_late",
                _("A booking can be moved only up to %(date)s.") % {"date": last_day},
                status=409,
            )
        if slot.pk == current.slot_id:
            raise ApplicationError(
                "same_slot", _("Choose a different date or session."), status=409
            )
        if slot.office_id != office.pk or slot.category != current.category:
            raise ApplicationError(
                "slot_mismatch",
                _("This session is not one of your office's sessions for this service."),
                status=422,
            )
        _require_bookable_date(office, slot.date, slot.session, now)
        old_slot_id = current.slot_id
        if slot.pk < old_slot_id:
            if not _slot_take(slot):
                raise _full()
            _slot_give_back(old_slot_id)
        else:
            _slot_give_back(old_slot_id)
            if not _slot_take(slot):
                raise _full()  # the atomic block puts the old place back
        won = Booking.objects.filter(
            pk=current.pk, status=current.status, reschedule_count=current.reschedule_count
        ).update(slot=slot, reschedule_count=F("reschedule_count") + 1, updated_at=now)
        if won != 1:  # pragma: no cover - the row is locked above
            raise ApplicationError(
                "booking_changed", _("The booking changed meanwhile."), status=409
            )
        booking.refresh_from_db()
        _event(
            booking,
            kind=EventKind.RESCHEDULED,
            before=booking.status,
            actor=actor,
            data={"from_slot": old_slot_id, "to_slot": slot.pk, "date": str(slot.date)},
        )
        if booking.status == BookingStatus.CONFIRMED:
            _email(
                booking,
                subject=_("Your passport visit was moved: %(code)s") % {"code": booking.code},
                body=_(
                    "Your visit was moved.\n\nBooking code: %(code)s\nOffice: %(office)s\n"
                    "New visit: %(visit)s\n\nBooking proof:\n%(url)s\n\nLoket — passport service"
                )
                % {
                    "code": booking.code,
                    "office": office.name,
                    "visit": _visit_text(booking),
                    "url": proof_url(booking),
                },
                dedupe=f"booking-moved:{booking.code}:{booking.reschedule_count}",
            )
    return booking


# --- periodic work ------------------------------------------------------------------------


def holds_expire(*, now: dt.datetime | None = None) -> int:
    """Lapse held bookings whose payment deadline has passed and return their places.

    Before lapsing, the gateway is asked whether the code was paid after all (a lost
    callback). Safe with several copies running: the bill's and the booking's
    conditional updates let exactly one copy lapse each booking.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=conf.expiry_grace_minutes())
    due = list(
        Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__lte=cutoff)
        .select_related("bill", "office")
        .order_by("hold_expires_at")[:1000]
    )
    lapsed = 0
    for booking in due:
        if booking.bill is not None and bill_reconcile(bill=booking.bill):
            continue
        with transaction.atomic():
            if booking.bill is not None and not bill_close(
                bill=booking.bill, to=BillStatus.EXPIRED
            ):
                continue  # paid or closed by someone else a moment ago
            won = Booking.objects.filter(pk=booking.pk, status=BookingStatus.HELD).update(
                status=BookingStatus.EXPIRED, holds_place=False, updated_at=now
            )
            if not won:
                continue
            _slot_give_back(booking.slot_id)
            booking.status = BookingStatus.EXPIRED
            _event(
                booking,
                kind=EventKind.EXPIRED,
                before=BookingStatus.HELD,
                actor=None,
                reason="payment deadline passed",
            )
            lapsed += 1
    return lapsed


def cancelled_places_return(*, now: dt.datetime | None = None) -> int:
    """Return the places of cancellations whose delay has passed. Idempotent."""
    now = now or timezone.now()
    due = list(
        Booking.objects.filter(
            status=BookingStatus.CANCELLED, holds_place=True, place_returns_at__lte=now
        ).select_related("office")[:1000]
    )
    returned = 0
    for booking in due:
        with transaction.atomic():
            won = Booking.objects.filter(
                pk=booking.pk, status=BookingStatus.CANCELLED, holds_place=True
            ).update(holds_place=False)
            if not won:
                continue
            _slot_give_back(booking.slot_id)
            _event(
                booking,
                kind=EventKind.PLACE_RETURNED,
                before=booking.status,
                actor=None,
                reason="cancellation delay over",
            )
            returned += 1
    return returned


def no_shows_record(*, now: dt.datetime | None = None) -> int:
    """Mark confirmed bookings whose visit day is over (office-local) as no-shows."""
    now = now or timezone.now()
    # A day ahead of UTC covers every Indonesian zone; the office's own date decides.
    candidates = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, slot__date__lt=now.date() + dt.timedelta(days=1)
    ).select_related("office", "slot")
    recorded = 0
    for booking in candidates:
        if booking.slot.date >= local_date(booking.office, now):
            continue
        with transaction.atomic():
            try:
                _transition(
                    booking,
                    to=BookingStatus.NO_SHOW,
                    kind=EventKind.NO_SHOW,
                    actor=None,
                    reason="visit day over without check-in",
                )
            except ApplicationError:
                continue  # checked in or cancelled a moment ago
            recorded += 1
    return recorded


def booking_check_in(*, booking: Booking, actor: User | None) -> Booking:
    """The applicant arrived on the booked day (called by the queue app at check-in)."""
    today = local_date(booking.office, timezone.now())
    if booking.status == BookingStatus.CHECKED_IN:
        return booking
    if booking.status != BookingStatus.CONFIRMED:
        raise ApplicationError(
            "not_confirmed", _("Only a paid, confirmed booking can be checked in."), status=409
        )
    if booking.slot.date != today:
        raise ApplicationError(
            "wrong_day",
            _("This booking is for %(date)s, not today.") % {"date": booking.slot.date},
            status=409,
        )
    with transaction.atomic():
        return _transition(
            booking, to=BookingStatus.CHECKED_IN, kind=EventKind.CHECKED_IN, actor=actor
        )
