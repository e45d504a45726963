"""Applications for the mobile app (the same operations as the web wizard) and the office
workflow for officers (the same services and checks as the officer screens)."""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from loket.applications import bap as baps
from loket.applications import print_queue, workflow
from loket.applications.choices import ApplicationStatus, CaseType, DocumentKind
from loket.applications.models import Application, Bap, BiometricPhoto, BlankStock
from loket.applications.office_payment import application_bill_issue, application_bills
from loket.applications.requirements import requirements_for
from loket.applications.schemas import (
    AdjudicateIn,
    ApplicationOut,
    ApplicationSummaryOut,
    ArriveIn,
    BapApproveIn,
    BapCentralIn,
    BapExamineIn,
    CancelIn,
    DocumentCheckIn,
    DocumentOut,
    InterviewIn,
    OfficeBillOut,
    PostponeIn,
    QcIn,
    RequirementsOut,
    StaffApplicationOut,
    StaffApplicationPageOut,
    StaffApplicationSummaryOut,
    StepResultOut,
)
from loket.applications.selectors import (
    application_get_for_owner,
    application_get_for_staff,
    applications_at_office,
    applications_of,
)
from loket.applications.services import (
    application_cancel,
    application_create,
    application_document_delete,
    application_document_upload,
    application_save_step,
    application_submit,
)
from loket.core.api_auth import applicant_auth, staff_auth, verified_applicant
from loket.core.audit import audit_personal_data_view, audit_record
from loket.core.errors import ApplicationError
from loket.core.models import User
from loket.core.uploads import upload_open
from loket.offices.selectors import office_get_for_staff
from loket.payments.models import Bill
from loket.payments.selectors import fee_quote

router = Router(tags=["applications"])


_user = verified_applicant


def _get(request: HttpRequest, application_id: str) -> Application:
    return application_get_for_owner(account=_user(request), public_id=application_id)


@router.get(
    "", response=list[ApplicationSummaryOut], auth=applicant_auth, summary="My applications"
)
@paginate(PageNumberPagination, page_size=20)
def list_applications(request: HttpRequest) -> Any:
    return applications_of(account=_user(request))


@router.post(
    "", response={201: ApplicationOut}, auth=applicant_auth, summary="Start an application (draft)"
)
def create_application(request: HttpRequest) -> Any:
    return Status(201, application_create(account=_user(request)))


@router.get(
    "/requirements", response=RequirementsOut, summary="What do I need? (no account needed)"
)
def requirements(
    request: HttpRequest,
    applicant_type: Literal["adult", "child"],
    case_type: Literal["new", "renewal_expired", "renewal_full", "lost", "damaged", "data_change"],
    book_type: Literal["non_electronic", "electronic", "polycarbonate"] | None = None,
    validity_years: int | None = None,
    percepatan: bool = False,
) -> Any:
    if validity_years not in (None, 5, 10):
        raise ApplicationError(
            "invalid_input",
            _("Some fields are not valid."),
            fields={"validity_years": _("Choose 5 or 10 years.")},
            status=422,
        )
    found = requirements_for(applicant_type=applicant_type, case_type=case_type)
    total, regulations = None, []
    if book_type and validity_years:
        loss = case_type if case_type in (CaseType.LOST, CaseType.DAMAGED) else None
        quote = fee_quote(
            billing_date=timezone.localdate(),
            book_type=book_type,
            validity_years=validity_years,
            percepatan=percepatan and found.percepatan_allowed,
            loss=loss,
        )
        total, regulations = quote.total, quote.regulations
    return {
        "documents": [[str(k) for k in group] for group in found.groups],
        "walk_in_only": found.walk_in_only,
        "bap": found.bap,
        "percepatan_allowed": found.percepatan_allowed,
        "notes": found.notes,
        "fee_total": total,
        "fee_regulations": regulations,
    }


@router.get(
    "/{application_id}", response=ApplicationOut, auth=applicant_auth, summary="One application"
)
def get_application(request: HttpRequest, application_id: str) -> Any:
    return _get(request, application_id)


StepIn = dict[str, str | int | bool | None]


