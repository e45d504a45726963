"""Ballot allocation (issue #4): requests are collected over a window, then places are
drawn with a recorded seed, so the draw can be re-run and audited. Requests not drawn
are offered returned (cancelled, lapsed) places later, in drawn order."""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applications.models import Application
from loket.booking.choices import BallotOutcome
from loket.booking.models import Ballot, BallotRequest, Booking, SlotCapacity
from loket.core.audit import audit_record
from loket.core.errors import ApplicationError
from loket.core.models import User

MAX_CHOICES = 3


def ballot_order(seed: int, request_ids: list[int]) -> list[int]:
    """The drawn order: a pure function of the seed and the request ids."""
    order = sorted(request_ids)
    random.Random(seed).shuffle(order)
    return order


def ballot_open_for(*, office_id: int, day: dt.date, category: str) -> Ballot | None:
    """The undrawn ballot that holds `day`'s places, if any (direct booking is refused)."""
    return Ballot.objects.filter(
        office_id=office_id,
        category=category,
        first_date__lte=day,
        last_date__gte=day,
        drawn_at__isnull=True,
    ).first()


def ballot_enter(
    *,
    ballot: Ballot,
    application: Application,
    account: User,
    choices: list[tuple[dt.date, str]],
    now: dt.datetime | None = None,
) -> BallotRequest:
    """Enter a ballot with up to three (date, session code) choices, best first."""
    now = now or timezone.now()
    if application.account_id != account.pk:
        raise ApplicationError("application_not_found", _("Application not found."), status=404)
    if not (ballot.opens_at <= now < ballot.closes_at) or ballot.drawn_at is not None:
        raise ApplicationError(
            "ballot_closed", _("This ballot is not taking requests now."), status=409
        )
    if not choices or len(choices) > MAX_CHOICES:
        raise ApplicationError(
            "ballot_choices", _("Choose one to three sessions, best first."), status=422
        )
    for day, _session in choices:
        if not ballot.first_date <= day <= ballot.last_date:
            raise ApplicationError(
                "ballot_choices", _("A chosen date is not part of this ballot."), status=422
            )
    request, created = BallotRequest.objects.get_or_create(
        ballot=ballot,
        nik=application.nik,
        defaults={
            "application": application,
            "account": account,
            "choices": [[d.isoformat(), s] for d, s in choices],
        },
    )
    if not created:
        raise ApplicationError(
            "ballot_already_entered",
            _("This person (NIK) has already entered this ballot."),
            status=409,
        )
    return request


def _try_book(request: BallotRequest, *, via: str) -> Booking | None:
    from loket.booking.services import booking_create, request_hash_of

    ballot = request.ballot
    for day_text, session_code in request.choices:
        slot = (
            SlotCapacity.objects.filter(
                office_id=ballot.office_id,
                date=dt.date.fromisoformat(day_text),
                session__code=session_code,
                category=ballot.category,
            )
            .select_related("session")
            .first()
        )
        if slot is None or slot.used >= slot.capacity:
            continue
        try:
            return booking_create(
                application=request.application,
                slot=slot,
                account=request.account,
                idempotency_key=f"ballot:{ballot.pk}:{request.pk}:{uuid.uuid4().hex[:8]}",
                request_hash=request_hash_of({"ballot": ballot.pk, "request": request.pk}),
                via_ballot=True,
            )
        except ApplicationError:
            continue  # full meanwhile, or the NIK booked elsewhere: next choice
    return None


def ballot_draw(
    *, ballot: Ballot, seed: int | None = None, now: dt.datetime | None = None
) -> Ballot:
    """Draw once the window has closed: rank requests by the seed, then give each, in rank
    order, its first choice with a free place (a held booking, paid like any other)."""
    from loket.booking.services import capacity_materialise

    now = now or timezone.now()
    if now < ballot.closes_at:
        raise ApplicationError("ballot_open", _("The ballot is still taking requests."), status=409)
    seed = secrets.randbits(62) if seed is None else seed
    with transaction.atomic():
        won = Ballot.objects.filter(pk=ballot.pk, drawn_at__isnull=True).update(
            seed=seed, drawn_at=now
        )
        if not won:
            raise ApplicationError("ballot_drawn", _("This ballot was already drawn."), status=409)
        ids = list(ballot.requests.values_list("id", flat=True))
        for rank, request_id in enumerate(ballot_order(seed, ids), start=1):
            BallotRequest.objects.filter(pk=request_id).update(rank=rank)
        audit_record(
            actor=None,
            action="booking.ballot_draw",
            target=ballot,
            office_code=ballot.office.code,
            changes={"seed": seed, "requests": len(ids)},
            reason="",
        )
    ballot.refresh_from_db()
    day = ballot.first_date
    while day <= ballot.last_date:
        capacity_materialise(office=ballot.office, day=day)
        day += dt.timedelta(days=1)
    for request in ballot.requests.select_related("application", "account", "ballot").order_by(
        "rank"
    ):
        booking = _try_book(request, via="draw")
        BallotRequest.objects.filter(pk=request.pk).update(
            outcome=BallotOutcome.WON if booking else BallotOutcome.LOST, booking=booking
        )
    return ballot


def ballot_offer_returned(*, ballot: Ballot) -> int:
    """Offer places that came back (cancelled, lapsed) to requests not drawn, in drawn
    order. Idempotent; run after places return. Returns the places offered."""
    offered = 0
    for request in (
        ballot.requests.filter(outcome=BallotOutcome.LOST)
        .select_related("application", "account", "ballot")
        .order_by("rank")
    ):
        booking = _try_book(request, via="offer")
        if booking is not None:
            BallotRequest.objects.filter(pk=request.pk).update(
                outcome=BallotOutcome.OFFERED, booking=booking
            )
            offered += 1
    return offered
