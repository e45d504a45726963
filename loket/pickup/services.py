"""Writes of the pickup app: the holder's choice, drive-thru places, arrival, handover,
courier dispatch and delivery, and releasing the places of cancelled issuances.

Drive-thru places are taken and returned only by one conditional UPDATE each (style
rule 6), exactly as booking does:

    UPDATE pickup_drivethruslot SET used = used + 1 WHERE id = %s AND used < capacity

Lock order is application -> choice -> slot (slots by id when two are touched). A
passport is handed over at most once: the application row is locked for the handover
and `Handover.application` is unique as the last guard.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.applications.choices import ApplicationStatus
from loket.applications.models import Application
from loket.applications.workflow import application_cancel_office, application_transition
from loket.booking.models import CODE_ALPHABET
from loket.core.audit import audit_record
from loket.core.calendar import is_working_day, local_date
from loket.core.choices import SUPERVISOR_ROLES, Role
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import User
from loket.core.outbox import send_email
from loket.core.state import StatusFlow
from loket.core.uploads import CleanUpload, upload_store
from loket.notifications.choices import Channel
from loket.notifications.models import OutboxMessage
from loket.notifications.services import notification_enqueue
from loket.offices.models import Office
from loket.offices.selectors import office_require_role
from loket.pickup.choices import (
    ACTIVE,
    TRANSITIONS,
    ChoiceStatus,
    Lane,
    Method,
    ProxyBasis,
    ReceivedBy,
)
from loket.pickup.models import (
    CourierFee,
    CourierPartner,
    DriveThruSchedule,
    DriveThruSlot,
    Handover,
    PassportStorage,
    PickupChoice,
    PickupEvent,
    PickupSettings,
)

logger = logging.getLogger("loket.pickup")

S = ChoiceStatus
#: Who works the pickup counter and the drive-thru.
PICKUP_ROLES = frozenset({Role.PICKUP}) | SUPERVISOR_ROLES
_PLATE = re.compile(r"^[A-Z]{1,2}[0-9]{1,4}[A-Z]{0,3}$")
_NIK = re.compile(r"^[0-9]{16}$")


# --- small helpers ------------------------------------------------------------------------


def plate_normalise(plate: str) -> str:
    """'bh 1234 ab' -> 'BH1234AB'; raise on anything that is not an Indonesian plate."""
    clean = re.sub(r"[^A-Z0-9]", "", (plate or "").upper())
    if not _PLATE.match(clean):
        raise ApplicationError(
            "plate_invalid",
            _("Enter the plate number as on the vehicle, e.g. BH 1234 AB."),
            fields={"plate": _("Not a valid plate number.")},
        )
    return clean


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _require_ready(application: Application) -> Office:
    if application.status != ApplicationStatus.READY or application.office is None:
        raise ApplicationError(
            "not_ready",
            _("This passport is not ready for pickup yet."),
            status=409,
        )
    return application.office


PICKUP_FLOW = StatusFlow(
    model=PickupChoice,
    event_model=PickupEvent,
    event_field="choice",
    transitions=TRANSITIONS,
    labels=S,
    audit_prefix="pickup",
    refused_code="transition_not_allowed",
    refused=gettext_lazy("A pickup that is “%(from)s” cannot become “%(to)s”."),
    changed_code="pickup_changed",
    changed=gettext_lazy("The pickup changed meanwhile; reload the page."),
)
_event = PICKUP_FLOW.record
_transition = PICKUP_FLOW.move


def _full() -> ApplicationError:
    return ApplicationError(
        "slot_full",
        _("This drive-thru slot is full; choose another time."),
        status=409,
        fields={"slot": _("Full.")},
    )


# --- drive-thru places --------------------------------------------------------------------


def drive_thru_slots_materialise(*, office: Office, day: dt.date) -> int:
    """Create the drive-thru rows of one date from the office's schedule (idempotent).

    A lane's daily places are spread over the slots, the remainder going to the first."""
    schedule = DriveThruSchedule.objects.filter(office=office, is_active=True).first()
    if (
        schedule is None
        or not office.offers_drive_thru
        or str(day.weekday()) not in schedule.weekdays
        or not is_working_day(office, day)
    ):
        return 0
    starts = schedule.starts()
    step = dt.timedelta(minutes=schedule.slot_minutes)
    rows = []
    for lane in Lane.values:
        daily = schedule.per_day(lane)
        base, extra = divmod(daily, len(starts)) if starts else (0, 0)
        for i, start in enumerate(starts):
            capacity = base + (1 if i < extra else 0)
            if capacity == 0:
                continue
            end = (dt.datetime.combine(day, start) + step).time()
            rows.append(
                DriveThruSlot(
                    office=office, date=day, start=start, end=end, lane=lane, capacity=capacity
                )
            )
    created = DriveThruSlot.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def _slot_take(slot_id: int) -> bool:
    """Take one place; False when the slot is full. Never read-then-write."""
    return (
        DriveThruSlot.objects.filter(pk=slot_id, used__lt=F("capacity")).update(used=F("used") + 1)
        == 1
    )


