"""Officer-assisted entry at the front desk (the offline channel, Kupang): the officer fills
in the SAME application steps as the online wizard, with the same validation, together
with the applicant, then issues their ticket."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loket.applications.choices import WALK_IN_ONLY_CASES, Channel
from loket.applications.models import Application
from loket.applications.selectors import application_get_for_staff
from loket.applications.services import application_create, application_save_step, step_form
from loket.core.audit import audit_personal_data_view
from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError, NotFound
from loket.core.forms import apply_error
from loket.offices.selectors import office_get_for_staff, office_require_role
from loket.queueing.forms import WalkInForm
from loket.queueing.services import (
    FRONT_DESK_ROLES,
    arrival_notice,
    queue_setup,
    walk_in_register,
)

STEPS = [(1, gettext_lazy("Case")), (2, gettext_lazy("Personal data")), (3, gettext_lazy("Ticket"))]


def _assisted(request: HttpRequest, public_id: str) -> Application:
    user = request_user(request)
    application = application_get_for_staff(user=user, public_id=public_id)
    if application.office is None or application.channel != Channel.ASSISTED:
        raise NotFound("application_not_found", _("Application not found."))
    office_require_role(user=user, office=application.office, roles=FRONT_DESK_ROLES)
    return application


@staff_required
@require_POST
def assisted_new(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    office_require_role(user=user, office=office, roles=FRONT_DESK_ROLES)
    application = application_create(
        account=None, channel=Channel.ASSISTED, created_by=user, office=office
    )
    return redirect("queueing:assisted_step", public_id=application.public_id, step=1)


@staff_required
def assisted_step(request: HttpRequest, public_id: str, step: int) -> HttpResponse:
    application = _assisted(request, public_id)
    user = request_user(request)
    if step not in (1, 2):
        raise NotFound("step_invalid", _("There is no such step."))
    if request.method == "POST":
        data = request.POST.dict()
        if step == 1:
            data["office"] = (
                application.office.code if application.office else ""
            )  # the desk's own office
        result = application_save_step(
            application=application, actor=user, step=step, data=data, advance=True
        )
        if result.ok:
            if step == 1:
                return redirect("queueing:assisted_step", public_id=public_id, step=2)
            return redirect("queueing:assisted_ticket", public_id=public_id)
        form = step_form(result.application, step, data)
        form.is_valid()
        return _render(request, result.application, step, form, status=400)
    if step == 2 and application.nik:
        audit_personal_data_view(
            actor=user,
            subject=application,
            office_code=application.office.code if application.office else "",
            fields=["nik", "kk_number", "full_name", "birth_date", "address"],
            purpose="assisted entry",
        )
    return _render(request, application, step, step_form(application, step))


def _render(
    request: HttpRequest, application: Application, step: int, form: forms.Form, status: int = 200
) -> HttpResponse:
    if step == 1 and "office" in form.fields:
        form.fields["office"].widget = forms.HiddenInput()
    return render(
        request,
        "queueing/assisted_step.html",
        {"application": application, "step": step, "steps": STEPS, "form": form},
        status=status,
    )


@staff_required
def assisted_ticket(request: HttpRequest, public_id: str) -> HttpResponse:
    application = _assisted(request, public_id)
    office = application.office
    assert office is not None
    queue_setup(office)
    initial = {
        "holder_name": application.full_name,
        "needs_bap": application.case_type in WALK_IN_ONLY_CASES,
    }
    form = WalkInForm(request.POST or None, office=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = walk_in_register(
                actor=request_user(request),
                office=office,
                application=application,
                **form.ticket_details(default_name=application.full_name),
            )
        except NotFound:
            raise
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request, _("Ticket %(number)s issued.") % {"number": ticket.display_number}
            )
            if arrival_notice(ticket):
                messages.warning(request, arrival_notice(ticket))
            return redirect("queueing:ticket_print", ticket_id=ticket.pk)
    return render(
        request,
        "queueing/assisted_ticket.html",
        {"application": application, "step": 3, "steps": STEPS, "form": form},
        status=400 if form.errors else 200,
    )
