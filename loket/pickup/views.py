"""Pickup pages: the holder chooses how to collect a ready passport (issue #7), and the
drive-thru officer's screen (today's board, lookup, arrival, handover, walk-up).

Every rule lives in the services; the views only read forms and show refusals."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loket.applications.choices import ApplicationStatus
from loket.applications.models import Application
from loket.applications.selectors import application_get_for_owner, application_get_for_staff
from loket.core.audit import audit_personal_data_view
from loket.core.decorators import applicant_required, request_user, staff_required
from loket.core.errors import ApplicationError, NotFound
from loket.core.forms import apply_error
from loket.core.models import User
from loket.core.uploads import CleanUpload, upload_validate
from loket.offices.models import Office
from loket.offices.selectors import office_get_for_staff, office_require_role
from loket.pickup import selectors
from loket.pickup.choices import ChoiceStatus, Method, ReceivedBy
from loket.pickup.forms import (
    ArriveForm,
    CourierForm,
    DriveThruForm,
    HandoverForm,
    LookupForm,
    ProxyForm,
    RescheduleForm,
    WalkUpForm,
)
from loket.pickup.models import DriveThruSlot, PickupChoice
from loket.pickup.services import (
    PICKUP_ROLES,
    pickup_arrive,
    pickup_cancel,
    pickup_choose,
    pickup_handover,
    pickup_reschedule,
    pickup_walk_up,
)
from loket.queueing.views import qr_svg

# --- helpers ------------------------------------------------------------------------------


def _upload(form: forms.Form, name: str) -> CleanUpload | None:
    """The cleaned upload of a file field, or None; errors land on the field."""
    file = form.cleaned_data.get(name)
    if not file:
        return None
    return upload_validate(file, name=file.name, field=name)


def _applicant_application(request: HttpRequest, public_id: Any) -> tuple[User, Application]:
    user = request_user(request)
    application = application_get_for_owner(account=user, public_id=public_id)
    return user, application


def _require_ready(application: Application) -> Office:
    if application.status != ApplicationStatus.READY or application.office is None:
        raise ApplicationError(
            "not_ready", _("This passport is not ready for pickup yet."), status=409
        )
    return application.office


# --- the holder's page --------------------------------------------------------------------


@applicant_required
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest, public_id: Any) -> HttpResponse:
    user, application = _applicant_application(request, public_id)
    active = selectors.choice_active_for(application.pk)
    if active is not None:
        return _show_choice(request, application, active)
    if application.status == ApplicationStatus.COLLECTED:
        last = selectors.choice_last_for(application.pk)
        if last is not None:
            return _show_choice(request, application, last)
    office = _require_ready(application)
    methods = selectors.methods_for(office)
    slots = selectors.drive_thru_slots_open(office=office)
    method = request.POST.get("method", "") if request.method == "POST" else ""
    forms_by_method: dict[str, forms.Form] = {
        Method.DRIVE_THRU: DriveThruForm(
            request.POST if method == Method.DRIVE_THRU else None, slots=slots
        ),
        Method.COURIER: CourierForm(request.POST if method == Method.COURIER else None),
        Method.PROXY: ProxyForm(
            request.POST if method == Method.PROXY else None,
            request.FILES if method == Method.PROXY else None,
        ),
    }
    if request.method == "POST":
        if method not in methods:
            messages.error(request, _("Choose how to collect the passport."))
        else:
            form = forms_by_method.get(method)
            if form is None or form.is_valid():
                try:
                    data: dict[str, Any] = dict(form.cleaned_data) if form is not None else {}
                    if method == Method.PROXY and form is not None:
                        data["power_of_attorney"] = _upload(form, "power_of_attorney")
                    pickup_choose(application=application, actor=user, method=method, **data)
                except NotFound:
                    raise
                except ApplicationError as error:
                    if form is not None:
                        apply_error(form, error)
                    else:
                        messages.error(request, error.message)
                else:
                    messages.success(request, _("Your pickup is arranged."))
                    return redirect("pickup:choose", public_id=application.public_id)
    options = [
        {
            "method": m,
            "label": Method(m).label,
            "checklist": selectors.checklist_for(m),
            "form": forms_by_method.get(m),
            "open": m == method,
        }
        for m in methods
    ]
    return render(
        request,
        "pickup/choose.html",
        {
            "application": application,
            "office": office,
            "options": options,
            "has_slots": slots.exists(),
        },
    )


def _other_slots(choice: PickupChoice) -> QuerySet[DriveThruSlot]:
    """Open slots of the choice's lane other than the one it holds."""
    slots = selectors.drive_thru_slots_open(office=choice.office, lane=choice.vehicle)
    return slots.exclude(pk=choice.slot_id) if choice.slot_id is not None else slots


