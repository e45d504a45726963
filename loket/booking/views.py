"""Applicant pages: choose a date and session, hold and pay, proof, reschedule, cancel.

Every page works without JavaScript; htmx swaps the calendar page by page and refreshes
the status of a held booking while the applicant pays in another tab.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loket.applications.models import Application
from loket.applications.selectors import application_get_for_owner, application_require_bookable
from loket.booking import conf, release
from loket.booking.admission import admission_check, admission_consume, admission_join
from loket.booking.api import client_ip
from loket.booking.choices import CANCELLABLE, HAS_PROOF, RESCHEDULABLE, BookingStatus
from loket.booking.forms import CancelForm, ConfirmForm, SlotChoiceForm, week_start
from loket.booking.limits import rate_limit
from loket.booking.models import Booking
from loket.booking.proof import masked_nik, proof_lines, proof_pdf, qr_svg
from loket.booking.selectors import (
    availability_cached,
    booking_active_for_application,
    booking_get_for_owner,
    bookings_of,
    release_rule_of,
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
)
from loket.core.calendar import local_date
from loket.core.decorators import applicant_required, request_user
from loket.core.errors import ApplicationError
from loket.payments.billing import bill_last_failure
from loket.payments.selectors import fee_quote

CALENDAR_DAYS = 14


def verified(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @applicant_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request_user(request).email_verified_at is None:
            return redirect("applicants:verify")
        return view(request, *args, **kwargs)

    return wrapper


def _calendar_context(
    request: HttpRequest, application: Application, category: str
) -> dict[str, Any]:
    office = application.office
    assert office is not None
    now = timezone.now()
    today = local_date(office, now)
    start = week_start(request.GET.get("from"), today)
    end = start + dt.timedelta(days=CALENDAR_DAYS - 1)
    rule = release_rule_of(office)
    return {
        "office": office,
        "days": availability_cached(
            office=office, start=start, end=end, category=category, now=now
        ),
        "start": start,
        "prev": start - dt.timedelta(days=CALENDAR_DAYS) if start > today else None,
        "next": end + dt.timedelta(days=1),
        "rule": rule,
        "next_release": release.next_release(rule, now) if rule is not None else None,
        "tz": office.tz,
    }


def _hash(application: Application, day: dt.date, session: str) -> str:
    """The request fingerprint; the same shape as the API's body, so keys mean the same."""
    return request_hash_of(
        {"application_id": str(application.public_id), "date": day.isoformat(), "session": session}
    )


@verified
def book(request: HttpRequest, public_id: str) -> HttpResponse:
    """Choose a released date and a session with free places."""
    application = application_get_for_owner(account=request_user(request), public_id=public_id)
    active = booking_active_for_application(application_id=application.pk)
    if active is not None:
        return redirect("booking:detail", code=active.code)
    application_require_bookable(application)
    category = category_for(application)
    context = {"application": application, **_calendar_context(request, application, category)}
    context["action"] = reverse("booking:confirm", args=[application.public_id])
    template = "booking/book.html#calendar" if request.htmx else "booking/book.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _session_key(office_id: int) -> str:
    return f"loket.admission.{office_id}"


def _admitted(request: HttpRequest, office: Any) -> bool:
    """True when the session holds a valid admission for `office`, or the waiting room
    admits the applicant right now (an idle gate admits at once: no extra page)."""
    if not conf.admission_required():
        return True
    account = request_user(request)
    token = request.session.get(_session_key(office.pk), "")
    if token:
        try:
            admission_check(token=token, account=account, office=office)
            return True
        except ApplicationError:
            pass
    state = admission_join(account=account, office=office, ip=client_ip(request))
    if state.admitted:
        request.session[_session_key(office.pk)] = state.token
    return state.admitted