def _step(
    request: HttpRequest, application_id: str, step: int, payload: StepIn, *, partial: bool
) -> Any:
    application = _get(request, application_id)
    data = {
        k: "" if v is None else (v if isinstance(v, str) else str(v)) for k, v in payload.items()
    }
    if "percepatan" in data:
        data["percepatan"] = "on" if data["percepatan"].lower() in ("true", "1", "on") else ""
    result = application_save_step(
        application=application,
        actor=_user(request),
        step=step,
        data=data,
        partial=partial,
        advance=not partial,
    )
    if result.errors and not partial:
        raise ApplicationError(
            "invalid_input",
            _("Some fields are not valid; what you entered is saved as a draft."),
            fields={k: " ".join(v) for k, v in result.errors.items()},
            status=422,
        )
    return {
        "saved": True,
        "errors": result.errors,
        "warnings": result.warnings,
        "application": result.application,
    }


@router.patch(
    "/{application_id}/steps/{step}",
    response=StepResultOut,
    auth=applicant_auth,
    summary="Autosave some fields of a step (draft); invalid values are kept and reported",
)
def autosave_step(
    request: HttpRequest, application_id: str, step: int, payload: Body[StepIn]
) -> Any:
    return _step(request, application_id, step, payload, partial=True)


@router.put(
    "/{application_id}/steps/{step}",
    response=StepResultOut,
    auth=applicant_auth,
    summary="Save a whole step and move on; 422 with field errors when something is wrong",
)
def save_step(request: HttpRequest, application_id: str, step: int, payload: Body[StepIn]) -> Any:
    return _step(request, application_id, step, payload, partial=False)


@router.post(
    "/{application_id}/documents/{kind}",
    response={201: DocumentOut},
    auth=applicant_auth,
    summary="Upload a document (JPEG, PNG or PDF, checked by content)",
)
def upload_document(
    request: HttpRequest, application_id: str, kind: DocumentKind, file: File[UploadedFile]
) -> Any:
    application = _get(request, application_id)
    return Status(
        201,
        application_document_upload(
            application=application,
            actor=_user(request),
            kind=kind.value,
            file=file,
            name=file.name or "",
        ),
    )


