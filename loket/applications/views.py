"""The application wizard (mobile-first, autosaving) and the "what do I need?" checker."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loket.applications.choices import (
    ApplicantType,
    ApplicationStatus,
    CaseType,
    DocumentKind,
)
from loket.applications.forms import STEP_FORMS
from loket.applications.models import Application
from loket.applications.requirements import group_label, requirements_for
from loket.applications.selectors import application_get_for_owner, applications_of
from loket.applications.services import (
    application_cancel,
    application_create,
    application_document_delete,
    application_document_upload,
    application_problems,
    application_save_step,
    application_submit,
    step_form,
)
from loket.core.decorators import applicant_required, request_user
from loket.core.errors import ApplicationError
from loket.core.uploads import upload_open
from loket.payments.choices import VALIDITY_CHOICES, BookType
from loket.payments.selectors import fee_quote

STEPS = [
    (1, gettext_lazy("Case")),
    (2, gettext_lazy("Personal data")),
    (3, gettext_lazy("Documents")),
    (4, gettext_lazy("Check and submit")),
]


def verified(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @applicant_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request_user(request).email_verified_at is None:
            return redirect("applicants:verify")
        return view(request, *args, **kwargs)

    return wrapper


def _own(request: HttpRequest, public_id: str) -> Application:
    return application_get_for_owner(account=request_user(request), public_id=public_id)


def _next_step_text(application: Application) -> str:
    if application.status == ApplicationStatus.CANCELLED:
        return _("Cancelled.")
    if application.status == ApplicationStatus.DRAFT:
        return _("Continue filling in step %(n)s.") % {"n": min(application.step, 4)}
    office_texts: dict[str, str] = {
        ApplicationStatus.READY: _("Your passport is ready: choose how to collect it."),
        ApplicationStatus.COLLECTED: _("Collected."),
        ApplicationStatus.POSTPONED: _("Postponed: the office is waiting for %(awaited)s.")
        % {"awaited": ", ".join(application.outcome.get("awaited", [])) or "-"},
        ApplicationStatus.SUSPENDED: _("Suspended until %(date)s.")
        % {"date": application.outcome.get("suspended_until", "-")},
        ApplicationStatus.REFUSED: _("Refused: %(reason)s")
        % {"reason": application.outcome.get("reason", "-")},
    }
    if application.status in office_texts:
        return str(office_texts[application.status])
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.PAID):
        return _("The office is working on your application.")
    if (
        application.case_type
        and requirements_for(
            applicant_type=application.applicant_type, case_type=application.case_type
        ).walk_in_only
    ):
        return _("Come to the office without a booking, with the originals of your documents.")
    return _("Book a visit to the office.")


@verified
def application_list(request: HttpRequest) -> HttpResponse:
    rows = [(a, _next_step_text(a)) for a in applications_of(account=request_user(request))]
    return render(request, "applications/list.html", {"rows": rows})


@verified
@require_POST
def application_new(request: HttpRequest) -> HttpResponse:
    application = application_create(account=request_user(request))
    return redirect("applications:step", public_id=application.public_id, step=1)


def _step_form(application: Application, step: int, data: Any = None) -> forms.Form:
    form: forms.Form = step_form(application, step, data)
    return form


def _render_step(
    request: HttpRequest, application: Application, step: int, form: forms.Form, status: int = 200
) -> HttpResponse:
    if step == 2 and application.warnings:
        for warning in application.warnings:
            if warning["field"] in form.fields:
                form.fields[warning["field"]].help_text = warning["message"]
    return render(
        request,
        "applications/step_form.html",
        {
            "application": application,
            "step": step,
            "steps": STEPS,
            "form": form,
            "walk_in_cases": [CaseType.LOST, CaseType.DAMAGED, CaseType.DATA_CHANGE],
        },
        status=status,
    )


@verified
def application_step(request: HttpRequest, public_id: str, step: int) -> HttpResponse:
    application = _own(request, public_id)
    if step == 3:
        return redirect("applications:documents", public_id=public_id)
    if step == 4:
        return redirect("applications:review", public_id=public_id)
    if step not in STEP_FORMS:
        raise ApplicationError("step_invalid", _("There is no such step."), status=404)
    if request.method == "POST":
        result = application_save_step(
            application=application,
            actor=request_user(request),
            step=step,
            data=request.POST.dict(),
            advance=True,
        )
        if result.ok:
            return redirect("applications:step", public_id=public_id, step=step + 1)
        form = _step_form(result.application, step, request.POST)
        form.is_valid()
        for name, messages_ in result.errors.items():
            if name in form.fields and name not in form.errors:
                for message in messages_:
                    form.add_error(name, message)
        return _render_step(request, result.application, step, form, status=400)
    return _render_step(request, application, step, _step_form(application, step))


@verified
@require_POST
def application_autosave(request: HttpRequest, public_id: str, step: int) -> HttpResponse:
    """htmx: save the fields that changed; answer with a short status for the live region."""
    application = _own(request, public_id)
    data = request.POST.dict()
    data.pop("csrfmiddlewaretoken", None)
    result = application_save_step(
        application=application, actor=request_user(request), step=step, data=data, partial=True
    )
    return render(
        request,
        "applications/_autosave.html",
        {"result": result, "saved_at": timezone.localtime(), "errors": result.errors},
    )


@verified
def application_documents(request: HttpRequest, public_id: str) -> HttpResponse:
    application = _own(request, public_id)
    if not application.applicant_type or not application.case_type:
        messages.error(request, _("Finish step 1 first: the documents depend on the case."))
        return redirect("applications:step", public_id=public_id, step=1)
    requirements = requirements_for(
        applicant_type=application.applicant_type, case_type=application.case_type
    )
    uploaded = {d.kind: d for d in application.documents.all()}
    error: ApplicationError | None = None
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        try:
            if request.POST.get("delete"):
                application_document_delete(
                    application=application, actor=request_user(request), kind=kind
                )
            elif upload is None:
                raise ApplicationError(
                    "upload_empty",
                    _("Choose a file first."),
                    fields={kind: _("Choose a file first.")},
                )
            else:
                application_document_upload(
                    application=application,
                    actor=request_user(request),
                    kind=kind,
                    file=upload,
                    name=upload.name or "",
                )
                messages.success(
                    request, _("%(document)s uploaded.") % {"document": DocumentKind(kind).label}
                )
            return redirect("applications:documents", public_id=public_id)
        except ApplicationError as exc:
            error = exc
    groups = [
        {
            "label": group_label(group),
            "kinds": [(k, DocumentKind(k).label, uploaded.get(k)) for k in group],
            "done": any(k in uploaded for k in group),
        }
        for group in requirements.groups
    ]
    return render(
        request,
        "applications/documents.html",
        {
            "application": application,
            "step": 3,
            "steps": STEPS,
            "groups": groups,
            "requirements": requirements,
            "error": error,
        },
        status=400 if error else 200,
    )


@verified
def application_document_file(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    application = _own(request, public_id)
    document = application.documents.filter(kind=kind).first()
    if document is None:
        raise ApplicationError("not_found", _("File not found."), status=404)
    response = HttpResponse(upload_open(document.path), content_type=document.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(application: Application) -> Any:
    if not (application.book_type and application.validity_years):
        return None
    loss = (
        application.case_type
        if application.case_type in (CaseType.LOST, CaseType.DAMAGED)
        else None
    )
    try:
        return fee_quote(
            billing_date=timezone.localdate(),
            book_type=application.book_type,
            validity_years=application.validity_years,
            percepatan=application.percepatan,
            loss=loss,
        )
    except ApplicationError:
        return None


@verified
def application_review(request: HttpRequest, public_id: str) -> HttpResponse:
    application = _own(request, public_id)
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            application = application_submit(application=application, actor=request_user(request))
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, _("Your application is complete."))
            return redirect("applications:review", public_id=public_id)
    problems = (
        application_problems(application) if application.status == ApplicationStatus.DRAFT else {}
    )
    requirements = (
        requirements_for(applicant_type=application.applicant_type, case_type=application.case_type)
        if application.applicant_type and application.case_type
        else None
    )
    return render(
        request,
        "applications/review.html",
        {
            "application": application,
            "step": 4,
            "steps": STEPS,
            "problems": problems,
            "quote": _quote(application),
            "requirements": requirements,
            "error": error,
            "book_url": _book_url(application),
        },
        status=400 if error else 200,
    )


def _book_url(application: Application) -> str:
    try:
        return reverse("booking:book", kwargs={"public_id": application.public_id})
    except Exception:
        return ""


@verified
@require_POST
def application_cancel_view(request: HttpRequest, public_id: str) -> HttpResponse:
    application_cancel(application=_own(request, public_id), actor=request_user(request))
    messages.success(request, _("The application is cancelled."))
    return redirect("applications:list")


class CheckerForm(forms.Form):
    applicant_type = forms.ChoiceField(
        label=gettext_lazy("Who is the passport for?"), choices=ApplicantType.choices
    )
    case_type = forms.ChoiceField(label=gettext_lazy("What do you need?"), choices=CaseType.choices)
    book_type = forms.ChoiceField(
        label=gettext_lazy("Passport type"), choices=BookType.choices, initial="electronic"
    )
    validity_years = forms.TypedChoiceField(
        label=gettext_lazy("Validity"), choices=VALIDITY_CHOICES, coerce=int, initial=10
    )
    percepatan = forms.BooleanField(
        label=gettext_lazy("Same-day service (percepatan)"), required=False
    )


def checker(request: HttpRequest) -> HttpResponse:
    """Before sign-up: which documents and fees apply to a case."""
    form = CheckerForm(request.GET or None)
    result: dict[str, Any] | None = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        requirements = requirements_for(
            applicant_type=data["applicant_type"], case_type=data["case_type"]
        )
        if data["applicant_type"] == ApplicantType.CHILD and data["validity_years"] == 10:
            form.add_error(
                "validity_years", _("A child's passport is valid for 5 years; choose 5.")
            )
        if data["percepatan"] and not requirements.percepatan_allowed:
            form.add_error(
                "percepatan",
                _("Same-day service is only for new passports and renewals of expired ones."),
            )
        if not form.errors:
            loss = (
                data["case_type"]
                if data["case_type"] in (CaseType.LOST, CaseType.DAMAGED)
                else None
            )
            quote = None
            try:
                quote = fee_quote(
                    billing_date=timezone.localdate(),
                    book_type=data["book_type"],
                    validity_years=data["validity_years"],
                    percepatan=data["percepatan"],
                    loss=loss,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            result = {
                "documents": [group_label(g) for g in requirements.groups],
                "requirements": requirements,
                "quote": quote,
            }
    template = (
        "applications/checker.html#result"
        if getattr(request, "htmx", False)
        else "applications/checker.html"
    )
    return render(request, template, {"form": form, "result": result})