def _slot_give_back(slot_id: int) -> None:
    if DriveThruSlot.objects.filter(pk=slot_id, used__gt=0).update(used=F("used") - 1) != 1:
        logger.error("Drive-thru slot %s: returning a place found used already 0", slot_id)


def slot_starts_at(office: Office, slot: DriveThruSlot) -> dt.datetime:
    return dt.datetime.combine(slot.date, slot.start, tzinfo=office.tz)


def _require_bookable_slot(office: Office, slot: DriveThruSlot, lane: str) -> None:
    if slot.office_id != office.pk:
        raise ApplicationError(
            "slot_wrong_office",
            _("This drive-thru slot belongs to another office."),
            status=422,
            fields={"slot": _("Not a slot of your office.")},
        )
    if slot.lane != lane:
        raise ApplicationError(
            "lane_mismatch",
            _("This slot is for the %(lane)s; choose a slot of your vehicle's lane.")
            % {"lane": Lane(slot.lane).label.lower()},
            status=422,
            fields={"slot": _("Wrong lane.")},
        )
    if slot_starts_at(office, slot) <= timezone.now():
        raise ApplicationError(
            "slot_past", _("This slot has already started; choose a later one."), status=409
        )


# --- the holder's choice ------------------------------------------------------------------


def courier_fee_for(*, partner: CourierPartner, office: Office, province: str) -> int | None:
    rows = CourierFee.objects.filter(partner=partner, office=office)
    exact = rows.filter(province__iexact=province.strip()).first() if province.strip() else None
    row = exact or rows.filter(province="").first()
    return row.fee if row is not None else None


