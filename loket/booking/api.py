"""Booking for the mobile app: availability, book (idempotent), payment status,
reschedule, cancel and the proof PDF. Errors keep their stable codes (config/api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Header, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from loket.applications.selectors import application_get_for_owner, application_require_bookable
from loket.booking import conf
from loket.booking.admission import admission_consume, admission_join
from loket.booking.choices import CANCELLABLE, HAS_PROOF, RESCHEDULABLE
from loket.booking.limits import rate_limit
from loket.booking.models import Booking
from loket.booking.proof import proof_pdf
from loket.booking.schemas import (
    AdmissionIn,
    AdmissionOut,
    AvailabilityOut,
    BookingIn,
    BookingOut,
    CancelIn,
    PaymentOut,
    SlotIn,
)
from loket.booking.selectors import (
    DayAvailability,
    availability_rendered,
    booking_get_for_owner,
    bookings_of,
)
from loket.booking.services import (
    booking_cancel,
    booking_create,
    booking_payment_refresh,
    booking_replay,
    booking_reschedule,
    category_for,
    request_hash_of,
    slot_find,
    slot_require_free,
)
from loket.core.api_auth import applicant_auth, verified_applicant
from loket.core.errors import ApplicationError
from loket.offices.selectors import office_get_public
from loket.payments.billing import bill_last_failure

router = Router(tags=["booking"])


_user = verified_applicant


def _payment(booking: Booking, *, new: bool = False) -> dict[str, Any] | None:
    bill = booking.bill
    if bill is None:
        return None
    simulator = None
    if bill.gateway == "simulator":
        simulator = (
            conf.site_url().rstrip("/")
            + reverse("payments:simulator")
            + f"?billing_code={bill.billing_code}"
        )
    return {
        "status": bill.status,
        "billing_code": bill.billing_code,
        "amount": bill.amount,
        "lines": bill.lines,
        "issued_at": bill.issued_at,
        "expires_at": bill.expires_at,
        "paid_at": bill.paid_at,
        "ntpn": bill.ntpn,
        "gateway": bill.gateway,
        "simulator_url": simulator,
        # A bill issued in this very request has had no payment attempt yet.
        "last_attempt_failed": not new
        and booking.status == "held"
        and bill_last_failure(billing_code=bill.billing_code) is not None,
    }


def _out(booking: Booking, *, new: bool = False) -> dict[str, Any]:
    session = booking.slot.session
    return {
        "code": booking.code,
        "application_id": booking.application.public_id,
        "office": booking.office.code,
        "date": booking.slot.date,
        "session": session.code,
        "session_starts": session.starts,
        "session_ends": session.ends,
        "time_zone": booking.office.timezone,
        "category": booking.category,
        "status": booking.status,
        "status_label": booking.get_status_display(),
        "hold_expires_at": booking.hold_expires_at,
        "confirmed_at": booking.confirmed_at,
        "cancelled_at": booking.cancelled_at,
        "reschedule_count": booking.reschedule_count,
        "can_reschedule": booking.status in RESCHEDULABLE
        and booking.reschedule_count < conf.max_reschedules(),
        "can_cancel": booking.status in CANCELLABLE,
        "proof_available": booking.status in HAS_PROOF,
        "payment": _payment(booking, new=new),
    }


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the load balancer saw it (docs/deployment.md: the balancer
    sets X-Forwarded-For and only it can reach the app nodes)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def _error_with_retry(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    response = JsonResponse({"error": error.as_dict()}, status=error.status)
    response["Retry-After"] = str(error.extra["retry_after"])
    return response


def _get(request: HttpRequest, code: str) -> Booking:
    return booking_get_for_owner(account=_user(request), code=code)


@router.get(
    "/availability",
    response=AvailabilityOut,
    summary="Free places per session and date (public; unreleased dates say when they open)",
)
def get_availability(
    request: HttpRequest,
    office: str,
    start: dt.date,
    end: dt.date,
    category: Literal["regular", "percepatan"] = "regular",
) -> Any:
    found = office_get_public(code=office, related=False)

    def render(days: list[DayAvailability]) -> bytes:
        body = AvailabilityOut.model_validate(
            {
                "office": found.code,
                "time_zone": found.timezone,
                "category": category,
                "days": [
                    {
                        "date": day.date,
                        "working": day.working,
                        "released": day.released,
                        "opens_at": day.opens_at,
                        "sessions": [{**s.__dict__, "free": s.free} for s in day.sessions],
                    }
                    for day in days
                ],
            }
        )
        return body.model_dump_json().encode()

    # The rendered body is what is cached: a crowd refreshing the calendar costs one
    # office lookup and one cache read per request, no query and no serialisation.
    body = availability_rendered(
        office=found, start=start, end=end, category=category, form="api", render=render
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.post(
    "/admission",
    response={200: AdmissionOut, 202: AdmissionOut},
    auth=applicant_auth,
    summary="Join the waiting room of an office, or ask again for one's place (poll)",
    description=(
        "200 with a token when admitted: send it as the Admission-Token header of one "
        "POST /bookings within its validity. 202 while in line, with position, estimated "
        "wait and a Retry-After header: ask again after that many seconds."
    ),
)
def post_admission(request: HttpRequest, response: HttpResponse, payload: AdmissionIn) -> Any:
    account = _user(request)
    found = office_get_public(code=payload.office, related=False)
    state = admission_join(account=account, office=found, ip=client_ip(request))
    body = {**state.__dict__, "office": found.code}
    if state.admitted:
        return Status(200, body)
    response["Retry-After"] = str(state.retry_after)
    return Status(202, body)


@router.get("/bookings", response=list[BookingOut], auth=applicant_auth, summary="My bookings")
@paginate(PageNumberPagination, page_size=20)
def list_bookings(request: HttpRequest) -> Any:
    return [_out(b) for b in bookings_of(account=_user(request))[:200]]


@router.post(
    "/bookings",
    response={201: BookingOut},
    auth=applicant_auth,
    summary="Book a session and hold it until paid (Idempotency-Key header required)",
    description=(
        "A retry with the same Idempotency-Key and the same body returns the first booking "
        "(header Idempotent-Replayed: true) and never books twice; the same key with another "
        "body is refused with idempotency_key_reused. Errors: session_full, date_not_released, "
        "date_past, not_working_day, nik_has_active_booking, percepatan_not_allowed, "
        "walk_in_only, application_incomplete, application_not_found, session_not_found, "
        "ballot_pending; admission_required (428: no Admission-Token header), "
        "admission_invalid, admission_expired, admission_used (403); rate_limited (429, "
        "with Retry-After)."
    ),
)
def create_booking(
    request: HttpRequest,
    response: HttpResponse,
    payload: BookingIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
    admission_token: str = Header("", alias="Admission-Token"),
) -> Any:
    try:
        return _create_booking(request, response, payload, idempotency_key, admission_token)
    except ApplicationError as error:
        if "retry_after" in error.extra:
            return _error_with_retry(request, error)
        raise


def _create_booking(
    request: HttpRequest,
    response: HttpResponse,
    payload: BookingIn,
    idempotency_key: str,
    admission_token: str,
) -> Any:
    account = _user(request)
    if not idempotency_key.strip():
        raise ApplicationError(
            "idempotency_key_required",
            _("Send an Idempotency-Key header with every booking request."),
            status=400,
        )
    body = {
        "application_id": str(payload.application_id),
        "date": payload.date.isoformat(),
        "session": payload.session,
    }
    application = application_get_for_owner(account=account, public_id=payload.application_id)
    booking = booking_replay(
        account=account, key=idempotency_key.strip(), request_hash=request_hash_of(body)
    )
    if booking is None:
        rate_limit(account=account, nik=application.nik, ip=client_ip(request))
        application_require_bookable(application)
        office = application.office
        assert office is not None
        slot = slot_find(
            office=office,
            day=payload.date,
            session_code=payload.session,
            category=category_for(application),
        )
        slot_require_free(slot)
        with transaction.atomic():
            if conf.admission_required():
                admission_consume(token=admission_token.strip(), account=account, office=office)
            booking = booking_create(
                application=application,
                slot=slot,
                account=account,
                idempotency_key=idempotency_key,
                request_hash=request_hash_of(body),
                key_checked=True,
            )
    if booking.replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(201, _out(booking))
    return Status(201, _out(booking, new=True))


@router.get("/bookings/{code}", response=BookingOut, auth=applicant_auth, summary="One booking")
def get_booking(request: HttpRequest, code: str) -> Any:
    return _out(_get(request, code))


@router.get(
    "/bookings/{code}/payment",
    response=PaymentOut,
    auth=applicant_auth,
    summary="Payment status of a booking (refresh=true asks the gateway)",
)
def get_payment(request: HttpRequest, code: str, refresh: bool = False) -> Any:
    booking = _get(request, code)
    if refresh:
        booking = booking_payment_refresh(booking=booking)
    payment = _payment(booking)
    if payment is None:  # pragma: no cover - every booking is created with its bill
        raise ApplicationError("no_bill", _("This booking has no bill."), status=404)
    return payment


@router.post(
    "/bookings/{code}/reschedule",
    response=BookingOut,
    auth=applicant_auth,
    summary="Move a booking once, up to the day before",
)
def reschedule_booking(request: HttpRequest, code: str, payload: SlotIn) -> Any:
    account = _user(request)
    booking = booking_get_for_owner(account=account, code=code)
    slot = slot_find(
        office=booking.office,
        day=payload.date,
        session_code=payload.session,
        category=booking.category,
    )
    return _out(booking_reschedule(booking=booking, slot=slot, actor=account))


@router.post(
    "/bookings/{code}/cancel",
    response=BookingOut,
    auth=applicant_auth,
    summary="Cancel (the place returns to the quota after a delay)",
)
def cancel_booking(request: HttpRequest, code: str, payload: CancelIn) -> Any:
    account = _user(request)
    booking = booking_get_for_owner(account=account, code=code)
    return _out(booking_cancel(booking=booking, actor=account, reason=payload.reason))


@router.get(
    "/bookings/{code}/proof.pdf",
    auth=applicant_auth,
    summary="Booking proof with QR code (PDF, after payment)",
    response={200: None},
)
def get_proof(request: HttpRequest, code: str) -> HttpResponse:
    booking = _get(request, code)
    if booking.status not in HAS_PROOF:
        raise ApplicationError(
            "proof_not_available",
            _("The booking proof is available once the fee is paid."),
            status=409,
        )
    response = HttpResponse(proof_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="loket-{booking.code}.pdf"'
    return response