@router.get(
    "/{application_id}/documents/{kind}", auth=applicant_auth, summary="Download a document"
)
def download_document(
    request: HttpRequest, application_id: str, kind: DocumentKind
) -> HttpResponse:
    document = _get(request, application_id).documents.filter(kind=kind.value).first()
    if document is None:
        raise ApplicationError("document_not_found", _("File not found."), status=404)
    response = HttpResponse(upload_open(document.path), content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete("/{application_id}/documents/{kind}", response={204: None}, auth=applicant_auth)
def delete_document(request: HttpRequest, application_id: str, kind: DocumentKind) -> Any:
    application_document_delete(
        application=_get(request, application_id), actor=_user(request), kind=kind.value
    )
    return Status(204, None)


@router.post(
    "/{application_id}/submit",
    response=ApplicationOut,
    auth=applicant_auth,
    summary="Submit when complete",
)
def submit(request: HttpRequest, application_id: str) -> Any:
    try:
        return application_submit(application=_get(request, application_id), actor=_user(request))
    except ApplicationError as error:
        if error.code == "application_incomplete":
            error.status = 422
        raise


@router.post("/{application_id}/cancel", response=ApplicationOut, auth=applicant_auth)
def cancel(request: HttpRequest, application_id: str) -> Any:
    return application_cancel(application=_get(request, application_id), actor=_user(request))


# --- the office workflow, for officers ------------------------------------------------------
# The same services as the officer screens, with the same checks: an application of
# another office is not found (404), a step outside the officer's role is refused (403),
# a step from the wrong status is a conflict (409); every error has the one error shape.


def _staff(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _staff_get(request: HttpRequest, application_id: str) -> Application:
    return application_get_for_staff(user=_staff(request), public_id=application_id)


def _shown(request: HttpRequest, application: Application) -> Application:
    """A step's answer names the applicant: record that the officer saw it."""
    audit_personal_data_view(
        actor=_staff(request),
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=("full_name",),
        purpose="workflow API step",
    )
    return application


def _bap_of(application: Application) -> Bap:
    bap = Bap.objects.filter(application=application).first()
    if bap is None:
        raise ApplicationError("bap_missing", _("This application has no BAP."), status=409)
    return bap


@router.get(
    "/staff/offices/{code}",
    response=StaffApplicationPageOut,
    auth=staff_auth,
    summary="Officers: the office's applications, at one step (in completion order) or all",
)
def staff_list(
    request: HttpRequest,
    code: str,
    status: Literal[
        "paid",
        "document_check",
        "interview",
        "biometrics",
        "bap",
        "adjudication",
        "printing",
        "qc",
        "ready",
        "postponed",
    ]
    | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=200),
) -> Any:
    office = office_get_for_staff(user=_staff(request), code=code)
    rows = applications_at_office(office=office, status=status)
    start = (page - 1) * page_size
    items = rows[start : start + page_size]
    if items:
        # A list names applicants: one audit line names the applications shown.
        with transaction.atomic():
            audit_record(
                actor=_staff(request),
                action="personal_data.view",
                target=office,
                office_code=office.code,
                changes={
                    "fields": ["full_name"],
                    "applications": [str(a.public_id) for a in items],
                },
                reason="workflow API list",
            )
    return {
        "count": len(rows),
        "page": page,
        "page_size": page_size,
        "items": items,
        "blank_stock": BlankStock.objects.filter(office=office).order_by("book_type"),
        "print_order": print_queue.office_print_order(office),
    }


@router.get(
    "/staff/applications/{application_id}",
    response=StaffApplicationOut,
    auth=staff_auth,
    summary="Officers: one application with its history and the steps you may take",
)
def staff_detail(request: HttpRequest, application_id: str) -> Any:
    application = _staff_get(request, application_id)
    audit_personal_data_view(
        actor=_staff(request),
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=("full_name", "nik", "kk_number", "birth_date", "address", "documents"),
        purpose="workflow API",
    )
    return application


StaffOut = {200: StaffApplicationSummaryOut}


@router.post(
    "/staff/applications/{application_id}/arrive",
    response=StaffOut,
    auth=staff_auth,
    summary="Front desk: checked in, start the document check",
)
def staff_arrive(request: HttpRequest, application_id: str, payload: ArriveIn) -> Any:
    moved = workflow.application_arrive(
        application=_staff_get(request, application_id),
        actor=_staff(request),
        service_class=payload.service_class,
        priority_category=payload.priority_category,
    )
    return _shown(request, moved)


@router.post(
    "/staff/applications/{application_id}/document-check",
    response=StaffOut,
    auth=staff_auth,
    summary="Front desk: result of the document check (anything missing postpones)",
)
def staff_document_check(
    request: HttpRequest, application_id: str, payload: DocumentCheckIn
) -> Any:
    moved = workflow.application_documents_checked(
        application=_staff_get(request, application_id),
        actor=_staff(request),
        checklist=payload.checklist,
        mismatch_note=payload.mismatch_note,
        awaited=payload.awaited,
    )
    return _shown(request, moved)


@router.post(
    "/staff/applications/{application_id}/interview",
    response=StaffOut,
    auth=staff_auth,
    summary="Interviewer: the structured interview",
)
def staff_interview(request: HttpRequest, application_id: str, payload: InterviewIn) -> Any:
    moved = workflow.application_interviewed(
        application=_staff_get(request, application_id),
        actor=_staff(request),
        purpose=payload.purpose,
        destination=payload.destination,
        sponsor=payload.sponsor,
        pmi_suspicion=payload.pmi_suspicion,
        notes=payload.notes,
    )
    return _shown(request, moved)


@router.post(
    "/staff/applications/{application_id}/biometrics",
    response=StaffOut,
    auth=staff_auth,
    summary="Biometrics: the photo (JPEG or PNG, checked by content) and the fingerprint reference",
)
def staff_biometrics(
    request: HttpRequest,
    application_id: str,
    fingerprint_ref: Form[str],
    photo_ref: Form[str] = "",
    photo: File[UploadedFile | None] = None,
) -> Any:
    moved = workflow.application_biometrics_captured(
        application=_staff_get(request, application_id),
        actor=_staff(request),
        fingerprint_ref=fingerprint_ref,
        photo_ref=photo_ref,
        photo=photo,
        photo_name=(photo.name or "") if photo is not None else "",
    )
    return _shown(request, moved)


@router.get(
    "/staff/applications/{application_id}/photo",
    auth=staff_auth,
    summary="Officers: the biometrics photo (audited)",
)
def staff_photo(request: HttpRequest, application_id: str) -> HttpResponse:
    application = _staff_get(request, application_id)
    photo = BiometricPhoto.objects.filter(application=application).first()
    if photo is None:
        raise ApplicationError("photo_not_found", _("No photo has been taken yet."), status=404)
    audit_personal_data_view(
        actor=_staff(request),
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=("biometric_photo",),
        purpose="workflow API",
    )
    response = HttpResponse(upload_open(photo.path), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/staff/applications/{application_id}/bap.pdf",
    auth=staff_auth,
    summary="Officers: the BAP report with its signatures, as a PDF (audited)",
)
def staff_bap_pdf(request: HttpRequest, application_id: str) -> HttpResponse:
    application = _staff_get(request, application_id)
    bap = Bap.objects.filter(application=application).select_related("examiner").first()
    if bap is None:
        raise ApplicationError("bap_missing", _("This application has no BAP."), status=404)
    audit_personal_data_view(
        actor=_staff(request),
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=("full_name", "nik", "bap"),
        purpose="BAP report (API)",
    )
    response = HttpResponse(baps.bap_pdf(bap), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bap-{application.public_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/staff/applications/{application_id}/adjudicate",
    response=StaffOut,
    auth=staff_auth,
    summary="Adjudicator: approve (to printing), refuse, postpone, or open a BAP",
)
def staff_adjudicate(request: HttpRequest, application_id: str, payload: AdjudicateIn) -> Any:
    moved = workflow.application_adjudicate(
        application=_staff_get(request, application_id),
        actor=_staff(request),
        decision=payload.decision,
        reason=payload.reason,
        awaited=payload.awaited,
    )
    return _shown(request, moved)


@router.post(
    "/staff/applications/{application_id}/bap/examine",
    response=StaffOut,
    auth=staff_auth,
    summary="BAP examiner: the examination record and proposed decision",
)
def staff_bap_examine(request: HttpRequest, application_id: str, payload: BapExamineIn) -> Any:
    application = _staff_get(request, application_id)
    baps.bap_examine(
        bap=_bap_of(application),
        actor=_staff(request),
        statement=payload.statement,
        findings=payload.findings,
        proposal=payload.proposal,
        reason=payload.reason,
        suspend_months=payload.suspend_months,
        awaited=payload.awaited,
    )
    application.refresh_from_db()
    return _shown(request, application)


@router.post(
    "/staff/applications/{application_id}/bap/approve",
    response=StaffOut,
    auth=staff_auth,
    summary="Approval chain: sign the awaited step (approve) or return to the examiner",
)
def staff_bap_approve(request: HttpRequest, application_id: str, payload: BapApproveIn) -> Any:
    application = _staff_get(request, application_id)
    baps.bap_approve(
        bap=_bap_of(application), actor=_staff(request), approve=payload.approve, note=payload.note
    )
    application.refresh_from_db()
    return _shown(request, application)


@router.post(
    "/staff/applications/{application_id}/bap/central",
    response=StaffOut,
    auth=staff_auth,
    summary="Supervisor: record the central approval of a data change",
)
def staff_bap_central(request: HttpRequest, application_id: str, payload: BapCentralIn) -> Any:
    application = _staff_get(request, application_id)
    baps.bap_central_approve(
        bap=_bap_of(application), actor=_staff(request), reference=payload.reference
    )
    application.refresh_from_db()
    return _shown(request, application)


@router.post(
    "/staff/applications/{application_id}/print",
    response=StaffOut,
    auth=staff_auth,
    summary="Printing: print on one blank (refused without payment or stock)",
)
def staff_print(request: HttpRequest, application_id: str) -> Any:
    moved = workflow.application_print(
        application=_staff_get(request, application_id), actor=_staff(request)
    )
    return _shown(request, moved)


@router.post(
    "/staff/applications/{application_id}/qc",
    response=StaffOut,
    auth=staff_auth,
    summary="QC and signature: passed (ready for pickup) or failed (print again, with a note)",
)
def staff_qc(request: HttpRequest, application_id: str, payload: QcIn) -> Any:
    moved = workflow.application_qc(
        application=_staff_get(request, application_id),
        actor=_staff(request),
        passed=payload.passed,
        note=payload.note,
    )
    return _shown(request, moved)


@router.post(
    "/staff/applications/{application_id}/postpone",
    response=StaffOut,
    auth=staff_auth,
    summary="Postpone at the current step, saying what is awaited (the step's officer)",
)
def staff_postpone(request: HttpRequest, application_id: str, payload: PostponeIn) -> Any:
    moved = workflow.application_postpone(
        application=_staff_get(request, application_id),
        actor=_staff(request),
        awaited=payload.awaited,
        reason=payload.reason,
    )
    return _shown(request, moved)


@router.post(
    "/staff/applications/{application_id}/cancel",
    response=StaffOut,
    auth=staff_auth,
    summary="Supervisor: cancel a postponed application (with the reason)",
)
def staff_cancel(request: HttpRequest, application_id: str, payload: CancelIn) -> Any:
    moved = workflow.application_cancel_office(
        application=_staff_get(request, application_id),
        actor=_staff(request),
        reason=payload.reason,
    )
    return _shown(request, moved)


def _bill_out(application: Application, bill: Bill) -> dict[str, Any]:
    return {
        "billing_code": bill.billing_code,
        "status": bill.status,
        "amount": bill.amount,
        "lines": bill.lines,
        "billing_date": bill.billing_date,
        "issued_at": bill.issued_at,
        "expires_at": bill.expires_at,
        "paid_at": bill.paid_at,
        "ntpn": bill.ntpn,
        "fee_waiver_basis": application.fee_waiver_basis,
    }


@router.post(
    "/staff/applications/{application_id}/bill",
    response={201: OfficeBillOut},
    auth=staff_auth,
    summary="Front desk: issue the PNBP bill at the office (walk-ins, BAP charges)",
)
def staff_bill(request: HttpRequest, application_id: str) -> Any:
    application = _staff_get(request, application_id)
    bill = application_bill_issue(application=application, actor=_staff(request))
    application.refresh_from_db()
    return Status(201, _bill_out(application, bill))


@router.get(
    "/staff/applications/{application_id}/receipt",
    response=OfficeBillOut,
    auth=staff_auth,
    summary="Officers: the latest office bill as the receipt shows it (NTPN once paid; audited)",
)
def staff_receipt(request: HttpRequest, application_id: str) -> Any:
    application = _staff_get(request, application_id)
    bills = application_bills(application)
    if not bills:
        raise ApplicationError(
            "bill_missing", _("No billing code has been issued for this application."), status=404
        )
    audit_personal_data_view(
        actor=_staff(request),
        subject=application,
        office_code=application.office.code if application.office else "",
        fields=("full_name", "payment"),
        purpose="payment receipt (API)",
    )
    return _bill_out(application, bills[0])


@router.post(
    "/staff/applications/{application_id}/resume",
    response=StaffOut,
    auth=staff_auth,
    summary="Resume a postponed application at the step where it stopped",
)
def staff_resume(request: HttpRequest, application_id: str) -> Any:
    application = _staff_get(request, application_id)
    if (
        application.status == ApplicationStatus.POSTPONED
        and application.outcome.get("resume_to") == ApplicationStatus.BAP
    ):
        baps.bap_reopen_after_postpone(application=application, actor=_staff(request))
        application.refresh_from_db()
        return _shown(request, application)
    moved = workflow.application_resume(application=application, actor=_staff(request))
    return _shown(request, moved)