@verified
def wait(request: HttpRequest, public_id: str) -> HttpResponse:
    """The waiting room: position and estimated wait; polls itself (htmx every few seconds,
    a meta refresh without JavaScript) and moves on to the booking once admitted."""
    account = request_user(request)
    application = application_get_for_owner(account=account, public_id=public_id)
    office = application.office
    assert office is not None
    target = reverse("booking:confirm", args=[application.public_id])
    query = request.GET.get("next", "")
    if query.startswith("?"):
        target += query
    state = admission_join(account=account, office=office, ip=client_ip(request))
    if state.admitted:
        request.session[_session_key(office.pk)] = state.token
        if request.htmx:  # type: ignore[attr-defined]
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    context = {"application": application, "office": office, "state": state, "next": query}
    template = "booking/wait.html#line" if request.htmx else "booking/wait.html"  # type: ignore[attr-defined]
    response = render(request, template, context)
    response["Retry-After"] = str(state.retry_after)
    return response


@verified
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    """Check the choice and the fee, then hold the place (POST, with an idempotency key)."""
    account = request_user(request)
    application = application_get_for_owner(account=account, public_id=public_id)
    application_require_bookable(application)
    category = category_for(application)
    office = application.office
    assert office is not None
    if not _admitted(request, office):
        url = reverse("booking:wait", args=[application.public_id])
        if request.method == "GET" and request.GET:
            url += "?" + urlencode({"next": "?" + request.GET.urlencode()})
        return redirect(url)
    form = ConfirmForm(request.POST) if request.method == "POST" else SlotChoiceForm(request.GET)
    error: ApplicationError | None = None
    chosen = None
    data: dict[str, Any] = {}
    if form.is_valid():
        data = {"idempotency_key": uuid.uuid4().hex, **form.cleaned_data}
        try:
            if request.method == "POST":
                replay = booking_replay(
                    account=account,
                    key=data["idempotency_key"],
                    request_hash=_hash(application, data["date"], data["session"]),
                )
                if replay is not None:  # a double click or a reload of the POST
                    return redirect("booking:detail", code=replay.code)
            chosen = slot_find(
                office=office, day=data["date"], session_code=data["session"], category=category
            )
            if request.method == "POST":
                rate_limit(account=account, nik=application.nik, ip=client_ip(request))
                with transaction.atomic():
                    if conf.admission_required():
                        admission_consume(
                            token=request.session.get(_session_key(office.pk), ""),
                            account=account,
                            office=office,
                        )
                    booking = booking_create(
                        application=application,
                        slot=chosen,
                        account=account,
                        idempotency_key=data["idempotency_key"],
                        request_hash=_hash(application, data["date"], data["session"]),
                    )
                request.session.pop(_session_key(office.pk), None)
                return redirect("booking:detail", code=booking.code)
        except ApplicationError as exc:
            error = exc
    else:
        error = ApplicationError("invalid_input", _("Choose a date and a session on the calendar."))
    quote = fee_quote(
        billing_date=local_date(office, timezone.now()),
        book_type=application.book_type,
        validity_years=application.validity_years or 5,
        percepatan=application.percepatan,
    )
    status = error.status if error is not None else 200
    if error is not None and error.code in ("admission_expired", "admission_used"):
        request.session.pop(_session_key(office.pk), None)
    response = render(
        request,
        "booking/confirm.html",
        {
            "application": application,
            "office": office,
            "slot": chosen,
            "form": ConfirmForm(initial=data),
            "quote": quote,
            "error": error,
            "tz": office.tz,
            "back": reverse("booking:book", args=[application.public_id]),
        },
        status=status,
    )
    if error is not None and "retry_after" in error.extra:
        response["Retry-After"] = str(error.extra["retry_after"])
    return response


@verified
def booking_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "booking/list.html", {"bookings": bookings_of(account=request_user(request))[:50]}
    )


def _next_step(booking: Booking) -> str:
    if booking.status == BookingStatus.HELD:
        return _("Pay the fee with the billing code before the deadline, or the booking lapses.")
    if booking.status == BookingStatus.CONFIRMED:
        return _(
            "Come to the office on your date with the booking proof and the originals of your documents."
        )
    if booking.status == BookingStatus.CHECKED_IN:
        return _("Follow your queue ticket at the office.")
    if booking.status == BookingStatus.EXPIRED:
        return _("The booking lapsed unpaid. You can book again.")
    if booking.status == BookingStatus.CANCELLED:
        return _("The booking is cancelled. You can book again.")
    return _("You did not come on the booked day. You can book again.")