def _proxy_fields(
    *,
    application: Application,
    proxy_name: str,
    proxy_nik: str,
    proxy_kk_number: str,
    power_of_attorney: CleanUpload | None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not proxy_name.strip():
        errors["proxy_name"] = _("Required.")
    if not _NIK.match(proxy_nik.strip()):
        errors["proxy_nik"] = _("A NIK has 16 digits.")
    if errors:
        raise ApplicationError(
            "proxy_invalid", _("Tell us who will collect the passport."), fields=errors
        )
    fields: dict[str, Any] = {
        "proxy_name": proxy_name.strip()[:150],
        "proxy_nik": proxy_nik.strip(),
        "proxy_kk_number": proxy_kk_number.strip()[:16],
    }
    if application.kk_number and proxy_kk_number.strip() == application.kk_number:
        fields["proxy_basis"] = ProxyBasis.SAME_KK
    elif power_of_attorney is not None:
        fields["proxy_basis"] = ProxyBasis.POWER_OF_ATTORNEY
        fields["proxy_document"] = upload_store(power_of_attorney, folder="pickup/proxy")
        fields["proxy_document_sha256"] = power_of_attorney.sha256
    else:
        raise ApplicationError(
            "proxy_evidence_required",
            _(
                "A proxy must be on the same family card (KK) as the passport holder, "
                "or bring a power of attorney: upload it."
            ),
            status=409,
            fields={"power_of_attorney": _("Required when the proxy is on another family card.")},
        )
    return fields


def pickup_choose(
    *,
    application: Application,
    actor: User,
    method: str,
    slot: DriveThruSlot | None = None,
    vehicle: str = "",
    plate: str = "",
    proxy_name: str = "",
    proxy_nik: str = "",
    proxy_kk_number: str = "",
    power_of_attorney: CleanUpload | None = None,
    partner: CourierPartner | None = None,
    address: str = "",
    province: str = "",
) -> PickupChoice:
    """The holder confirms how the ready passport is collected (one active choice)."""
    if actor.is_applicant and application.account_id != actor.pk:
        raise NotFound("application_not_found", _("Application not found."))
    office = _require_ready(application)
    if method not in Method.values:
        raise ApplicationError(
            "method_invalid", _("Choose how to collect the passport."), fields={"method": "?"}
        )
    fields: dict[str, Any] = {}
    if method == Method.DRIVE_THRU:
        if not office.offers_drive_thru:
            raise ApplicationError("no_drive_thru", _("This office has no drive-thru."), status=409)
        if vehicle not in Lane.values:
            raise ApplicationError(
                "vehicle_invalid",
                _("Choose the vehicle."),
                fields={"vehicle": _("Car or two-wheeler.")},
            )
        if slot is None:
            raise ApplicationError(
                "slot_required", _("Choose a drive-thru time."), fields={"slot": _("Required.")}
            )
        _require_bookable_slot(office, slot, vehicle)
        fields.update(vehicle=vehicle, plate=plate_normalise(plate), slot=slot, holds_place=True)
    elif method == Method.PROXY:
        fields.update(
            _proxy_fields(
                application=application,
                proxy_name=proxy_name,
                proxy_nik=proxy_nik,
                proxy_kk_number=proxy_kk_number,
                power_of_attorney=power_of_attorney,
            )
        )
    elif method == Method.COURIER:
        if partner is None or not partner.is_active:
            raise ApplicationError(
                "partner_required", _("Choose a courier."), fields={"partner": _("Required.")}
            )
        if len(address.strip()) < 10:
            raise ApplicationError(
                "address_required",
                _("Give the full delivery address."),
                fields={"address": _("Required.")},
            )
        fee = courier_fee_for(partner=partner, office=office, province=province)
        if fee is None:
            raise ApplicationError(
                "courier_not_available",
                _("This courier does not deliver from this office to that province."),
                status=409,
                fields={"partner": _("Not available.")},
            )
        fields.update(
            partner=partner,
            address=address.strip()[:500],
            province=province.strip()[:100],
            courier_fee=fee,
        )
    try:
        with transaction.atomic():
            Application.objects.select_for_update().filter(pk=application.pk).first()
            if PickupChoice.objects.filter(application=application, status__in=ACTIVE).exists():
                raise _already_chosen()
            choice = PickupChoice.objects.create(
                code=_new_code(), application=application, office=office, method=method, **fields
            )
            if method == Method.DRIVE_THRU and slot is not None:
                if not _slot_take(slot.pk):
                    raise _full()
                slot.refresh_from_db(fields=["used"])
            _event(
                choice,
                kind="chosen",
                before="",
                actor=actor,
                data={"method": method, **({"slot": slot.pk} if slot is not None else {})},
            )
            _notify_chosen(choice, application)
    except IntegrityError:
        # Two confirmations at once: the partial unique index let only one through.
        raise _already_chosen() from None
    return choice


def _already_chosen() -> ApplicationError:
    return ApplicationError(
        "already_chosen",
        _("A pickup is already arranged for this passport; cancel it first to change it."),
        status=409,
    )


def _notify_chosen(choice: PickupChoice, application: Application) -> None:
    if not application.email:
        return
    notification_enqueue(
        channel=Channel.EMAIL,
        recipient=application.email,
        subject=_("Passport pickup arranged: %(code)s") % {"code": choice.code},
        body=_(
            "Your passport pickup is arranged (%(method)s). Pickup code: %(code)s. "
            "Bring what the checklist on your account page lists.\n\nLoket — passport service"
        )
        % {"method": choice.get_method_display(), "code": choice.code},
        dedupe_key=f"pickup-chosen:{choice.code}",
        office_code=choice.office.code,
    )


def pickup_cancel(*, choice: PickupChoice, actor: User | None, reason: str = "") -> PickupChoice:
    """Cancel a choice that has not started; a drive-thru place is free again at once."""
    with transaction.atomic():
        current = PickupChoice.objects.select_for_update().get(pk=choice.pk)
        if current.status != S.CHOSEN:
            raise ApplicationError(
                "not_cancellable",
                _("This pickup can no longer be cancelled (it is “%(status)s”).")
                % {"status": current.get_status_display()},
                status=409,
            )
        held = current.holds_place
        _transition(
            current,
            to=S.CANCELLED,
            kind="cancelled",
            actor=actor,
            reason=reason,
            holds_place=False,
            cancelled_at=timezone.now(),
        )
        if held and current.slot_id is not None:
            _slot_give_back(current.slot_id)
    choice.refresh_from_db()
    return choice


def pickup_reschedule(
    *, choice: PickupChoice, slot: DriveThruSlot, actor: User | None
) -> PickupChoice:
    """Move a drive-thru choice to another slot: the new place is taken and the old one
    returned in one transaction, slots touched in id order (no deadlock)."""
    with transaction.atomic():
        current = (
            PickupChoice.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=choice.pk)
        )
        if current.method != Method.DRIVE_THRU or current.status != S.CHOSEN:
            raise ApplicationError(
                "not_reschedulable", _("Only a booked drive-thru can be moved."), status=409
            )
        if current.slot_id == slot.pk:
            raise ApplicationError("same_slot", _("Choose a different time."), status=409)
        _require_bookable_slot(current.office, slot, current.vehicle)
        old = current.slot_id
        assert old is not None
        if slot.pk < old:
            if not _slot_take(slot.pk):
                raise _full()
            _slot_give_back(old)
        else:
            _slot_give_back(old)
            if not _slot_take(slot.pk):
                raise _full()  # the atomic block puts the old place back
        PickupChoice.objects.filter(pk=current.pk).update(slot=slot, updated_at=timezone.now())
        current.slot = slot
        _event(
            current,
            kind="rescheduled",
            before=current.status,
            actor=actor,
            data={"from_slot": old, "to_slot": slot.pk, "date": str(slot.date)},
        )
    choice.refresh_from_db()
    return choice