def _show_choice(
    request: HttpRequest,
    application: Application,
    choice: PickupChoice,
    reschedule_form: RescheduleForm | None = None,
) -> HttpResponse:
    can_change = choice.status == ChoiceStatus.CHOSEN
    if (
        reschedule_form is None
        and can_change
        and choice.method == Method.DRIVE_THRU
        and choice.vehicle
    ):
        reschedule_form = RescheduleForm(slots=_other_slots(choice))
    return render(
        request,
        "pickup/choice.html",
        {
            "application": application,
            "choice": choice,
            "office": choice.office,
            "checklist": selectors.checklist_for(choice.method),
            "qr": qr_svg(choice.code),
            "can_cancel": can_change,
            "reschedule_form": reschedule_form,
        },
    )


@applicant_required
@require_POST
def reschedule(request: HttpRequest, public_id: Any) -> HttpResponse:
    user, application = _applicant_application(request, public_id)
    choice = selectors.choice_active_for(application.pk)
    if choice is None or choice.method != Method.DRIVE_THRU:
        raise NotFound("pickup_not_found", _("No drive-thru booking to move."))
    form = RescheduleForm(request.POST, slots=_other_slots(choice))
    if form.is_valid():
        try:
            pickup_reschedule(choice=choice, slot=form.cleaned_data["slot"], actor=user)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Your drive-thru time is changed."))
            return redirect("pickup:choose", public_id=application.public_id)
    return _show_choice(request, application, choice, reschedule_form=form)


@applicant_required
@require_POST
def cancel(request: HttpRequest, public_id: Any) -> HttpResponse:
    user, application = _applicant_application(request, public_id)
    choice = selectors.choice_active_for(application.pk)
    if choice is None:
        raise NotFound("pickup_not_found", _("No pickup to cancel."))
    try:
        pickup_cancel(choice=choice, actor=user, reason="cancelled by the holder")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your pickup choice is cancelled; you can choose again."))
    return redirect("pickup:choose", public_id=application.public_id)


# --- the drive-thru officer's screen ------------------------------------------------------


def _screen_url(office: Office, query: str = "") -> str:
    url = reverse("pickup:drive_thru", args=[office.code])
    return f"{url}?{urlencode({'q': query})}" if query else url


def _choice_at(office: Office, raw_id: str | None) -> PickupChoice:
    choice = (
        PickupChoice.objects.filter(
            pk=int(raw_id) if raw_id and raw_id.isdigit() else 0, office=office
        )
        .select_related("application", "slot", "office", "partner")
        .first()
    )
    if choice is None:
        raise NotFound("pickup_not_found", _("No pickup with this code, plate or application."))
    return choice


