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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
    DeliveredForm,
    DeliveryFailedForm,
    DispatchForm,
    DriveThruForm,
    HandoverForm,
    LookupForm,
    ProxyForm,
    RescheduleForm,
    StorageForm,
    WalkUpForm,
)
from loket.pickup.models import DriveThruSlot, Handover, PickupChoice, PickupSettings
from loket.pickup.services import (
    PICKUP_ROLES,
    days_since_ready,
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
from loket.queueing.views import qr_svg

# --- helpers ------------------------------------------------------------------------------


def _upload(form: forms.Form, name: str) -> CleanUpload | None:
    """The cleaned upload of a file field, or None; errors land on the field."""
    file = form.cleaned_data.get(name)
    if not file:
        return None
    return upload_validate(file, name=file.name, field=name)


def _refuse(form: forms.Form, error: ApplicationError) -> None:
    """Show a refusal on the form: the short hint next to the field it names, and the
    service's full message (which says why, e.g. both plates) at the top of the form."""
    apply_error(form, error)
    if not form.non_field_errors():
        form.add_error(None, error.message)


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
                        _refuse(form, error)
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
            _refuse(form, error)
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
            _refuse(arrive_form, error)
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
            _refuse(handover_form, error)
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
            _refuse(walk_up_form, error)
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
            "found_location": selectors.storage_location(found.application_id) if found else "",
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


# --- the pickup desk: counter pickups, courier dispatch, uncollected passports ------------

EVENT_LABELS = {
    "chosen": gettext_lazy("Pickup chosen"),
    "rescheduled": gettext_lazy("Drive-thru time changed"),
    "cancelled": gettext_lazy("Cancelled"),
    "arrived": gettext_lazy("Vehicle arrived"),
    "walk_up": gettext_lazy("Vehicle served without booking"),
    "handed_over": gettext_lazy("Handed over"),
    "dispatched": gettext_lazy("Handed to the courier"),
    "delivered": gettext_lazy("Delivered"),
    "delivery_failed": gettext_lazy("Delivery failed"),
}


def _desk_url(office: Office) -> str:
    return reverse("pickup:desk", args=[office.code])


def _passport_url(office: Office, application: Application) -> str:
    return reverse("pickup:passport", args=[office.code, application.public_id])


def _office_for_pickup(request: HttpRequest, code: str) -> tuple[User, Office]:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    office_require_role(user=user, office=office, roles=PICKUP_ROLES)
    return user, office


@staff_required
@require_http_methods(["GET"])
def desk(request: HttpRequest, code: str) -> HttpResponse:
    """The office's pickup desk: find a passport, courier work, uncollected passports."""
    _user, office = _office_for_pickup(request, code)
    lookup_form = LookupForm(request.GET or None)
    if lookup_form.is_bound and lookup_form.is_valid() and lookup_form.cleaned_data["q"]:
        query = lookup_form.cleaned_data["q"].strip()
        try:
            application = selectors.application_lookup(office=office, query=query)
        except NotFound as error:
            lookup_form.add_error("q", error.message)
        else:
            return redirect(_passport_url(office, application))
    return render(
        request,
        "pickup/desk.html",
        {
            "office": office,
            "lookup_form": lookup_form,
            "awaiting_dispatch": selectors.courier_awaiting_dispatch(office=office),
            "in_transit": selectors.courier_in_transit(office=office),
            "uncollected": selectors.uncollected(office=office),
            "rules": PickupSettings.for_office(office.pk),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def passport(request: HttpRequest, code: str, public_id: Any) -> HttpResponse:
    """One ready passport at the desk: where it is kept, the counter handover (holder or
    proxy), or the courier's dispatch and delivery."""
    user, office = _office_for_pickup(request, code)
    application = application_get_for_staff(user=user, public_id=public_id)
    if application.office_id != office.pk:
        raise NotFound("application_not_found", _("Application not found."))
    action = request.POST.get("form", "") if request.method == "POST" else ""
    bound = request.POST if request.method == "POST" else None
    storage_form = StorageForm(bound if action == "storage" else None)
    handover_form = HandoverForm(
        bound if action == "handover" else None,
        request.FILES if action == "handover" else None,
    )
    dispatch_form = DispatchForm(bound if action == "dispatch" else None)
    delivered_form = DeliveredForm(bound if action == "delivered" else None)
    failed_form = DeliveryFailedForm(bound if action == "failed" else None)
    choice = selectors.choice_active_for(application.pk) or selectors.choice_last_for(
        application.pk
    )
    done: str | None = None
    form: forms.Form | None = {
        "storage": storage_form,
        "handover": handover_form,
        "dispatch": dispatch_form,
        "delivered": delivered_form,
        "failed": failed_form,
    }.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "storage":
                pickup_storage_set(application=application, officer=user, location=data["location"])
                done = _("Storage location saved.")
            elif action == "handover":
                pickup_handover(
                    application=application,
                    officer=user,
                    received_by=data["received_by"],
                    receiver_name=data["receiver_name"],
                    identity_checked=data["identity_checked"],
                    proxy_kk_number=data["proxy_kk_number"],
                    power_of_attorney=_upload(form, "power_of_attorney"),
                )
                done = _("Handover recorded.")
            elif choice is None or choice.method != Method.COURIER:
                raise ApplicationError(
                    "not_courier", _("This pickup is not by courier."), status=409
                )
            elif action == "dispatch":
                pickup_dispatch(
                    choice=choice, officer=user, tracking_number=data["tracking_number"]
                )
                done = _("Dispatch recorded.")
            elif action == "delivered":
                pickup_confirm_delivery(choice=choice, officer=user, note=data["note"])
                done = _("Delivery confirmed.")
            else:
                pickup_delivery_failed(choice=choice, officer=user, reason=data["reason"])
                done = _("Failed delivery recorded.")
        except NotFound:
            raise
        except ApplicationError as error:
            _refuse(form, error)
        else:
            messages.success(request, done)
            return redirect(_passport_url(office, application))
    _audit_passport_view(user, office, application, choice)
    if not handover_form.is_bound:
        handover_form = HandoverForm(
            initial={
                "received_by": ReceivedBy.PROXY
                if choice is not None and choice.method == Method.PROXY
                else ReceivedBy.OWNER,
                "receiver_name": (choice.proxy_name if choice is not None else "")
                or application.full_name,
                "proxy_kk_number": choice.proxy_kk_number if choice is not None else "",
            }
        )
    location = selectors.storage_location(application.pk)
    if not storage_form.is_bound and location:
        storage_form = StorageForm(initial={"location": location})
    is_ready = application.status == ApplicationStatus.READY
    active = choice is not None and choice.status in (
        ChoiceStatus.CHOSEN,
        ChoiceStatus.ARRIVED,
        ChoiceStatus.DISPATCHED,
    )
    method = choice.method if active and choice is not None else ""
    can_store = application.status in (ApplicationStatus.QC, ApplicationStatus.READY)
    can_hand_over = is_ready and (
        method in ("", Method.COUNTER, Method.PROXY)
        or (choice is not None and choice.status == ChoiceStatus.ARRIVED)
    )
    can_dispatch = (
        is_ready
        and method == Method.COURIER
        and choice is not None
        and choice.status == ChoiceStatus.CHOSEN
    )
    in_transit = (
        method == Method.COURIER and choice is not None and choice.status == ChoiceStatus.DISPATCHED
    )
    shown = {
        "storage": can_store,
        "handover": can_hand_over,
        "dispatch": can_dispatch,
        "delivered": in_transit,
        "failed": in_transit,
    }
    # A refusal of a form whose section is no longer shown (a second handover, say)
    # is still shown, at the top.
    refused_elsewhere = [form] if form is not None and form.errors and not shown[action] else []
    return render(
        request,
        "pickup/passport.html",
        {
            "office": office,
            "application": application,
            "choice": choice,
            "handover": Handover.objects.filter(application=application)
            .select_related("officer")
            .first(),
            "events": [
                (event, EVENT_LABELS.get(event.kind, event.kind))
                for event in (choice.events.all() if choice is not None else [])
            ],
            "location": location,
            "checklist": selectors.checklist_for(method or Method.COUNTER),
            "storage_form": storage_form,
            "handover_form": handover_form,
            "dispatch_form": dispatch_form,
            "delivered_form": delivered_form,
            "failed_form": failed_form,
            "refused_elsewhere": refused_elsewhere,
            "can_store": can_store,
            "can_hand_over": can_hand_over,
            "drive_thru_waiting": is_ready
            and method == Method.DRIVE_THRU
            and choice is not None
            and choice.status == ChoiceStatus.CHOSEN,
            "can_dispatch": can_dispatch,
            "in_transit": in_transit,
            "days": days_since_ready(application, timezone.now()) if is_ready else None,
        },
    )


def _audit_passport_view(
    user: User, office: Office, application: Application, choice: PickupChoice | None
) -> None:
    fields = ["full_name", "nik", "kk_number"]
    if choice is not None and choice.method == Method.PROXY:
        fields += ["proxy_name", "proxy_nik", "proxy_kk_number"]
    if choice is not None and choice.method == Method.COURIER:
        fields += ["address"]
    audit_personal_data_view(
        actor=user,
        subject=application,
        office_code=office.code,
        fields=fields,
        purpose="pickup desk: storage, handover, courier",
    )