# --- the office side ----------------------------------------------------------------------


def pickup_arrive(*, choice: PickupChoice, officer: User, plate: str) -> PickupChoice:
    """A booked vehicle is at the drive-thru: the plate must match the booking."""
    office_require_role(user=officer, office=choice.office, roles=PICKUP_ROLES)
    if choice.method != Method.DRIVE_THRU:
        raise ApplicationError(
            "not_drive_thru", _("This pickup is not a drive-thru booking."), status=409
        )
    seen = plate_normalise(plate)
    if seen != choice.plate:
        raise ApplicationError(
            "plate_mismatch",
            _("The plate %(seen)s does not match the booking (%(booked)s).")
            % {"seen": seen, "booked": choice.plate},
            status=409,
            fields={"plate": _("Does not match.")},
        )
    if choice.slot is not None and choice.slot.date != local_date(choice.office, timezone.now()):
        raise ApplicationError(
            "not_today",
            _("This drive-thru booking is for %(date)s.") % {"date": choice.slot.date},
            status=409,
        )
    with transaction.atomic():
        current = PickupChoice.objects.select_for_update().get(pk=choice.pk)
        _transition(
            current,
            to=S.ARRIVED,
            kind="arrived",
            actor=officer,
            arrived_at=timezone.now(),
            data={"plate": seen},
        )
    choice.refresh_from_db()
    return choice


