"""BAP (Berita Acara Pemeriksaan): examination, approval chain, decision, signed PDF.

The examiner records the statement and findings and proposes a decision; each step of
the office's approval chain (default Kasubsi -> Kasi -> Kepala Kantor) signs in order or
returns it; data changes then wait for central approval (7 working days). Only the last
signature (or the central approval) applies the decision, through
`workflow.application_transition`, whose guard refuses any exit from the BAP step
without a decided BAP.
"""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applications import workflow
from loket.applications.choices import ApplicationStatus, BapOutcome, BapStatus, CaseType
from loket.applications.models import (
    Application,
    ApprovalChainStep,
    Bap,
    BapApproval,
    WorkflowSettings,
)
from loket.core.audit import audit_record
from loket.core.calendar import add_working_days, local_date
from loket.core.choices import Role
from loket.core.errors import ApplicationError, Forbidden
from loket.core.models import User
from loket.offices.models import Office
from loket.offices.selectors import office_require_role

DEFAULT_CHAIN: tuple[str, ...] = (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE)


def approval_chain(office: Office) -> list[str]:
    steps = list(
        ApprovalChainStep.objects.filter(office=office)
        .order_by("sequence")
        .values_list("role", flat=True)
    )
    return steps or list(DEFAULT_CHAIN)


def _office(bap: Bap) -> Office:
    office = bap.application.office
    if office is None:  # pragma: no cover - an application at the office has one
        raise ApplicationError("office_required", _("The application has no office."))
    return office


def _locked(bap: Bap) -> Bap:
    return (
        Bap.objects.select_for_update(of=("self",))
        .select_related("application__office")
        .get(pk=bap.pk)
    )


def _audit(actor: User | None, action: str, bap: Bap, **changes: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=bap,
        office_code=_office(bap).code,
        changes=dict(changes),
    )


def bap_examine(
    *,
    bap: Bap,
    actor: User,
    statement: str,
    findings: str,
    proposal: str,
    reason: str = "",
    suspend_months: int | None = None,
    awaited: list[str] | None = None,
) -> Bap:
    """The examiner's record and proposed decision; sends it up the approval chain."""
    fields: dict[str, str] = {}
    if not statement.strip():
        fields["statement"] = _("Required.")
    if not findings.strip():
        fields["findings"] = _("Required.")
    if proposal not in BapOutcome.values:
        fields["proposal"] = _("Choose a decision.")
    if proposal == BapOutcome.SUSPEND and not (suspend_months and 6 <= suspend_months <= 24):
        fields["suspend_months"] = _("A suspension lasts 6 to 24 months.")
    if proposal == BapOutcome.POSTPONE and not [a for a in awaited or [] if a.strip()]:
        fields["awaited"] = _("Say what the office is waiting for.")
    if proposal == BapOutcome.REFUSE and not reason.strip():
        fields["reason"] = _("A refusal needs its reason.")
    if fields:
        raise ApplicationError(
            "bap_invalid", _("The examination report is incomplete."), fields=fields
        )
    with transaction.atomic():
        bap = _locked(bap)
        office_require_role(user=actor, office=_office(bap), roles=[Role.BAP_EXAMINER])
        if bap.application.status != ApplicationStatus.BAP or bap.status not in (
            BapStatus.OPEN,
            BapStatus.RETURNED,
        ):
            raise ApplicationError(
                "bap_not_open", _("This BAP is not open for examination."), status=409
            )
        bap.examiner = actor
        bap.statement = statement[:5000]
        bap.findings = findings[:5000]
        bap.proposal = proposal
        bap.proposal_reason = reason[:300]
        bap.suspend_months = suspend_months if proposal == BapOutcome.SUSPEND else None
        bap.awaited = [a.strip()[:200] for a in awaited or [] if a.strip()]
        bap.needs_central = bap.application.case_type == CaseType.DATA_CHANGE
        bap.status = BapStatus.PROPOSED
        bap.save()
        _audit(actor, "bap.propose", bap, proposal=proposal, round=bap.round)
    return bap


