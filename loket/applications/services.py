"""Writes to applications: create, save a wizard step (draft), upload, submit, cancel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applications.choices import EDITABLE, ApplicationStatus, Channel
from loket.applications.forms import STEP_FORMS, PersonForm
from loket.applications.models import Application, ApplicationDocument
from loket.applications.requirements import group_label, requirements_for
from loket.applications.selectors import application_require_not_suspended
from loket.core.audit import audit_record
from loket.core.errors import ApplicationError
from loket.core.models import User
from loket.core.uploads import upload_store, upload_validate
from loket.offices.models import Office

MAX_PERSONS_PER_ACCOUNT = 5
LAST_STEP = 4


@dataclass
class StepResult:
    application: Application
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _editable(application: Application) -> None:
    if application.status not in EDITABLE:
        raise ApplicationError(
            "application_locked", _("This application can no longer be changed."), status=409
        )


def _office_code(application: Application) -> str:
    return application.office.code if application.office_id and application.office else ""


def application_create(
    *,
    account: User | None,
    channel: str = Channel.ONLINE,
    created_by: User | None = None,
    office: Office | None = None,
) -> Application:
    with transaction.atomic():
        application = Application.objects.create(
            account=account, channel=channel, created_by=created_by, office=office
        )
        audit_record(actor=created_by or account, action="application.create", target=application)
    return application


def _form_for(step: int, application: Application, data: dict[str, Any]) -> Any:
    form_class = STEP_FORMS[step]
    if form_class is PersonForm:
        return PersonForm(
            data,
            applicant_type=application.applicant_type,
            validity_years=application.validity_years,
        )
    return form_class(data)


def step_form(application: Application, step: int, data: Any = None) -> Any:
    """The form of a wizard step, filled with the saved draft (online and assisted entry)."""
    initial = step_initial(application, step)
    if step == 2:
        return PersonForm(
            data,
            initial=initial,
            applicant_type=application.applicant_type,
            validity_years=application.validity_years,
        )
    return STEP_FORMS[step](data, initial=initial)


def step_initial(application: Application, step: int) -> dict[str, Any]:
    """What a step's form shows: saved values, overlaid with what was typed but not valid yet."""
    form_class = STEP_FORMS[step]
    initial: dict[str, Any] = {}
    for name in form_class.base_fields:
        if name == "office":
            initial[name] = _office_code(application)
        else:
            initial[name] = getattr(application, name)
    initial.update({k: v for k, v in application.draft_raw.items() if k in form_class.base_fields})
    return initial


def _check_person_limit(application: Application, nik: str) -> str | None:
    if application.account_id is None:
        return None  # an officer's walk-in entry belongs to no account
    others = (
        Application.objects.filter(account=application.account)
        .exclude(pk=application.pk)
        .exclude(status=ApplicationStatus.CANCELLED)
        .exclude(nik="")
        .values_list("nik", flat=True)
        .distinct()
    )
    persons = set(others)
    if nik not in persons and len(persons) >= MAX_PERSONS_PER_ACCOUNT:
        return _(
            "One account may hold applications for at most %(n)s people (yourself and family members)."
        ) % {"n": MAX_PERSONS_PER_ACCOUNT}
    return None


def application_save_step(
    *,
    application: Application,
    actor: User,
    step: int,
    data: dict[str, Any],
    advance: bool = False,
    partial: bool = False,
) -> StepResult:
    """Save what was entered on a step. Valid fields are stored; invalid ones are kept as
    typed (never lost) and reported per field. `advance` moves the wizard on when valid.

    `partial` (autosave) saves only the fields present in `data`, checked together with
    the values already saved, so a cross-field rule (NIK against date of birth) still holds.
    """
    if step not in STEP_FORMS:
        raise ApplicationError("step_invalid", _("There is no such step."), status=404)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _editable(application)
        posted = {k: v for k, v in data.items() if k in STEP_FORMS[step].base_fields}
        if partial:
            merged = {
                k: ("" if v is None else v) for k, v in step_initial(application, step).items()
            }
            merged.update(posted)
        else:
            merged = dict(data)
        form = _form_for(step, application, merged)
        form.is_valid()
        errors: dict[str, list[str]] = {
            k: [str(m) for m in v]
            for k, v in form.errors.items()
            # Autosave reports the fields it saved, plus conflicts on fields already filled
            # in (a date of birth that no longer matches the saved NIK), never "required"
            # on fields the applicant has not reached yet.
            if not partial or k in posted or k == "__all__" or merged.get(k) not in ("", None)
        }
        cleaned = getattr(form, "cleaned_data", {})
        if step == 2 and cleaned.get("nik") and "nik" not in errors:
            problem = _check_person_limit(application, cleaned["nik"])
            if problem:
                errors["nik"] = [problem]
        changed: list[str] = []
        for name in form.base_fields:
            if partial and name not in posted:
                continue  # an autosave of one field leaves the others alone
            raw = merged.get(name, "")
            if name in errors:
                application.draft_raw[name] = raw if isinstance(raw, str) else str(raw)
                continue
            application.draft_raw.pop(name, None)
            value = cleaned.get(name)
            if name == "office":
                if application.office != value:
                    application.office = value
                    changed.append(name)
                continue
            if value is None and name not in ("validity_years", "birth_date"):
                value = False if isinstance(getattr(application, name), bool) else ""
            if getattr(application, name) != value:
                setattr(application, name, value)
                changed.append(name)
        warnings: list[dict[str, str]] = list(getattr(form, "warnings", []))
        if step == 2:
            application.warnings = warnings
        if application.status == ApplicationStatus.SUBMITTED and changed:
            # A change after submission needs a new check before booking.
            application.status = ApplicationStatus.DRAFT
            application.submitted_at = None
        if advance and not errors:
            application.step = max(application.step, step + 1)
        application.version = F("version") + 1
        application.save()
        application.refresh_from_db()
        audit_record(
            actor=actor,
            action="application.save_step",
            target=application,
            office_code=_office_code(application),
            changes={"step": step, "fields": sorted(changed), "invalid": sorted(errors)},
        )
    return StepResult(application=application, errors=errors, warnings=warnings)


