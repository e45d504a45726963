"""Outreach pages: the partner's coordinator (sign-up, visit requests, members, entry of
a consenting member's data), a member joining with their code, and the office's screens
(requests, offered dates, kits, scheduling, the group's tickets on the day).

Every rule lives in the services; views read forms and show refusals next to fields."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loket.applications.services import step_form, step_initial
from loket.core.audit import audit_personal_data_view
from loket.core.choices import UserKind
from loket.core.decorators import applicant_required, request_user, staff_required
from loket.core.errors import ApplicationError
from loket.core.forms import apply_error
from loket.offices.selectors import office_get_for_staff, office_ids_with_role, office_require_role
from loket.outreach import selectors
from loket.outreach.choices import EntryMode, VisitStatus
from loket.outreach.forms import (
    DeclineForm,
    JoinForm,
    KitForm,
    MemberForm,
    OfferForm,
    PartnerForm,
    PartnerSignUpForm,
    ScheduleForm,
    SettingsForm,
    VisitRequestForm,
)
from loket.outreach.models import MobileKit
from loket.outreach.services import (
    OFFICE_ROLES,
    kit_add,
    member_add,
    member_join,
    member_remove,
    member_save_step,
    offer_set,
    outreach_settings_update,
    partner_register,
    partner_register_for,
    visit_accept,
    visit_cancel,
    visit_decline,
    visit_issue_tickets,
    visit_request,
    visit_schedule,
)
from loket.queueing.services import FRONT_DESK_ROLES, arrival_notice

# Who works on outreach at the office; officers assigned to a visit see that visit too.
VIEW_ROLES = sorted(set(FRONT_DESK_ROLES) | set(OFFICE_ROLES))
STEPS = [(1, gettext_lazy("Case")), (2, gettext_lazy("Personal data"))]


def _status(form: forms.Form) -> int:
    return 400 if form.errors else 200


def _refuse(form: forms.Form, error: ApplicationError) -> None:
    """The refusal next to its fields and, in full, at the top of the form: the full
    message says what to do (the offered dates, the smallest group, ...)."""
    apply_error(form, error)
    if form.errors and error.message not in form.non_field_errors():
        form.add_error(None, error.message)


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @applicant_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request_user(request)
        if user.email_verified_at is None:
            return redirect("applicants:verify")
        if selectors.partner_for(user=user) is None:
            return redirect("outreach:partner_signup")
        return view(request, *args, **kwargs)

    return wrapper


# --- partner side ----------------------------------------------------------------------------


def partner_signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user = request_user(request)
        if selectors.partner_for(user=user):
            return redirect("outreach:partner_home")
        if user.kind == UserKind.APPLICANT:
            return _partner_signup_signed_in(request, user)
    form = PartnerSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = partner_register(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                name=data["name"],
                kind=data["kind"],
                address=data["address"],
                contact_phone=data["contact_phone"],
                language=translation.get_language() or "id",
            )
        except ApplicationError as error:
            _refuse(form, error)
        else:
            login(request, partner.coordinator, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Enter the code we emailed you; then open the partner page from the home page."),
            )
            return redirect("applicants:verify")
    return render(request, "outreach/partner_signup.html", {"form": form}, status=_status(form))


def _partner_signup_signed_in(request: HttpRequest, user: Any) -> HttpResponse:
    """An applicant with an account registers the organisation only."""
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner_register_for(user=user, **form.cleaned_data)
        except ApplicationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Your organisation is registered."))
            return redirect("outreach:partner_home")
    return render(
        request,
        "outreach/partner_signup.html",
        {"form": form, "signed_in": True},
        status=_status(form),
    )


@coordinator_required
def partner_home(request: HttpRequest) -> HttpResponse:
    partner = selectors.partner_require(user=request_user(request))
    return render(
        request,
        "outreach/partner_home.html",
        {"partner": partner, "visits": selectors.visits_of_partner(partner=partner)},
    )


@coordinator_required
def visit_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = VisitRequestForm(request.POST or None, initial={"office": request.GET.get("office")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = visit_request(
                coordinator=user,
                office=data["office"],
                date=data["date"],
                group_size=data["group_size"],
                note=data["note"],
            )
        except ApplicationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Your request was sent to the office."))
            return redirect("outreach:visit", pk=visit.pk)
    offers = [o for o in selectors.offers_open() if o.date >= selectors.local_today(o.office)]
    minimums = selectors.min_group_sizes(office_ids={o.office_id for o in offers})
    rows = [(o, minimums[o.office_id]) for o in offers]
    return render(
        request, "outreach/visit_new.html", {"form": form, "rows": rows}, status=_status(form)
    )


@coordinator_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    visit = selectors.visit_get_for_coordinator(user=user, pk=pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member, code = member_add(
                coordinator=user,
                visit=visit,
                full_name=data["full_name"],
                mode=data["mode"],
                email=data["email"],
                consent=data["consent"],
                consent_note=data["consent_note"],
            )
        except ApplicationError as error:
            _refuse(form, error)
        else:
            if code:
                messages.success(
                    request,
                    _("%(name)s is invited; the code %(code)s was emailed to them.")
                    % {"name": member.full_name, "code": code},
                )
                return redirect("outreach:visit", pk=visit.pk)
            return redirect("outreach:member_step", pk=member.pk, step=1)
    members = [
        (m, selectors.member_not_ready(m, visit.office, for_staff=False))
        for m in selectors.members_of(visit=visit)
    ]
    return render(
        request,
        "outreach/visit_detail.html",
        {
            "visit": visit,
            "members": members,
            "form": form,
            "can_add": visit.status
            in (VisitStatus.REQUESTED, VisitStatus.ACCEPTED, VisitStatus.SCHEDULED),
            "can_cancel": visit.status
            in (VisitStatus.REQUESTED, VisitStatus.ACCEPTED, VisitStatus.SCHEDULED),
        },
        status=_status(form),
    )


@coordinator_required
@require_POST
def visit_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    visit = selectors.visit_get_for_coordinator(user=user, pk=pk)
    try:
        visit_cancel(coordinator=user, visit=visit)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("outreach:visit", pk=visit.pk)


@coordinator_required
@require_POST
def member_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    member = selectors.member_get_for_coordinator(user=user, pk=pk)
    try:
        member_remove(coordinator=user, member=member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is off the group.") % {"name": member.full_name})
    return redirect("outreach:visit", pk=member.visit_id)


@coordinator_required
def member_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    user = request_user(request)
    member = selectors.member_get_for_coordinator(user=user, pk=pk)
    if member.mode != EntryMode.COORDINATOR or member.application is None or step not in (1, 2):
        raise ApplicationError("member_not_found", _("Member not found."), status=404)
    application = member.application
    if request.method == "POST":
        data = request.POST.dict()
        data.pop("csrfmiddlewaretoken", None)
        try:
            result = member_save_step(coordinator=user, member=member, step=step, data=data)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("outreach:visit", pk=member.visit_id)
        if result.ok:
            if step == 1:
                return redirect("outreach:member_step", pk=member.pk, step=2)
            messages.success(
                request, _("The data of %(name)s is saved.") % {"name": member.full_name}
            )
            return redirect("outreach:visit", pk=member.visit_id)
        form = step_form(result.application, step, data)
        form.is_valid()
        for name, errors in result.errors.items():
            if name in form.fields and name not in form.errors:
                for message in errors:
                    form.add_error(name, message)
        return _render_step(request, member, result.application, step, form, status=400)
    if step == 2 and application.nik:
        # The coordinator reads back a member's personal data (UU 27/2022).
        audit_personal_data_view(
            actor=user,
            subject=application,
            office_code=member.visit.office.code,
            fields=sorted(step_initial(application, step)),
            purpose="outreach member entry by the coordinator",
        )
    return _render_step(request, member, application, step, step_form(application, step))


def _render_step(
    request: HttpRequest, member: Any, application: Any, step: int, form: Any, status: int = 200
) -> HttpResponse:
    if "office" in form.fields:
        # The visit decides the office.
        form.fields["office"].widget = forms.HiddenInput()
        form.initial["office"] = member.visit.office.code
    return render(
        request,
        "outreach/member_step.html",
        {"member": member, "application": application, "step": step, "steps": STEPS, "form": form},
        status=status,
    )


@applicant_required
def join(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if user.email_verified_at is None:
        return redirect("applicants:verify")
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_join(user=user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            _refuse(form, error)
        else:
            assert member.application is not None
            messages.success(
                request,
                _("You joined the outreach of %(partner)s. Fill in your application.")
                % {"partner": member.visit.partner.name},
            )
            return redirect("applications:step", public_id=member.application.public_id, step=1)
    return render(request, "outreach/join.html", {"form": form}, status=_status(form))


# --- office side -----------------------------------------------------------------------------


@staff_required
def office_visits(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    office_require_role(user=user, office=office, roles=VIEW_ROLES)
    visits = selectors.visits_for_office(user=user, office=office)
    action = request.POST.get("form", "") if request.method == "POST" else ""
    offer_form = OfferForm(request.POST if action == "offer" else None)
    settings_form = SettingsForm(
        request.POST if action == "settings" else None,
        initial={"min_group_size": selectors.min_group_sizes(office_ids=[office.pk])[office.pk]},
    )
    kit_form = KitForm(request.POST if action == "kit" else None)
    done = ""
    try:
        if action == "offer" and offer_form.is_valid():
            offer_set(actor=user, office=office, **offer_form.cleaned_data)
            done = _("The date is offered.")
        elif action == "settings" and settings_form.is_valid():
            outreach_settings_update(actor=user, office=office, **settings_form.cleaned_data)
            done = _("Settings saved.")
        elif action == "kit" and kit_form.is_valid():
            kit_add(actor=user, office=office, **kit_form.cleaned_data)
            done = _("Kit added.")
    except ApplicationError as error:
        _refuse({"offer": offer_form, "settings": settings_form, "kit": kit_form}[action], error)
    if done:
        messages.success(request, done)
        return redirect("outreach:office_visits", code=office.code)
    failed = any(f.errors for f in (offer_form, settings_form, kit_form))
    return render(
        request,
        "outreach/office_visits.html",
        {
            "office": office,
            "visits": visits,
            "offers": selectors.offers_open(office=office),
            "kits": MobileKit.objects.filter(office=office),
            "offer_form": offer_form,
            "settings_form": settings_form,
            "kit_form": kit_form,
            "manages": _holds(user, office, OFFICE_ROLES),
        },
        status=400 if failed else 200,
    )


def _holds(user: Any, office: Any, roles: Any) -> bool:
    ids = office_ids_with_role(user, roles)
    return ids is None or office.id in ids


@staff_required
def office_visit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    visit = selectors.visit_get_for_staff(user=user, pk=pk)
    office = visit.office
    if not visit.officers.filter(pk=user.pk).exists():
        office_require_role(user=user, office=office, roles=VIEW_ROLES)
    action = request.POST.get("form", "") if request.method == "POST" else ""
    decline_form = DeclineForm(request.POST if action == "decline" else None)
    schedule_form = ScheduleForm(
        request.POST if action == "schedule" else None,
        office=office,
        initial={
            "date": visit.scheduled_date or visit.offer.date,
            "starts_at": visit.starts_at,
            "place": visit.place or visit.partner.address,
            "officers": list(visit.officers.all()),
            "kit": visit.kit,
        },
    )
    done = ""
    notices: list[str] = []
    try:
        if action == "accept":
            visit_accept(actor=user, visit=visit)
            done = _("Request accepted; the partner is told by email.")
        elif action == "decline" and decline_form.is_valid():
            visit_decline(actor=user, visit=visit, reason=decline_form.cleaned_data["reason"])
            done = _("Request declined; the partner is told by email.")
        elif action == "schedule" and schedule_form.is_valid():
            data = schedule_form.cleaned_data
            visit_schedule(
                actor=user,
                visit=visit,
                date=data["date"],
                starts_at=data["starts_at"],
                place=data["place"],
                officers=data["officers"],
                kit=data["kit"],
            )
            done = _("Visit scheduled; the partner is told by email.")
        elif action == "tickets":
            tickets, waiting = visit_issue_tickets(actor=user, visit=visit)
            notices = [n for n in (arrival_notice(t) for t in tickets) if n]
            done = _("%(n)s tickets issued in the group lane.") % {"n": len(tickets)}
            if waiting:
                notices.append(
                    _("Not ready yet: %(names)s.")
                    % {"names": ", ".join(m.full_name for m in waiting)}
                )
    except ApplicationError as error:
        target = {"decline": decline_form, "schedule": schedule_form}.get(action)
        if target is not None:
            _refuse(target, error)
        else:
            messages.error(request, error.message)
            return redirect("outreach:office_visit", pk=visit.pk)
    if done:
        messages.success(request, done)
        for notice in notices:
            messages.warning(request, notice)
        return redirect("outreach:office_visit", pk=visit.pk)
    members = [
        (m, selectors.member_not_ready(m, office)) for m in selectors.members_of(visit=visit)
    ]
    # The coordinator's contact is on the page, and the members' names and NIKs if any.
    audit_personal_data_view(
        actor=user,
        subject=visit,
        office_code=office.code,
        fields=["coordinator_contact", *(["full_name", "nik"] if members else [])],
        purpose="outreach visit",
    )
    return render(
        request,
        "outreach/office_visit.html",
        {
            "visit": visit,
            "members": members,
            "decline_form": decline_form,
            "schedule_form": schedule_form,
            "manages": _holds(user, office, OFFICE_ROLES),
            "issues": _holds(user, office, FRONT_DESK_ROLES),
            "today": selectors.local_today(office),
        },
        status=400 if (decline_form.errors or schedule_form.errors) else 200,
    )