def bap_next_role(bap: Bap) -> str | None:
    """The chain role whose signature is awaited, or None when the chain is complete."""
    chain = approval_chain(_office(bap))
    signed = BapApproval.objects.filter(bap=bap, round=bap.round, approved=True).count()
    return chain[signed] if signed < len(chain) else None


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _require_chain_role(
    *, bap: Bap, actor: User, office: Office, role: str, step: int, steps: int
) -> None:
    """The awaited step of the chain is signed by a holder of its role at this office,
    and by someone who has not signed this proposal already (each signature is a
    separate check; an examiner does not approve their own report)."""
    office_require_role(user=actor, office=office)  # another office: not found
    try:
        office_require_role(user=actor, office=office, roles=[role])
    except Forbidden:
        raise Forbidden(
            "approval_role_required",
            _(
                "Step %(step)s of %(steps)s of this office's approval chain must be signed "
                "by the %(role)s; your role at this office is not that one."
            )
            % {"step": step, "steps": steps, "role": _role_label(role)},
        ) from None
    if (
        bap.examiner_id == actor.pk
        or BapApproval.objects.filter(bap=bap, round=bap.round, approver=actor).exists()
    ):
        raise Forbidden(
            "approval_same_person",
            _("You have already examined or signed this BAP; step %(step)s needs another %(role)s.")
            % {"step": step, "role": _role_label(role)},
        )


def bap_approve(*, bap: Bap, actor: User, approve: bool, note: str = "") -> Bap:
    """One signature of the chain, in order. A return sends the BAP back to the examiner."""
    with transaction.atomic():
        bap = _locked(bap)
        if bap.status != BapStatus.PROPOSED:
            raise ApplicationError(
                "bap_not_proposed",
                _("This BAP is not waiting for approval."),
                status=409,
            )
        office = _office(bap)
        chain = approval_chain(office)
        signed = BapApproval.objects.filter(bap=bap, round=bap.round, approved=True).count()
        role = chain[signed]
        _require_chain_role(
            bap=bap, actor=actor, office=office, role=role, step=signed + 1, steps=len(chain)
        )
        if not approve and not note.strip():
            raise ApplicationError(
                "reason_required",
                _("Say why the BAP goes back to the examiner."),
                fields={"note": _("Required.")},
            )
        BapApproval.objects.create(
            bap=bap,
            round=bap.round,
            sequence=signed + 1,
            role=role,
            approver=actor,
            approved=approve,
            note=note[:300],
        )
        _audit(actor, "bap.approve" if approve else "bap.return", bap, role=role, round=bap.round)
        if not approve:
            bap.status = BapStatus.RETURNED
            bap.round += 1
            bap.save(update_fields=["status", "round"])
            return bap
        if signed + 1 < len(chain):
            return bap
        if bap.needs_central and bap.central_approved_at is None:
            settings = WorkflowSettings.objects.filter(office=office).first()
            days = settings.central_approval_days if settings else 7
            bap.status = BapStatus.CENTRAL
            bap.central_due = add_working_days(office, timezone.now(), days)
            bap.save(update_fields=["status", "central_due"])
            return bap
        return _decide(bap, actor)


def bap_central_approve(*, bap: Bap, actor: User, reference: str) -> Bap:
    """Record the central approval of a data change (a supervisor enters its reference)."""
    if not reference.strip():
        raise ApplicationError(
            "reference_required",
            _("Enter the reference of the central approval."),
            fields={"reference": _("Required.")},
        )
    with transaction.atomic():
        bap = _locked(bap)
        if bap.status != BapStatus.CENTRAL:
            raise ApplicationError(
                "bap_not_central", _("This BAP is not waiting for central approval."), status=409
            )
        office_require_role(user=actor, office=_office(bap), roles=[Role.HEAD_OF_OFFICE, Role.KASI])
        bap.central_approved_at = timezone.now()
        bap.central_reference = reference.strip()[:60]
        bap.save(update_fields=["central_approved_at", "central_reference"])
        _audit(actor, "bap.central", bap, reference=bap.central_reference)
        return _decide(bap, actor)