def pickup_walk_up(
    *, office: Office, officer: User, application: Application, vehicle: str, plate: str
) -> PickupChoice:
    """A vehicle without a booking: served when today's lane still has a place."""
    office_require_role(user=officer, office=office, roles=PICKUP_ROLES)
    if application.office_id != office.pk:
        raise NotFound("application_not_found", _("Application not found."))
    _require_ready(application)
    if vehicle not in Lane.values:
        raise ApplicationError(
            "vehicle_invalid", _("Choose the vehicle."), fields={"vehicle": _("Required.")}
        )
    clean_plate = plate_normalise(plate)
    now = timezone.now()
    today = local_date(office, now)
    drive_thru_slots_materialise(office=office, day=today)
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()
        active = (
            PickupChoice.objects.select_for_update()
            .filter(application=application, status__in=ACTIVE)
            .first()
        )
        if active is not None:
            if active.method not in (Method.COUNTER, Method.PROXY) or active.status != S.CHOSEN:
                raise _already_chosen()
            _transition(
                active,
                to=S.CANCELLED,
                kind="cancelled",
                actor=officer,
                reason="walk-up at the drive-thru",
                cancelled_at=now,
            )
        local_now = now.astimezone(office.tz).time()
        slots = list(DriveThruSlot.objects.filter(office=office, date=today, lane=vehicle))
        # The current and later slots first, then earlier ones left unused.
        slots.sort(key=lambda s: (s.end <= local_now, s.start))
        taken = next((s for s in slots if _slot_take(s.pk)), None)
        if taken is None:
            raise ApplicationError(
                "drive_thru_day_full",
                _("Today's %(lane)s is full; the holder can collect at the counter.")
                % {"lane": Lane(vehicle).label.lower()},
                status=409,
            )
        choice = PickupChoice.objects.create(
            code=_new_code(),
            application=application,
            office=office,
            method=Method.DRIVE_THRU,
            status=S.ARRIVED,
            slot=taken,
            holds_place=True,
            vehicle=vehicle,
            plate=clean_plate,
            walk_up=True,
            arrived_at=now,
        )
        _event(choice, kind="walk_up", before="", actor=officer, data={"slot": taken.pk})
    return choice


def _proxy_basis_at_handover(
    *,
    application: Application,
    choice: PickupChoice,
    proxy_kk_number: str,
    power_of_attorney: CleanUpload | None,
) -> tuple[str, dict[str, Any]]:
    kk = proxy_kk_number.strip()
    if application.kk_number and kk == application.kk_number:
        return ProxyBasis.SAME_KK, {}
    if power_of_attorney is not None:
        path = upload_store(power_of_attorney, folder="pickup/proxy")
        return ProxyBasis.POWER_OF_ATTORNEY, {
            "proxy_document": path,
            "proxy_document_sha256": power_of_attorney.sha256,
        }
    if choice.proxy_basis == ProxyBasis.POWER_OF_ATTORNEY and choice.proxy_document:
        return ProxyBasis.POWER_OF_ATTORNEY, {}
    raise ApplicationError(
        "proxy_evidence_required",
        _(
            "The proxy is not on the holder's family card (KK) and has no power of attorney: "
            "the passport cannot be handed over."
        ),
        status=409,
        fields={"proxy_kk_number": _("Not the holder's family card.")},
    )


