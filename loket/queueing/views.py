"""Queue pages: front desk, counter screen, ticket print, applicant status, hall display."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError, NotFound
from loket.core.forms import apply_error
from loket.offices.models import Counter, Office, Stage
from loket.offices.selectors import (
    office_get_for_staff,
    office_get_public,
    office_ids_with_role,
    office_require_role,
)
from loket.queueing.forms import CheckInForm, NotifyForm, WalkInForm
from loket.queueing.models import CounterSession, Lane, Ticket
from loket.queueing.selectors import (
    current_ticket,
    display_board,
    supervisor_overview,
    ticket_by_token,
    ticket_position,
    waiting_tickets,
)
from loket.queueing.services import (
    COUNTER_ROLES,
    FRONT_DESK_ROLES,
    SUPERVISOR_ROLES,
    arrival_notice,
    booking_check_in_ticket,
    call_next,
    counter_close,
    counter_lanes,
    counter_open,
    counter_set_active,
    queue_setup,
    ticket_finish,
    ticket_notify_request,
    ticket_park,
    ticket_recall,
    ticket_return,
    ticket_skip,
    ticket_start,
    ticket_transfer,
    walk_in_register,
)


def _warn_arrival(request: HttpRequest, ticket: Ticket) -> None:
    """The ticket is issued; say so when the application's workflow did not start."""
    notice = arrival_notice(ticket)
    if notice:
        messages.warning(request, notice)


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@staff_required
def front_desk(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    queue_setup(office)
    checkin_form = CheckInForm(request.POST if request.POST.get("form") == "checkin" else None)
    if checkin_form.is_bound and checkin_form.is_valid():
        office_require_role(user=user, office=office, roles=FRONT_DESK_ROLES)
        try:
            ticket = booking_check_in_ticket(
                office=office, code=checkin_form.cleaned_data["code"], actor=user
            )
        except NotFound:
            raise
        except ApplicationError as error:
            apply_error(checkin_form, error)
        else:
            _warn_arrival(request, ticket)
            return redirect("queueing:ticket_print", ticket_id=ticket.pk)
    form = WalkInForm(
        request.POST if request.POST.get("form") == "walk_in" else None, office=office
    )
    if form.is_bound and form.is_valid():
        try:
            ticket = walk_in_register(actor=user, office=office, **form.ticket_details())
        except NotFound:
            raise
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request, _("Ticket %(number)s issued.") % {"number": ticket.display_number}
            )
            _warn_arrival(request, ticket)
            return redirect("queueing:ticket_print", ticket_id=ticket.pk)
    overview = supervisor_overview(office)
    template = (
        "queueing/front_desk.html#overview"
        if getattr(request, "htmx", False)
        else "queueing/front_desk.html"
    )
    return render(
        request,
        template,
        {
            "office": office,
            "form": form,
            "checkin_form": checkin_form,
            "is_supervisor": _supervises(user, office),
            "overview": overview,
            "parked": Ticket.objects.filter(office=office, status="parked").select_related(
                "lane", "stage"
            ),
            "stages": Stage.objects.filter(office=office),
            "lanes": Lane.objects.filter(office=office),
        },
        status=400 if form.errors or checkin_form.errors else 200,
    )


def _supervises(user: Any, office: Office) -> bool:
    ids = office_ids_with_role(user, SUPERVISOR_ROLES)
    return ids is None or office.id in ids


