"""Applications for the mobile app: the same operations as the web wizard."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from loket.applications.choices import CaseType, DocumentKind
from loket.applications.models import Application
from loket.applications.requirements import requirements_for
from loket.applications.schemas import (
    ApplicationOut,
    ApplicationSummaryOut,
    DocumentOut,
    RequirementsOut,
    StepResultOut,
)
from loket.applications.selectors import application_get_for_owner, applications_of
from loket.applications.services import (
    application_cancel,
    application_create,
    application_document_delete,
    application_document_upload,
    application_save_step,
    application_submit,
)
from loket.core.api_auth import applicant_auth, verified_applicant
from loket.core.errors import ApplicationError
from loket.core.uploads import upload_open
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
