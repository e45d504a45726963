"""Pickup methods, lanes and the one transition map of a pickup choice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    DRIVE_THRU = "drive_thru", _("Drive-thru")
    COURIER = "courier", _("Courier delivery")
    PROXY = "proxy", _("By a proxy")


class Lane(models.TextChoices):
    CAR = "car", _("Car lane")
    MOTORBIKE = "motorbike", _("Two-wheeler lane")


class ChoiceStatus(models.TextChoices):
    CHOSEN = "chosen", _("Chosen")
    ARRIVED = "arrived", _("Arrived at the drive-thru")
    DISPATCHED = "dispatched", _("Handed to the courier")
    HANDED_OVER = "handed_over", _("Handed over")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class ReceivedBy(models.TextChoices):
    OWNER = "owner", _("The passport holder")
    PROXY = "proxy", _("A proxy")
    COURIER = "courier", _("The courier")


class ProxyBasis(models.TextChoices):
    SAME_KK = "same_kk", _("Family member on the same family card (KK)")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney (surat kuasa)")


S = ChoiceStatus

# The one transition map (style rule 4); which method may take which edge is checked
# by the service (arrival is for the drive-thru, dispatch for the courier).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CHOSEN: frozenset({S.ARRIVED, S.HANDED_OVER, S.DISPATCHED, S.CANCELLED}),
    S.ARRIVED: frozenset({S.HANDED_OVER}),
    S.DISPATCHED: frozenset({S.DELIVERED}),
    S.HANDED_OVER: frozenset(),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}
TERMINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
#: One active choice per application (a partial unique constraint over these).
ACTIVE = frozenset({S.CHOSEN, S.ARRIVED, S.DISPATCHED})
#: The passport has left the office.
COLLECTED = frozenset({S.HANDED_OVER, S.DISPATCHED, S.DELIVERED})