def _decide(bap: Bap, actor: User) -> Bap:
    bap.status = BapStatus.DECIDED
    bap.decided_at = timezone.now()
    bap.save(update_fields=["status", "decided_at"])
    application = bap.application
    reason = bap.proposal_reason or str(BapOutcome(bap.proposal).label)
    if bap.proposal == BapOutcome.APPROVE:
        workflow.application_transition(
            application=application, to=ApplicationStatus.ADJUDICATION, actor=actor, reason=reason
        )
    elif bap.proposal == BapOutcome.POSTPONE:
        workflow.application_postpone(
            application=application, actor=actor, awaited=bap.awaited, reason=reason
        )
    elif bap.proposal == BapOutcome.SUSPEND:
        months = bap.suspend_months or 6
        until = _add_months(local_date(_office(bap), timezone.now()), months)
        outcome = {**application.outcome, "suspended_until": until.isoformat(), "reason": reason}
        workflow.application_transition(
            application=application,
            to=ApplicationStatus.SUSPENDED,
            actor=actor,
            reason=reason,
            changes={"outcome": outcome},
            data={"months": months},
        )
    else:
        workflow.application_refuse(application=application, actor=actor, reason=reason)
    return bap


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def bap_reopen_after_postpone(*, application: Application, actor: User) -> Bap:
    """A postponed BAP resumes with a fresh round once the awaited document arrives."""
    with transaction.atomic():
        workflow.application_resume(application=application, actor=actor)
        bap = Bap.objects.select_for_update().get(application=application)
        bap.status = BapStatus.OPEN
        bap.round += 1
        bap.save(update_fields=["status", "round"])
    return bap


def bap_pdf(bap: Bap) -> bytes:
    """The examination report as a PDF (reportlab, like the booking proof).

    It carries the record (trigger, statement, findings, examiner), the proposed decision
    and the signatures of the current round in chain order, each with the signer's role,
    name and time in the office's time zone, and the central approval of a data change.
    Until the chain has decided, the report says it is a draft. Long statements wrap and
    run onto further pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    application = bap.application
    office = application.office
    tz = office.tz if office is not None else timezone.get_current_timezone()

    def when(moment: dt.datetime | None) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if moment else "-"

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"BAP {application.public_id}")
    left, width, top, bottom = 20 * mm, 170 * mm, 280 * mm, 20 * mm
    y = top

    def line(text: str, size: int = 10, font: str = "Helvetica") -> None:
        nonlocal y
        for chunk in simpleSplit(text, font, size, width) or [""]:
            if y < bottom:
                pdf.showPage()
                y = top
            pdf.setFont(font, size)
            pdf.drawString(left, y, chunk)
            y -= size * 0.6 * mm
        y -= 1 * mm

    decided = bap.status == BapStatus.DECIDED
    line(_("Examination report (BAP)"), 14, "Helvetica-Bold")
    if not decided:
        line(_("DRAFT: the approval chain has not decided yet."), 10, "Helvetica-Bold")
    line(office.name if office is not None else "")
    line(f"{_('Application')}: {application.public_id}")
    line(f"{_('Applicant')}: {application.full_name} - NIK {application.nik}")
    line(f"{_('Reason for the BAP')}: {bap.get_trigger_display()}")
    line(f"{_('Opened')}: {when(bap.opened_at)}")
    line(
        f"{_('Examiner')}: {bap.examiner.full_name if bap.examiner else '-'}"
        f" ({_role_label(Role.BAP_EXAMINER)})"
    )
    line(_("Statement"), 11, "Helvetica-Bold")
    line(bap.statement or "-")
    line(_("Findings"), 11, "Helvetica-Bold")
    line(bap.findings or "-")
    line(_("Proposed decision"), 11, "Helvetica-Bold")
    decision = bap.get_proposal_display() if bap.proposal else "-"
    if bap.proposal == BapOutcome.SUSPEND and bap.suspend_months:
        decision += " " + _("(%(months)s months)") % {"months": bap.suspend_months}
    line(f"{decision} {bap.proposal_reason}".strip())
    if bap.awaited:
        line(f"{_('Awaited')}: {', '.join(bap.awaited)}")
    line(_("Signatures (approval chain, in order)"), 11, "Helvetica-Bold")
    approvals = list(bap.approvals.filter(round=bap.round).select_related("approver"))
    if not approvals:
        line(_("No signature yet."))
    for approval in approvals:
        verdict = _("approved") if approval.approved else _("returned to the examiner")
        line(
            f"{approval.sequence}. {_role_label(approval.role)}: {approval.approver.full_name}"
            f" - {verdict} - {when(approval.at)}" + (f" - {approval.note}" if approval.note else "")
        )
    if bap.needs_central:
        line(
            f"{_('Central approval')}: {bap.central_reference or _('awaited')}"
            f" ({when(bap.central_approved_at) if bap.central_approved_at else bap.central_due})"
        )
    line(f"{_('Status')}: {bap.get_status_display()} {when(bap.decided_at) if decided else ''}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