def pickup_handover(
    *,
    application: Application,
    officer: User,
    received_by: str,
    receiver_name: str,
    identity_checked: bool,
    proxy_kk_number: str = "",
    power_of_attorney: CleanUpload | None = None,
) -> Handover:
    """Record that the passport was handed over (at the counter or the drive-thru).

    Without an arranged pickup it is a counter pickup. A drive-thru vehicle must have
    arrived (plate checked) first; a courier pickup is dispatched instead."""
    if application.office is None:
        raise NotFound("application_not_found", _("Application not found."))
    office_require_role(user=officer, office=application.office, roles=PICKUP_ROLES)
    if received_by not in (ReceivedBy.OWNER, ReceivedBy.PROXY):
        raise ApplicationError(
            "received_by_invalid",
            _("Say who receives the passport."),
            fields={"received_by": _("The holder or a proxy.")},
        )
    if not receiver_name.strip():
        raise ApplicationError(
            "receiver_required",
            _("Enter the name of the person receiving the passport."),
            fields={"receiver_name": _("Required.")},
        )
    if not identity_checked:
        raise ApplicationError(
            "identity_not_checked",
            _("Check the receiver's identity document (KTP) before handing over."),
            fields={"identity_checked": _("Required.")},
        )
    try:
        with transaction.atomic():
            locked = (
                Application.objects.select_for_update(of=("self",))
                .select_related("office")
                .get(pk=application.pk)
            )
            if Handover.objects.filter(application=locked).exists():
                raise _already_handed_over()
            _require_ready(locked)
            choice = (
                PickupChoice.objects.select_for_update(of=("self",))
                .select_related("office")
                .filter(application=locked, status__in=ACTIVE)
                .first()
            )
            if choice is None:
                choice = PickupChoice.objects.create(
                    code=_new_code(),
                    application=locked,
                    office=_require_ready(locked),
                    method=Method.COUNTER,
                )
                _event(choice, kind="chosen", before="", actor=officer, data={"at_counter": True})
            if choice.method == Method.COURIER:
                raise ApplicationError(
                    "courier_choice",
                    _("This passport goes by courier: record the dispatch instead."),
                    status=409,
                )
            if choice.method == Method.DRIVE_THRU and choice.status != S.ARRIVED:
                raise ApplicationError(
                    "not_arrived",
                    _("Record the vehicle's arrival (plate check) first."),
                    status=409,
                )
            basis = ""
            extra: dict[str, Any] = {}
            if received_by == ReceivedBy.PROXY:
                basis, extra = _proxy_basis_at_handover(
                    application=locked,
                    choice=choice,
                    proxy_kk_number=proxy_kk_number,
                    power_of_attorney=power_of_attorney,
                )
            handover = Handover.objects.create(
                application=locked,
                choice=choice,
                received_by=received_by,
                receiver_name=receiver_name.strip()[:150],
                identity_checked=True,
                proxy_basis=basis,
                proxy_kk_number=proxy_kk_number.strip()[:16],
                officer=officer,
            )
            _transition(
                choice,
                to=S.HANDED_OVER,
                kind="handed_over",
                actor=officer,
                data={"received_by": received_by, "proxy_basis": basis},
                **extra,
            )
            application_transition(
                application=locked, to=ApplicationStatus.COLLECTED, actor=officer, reason="handover"
            )
    except IntegrityError:
        raise _already_handed_over() from None
    return handover


def _already_handed_over() -> ApplicationError:
    return ApplicationError(
        "already_handed_over", _("This passport has already been handed over."), status=409
    )


