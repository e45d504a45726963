"""Reads of the pickup app: checklists, bookable drive-thru slots, the officer's board."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loket.core.calendar import local_date
from loket.core.errors import NotFound
from loket.offices.models import Office
from loket.pickup.choices import ACTIVE, Lane, Method
from loket.pickup.models import DriveThruSchedule, DriveThruSlot, PickupChoice
from loket.pickup.services import drive_thru_slots_materialise, slot_starts_at

_KTP = _("Your identity card (e-KTP), the original")
_RECEIPT = _("The payment receipt of the passport fee")
CHECKLISTS: dict[str, list[Promise]] = {
    Method.COUNTER: [_KTP, _RECEIPT, _("Your pickup code (take a pickup ticket, lane E)")],
    Method.DRIVE_THRU: [
        _KTP,
        _RECEIPT,
        _("The QR code of your drive-thru booking (printed or on your phone)"),
        _("The vehicle with the plate number you booked, in the lane you booked"),
    ],
    Method.COURIER: [
        _("The courier fee, paid before dispatch"),
        _("Be at the delivery address; the courier checks your identity card (e-KTP)"),
    ],
    Method.PROXY: [
        _("The proxy's identity card (e-KTP), the original"),
        _("Your identity card (e-KTP) or a copy"),
        _RECEIPT,
        _(
            "The family card (KK) showing you both, or a power of attorney "
            "(surat kuasa) signed by you"
        ),
    ],
}


def checklist_for(method: str) -> list[str]:
    return [str(item) for item in CHECKLISTS.get(method, [])]


def methods_for(office: Office) -> list[str]:
    methods = [Method.COUNTER, Method.PROXY, Method.COURIER]
    if (
        office.offers_drive_thru
        and DriveThruSchedule.objects.filter(office=office, is_active=True).exists()
    ):
        methods.insert(1, Method.DRIVE_THRU)
    return [str(m) for m in methods]


def drive_thru_slots_open(
    *, office: Office, lane: str | None = None, days: int | None = None
) -> QuerySet[DriveThruSlot]:
    """Slots with room from now on, creating the coming days' rows if needed."""
    schedule = DriveThruSchedule.objects.filter(office=office, is_active=True).first()
    if schedule is None or not office.offers_drive_thru:
        return DriveThruSlot.objects.none()
    now = timezone.now()
    today = local_date(office, now)
    ahead = days if days is not None else schedule.days_ahead
    for i in range(ahead + 1):
        drive_thru_slots_materialise(office=office, day=today + dt.timedelta(days=i))
    rows = DriveThruSlot.objects.filter(
        office=office, date__gte=today, date__lte=today + dt.timedelta(days=ahead)
    ).filter(used__lt=F("capacity"))
    if lane:
        rows = rows.filter(lane=lane)
    local_time = now.astimezone(office.tz).time()
    return rows.exclude(date=today, start__lte=local_time).order_by("date", "start", "lane")


def choice_active_for(application_id: int) -> PickupChoice | None:
    return (
        PickupChoice.objects.filter(application_id=application_id, status__in=ACTIVE)
        .select_related("slot", "partner", "office")
        .first()
    )


def choice_last_for(application_id: int) -> PickupChoice | None:
    return (
        PickupChoice.objects.filter(application_id=application_id)
        .select_related("slot", "partner", "office")
        .order_by("-created_at", "-id")
        .first()
    )


def choice_lookup(*, office: Office, query: str) -> PickupChoice:
    """Find a pickup at the office by its code, a plate number or the application id."""
    text = query.strip()
    if not text:
        raise NotFound("pickup_not_found", str(_("Nothing found.")))
    condition = Q(code=text.upper()) | Q(plate=text.upper().replace(" ", "").replace("-", ""))
    with contextlib.suppress(ValueError):
        condition |= Q(application__public_id=uuid.UUID(text))
    choice = (
        PickupChoice.objects.filter(condition, office=office)
        .select_related("application", "slot", "partner", "office")
        .order_by("-created_at")
    )
    found = choice.filter(status__in=ACTIVE).first() or choice.first()
    if found is None:
        raise NotFound(
            "pickup_not_found", str(_("No pickup with this code, plate or application."))
        )
    return found


@dataclass
class LaneBoard:
    lane: str
    label: str
    capacity: int = 0
    used: int = 0
    arrived: int = 0
    handed_over: int = 0
    slots: list[DriveThruSlot] = field(default_factory=list)
    expected: list[PickupChoice] = field(default_factory=list)


def drive_thru_today(*, office: Office) -> list[LaneBoard]:
    """Today's slots and arrivals per lane for the officer's screen."""
    today = local_date(office, timezone.now())
    drive_thru_slots_materialise(office=office, day=today)
    boards = {lane: LaneBoard(lane=lane, label=str(Lane(lane).label)) for lane in Lane.values}
    for slot in DriveThruSlot.objects.filter(office=office, date=today):
        board = boards[slot.lane]
        board.slots.append(slot)
        board.capacity += slot.capacity
        board.used += slot.used
    choices = (
        PickupChoice.objects.filter(office=office, slot__date=today, holds_place=True)
        .select_related("application", "slot")
        .order_by("slot__start", "created_at")
    )
    for choice in choices:
        board = boards[choice.slot.lane] if choice.slot else boards[Lane.CAR]
        board.expected.append(choice)
        if choice.arrived_at is not None:
            board.arrived += 1
        if choice.status == "handed_over":
            board.handed_over += 1
    return list(boards.values())


def starts_at(choice: PickupChoice) -> dt.datetime | None:
    return slot_starts_at(choice.office, choice.slot) if choice.slot else None
