"""Booking statuses with the one transition map, and release schedule kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    HELD = "held", _("Held, waiting for payment")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    EXPIRED = "expired", _("Lapsed: not paid in time")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not come")


S = BookingStatus

# The one transition map (style rule 4). A reschedule keeps the status (an event row
# records it); the queue app moves a booking to CHECKED_IN at the office.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.HELD: frozenset({S.CONFIRMED, S.EXPIRED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.CHECKED_IN, S.CANCELLED, S.NO_SHOW}),
    S.CHECKED_IN: frozenset(),
    S.EXPIRED: frozenset(),
    S.CANCELLED: frozenset(),
    S.NO_SHOW: frozenset(),
}
# One active booking per NIK: a partial unique constraint over these statuses.
ACTIVE = frozenset({S.HELD, S.CONFIRMED, S.CHECKED_IN})
TERMINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
RESCHEDULABLE = frozenset({S.HELD, S.CONFIRMED})
CANCELLABLE = frozenset({S.HELD, S.CONFIRMED})
# The proof (with the QR code for check-in) exists only once the fee is paid.
HAS_PROOF = frozenset({S.CONFIRMED, S.CHECKED_IN})


class EventKind(models.TextChoices):
    CREATED = "created", _("Booked and held")
    CONFIRMED = "confirmed", _("Payment received")
    EXPIRED = "expired", _("Lapsed unpaid")
    CANCELLED = "cancelled", _("Cancelled")
    PLACE_RETURNED = "place_returned", _("Place returned to the quota")
    RESCHEDULED = "rescheduled", _("Moved to another date or session")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("Did not come")


class ReleaseKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly, on a fixed day and hour")
    MONTHLY = "monthly", _("Monthly, on the last working day")


class AllocationMode(models.TextChoices):
    """How an office hands out the places of a release (issue #4)."""

    FCFS = "fcfs", _("First come, first served (with a randomised pre-queue)")
    BALLOT = "ballot", _("Ballot: requests collected over a window, then drawn")


class BallotOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for the draw")
    WON = "won", _("Drawn: place held")
    LOST = "lost", _("Not drawn")
    OFFERED = "offered", _("Offered a returned place")