def pickup_dispatch(*, choice: PickupChoice, officer: User, tracking_number: str) -> Handover:
    """The passport leaves with the courier: the handover is to the courier partner."""
    office_require_role(user=officer, office=choice.office, roles=PICKUP_ROLES)
    number = tracking_number.strip()
    if not number:
        raise ApplicationError(
            "tracking_required",
            _("Enter the courier's tracking number."),
            fields={"tracking_number": _("Required.")},
        )
    if choice.method != Method.COURIER:
        raise ApplicationError("not_courier", _("This pickup is not by courier."), status=409)
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update(of=("self",)).get(
                pk=choice.application_id
            )
            if Handover.objects.filter(application=locked).exists():
                raise _already_handed_over()
            _require_ready(locked)
            current = (
                PickupChoice.objects.select_for_update(of=("self",))
                .select_related("partner")
                .get(pk=choice.pk)
            )
            partner_name = current.partner.name if current.partner else "courier"
            handover = Handover.objects.create(
                application=locked,
                choice=current,
                received_by=ReceivedBy.COURIER,
                receiver_name=partner_name,
                officer=officer,
            )
            _transition(
                current,
                to=S.DISPATCHED,
                kind="dispatched",
                actor=officer,
                tracking_number=number[:40],
                data={"tracking_number": number[:40]},
            )
            application_transition(
                application=locked,
                to=ApplicationStatus.COLLECTED,
                actor=officer,
                reason="courier dispatch",
            )
    except IntegrityError:
        raise _already_handed_over() from None
    choice.refresh_from_db()
    return handover


def pickup_confirm_delivery(*, choice: PickupChoice, officer: User, note: str = "") -> PickupChoice:
    """The courier confirms delivery (entered by the office from the partner's record)."""
    office_require_role(user=officer, office=choice.office, roles=PICKUP_ROLES)
    with transaction.atomic():
        current = PickupChoice.objects.select_for_update().get(pk=choice.pk)
        _transition(
            current,
            to=S.DELIVERED,
            kind="delivered",
            actor=officer,
            reason=note,
            delivered_at=timezone.now(),
        )
    choice.refresh_from_db()
    return choice


# --- periodic work ------------------------------------------------------------------------


def pickups_release_cancelled() -> int:
    """Cancel the open pickups of applications whose issuance was cancelled (the
    applications sweep does that after 30 days uncollected) and free their places.

    Idempotent and safe when two copies run: each cancel is a conditional UPDATE."""
    done = 0
    stale = PickupChoice.objects.filter(
        status=S.CHOSEN, application__status=ApplicationStatus.CANCELLED
    ).select_related("office")
    for choice in stale:
        try:
            pickup_cancel(choice=choice, actor=None, reason="issuance cancelled")
            done += 1
        except ApplicationError:
            continue  # another copy got there first
    return done


# --- storage location ---------------------------------------------------------------------

#: The QC desk files the passport when it passes; pickup officers may move it.
STORAGE_ROLES = PICKUP_ROLES | {Role.QC}
_STORAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}$")


