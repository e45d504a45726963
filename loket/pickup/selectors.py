"""Reads of the pickup app: checklists, bookable drive-thru slots, the officer's board."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loket.applications.choices import ApplicationStatus
from loket.applications.models import Application, ApplicationEvent
from loket.core.calendar import local_date
from loket.core.errors import NotFound
from loket.notifications.models import OutboxMessage
from loket.offices.models import Office
from loket.pickup.choices import ACTIVE, ChoiceStatus, Lane, Method
from loket.pickup.models import (
    DriveThruSchedule,
    DriveThruSlot,
    Handover,
    PassportStorage,
    PickupChoice,
    PickupSettings,
)
from loket.pickup.services import days_since_ready, drive_thru_slots_materialise, slot_starts_at

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


def storage_location(application_id: int) -> str:
    """Where the ready passport is kept ('' when nobody recorded it yet)."""
    row = PassportStorage.objects.filter(application_id=application_id).first()
    return row.location if row is not None else ""


def courier_awaiting_dispatch(*, office: Office) -> QuerySet[PickupChoice]:
    """Courier choices of ready passports the office has not handed to the courier yet."""
    return (
        PickupChoice.objects.filter(
            office=office,
            method=Method.COURIER,
            status=ChoiceStatus.CHOSEN,
            application__status=ApplicationStatus.READY,
        )
        .select_related("application", "partner")
        .order_by("created_at", "id")
    )


def courier_in_transit(*, office: Office) -> QuerySet[PickupChoice]:
    """Passports with the courier, delivery not confirmed yet (failed attempts included)."""
    return (
        PickupChoice.objects.filter(
            office=office, method=Method.COURIER, status=ChoiceStatus.DISPATCHED
        )
        .select_related("application", "partner")
        .annotate(failed_attempts=Count("events", filter=Q(events__kind="delivery_failed")))
        .order_by("updated_at", "id")
    )


@dataclass
class Uncollected:
    application: Application
    days: int
    choice: PickupChoice | None
    location: str
    reminders_sent: int
    cancel_in: int


def uncollected(*, office: Office, now: dt.datetime | None = None) -> list[Uncollected]:
    """Ready passports of the office not collected yet, longest waiting first."""
    now = now or timezone.now()
    rules = PickupSettings.for_office(office.pk)
    apps = list(
        Application.objects.filter(office=office, status=ApplicationStatus.READY).order_by(
            "status_changed_at", "id"
        )
    )
    ids = [a.pk for a in apps]
    choices = {
        c.application_id: c
        for c in PickupChoice.objects.filter(application_id__in=ids, status__in=ACTIVE)
    }
    places = dict(
        PassportStorage.objects.filter(application_id__in=ids).values_list(
            "application_id", "location"
        )
    )
    wanted = [
        f"pickup-reminder:{a.public_id}:{day}" for a in apps for day in rules.reminder_day_list()
    ]
    sent: dict[str, int] = {}
    for key in OutboxMessage.objects.filter(dedupe_key__in=wanted).values_list(
        "dedupe_key", flat=True
    ):
        public_id = (key or "").split(":")[1]
        sent[public_id] = sent.get(public_id, 0) + 1
    out = []
    for application in apps:
        days = days_since_ready(application, now)
        out.append(
            Uncollected(
                application=application,
                days=days,
                choice=choices.get(application.pk),
                location=places.get(application.pk, ""),
                reminders_sent=sent.get(str(application.public_id), 0),
                cancel_in=max(0, rules.cancel_after_days - days),
            )
        )
    return out


# --- figures for the reports dashboard (issue #7 §6) --------------------------------------


@dataclass
class PickupFigures:
    #: (date, method) -> passports that left the office that day by that channel
    by_channel: dict[tuple[dt.date, str], int]
    #: (date, lane) -> (places taken, places offered); taken counts bookings that hold a
    #: place (no-shows included) and walk-ups
    drive_thru_use: dict[tuple[dt.date, str], tuple[int, int]]
    #: hours from ready to handover, one per passport handed over in the period
    ready_to_pickup_hours: list[float]
    #: (date, lane) -> vehicles actually served (handed over) at the drive-thru
    drive_thru_served: dict[tuple[dt.date, str], int] = field(default_factory=dict)


def pickup_figures(*, office_ids: list[int] | None, start: dt.date, end: dt.date) -> PickupFigures:
    """Pickups by channel per day, drive-thru use against quota per lane, and the time from
    ready to pickup, for the offices given (None: all) and dates start..end inclusive.

    Every day is the office's local day (a handover at 07:30 WIT is on that day, not on
    the UTC day before). A courier pickup counts on the day it left with the courier."""
    # Local days are within a day of UTC days: read a day more on each side, then keep
    # the handovers whose local date falls in the period.
    since = dt.datetime.combine(start - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=2), dt.time.min, tzinfo=dt.UTC)
    handovers = Handover.objects.filter(at__gte=since, at__lt=until).select_related(
        "choice", "application__office"
    )
    slots = DriveThruSlot.objects.filter(date__gte=start, date__lte=end)
    if office_ids is not None:
        handovers = handovers.filter(application__office_id__in=office_ids)
        slots = slots.filter(office_id__in=office_ids)
    in_period = []
    for handover in handovers.order_by("at", "id"):
        office = handover.application.office
        day = local_date(office, handover.at) if office is not None else handover.at.date()
        if start <= day <= end:
            in_period.append((day, handover))
    ready_at = dict(
        ApplicationEvent.objects.filter(
            application_id__in=[h.application_id for _day, h in in_period],
            to_status=ApplicationStatus.READY,
        )
        .order_by("application_id", "at")
        .values_list("application_id", "at")
    )  # the last time each passport became ready
    by_channel: dict[tuple[dt.date, str], int] = {}
    served: dict[tuple[dt.date, str], int] = {}
    hours: list[float] = []
    for day, handover in in_period:
        key = (day, handover.choice.method)
        by_channel[key] = by_channel.get(key, 0) + 1
        if handover.choice.method == Method.DRIVE_THRU and handover.choice.vehicle:
            lane_key = (day, handover.choice.vehicle)
            served[lane_key] = served.get(lane_key, 0) + 1
        ready = ready_at.get(handover.application_id)
        if ready is not None:
            hours.append(round((handover.at - ready).total_seconds() / 3600, 1))
    use: dict[tuple[dt.date, str], tuple[int, int]] = {}
    for row in slots.values("date", "lane").annotate(taken=Sum("used"), offered=Sum("capacity")):
        use[(row["date"], row["lane"])] = (row["taken"] or 0, row["offered"] or 0)
    return PickupFigures(
        by_channel=by_channel,
        drive_thru_use=use,
        ready_to_pickup_hours=hours,
        drive_thru_served=served,
    )


def application_lookup(*, office: Office, query: str) -> Application:
    """A passport of the office by application number, or by a pickup code or plate."""
    text = query.strip()
    with contextlib.suppress(ValueError):
        found = Application.objects.filter(office=office, public_id=uuid.UUID(text)).first()
        if found is not None:
            return found
    return choice_lookup(office=office, query=text).application
