"""Officer screens of the office workflow: one page per application showing the form of
its current step, and one page per office with its queues (BAP, printing, QC) and the
blank stock. Views parse input and call services; the rules live in workflow.py, bap.py,
print_queue.py and office_payment.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.applications import bap as baps
from loket.applications import print_queue, workflow
from loket.applications.choices import ApplicationStatus as S
from loket.applications.choices import BapOutcome, BapStatus, Purpose, ServiceClass
from loket.applications.models import Application, Bap, BiometricPhoto, BlankStock
from loket.applications.office_payment import application_bill_issue, application_bills
from loket.applications.selectors import application_get_for_staff
from loket.applications.sop import stage_clock
from loket.core.audit import audit_personal_data_view, audit_record
from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError
from loket.core.uploads import upload_open
from loket.offices.selectors import office_get_for_staff

PERSONAL_FIELDS = ("full_name", "nik", "kk_number", "birth_date", "address", "documents")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


#: As the staff API's PostponeIn and CancelIn: the event row keeps 300 characters.
REASON_MAX = 300


def _too_long(field: str) -> ApplicationError:
    message = _("Keep the reason within %(n)s characters.") % {"n": REASON_MAX}
    return ApplicationError("reason_too_long", message, fields={field: message})


def _moved_on(application: Application) -> ApplicationError:
    return ApplicationError(
        "status_changed",
        _("This application has moved on to %(status)s; reload the page.")
        % {"status": application.get_status_display()},
        status=409,
    )


def _expecting(application: Application, post: Any) -> Application:
    """A form posted from a stale screen (the step it was shown at has passed) moves
    nothing: the screen names the status it was rendered at."""
    shown = post.get("status", "")
    if shown and shown != application.status:
        raise _moved_on(application)
    return application


def _checklist(application: Application) -> list[tuple[str, str]]:
    return workflow.document_checklist(application)


def _act(request: HttpRequest, application: Application) -> None:
    user = request_user(request)
    post = request.POST
    action = post.get("action", "")
    if action == "arrive":
        workflow.application_arrive(
            application=application,
            actor=user,
            service_class=post.get("service_class", ServiceClass.REGULAR),
            priority_category=post.get("priority_category", ""),
        )
    elif action == "documents":
        checklist = {kind: post.get(f"doc_{kind}") == "1" for kind, _l in _checklist(application)}
        workflow.application_documents_checked(
            application=application,
            actor=user,
            checklist=checklist,
            mismatch_note=post.get("mismatch_note", ""),
            awaited=_lines(post.get("awaited", "")),
        )
    elif action == "interview":
        workflow.application_interviewed(
            application=application,
            actor=user,
            purpose=post.get("purpose", ""),
            destination=post.get("destination", ""),
            sponsor=post.get("sponsor", ""),
            pmi_suspicion=post.get("pmi_suspicion") == "1",
            notes=post.get("notes", ""),
        )
    elif action == "biometrics":
        workflow.application_biometrics_captured(
            application=application,
            actor=user,
            fingerprint_ref=post.get("fingerprint_ref", ""),
            photo_ref=post.get("photo_ref", ""),
            photo=request.FILES.get("photo"),
            photo_name=getattr(request.FILES.get("photo"), "name", "") or "",
        )
    elif action == "bap_examine":
        months = post.get("suspend_months", "")
        baps.bap_examine(
            bap=Bap.objects.get(application=application),
            actor=user,
            statement=post.get("statement", ""),
            findings=post.get("findings", ""),
            proposal=post.get("proposal", ""),
            reason=post.get("reason", ""),
            suspend_months=int(months) if months.isdigit() else None,
            awaited=_lines(post.get("awaited", "")),
        )
    elif action in ("bap_approve", "bap_return"):
        baps.bap_approve(
            bap=Bap.objects.get(application=application),
            actor=user,
            approve=action == "bap_approve",
            note=post.get("note", ""),
        )
    elif action == "bap_central":
        baps.bap_central_approve(
            bap=Bap.objects.get(application=application),
            actor=user,
            reference=post.get("reference", ""),
        )
    elif action == "adjudicate":
        workflow.application_adjudicate(
            application=application,
            actor=user,
            decision=post.get("decision", ""),
            reason=post.get("reason", ""),
            awaited=_lines(post.get("awaited", "")),
        )
    elif action == "print":
        workflow.application_print(application=application, actor=user)
    elif action == "qc":
        workflow.application_qc(
            application=application,
            actor=user,
            passed=post.get("passed") == "1",
            note=post.get("note", ""),
        )
    elif action == "resume":
        if application.status == S.POSTPONED and application.outcome.get("resume_to") == S.BAP:
            baps.bap_reopen_after_postpone(application=application, actor=user)
        else:
            workflow.application_resume(application=application, actor=user)
    elif action == "postpone":
        reason = post.get("reason", "").strip()
        if len(reason) > REASON_MAX:
            raise _too_long("reason")
        workflow.application_postpone(
            application=_expecting(application, post),
            actor=user,
            awaited=_lines(post.get("awaited", "")),
            reason=reason,
        )
    elif action == "cancel":
        reason = post.get("reason", "").strip()
        if not reason:
            message = _("Give the reason for cancelling the application.")
            raise ApplicationError("reason_required", message, fields={"reason": message})
        if len(reason) > REASON_MAX:
            raise _too_long("reason")
        workflow.application_cancel_office(
            application=_expecting(application, post), actor=user, reason=reason
        )
    elif action == "bill":
        bill = application_bill_issue(application=application, actor=user)
        messages.success(request, _("Billing code %(code)s issued.") % {"code": bill.billing_code})
    else:
        raise ApplicationError("action_unknown", _("Unknown action."))


@staff_required
def application_work(request: HttpRequest, public_id: str) -> HttpResponse:
    user = request_user(request)
    application = application_get_for_staff(user=user, public_id=public_id)
    if request.method == "POST":
        try:
            _act(request, application)
        except ApplicationError as error:
            messages.error(request, error.message)
            for field, message in error.fields.items():
                messages.error(request, f"{field}: {message}")
        return redirect("applications:staff_work", public_id=application.public_id)
    audit_personal_data_view(
        actor=user,
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=PERSONAL_FIELDS,
        purpose="workflow step",
    )
    bap = Bap.objects.filter(application=application).first()
    targets = workflow.targets_for(application=application, user=user)
    context: dict[str, Any] = {
        "application": application,
        "events": application.events.select_related("actor"),
        "documents": application.documents.all(),
        "photo": BiometricPhoto.objects.filter(application=application).first(),
        "checklist": _checklist(application),
        "clock": stage_clock(application),
        "bap": bap,
        "bap_next_role": baps.bap_next_role(bap)
        if bap and bap.status == BapStatus.PROPOSED
        else None,
        # Postponing at the interview and a supervisor's cancel of a postponed application
        # are offered only to the officers whose role allows the move.
        "can_postpone": application.status == S.INTERVIEW and S.POSTPONED in targets,
        "can_cancel": application.status == S.POSTPONED and S.CANCELLED in targets,
        "reason_max": REASON_MAX,
        "bap_outcomes": BapOutcome.choices,
        "purposes": Purpose.choices,
        "service_classes": ServiceClass.choices,
        "S": {s.name: s.value for s in S},
        "BAP": {s.name: s.value for s in BapStatus},
    }
    return render(request, "applications/staff/work.html", context)


@staff_required
def payment_receipt(request: HttpRequest, public_id: str) -> HttpResponse:
    """The office payment receipt: billing code, amount and fee lines, and the NTPN (the
    state's proof of payment) once the gateway has reported it paid."""
    user = request_user(request)
    application = application_get_for_staff(user=user, public_id=public_id)
    bills = application_bills(application)
    if not bills:
        raise ApplicationError(
            "bill_missing", _("No billing code has been issued for this application."), status=404
        )
    audit_personal_data_view(
        actor=user,
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=("full_name", "payment"),
        purpose="payment receipt",
    )
    return render(
        request,
        "applications/staff/receipt.html",
        {"application": application, "bill": bills[0], "older": bills[1:]},
    )


@staff_required
def bap_pdf_view(request: HttpRequest, public_id: str) -> HttpResponse:
    user = request_user(request)
    application = application_get_for_staff(user=user, public_id=public_id)
    bap = Bap.objects.filter(application=application).select_related("examiner").first()
    if bap is None:
        raise ApplicationError("bap_missing", _("This application has no BAP."), status=404)
    audit_personal_data_view(
        actor=user,
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=("full_name", "nik", "bap"),
        purpose="BAP report",
    )
    response = HttpResponse(baps.bap_pdf(bap), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bap-{application.public_id}.pdf"'
    return response


@staff_required
def office_queues(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    active = list(
        Application.objects.filter(office=office, status__in=workflow.AT_OFFICE)
        .exclude(status=S.READY)
        .order_by("due_date", "status_changed_at")
    )
    bap_queue = print_queue.step_queue(office, S.BAP)
    printing = print_queue.step_queue(office, S.PRINTING)
    qc_queue = print_queue.step_queue(office, S.QC)
    ready = list(
        Application.objects.filter(office=office, status=S.READY).order_by("-status_changed_at")[
            :50
        ]
    )
    context = {
        "office": office,
        "active": active,
        "bap_queue": bap_queue,
        "print_queue": printing,
        "qc_queue": qc_queue,
        "ready": ready,
        "stock": BlankStock.objects.filter(office=office),
        "policy": print_queue.office_print_order(office),
    }
    listed: list[list[Application]] = [active, bap_queue, printing, qc_queue, ready]
    shown = {str(a.public_id) for rows in listed for a in rows}
    if shown:
        # The queues name applicants: one audit line names the applications shown.
        with transaction.atomic():
            audit_record(
                actor=user,
                action="personal_data.view",
                target=office,
                office_code=office.code,
                changes={"fields": ["full_name"], "applications": sorted(shown)},
                reason="office queues",
            )
    return render(request, "applications/staff/office.html", context)


@staff_required
@require_POST
def office_queue_next(request: HttpRequest, code: str, step: str) -> HttpResponse:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    try:
        if step == "print":
            done = print_queue.print_next(office=office, actor=user)
        else:
            done = print_queue.qc_next(
                office=office,
                actor=user,
                passed=request.POST.get("passed") == "1",
                note=request.POST.get("note", ""),
            )
        messages.success(request, _("Done: %(name)s.") % {"name": done.full_name})
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(reverse("applications:staff_office", args=[office.code]))


@staff_required
def document_file_staff(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    """A scan, for comparing with the original at the document check."""
    user = request_user(request)
    application = application_get_for_staff(user=user, public_id=public_id)
    document = application.documents.filter(kind=kind).first()
    if document is None:
        raise ApplicationError("not_found", _("File not found."), status=404)
    audit_personal_data_view(
        actor=user,
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=(f"document:{kind}",),
        purpose="document check",
    )
    response = HttpResponse(upload_open(document.path), content_type=document.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def photo_file_staff(request: HttpRequest, public_id: str) -> HttpResponse:
    """The applicant's biometrics photo, for the officers of the application's office."""
    user = request_user(request)
    application = application_get_for_staff(user=user, public_id=public_id)
    photo = BiometricPhoto.objects.filter(application=application).first()
    if photo is None:
        raise ApplicationError("not_found", _("No photo has been taken yet."), status=404)
    audit_personal_data_view(
        actor=user,
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=("biometric_photo",),
        purpose="biometrics photo",
    )
    response = HttpResponse(upload_open(photo.path), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