def pickup_storage_set(
    *, application: Application, officer: User, location: str
) -> PassportStorage:
    """Record where the ready passport is kept (rack/box), shown at the counter and the
    drive-thru. Allowed while the passport is still in the office (QC or ready)."""
    if application.office is None:
        raise NotFound("application_not_found", _("Application not found."))
    office_require_role(user=officer, office=application.office, roles=STORAGE_ROLES)
    clean = " ".join(location.split()).upper()
    if not _STORAGE.match(clean):
        raise ApplicationError(
            "location_invalid",
            _("Enter the storage location as on the shelf label, e.g. RAK-3/BOX-12."),
            fields={"location": _("Letters, digits, spaces, '.', '/' and '-', up to 40.")},
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        if locked.status not in (ApplicationStatus.QC, ApplicationStatus.READY):
            raise ApplicationError(
                "not_in_office",
                _("Only a passport in quality check or ready for pickup has a storage place."),
                status=409,
            )
        before = PassportStorage.objects.filter(application=locked).first()
        old = before.location if before is not None else ""
        storage, _created = PassportStorage.objects.update_or_create(
            application=locked,
            defaults={"office": application.office, "location": clean, "set_by": officer},
        )
        audit_record(
            actor=officer,
            action="pickup.storage",
            target=storage,
            office_code=application.office.code,
            changes={"location": [old, clean]},
        )
    return storage


# --- courier: a failed delivery -----------------------------------------------------------


def pickup_delivery_failed(*, choice: PickupChoice, officer: User, reason: str) -> PickupChoice:
    """The courier could not deliver: recorded as an event (the choice stays dispatched
    until the partner delivers on a later attempt)."""
    office_require_role(user=officer, office=choice.office, roles=PICKUP_ROLES)
    why = reason.strip()
    if not why:
        raise ApplicationError(
            "reason_required",
            _("Say why the delivery failed (from the courier's record)."),
            fields={"reason": _("Required.")},
        )
    with transaction.atomic():
        current = (
            PickupChoice.objects.select_for_update().select_related("office").get(pk=choice.pk)
        )
        if current.method != Method.COURIER or current.status != S.DISPATCHED:
            raise ApplicationError(
                "not_dispatched",
                _("Only a passport handed to the courier can have a failed delivery."),
                status=409,
            )
        _event(current, kind="delivery_failed", before=current.status, actor=officer, reason=why)
    choice.refresh_from_db()
    return choice


# --- uncollected passports ----------------------------------------------------------------


@dataclass
class PickupSweepResult:
    reminded: int = 0
    cancelled: int = 0
    released: int = 0


def days_since_ready(application: Application, now: dt.datetime) -> int:
    """Whole calendar days (the office's) from ready to now."""
    if application.office is None or application.status_changed_at is None:
        return 0
    ready = local_date(application.office, application.status_changed_at)
    return (local_date(application.office, now) - ready).days


def _remind(application: Application, *, day: int, days: int) -> bool:
    office = application.office
    if office is None or not application.email:
        return False
    base = getattr(django_settings, "LOKET_PUBLIC_URL", "").rstrip("/")
    link = base + reverse("pickup:choose", args=[application.public_id])
    message = send_email(
        to=application.email,
        subject=_("Reminder: your passport is waiting at %(office)s") % {"office": office.name},
        body=_(
            "Dear %(name)s,\n\nYour passport has been ready for %(days)s days at %(office)s. "
            "Choose how to collect it (counter, drive-thru, courier or a proxy): %(url)s\n\n"
            "A passport not collected within %(limit)s days of being ready is cancelled."
            "\n\nLoket — passport service"
        )
        % {
            "name": application.full_name,
            "days": days,
            "office": office.name,
            "url": link,
            "limit": PickupSettings.for_office(office.pk).cancel_after_days,
        },
        dedupe_key=f"pickup-reminder:{application.public_id}:{day}",
        office_code=office.code,
    )
    return message is not None


def pickups_sweep(*, now: dt.datetime | None = None) -> PickupSweepResult:
    """Remind holders of uncollected passports at the office's reminder days and cancel
    the issuance after its limit, through the applications workflow (event and audit).

    Idempotent and safe when two copies run: reminders carry a dedupe key per application
    and reminder day, and the cancellation is a guarded transition (the loser is refused)."""
    now = now or timezone.now()
    result = PickupSweepResult()
    per_office: dict[int, PickupSettings] = {}
    ready = Application.objects.filter(
        status=ApplicationStatus.READY, office__isnull=False
    ).select_related("office")
    for application in ready.iterator():
        assert application.office_id is not None
        rules = per_office.setdefault(
            application.office_id, PickupSettings.for_office(application.office_id)
        )
        days = days_since_ready(application, now)
        if days >= rules.cancel_after_days:
            try:
                application_cancel_office(
                    application=application,
                    actor=None,
                    reason=f"not collected within {rules.cancel_after_days} days",
                )
            except ApplicationError:
                continue  # collected or cancelled meanwhile (or another sweep won)
            result.cancelled += 1
            continue
        due = [d for d in rules.reminder_day_list() if d <= days]
        if due:
            sent_before = OutboxMessage.objects.filter(
                dedupe_key=f"pickup-reminder:{application.public_id}:{due[-1]}"
            ).exists()
            if not sent_before and _remind(application, day=due[-1], days=days):
                result.reminded += 1
    result.released = pickups_release_cancelled()
    return result