@staff_required
@require_http_methods(["GET", "POST"])
def drive_thru(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    office_require_role(user=user, office=office, roles=PICKUP_ROLES)
    action = request.POST.get("form", "") if request.method == "POST" else ""
    lookup_form = LookupForm(request.GET or None)
    arrive_form = ArriveForm(request.POST if action == "arrive" else None)
    handover_form = HandoverForm(
        request.POST if action == "handover" else None,
        request.FILES if action == "handover" else None,
    )
    walk_up_form = WalkUpForm(request.POST if action == "walk_up" else None)
    found: PickupChoice | None = None

    if action in ("arrive", "handover"):
        found = _choice_at(office, request.POST.get("choice"))
    if action == "arrive" and arrive_form.is_valid():
        assert found is not None
        try:
            pickup_arrive(choice=found, officer=user, plate=arrive_form.cleaned_data["plate"])
        except ApplicationError as error:
            apply_error(arrive_form, error)
        else:
            messages.success(request, _("Arrival recorded."))
            return redirect(_screen_url(office, found.code))
    elif action == "handover" and handover_form.is_valid():
        assert found is not None
        data = handover_form.cleaned_data
        try:
            pickup_handover(
                application=found.application,
                officer=user,
                received_by=data["received_by"],
                receiver_name=data["receiver_name"],
                identity_checked=data["identity_checked"],
                proxy_kk_number=data["proxy_kk_number"],
                power_of_attorney=_upload(handover_form, "power_of_attorney"),
            )
        except ApplicationError as error:
            apply_error(handover_form, error)
        else:
            messages.success(request, _("Handover recorded."))
            return redirect(_screen_url(office, found.code))
    elif action == "walk_up" and walk_up_form.is_valid():
        data = walk_up_form.cleaned_data
        try:
            application = application_get_for_staff(user=user, public_id=data["application"])
            choice = pickup_walk_up(
                office=office,
                officer=user,
                application=application,
                vehicle=data["vehicle"],
                plate=data["plate"],
            )
        except ApplicationError as error:
            if isinstance(error, NotFound):
                error.fields = {"application": error.message}
            apply_error(walk_up_form, error)
        else:
            messages.success(request, _("Walk-up vehicle served in today's lane."))
            return redirect(_screen_url(office, choice.code))
    elif lookup_form.is_bound and lookup_form.is_valid() and lookup_form.cleaned_data["q"]:
        try:
            found = selectors.choice_lookup(office=office, query=lookup_form.cleaned_data["q"])
        except NotFound as error:
            lookup_form.add_error("q", error.message)

    if found is not None:
        _audit_view(user, office, found)
        if not handover_form.is_bound:
            handover_form = HandoverForm(
                initial={
                    "received_by": ReceivedBy.PROXY
                    if found.method == Method.PROXY
                    else ReceivedBy.OWNER,
                    "receiver_name": found.proxy_name or found.application.full_name,
                    "proxy_kk_number": found.proxy_kk_number,
                }
            )
    return render(
        request,
        "pickup/drive_thru.html",
        {
            "office": office,
            "boards": selectors.drive_thru_today(office=office),
            "lookup_form": lookup_form,
            "found": found,
            "found_slot_starts": selectors.starts_at(found) if found else None,
            "checklist": selectors.checklist_for(found.method) if found else [],
            "arrive_form": arrive_form,
            "handover_form": handover_form,
            "walk_up_form": walk_up_form,
            "can_arrive": found is not None
            and found.method == Method.DRIVE_THRU
            and found.status == ChoiceStatus.CHOSEN,
            "can_hand_over": found is not None
            and found.method != Method.COURIER
            and (
                found.status == ChoiceStatus.ARRIVED
                or (found.status == ChoiceStatus.CHOSEN and found.method != Method.DRIVE_THRU)
            ),
        },
    )


def _audit_view(user: User, office: Office, choice: PickupChoice) -> None:
    fields = ["full_name", "nik", "kk_number"]
    if choice.method == Method.PROXY:
        fields += ["proxy_name", "proxy_nik", "proxy_kk_number"]
    audit_personal_data_view(
        actor=user,
        subject=choice.application,
        office_code=office.code,
        fields=fields,
        purpose="drive-thru / pickup identity check",
    )