def _remaining(booking: Booking) -> str:
    seconds = int((booking.hold_expires_at - timezone.now()).total_seconds())
    if seconds <= 0:
        return _("The payment deadline has passed.")
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    return _("%(h)s h %(m)s min left") % {"h": hours, "m": minutes}


@verified
def detail(request: HttpRequest, code: str) -> HttpResponse:
    booking = booking_get_for_owner(account=request_user(request), code=code)
    failure = bill_last_failure(billing_code=booking.bill.billing_code) if booking.bill else None
    context = {
        "booking": booking,
        "office": booking.office,
        "tz": booking.office.tz,
        "next_step": _next_step(booking),
        "remaining": _remaining(booking),
        "failure": failure if booking.status == BookingStatus.HELD else None,
        "can_reschedule": booking.status in RESCHEDULABLE and booking.reschedule_count == 0,
        "can_cancel": booking.status in CANCELLABLE,
        "has_proof": booking.status in HAS_PROOF,
        "simulator": booking.bill is not None and booking.bill.gateway == "simulator",
    }
    template = "booking/detail.html#status" if request.htmx else "booking/detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@verified
@require_POST
def refresh(request: HttpRequest, code: str) -> HttpResponse:
    booking = booking_get_for_owner(account=request_user(request), code=code)
    booking_payment_refresh(booking=booking)
    if booking.status == BookingStatus.CONFIRMED:
        messages.success(request, _("Payment received: your booking is confirmed."))
    else:
        messages.info(request, _("No payment has been received for this code yet."))
    return redirect("booking:detail", code=booking.code)


def _proof_booking(request: HttpRequest, code: str) -> Booking:
    booking = booking_get_for_owner(account=request_user(request), code=code)
    if booking.status not in HAS_PROOF:
        raise ApplicationError(
            "proof_not_available",
            _("The booking proof is available once the fee is paid."),
            status=409,
        )
    return booking


@verified
def proof(request: HttpRequest, code: str) -> HttpResponse:
    booking = _proof_booking(request, code)
    return render(
        request,
        "booking/proof.html",
        {
            "booking": booking,
            "lines": proof_lines(booking),
            "qr": qr_svg(booking.code),
            "nik": masked_nik(booking.nik),
        },
    )


@verified
def proof_pdf_view(request: HttpRequest, code: str) -> HttpResponse:
    booking = _proof_booking(request, code)
    response = HttpResponse(proof_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="loket-{booking.code}.pdf"'
    return response


@verified
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, code: str) -> HttpResponse:
    account = request_user(request)
    booking = booking_get_for_owner(account=account, code=code)
    error = None
    if request.method == "POST":
        form = SlotChoiceForm(request.POST)
        if form.is_valid():
            try:
                target = slot_find(
                    office=booking.office,
                    day=form.cleaned_data["date"],
                    session_code=form.cleaned_data["session"],
                    category=booking.category,
                )
                booking_reschedule(booking=booking, slot=target, actor=account)
                messages.success(request, _("Your booking was moved."))
                return redirect("booking:detail", code=booking.code)
            except ApplicationError as exc:
                error = exc
        else:
            error = ApplicationError(
                "invalid_input", _("Choose a date and a session on the calendar.")
            )
    context = {
        "booking": booking,
        "application": booking.application,
        "error": error,
        "action": reverse("booking:reschedule", args=[booking.code]),
        "method": "post",
        **_calendar_context(request, booking.application, booking.category),
    }
    template = "booking/reschedule.html#calendar" if request.htmx else "booking/reschedule.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=error.status if error else 200)


@verified
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    account = request_user(request)
    booking = booking_get_for_owner(account=account, code=code)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        booking_cancel(booking=booking, actor=account, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your booking is cancelled."))
        return redirect("booking:detail", code=booking.code)
    return render(request, "booking/cancel.html", {"booking": booking, "form": form})