def application_document_upload(
    *, application: Application, actor: User, kind: str, file: IO[bytes], name: str = ""
) -> ApplicationDocument:
    application = Application.objects.get(pk=application.pk)
    _editable(application)
    if not application.applicant_type or not application.case_type:
        raise ApplicationError(
            "step_incomplete",
            _("Finish step 1 first: the documents depend on the case."),
            status=409,
        )
    allowed = requirements_for(
        applicant_type=application.applicant_type, case_type=application.case_type
    ).kinds
    if kind not in allowed:
        raise ApplicationError(
            "document_not_needed",
            _("This document is not needed for this case."),
            fields={"kind": _("Not needed.")},
        )
    clean = upload_validate(file, name=name, field=kind)
    path = upload_store(clean, folder=f"applications/{application.public_id}")
    with transaction.atomic():
        ApplicationDocument.objects.filter(application=application, kind=kind).delete()
        document = ApplicationDocument.objects.create(
            application=application,
            kind=kind,
            path=path,
            content_type=clean.content_type,
            size=len(clean.content),
            sha256=clean.sha256,
            original_name=clean.original_name,
        )
        Application.objects.filter(pk=application.pk).update(version=F("version") + 1)
        audit_record(
            actor=actor,
            action="application.document_upload",
            target=document,
            office_code=_office_code(application),
            changes={"kind": kind, "sha256": clean.sha256},
        )
    return document


def application_document_delete(*, application: Application, actor: User, kind: str) -> None:
    _editable(application)
    with transaction.atomic():
        deleted, _rows = ApplicationDocument.objects.filter(
            application=application, kind=kind
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="application.document_delete",
                target=application,
                changes={"kind": kind},
            )


def application_problems(application: Application) -> dict[str, list[str]]:
    """Everything that still stops submission, by field (documents under 'documents')."""
    problems: dict[str, list[str]] = {}
    for step in STEP_FORMS:
        data = step_initial(application, step)
        if step == 1:
            data["percepatan"] = "on" if application.percepatan else ""
        form = _form_for(step, application, {k: ("" if v is None else v) for k, v in data.items()})
        if not form.is_valid():
            for name, messages in form.errors.items():
                problems.setdefault(name, []).extend(str(m) for m in messages)
    if application.applicant_type and application.case_type:
        requirements = requirements_for(
            applicant_type=application.applicant_type, case_type=application.case_type
        )
        uploaded = set(application.documents.values_list("kind", flat=True))
        for group in requirements.missing(uploaded):
            problems.setdefault("documents", []).append(
                _("Upload: %(document)s.") % {"document": group_label(group)}
            )
    return problems


def application_submit(*, application: Application, actor: User) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _editable(application)
        problems = application_problems(application)
        if problems:
            raise ApplicationError(
                "application_incomplete",
                _("Some information is missing or wrong; see the marked fields."),
                fields={k: " ".join(v) for k, v in problems.items()},
            )
        application_require_not_suspended(application)
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = timezone.now()
        application.step = LAST_STEP
        application.version = F("version") + 1
        application.save()
        application.refresh_from_db()
        audit_record(
            actor=actor,
            action="application.submit",
            target=application,
            office_code=_office_code(application),
        )
    return application


def application_cancel(*, application: Application, actor: User) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _editable(application)
        application.status = ApplicationStatus.CANCELLED
        application.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="application.cancel",
            target=application,
            office_code=_office_code(application),
        )
    return application