@staff_required
@require_POST
def counter_toggle(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = Counter.objects.select_related("office").filter(pk=counter_id).first()
    if counter is None:
        raise NotFound("counter_not_found", _("Counter not found."))
    try:
        counter_set_active(
            actor=request_user(request), counter=counter, active=request.POST.get("active") == "1"
        )
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("queueing:front_desk", code=counter.office.code)


@staff_required
@require_POST
def ticket_return_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _staff_ticket(request, ticket_id)
    ticket_return(actor=request_user(request), ticket=ticket)
    return redirect("queueing:front_desk", code=ticket.office.code)


@staff_required
@require_POST
def ticket_transfer_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _staff_ticket(request, ticket_id)
    stage = Stage.objects.filter(pk=request.POST.get("stage") or 0, office=ticket.office).first()
    lane = Lane.objects.filter(pk=request.POST.get("lane") or 0, office=ticket.office).first()
    ticket_transfer(
        actor=request_user(request),
        ticket=ticket,
        stage=stage,
        lane=lane,
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("Ticket %(number)s moved.") % {"number": ticket.display_number})
    return redirect(
        request.POST.get("back") or reverse("queueing:front_desk", args=[ticket.office.code])
    )


def _staff_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    ticket = Ticket.objects.select_related("office", "lane", "stage").filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("ticket_not_found", _("Ticket not found."))
    office_require_role(user=request_user(request), office=ticket.office)
    return ticket


@staff_required
def ticket_print(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _staff_ticket(request, ticket_id)
    width = "58" if request.GET.get("w") == "58" else "80"
    status_url = request.build_absolute_uri(reverse("queueing:status", args=[ticket.status_token]))
    return render(
        request,
        "queueing/ticket_print.html",
        {
            "ticket": ticket,
            "position": ticket_position(ticket),
            "width": width,
            "qr": qr_svg(status_url),
            "status_url": status_url,
        },
    )


def _counter_for(request: HttpRequest, counter_id: int) -> Counter:
    counter = Counter.objects.select_related("office").filter(pk=counter_id).first()
    if counter is None:
        raise NotFound("counter_not_found", _("Counter not found."))
    office_require_role(user=request_user(request), office=counter.office, roles=COUNTER_ROLES)
    return counter


@staff_required
def counter_screen(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = _counter_for(request, counter_id)
    officer = request_user(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        ticket_id = int(request.POST.get("ticket") or 0)
        try:
            if action == "open":
                counter_open(officer=officer, counter=counter)
            elif action == "close":
                counter_close(officer=officer, counter=counter)
            elif action == "call":
                stage = Stage.objects.filter(
                    pk=request.POST.get("stage") or 0, office=counter.office
                ).first()
                if stage is None:
                    raise ApplicationError("stage_required", _("Choose the stage to call for."))
                if call_next(officer=officer, counter=counter, stage=stage) is None:
                    messages.info(request, _("Nobody is waiting for this stage."))
            elif action == "recall":
                ticket_recall(officer=officer, counter=counter, ticket_id=ticket_id)
            elif action == "start":
                ticket_start(officer=officer, counter=counter, ticket_id=ticket_id)
            elif action == "finish":
                ticket_finish(
                    officer=officer,
                    counter=counter,
                    ticket_id=ticket_id,
                    needs_bap=True if request.POST.get("needs_bap") else None,
                )
            elif action == "skip":
                ticket_skip(officer=officer, counter=counter, ticket_id=ticket_id)
            elif action == "park":
                ticket_park(
                    officer=officer,
                    counter=counter,
                    ticket_id=ticket_id,
                    note=request.POST.get("note", ""),
                )
            else:
                raise ApplicationError("action_invalid", _("Unknown action."))
        except NotFound:
            raise
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("queueing:counter", counter_id=counter.pk)
    session = (
        CounterSession.objects.filter(counter=counter, ended_at__isnull=True)
        .select_related("officer")
        .first()
    )
    ticket = current_ticket(counter)
    stages = list(counter.stages.order_by("sequence"))
    lanes = counter_lanes(counter)
    waiting = {
        stage.pk: waiting_tickets(counter.office, stage)
        .filter(**({"lane_id__in": lanes} if lanes else {}))
        .count()
        for stage in stages
    }
    return render(
        request,
        "queueing/counter.html",
        {
            "counter": counter,
            "session": session,
            "mine": session is not None and session.officer_id == officer.pk,
            "ticket": ticket,
            "stages": [(s, waiting[s.pk]) for s in stages],
            "lanes": Lane.objects.filter(office=counter.office),
        },
    )


def status(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's live ticket page (from the QR code on the ticket)."""
    ticket = ticket_by_token(token)
    notify_form = NotifyForm(request.POST or None)
    if request.method == "POST" and notify_form.is_valid():
        try:
            ticket_notify_request(
                ticket=ticket,
                contact=notify_form.cleaned_data["contact"],
                when_ahead=notify_form.cleaned_data["when_ahead"],
            )
        except ApplicationError as error:
            apply_error(notify_form, error)
        else:
            messages.success(request, _("We will tell you when your turn is near."))
            return redirect("queueing:status", token=token)
    template = (
        "queueing/status.html#live" if getattr(request, "htmx", False) else "queueing/status.html"
    )
    return render(
        request,
        template,
        {"ticket": ticket, "position": ticket_position(ticket), "notify_form": notify_form},
        status=400 if notify_form.errors else 200,
    )


def _display_office(request: HttpRequest, code: str) -> Office:
    office = office_get_public(code=code)
    config = queue_setup(office)
    key = request.GET.get("key", "")
    if not key or key != config.display_key:
        raise NotFound(
            "display_key_invalid", _("This display needs its key; ask the office administrator.")
        )
    return office


def display(request: HttpRequest, code: str) -> HttpResponse:
    office = _display_office(request, code)
    context: dict[str, Any] = {
        "office": office,
        "calls": display_board(office),
        "key": request.GET["key"],
    }
    template = (
        "queueing/display.html#board"
        if getattr(request, "htmx", False)
        else "queueing/display.html"
    )
    return render(request, template, context)


def kiosk(request: HttpRequest, code: str) -> HttpResponse:
    """The self-service check-in kiosk: type or scan the booking code, get a ticket."""
    office = _display_office(request, code)
    form = CheckInForm(request.POST or None)
    ticket = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = booking_check_in_ticket(
                office=office, code=form.cleaned_data["code"], actor=None
            )
        except ApplicationError as error:
            apply_error(form, error)
    context: dict[str, Any] = {
        "office": office,
        "form": form,
        "ticket": ticket,
        "key": request.GET["key"],
    }
    if ticket is not None:
        status_url = request.build_absolute_uri(
            reverse("queueing:status", args=[ticket.status_token])
        )
        context.update(
            {
                "position": ticket_position(ticket),
                "qr": qr_svg(status_url),
                "status_url": status_url,
            }
        )
    return render(request, "queueing/kiosk.html", context, status=400 if form.errors else 200)
