"""Pickup for the mobile app and the officers' tablets: the holder's options, checklists,
drive-thru slots, choice, reschedule, cancel and status; the officer's lookup, arrival,
handover, storage location, courier dispatch and delivery.

Every rule lives in the services; errors keep their stable codes (config/api.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from loket.applications.choices import ApplicationStatus
from loket.applications.models import Application
from loket.applications.selectors import application_get_for_owner
from loket.core.api_auth import applicant_auth, staff_auth, verified_applicant
from loket.core.audit import audit_personal_data_view
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.models import User
from loket.core.queries import one_or_none
from loket.core.uploads import CleanUpload, upload_validate
from loket.offices.models import Office
from loket.offices.selectors import office_get_for_staff, office_require_role
from loket.pickup import selectors
from loket.pickup.choices import Method
from loket.pickup.models import CourierPartner, DriveThruSlot, Handover, PickupChoice
from loket.pickup.schemas import (
    ArrivalIn,
    ChoiceIn,
    ChoiceOut,
    CourierFeeOut,
    DeliveryIn,
    DispatchIn,
    HandoverIn,
    HandoverOut,
    LaneOut,
    MethodOut,
    OfficerPickupOut,
    OptionsOut,
    ProxyChoiceIn,
    RescheduleIn,
    SlotOut,
    StorageIn,
    StorageOut,
    UncollectedOut,
    WalkUpIn,
)
from loket.pickup.services import (
    PICKUP_ROLES,
    courier_fee_for,
    pickup_arrive,
    pickup_cancel,
    pickup_choose,
    pickup_confirm_delivery,
    pickup_delivery_failed,
    pickup_dispatch,
    pickup_handover,
    pickup_reschedule,
    pickup_storage_set,
    pickup_walk_up,
)

router = Router(tags=["pickup"])

_user = verified_applicant


# --- shapes -------------------------------------------------------------------------------


def _slot_out(slot: DriveThruSlot | None) -> dict[str, Any] | None:
    if slot is None:
        return None
    return {
        "id": slot.pk,
        "date": slot.date,
        "start": slot.start,
        "end": slot.end,
        "lane": slot.lane,
        "free": slot.free,
    }


def _choice_out(choice: PickupChoice | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    return {
        "code": choice.code,
        "application_id": choice.application.public_id,
        "office": choice.office.code,
        "method": choice.method,
        "status": choice.status,
        "checklist": selectors.checklist_for(choice.method),
        "slot": _slot_out(choice.slot),
        "vehicle": choice.vehicle,
        "plate": choice.plate,
        "walk_up": choice.walk_up,
        "arrived_at": choice.arrived_at,
        "proxy_name": choice.proxy_name,
        "proxy_basis": choice.proxy_basis,
        "courier": choice.partner.name if choice.partner else "",
        "province": choice.province,
        "courier_fee": choice.courier_fee,
        "tracking_number": choice.tracking_number,
        "delivered_at": choice.delivered_at,
        "created_at": choice.created_at,
    }


def _fresh(choice: PickupChoice) -> PickupChoice:
    return PickupChoice.objects.select_related("application", "office", "slot", "partner").get(
        pk=choice.pk
    )


# --- the holder -----------------------------------------------------------------------------


def _own(request: HttpRequest, application_id: str) -> tuple[User, Application]:
    user = _user(request)
    return user, application_get_for_owner(account=user, public_id=application_id)


def _ready_office(application: Application) -> Office:
    if application.status != ApplicationStatus.READY or application.office is None:
        raise ApplicationError(
            "not_ready", _("This passport is not ready for pickup yet."), status=409
        )
    return application.office


def _current(application: Application) -> PickupChoice | None:
    return selectors.choice_active_for(application.pk) or selectors.choice_last_for(application.pk)


def _power_of_attorney(file: UploadedFile | None) -> CleanUpload | None:
    """The power-of-attorney upload checked by its content, or None when none was sent."""
    if file is None:
        return None
    return upload_validate(file, name=file.name or "", field="power_of_attorney")


@router.get(
    "/applications/{application_id}",
    response=OptionsOut,
    auth=applicant_auth,
    summary="Pickup options with their checklists, and the current choice",
)
def options(request: HttpRequest, application_id: str) -> Any:
    _u, application = _own(request, application_id)
    office = application.office
    ready = application.status == ApplicationStatus.READY and office is not None
    methods = selectors.methods_for(office) if ready and office is not None else []
    choice = _current(application)
    return {
        "application_id": application.public_id,
        "application_status": application.status,
        "ready": ready,
        "office": office.code if office is not None else "",
        "methods": [
            MethodOut(method=m, label=str(Method(m).label), checklist=selectors.checklist_for(m))
            for m in methods
        ],
        "couriers": [
            {"id": p.pk, "name": p.name} for p in CourierPartner.objects.filter(is_active=True)
        ]
        if ready
        else [],
        "choice": _choice_out(_fresh(choice)) if choice is not None else None,
    }


@router.get(
    "/applications/{application_id}/drive-thru-slots",
    response=list[SlotOut],
    auth=applicant_auth,
    summary="Drive-thru slots with room, per lane",
)
def drive_thru_slots(request: HttpRequest, application_id: str, lane: str = "") -> Any:
    _u, application = _own(request, application_id)
    office = _ready_office(application)
    if lane not in ("", "car", "motorbike"):
        raise ApplicationError(
            "invalid_input",
            _("Some fields are not valid."),
            fields={"lane": _("car or motorbike")},
            status=422,
        )
    return [_slot_out(s) for s in selectors.drive_thru_slots_open(office=office, lane=lane or None)]


@router.get(
    "/applications/{application_id}/courier-fee",
    response=CourierFeeOut,
    auth=applicant_auth,
    summary="The courier fee to a province, from the office's fee table",
)
def courier_fee(request: HttpRequest, application_id: str, partner_id: int, province: str) -> Any:
    _u, application = _own(request, application_id)
    office = _ready_office(application)
    partner = CourierPartner.objects.filter(pk=partner_id, is_active=True).first()
    if partner is None:
        raise NotFound("partner_not_found", _("Courier not found."))
    return {
        "partner_id": partner.pk,
        "partner": partner.name,
        "province": province,
        "fee": courier_fee_for(partner=partner, office=office, province=province),
    }


@router.post(
    "/applications/{application_id}/choice",
    response={201: ChoiceOut},
    auth=applicant_auth,
    summary="Choose how to collect the passport (drive-thru takes a place)",
)
def choose(request: HttpRequest, application_id: str, payload: ChoiceIn) -> Any:
    user, application = _own(request, application_id)
    office = _ready_office(application)
    slot = None
    if payload.slot_id is not None:
        slot = DriveThruSlot.objects.filter(pk=payload.slot_id, office=office).first()
        if slot is None:
            raise ApplicationError(
                "slot_not_found",
                _("This drive-thru slot does not exist at your office."),
                status=422,
                fields={"slot_id": _("Not a slot of your office.")},
            )
    partner = None
    if payload.partner_id is not None:
        partner = CourierPartner.objects.filter(pk=payload.partner_id).first()
    choice = pickup_choose(
        application=application,
        actor=user,
        method=payload.method,
        slot=slot,
        vehicle=payload.vehicle,
        plate=payload.plate,
        proxy_name=payload.proxy_name,
        proxy_nik=payload.proxy_nik,
        proxy_kk_number=payload.proxy_kk_number,
        partner=partner,
        address=payload.address,
        province=payload.province,
    )
    return Status(201, _choice_out(_fresh(choice)))


@router.post(
    "/applications/{application_id}/choice/proxy",
    response={201: ChoiceOut},
    auth=applicant_auth,
    summary="Choose a proxy (multipart: a proxy on another family card attaches the power "
    "of attorney as `power_of_attorney`)",
)
def choose_proxy(
    request: HttpRequest,
    application_id: str,
    payload: Form[ProxyChoiceIn],
    power_of_attorney: File[UploadedFile | None] = None,
) -> Any:
    user, application = _own(request, application_id)
    _ready_office(application)
    upload = _power_of_attorney(power_of_attorney)
    choice = pickup_choose(
        application=application,
        actor=user,
        method=Method.PROXY,
        proxy_name=payload.proxy_name,
        proxy_nik=payload.proxy_nik,
        proxy_kk_number=payload.proxy_kk_number,
        power_of_attorney=upload,
    )
    return Status(201, _choice_out(_fresh(choice)))


@router.get(
    "/applications/{application_id}/choice",
    response=ChoiceOut,
    auth=applicant_auth,
    summary="My pickup: status, code (for the QR), slot, tracking number",
)
def my_choice(request: HttpRequest, application_id: str) -> Any:
    _u, application = _own(request, application_id)
    choice = _current(application)
    if choice is None:
        raise NotFound("pickup_not_found", _("No pickup is arranged for this passport."))
    return _choice_out(_fresh(choice))


def _active_of(application: Application) -> PickupChoice:
    choice = selectors.choice_active_for(application.pk)
    if choice is None:
        raise NotFound("pickup_not_found", _("No pickup is arranged for this passport."))
    return choice


@router.post(
    "/applications/{application_id}/choice/reschedule",
    response=ChoiceOut,
    auth=applicant_auth,
    summary="Move a drive-thru booking to another slot",
)
def reschedule(request: HttpRequest, application_id: str, payload: RescheduleIn) -> Any:
    user, application = _own(request, application_id)
    choice = _active_of(application)
    slot = DriveThruSlot.objects.filter(pk=payload.slot_id, office_id=choice.office_id).first()
    if slot is None:
        raise ApplicationError(
            "slot_not_found",
            _("This drive-thru slot does not exist at your office."),
            status=422,
            fields={"slot_id": _("Not a slot of your office.")},
        )
    return _choice_out(_fresh(pickup_reschedule(choice=choice, slot=slot, actor=user)))


@router.post(
    "/applications/{application_id}/choice/cancel",
    response=ChoiceOut,
    auth=applicant_auth,
    summary="Cancel the pickup choice (a drive-thru place is freed)",
)
def cancel(request: HttpRequest, application_id: str) -> Any:
    user, application = _own(request, application_id)
    choice = _active_of(application)
    return _choice_out(
        _fresh(pickup_cancel(choice=choice, actor=user, reason="cancelled by the holder"))
    )


# --- officers -------------------------------------------------------------------------------


def _officer(request: HttpRequest, code: str) -> tuple[User, Office]:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise Forbidden("unauthenticated", _("Sign in first."))
    office = office_get_for_staff(user=user, code=code)
    office_require_role(user=user, office=office, roles=PICKUP_ROLES)
    return user, office


def _officer_out(user: User, office: Office, application: Application) -> dict[str, Any]:
    choice = _current(application)
    audit_personal_data_view(
        actor=user,
        subject=application,
        office_code=office.code,
        fields=["full_name", "nik", "kk_number"],
        purpose="pickup API: identity check",
    )
    handover = Handover.objects.filter(application=application).first()
    return {
        "application_id": application.public_id,
        "application_status": application.status,
        "holder_name": application.full_name,
        "holder_nik": application.nik,
        "holder_kk_number": application.kk_number,
        "storage_location": selectors.storage_location(application.pk),
        "choice": _choice_out(_fresh(choice)) if choice is not None else None,
        "handover": {
            "application_id": application.public_id,
            "received_by": handover.received_by,
            "receiver_name": handover.receiver_name,
            "identity_checked": handover.identity_checked,
            "proxy_basis": handover.proxy_basis,
            "at": handover.at,
        }
        if handover is not None
        else None,
    }


def _choice_at(office: Office, pickup_code: str) -> PickupChoice:
    choice = (
        PickupChoice.objects.filter(code=pickup_code.strip().upper(), office=office)
        .select_related("application", "office", "slot", "partner")
        .first()
    )
    if choice is None:
        raise NotFound("pickup_not_found", _("No pickup with this code at this office."))
    return choice


def _application_at(office: Office, application_id: str) -> Application:
    """The office's application by its number only: a plate may name several passports
    (a family's, in one car), so acting on one goes by the application number; finding
    by plate or pickup code is `/lookup`'s."""
    try:
        key = uuid.UUID(application_id.strip())
    except ValueError:
        key = None
    found = one_or_none(Application.objects.filter(office=office, public_id=key)) if key else None
    if found is None:
        raise NotFound("application_not_found", _("Application not found."))
    return found


@router.get(
    "/offices/{code}/lookup",
    response=OfficerPickupOut,
    auth=staff_auth,
    summary="Find a passport by QR/pickup code, plate or application number (audited)",
)
def lookup(request: HttpRequest, code: str, q: str) -> Any:
    user, office = _officer(request, code)
    return _officer_out(user, office, selectors.application_lookup(office=office, query=q))


@router.post(
    "/offices/{code}/pickups/{pickup_code}/arrival",
    response=OfficerPickupOut,
    auth=staff_auth,
    summary="A booked drive-thru vehicle arrived (the plate must match)",
)
def arrival(request: HttpRequest, code: str, pickup_code: str, payload: ArrivalIn) -> Any:
    user, office = _officer(request, code)
    choice = _choice_at(office, pickup_code)
    pickup_arrive(choice=choice, officer=user, plate=payload.plate)
    return _officer_out(user, office, choice.application)


@router.get(
    "/offices/{code}/drive-thru/today",
    response=list[LaneOut],
    auth=staff_auth,
    summary="Today's drive-thru per lane: places offered and taken, arrivals, handovers",
)
def drive_thru_today(request: HttpRequest, code: str) -> Any:
    _u, office = _officer(request, code)
    return [
        {
            "lane": board.lane,
            "label": board.label,
            "capacity": board.capacity,
            "used": board.used,
            "arrived": board.arrived,
            "handed_over": board.handed_over,
            "expected": [_choice_out(_fresh(c)) for c in board.expected],
        }
        for board in selectors.drive_thru_today(office=office)
    ]


@router.post(
    "/offices/{code}/walk-up",
    response={201: OfficerPickupOut},
    auth=staff_auth,
    summary="Serve a vehicle without a booking when today's lane still has a place",
)
def walk_up(request: HttpRequest, code: str, payload: WalkUpIn) -> Any:
    user, office = _officer(request, code)
    application = _application_at(office, str(payload.application_id))
    pickup_walk_up(
        office=office,
        officer=user,
        application=application,
        vehicle=payload.vehicle,
        plate=payload.plate,
    )
    return Status(201, _officer_out(user, office, application))


@router.get(
    "/offices/{code}/uncollected",
    response=list[UncollectedOut],
    auth=staff_auth,
    summary="Ready passports not collected yet, longest waiting first (audited)",
)
def uncollected(request: HttpRequest, code: str) -> Any:
    user, office = _officer(request, code)
    rows = selectors.uncollected(office=office)
    for row in rows:
        audit_personal_data_view(
            actor=user,
            subject=row.application,
            office_code=office.code,
            fields=["full_name"],
            purpose="pickup API: uncollected passports",
        )
    return [
        {
            "application_id": row.application.public_id,
            "holder_name": row.application.full_name,
            "days_since_ready": row.days,
            "choice": _choice_out(_fresh(row.choice)) if row.choice is not None else None,
            "storage_location": row.location,
            "reminders_sent": row.reminders_sent,
            "cancelled_in_days": row.cancel_in,
        }
        for row in rows
    ]


@router.post(
    "/offices/{code}/applications/{application_id}/handover",
    response={201: HandoverOut},
    auth=staff_auth,
    summary="Hand the passport over at the counter or the drive-thru (multipart: a power "
    "of attorney may be attached as `power_of_attorney`)",
)
def handover(
    request: HttpRequest,
    code: str,
    application_id: str,
    payload: Form[HandoverIn],
    power_of_attorney: File[UploadedFile | None] = None,
) -> Any:
    user, office = _officer(request, code)
    application = _application_at(office, application_id)
    upload = _power_of_attorney(power_of_attorney)
    done = pickup_handover(
        application=application,
        officer=user,
        received_by=payload.received_by,
        receiver_name=payload.receiver_name,
        identity_checked=payload.identity_checked,
        proxy_kk_number=payload.proxy_kk_number,
        power_of_attorney=upload,
    )
    return Status(
        201,
        {
            "application_id": application.public_id,
            "received_by": done.received_by,
            "receiver_name": done.receiver_name,
            "identity_checked": done.identity_checked,
            "proxy_basis": done.proxy_basis,
            "at": done.at,
        },
    )


@router.put(
    "/offices/{code}/applications/{application_id}/storage",
    response=StorageOut,
    auth=staff_auth,
    summary="Record where the ready passport is kept (rack/box)",
)
def storage(request: HttpRequest, code: str, application_id: str, payload: StorageIn) -> Any:
    user, office = _officer(request, code)
    application = _application_at(office, application_id)
    row = pickup_storage_set(application=application, officer=user, location=payload.location)
    return {"application_id": application.public_id, "location": row.location}


@router.post(
    "/offices/{code}/pickups/{pickup_code}/dispatch",
    response=OfficerPickupOut,
    auth=staff_auth,
    summary="The passport leaves with the courier (tracking number)",
)
def dispatch(request: HttpRequest, code: str, pickup_code: str, payload: DispatchIn) -> Any:
    user, office = _officer(request, code)
    choice = _choice_at(office, pickup_code)
    pickup_dispatch(choice=choice, officer=user, tracking_number=payload.tracking_number)
    return _officer_out(user, office, choice.application)


@router.post(
    "/offices/{code}/pickups/{pickup_code}/delivery",
    response=OfficerPickupOut,
    auth=staff_auth,
    summary="The courier delivered, or the attempt failed (with the reason)",
)
def delivery(request: HttpRequest, code: str, pickup_code: str, payload: DeliveryIn) -> Any:
    user, office = _officer(request, code)
    choice = _choice_at(office, pickup_code)
    if payload.delivered:
        pickup_confirm_delivery(choice=choice, officer=user, note=payload.note)
    else:
        pickup_delivery_failed(choice=choice, officer=user, reason=payload.note)
    return _officer_out(user, office, choice.application)


@router.get(
    "/offices/{code}/courier",
    response=dict[str, list[ChoiceOut]],
    auth=staff_auth,
    summary="Courier pickups awaiting dispatch and awaiting delivery confirmation",
)
def courier_work(request: HttpRequest, code: str) -> Any:
    _u, office = _officer(request, code)
    return {
        "awaiting_dispatch": [
            _choice_out(_fresh(c)) for c in selectors.courier_awaiting_dispatch(office=office)
        ],
        "in_transit": [_choice_out(_fresh(c)) for c in selectors.courier_in_transit(office=office)],
    }
