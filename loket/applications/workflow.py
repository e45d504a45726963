"""The office workflow of an application: one transition map, one transition function.

Every status change of an application at the office goes through
`application_transition`, which checks the map (from -> to), the actor's role at the
application's office, the guards (payment before printing, a decided BAP before leaving
the BAP step, the status to resume after a postponement), and writes an
`ApplicationEvent` and an audit line in the same transaction (style rules 4 and 5).

The step services below (arrive, documents checked, interview, biometrics, adjudicate,
print, QC, postpone, resume, cancel) are what the officer screens call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applications.choices import (
    SLA_RUNNING,
    WALK_IN_ONLY_CASES,
    ApplicationStatus,
    BapStatus,
    BapTrigger,
    CaseType,
    Channel,
    Purpose,
    RiskFlag,
    ServiceClass,
)
from loket.applications.models import (
    Application,
    ApplicationEvent,
    Bap,
    BiometricPhoto,
    BlankStock,
)
from loket.applications.requirements import group_label, requirements_for
from loket.applications.selectors import application_require_not_suspended
from loket.applications.sop import due_date_for
from loket.core.audit import audit_record
from loket.core.choices import SUPERVISOR_ROLES, Role
from loket.core.errors import ApplicationError, Forbidden
from loket.core.models import User
from loket.core.outbox import send_email
from loket.core.uploads import upload_store, upload_validate
from loket.offices.models import StaffRole
from loket.offices.selectors import office_ids_with_role, office_require_role

S = ApplicationStatus
SURVEY_SALT = "loket.survey.application"


def survey_link(application: Application) -> str:
    """A signed link to the satisfaction survey for this application's visit.

    The survey app (above this one) checks the signature; the URL is found by name so
    this module imports nothing of it."""
    signed = signing.dumps(str(application.public_id), salt=SURVEY_SALT)
    base = getattr(settings, "LOKET_PUBLIC_URL", "").rstrip("/")
    return base + reverse("feedback:survey_for_application", args=[signed])


def pickup_link(application: Application) -> str:
    """The applicant's page for choosing how to collect the passport (pickup app, found
    by name so this module imports nothing of it)."""
    base = getattr(settings, "LOKET_PUBLIC_URL", "").rstrip("/")
    return base + reverse("pickup:choose", kwargs={"public_id": application.public_id})


#: The pseudo-role of the periodic sweep and of payment callbacks (no person acts).
SYSTEM = "system"
_SUP = frozenset(SUPERVISOR_ROLES)

# from -> {to -> roles that may make that move} (style.md rule 4). Drafts and the
# applicant's own cancel stay with the wizard (services.application_cancel).
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    # Officer-assisted entry at the office: the originals are checked at the counter, so
    # a complete assisted draft arrives without scans (guard: _guard_assisted_draft).
    S.DRAFT: {S.DOCUMENT_CHECK: frozenset({Role.FRONT_DESK})},
    S.SUBMITTED: {
        S.PAID: frozenset({SYSTEM, Role.FRONT_DESK}),
        S.DOCUMENT_CHECK: frozenset({Role.FRONT_DESK}),
        S.CANCELLED: frozenset({SYSTEM, Role.FRONT_DESK}),
    },
    S.PAID: {
        S.DOCUMENT_CHECK: frozenset({Role.FRONT_DESK}),
        S.CANCELLED: frozenset({SYSTEM}),
    },
    S.DOCUMENT_CHECK: {
        S.INTERVIEW: frozenset({Role.FRONT_DESK}),
        S.POSTPONED: frozenset({Role.FRONT_DESK}),
        S.CANCELLED: frozenset({SYSTEM}),
    },
    # A walk-in whose office bill lapsed unpaid is cancelled by the sweep the next day
    # (brief §3, "no payment"); the fee is settled before printing, so up to adjudication.
    S.INTERVIEW: {
        S.BIOMETRICS: frozenset({Role.INTERVIEWER}),
        S.POSTPONED: frozenset({Role.INTERVIEWER}),
        S.CANCELLED: frozenset({SYSTEM}),
    },
    S.BIOMETRICS: {
        S.BAP: frozenset({Role.BIOMETRICS}),
        S.ADJUDICATION: frozenset({Role.BIOMETRICS}),
        S.CANCELLED: frozenset({SYSTEM}),
    },
    # Leaving BAP is the decision of the last approver of the chain (or of the
    # supervisor recording central approval); the guard requires a decided BAP.
    S.BAP: {
        S.ADJUDICATION: _SUP,
        S.POSTPONED: _SUP,
        S.SUSPENDED: _SUP,
        S.REFUSED: _SUP,
    },
    S.ADJUDICATION: {
        S.PRINTING: frozenset({Role.ADJUDICATOR}),
        S.BAP: frozenset({Role.ADJUDICATOR}),
        S.POSTPONED: frozenset({Role.ADJUDICATOR}),
        S.REFUSED: frozenset({Role.ADJUDICATOR}),
        S.CANCELLED: frozenset({SYSTEM}),
    },
    S.PRINTING: {S.QC: frozenset({Role.PRINTING})},
    S.QC: {
        S.READY: frozenset({Role.QC}),
        S.PRINTING: frozenset({Role.QC}),  # failed QC: print again on a new blank
    },
    # Collection belongs to pickup; uncollected after the office's limit (30 days unless
    # the office set another) pickup's sweep cancels the issuance.
    # Handing over (counter, drive-thru, courier dispatch) ends the issuance.
    S.READY: {S.CANCELLED: frozenset({SYSTEM}), S.COLLECTED: frozenset({Role.PICKUP}) | _SUP},
    S.COLLECTED: {},
    S.POSTPONED: {
        S.DOCUMENT_CHECK: frozenset({Role.FRONT_DESK}) | _SUP,
        S.INTERVIEW: frozenset({Role.INTERVIEWER}) | _SUP,
        S.BAP: frozenset({Role.BAP_EXAMINER}) | _SUP,
        S.ADJUDICATION: frozenset({Role.ADJUDICATOR}) | _SUP,
        S.CANCELLED: frozenset({SYSTEM}) | _SUP,
    },
    S.SUSPENDED: {},
    S.REFUSED: {},
    S.CANCELLED: {},
}

TERMINAL = frozenset({S.SUSPENDED, S.REFUSED, S.CANCELLED, S.COLLECTED})
AT_OFFICE = SLA_RUNNING | {S.POSTPONED, S.READY}
#: Unpaid walk-ins the sweep may cancel once their office bill has lapsed (brief §3).
UNPAID_CANCELLABLE = frozenset(
    {S.DOCUMENT_CHECK, S.INTERVIEW, S.BIOMETRICS, S.ADJUDICATION, S.POSTPONED}
)
#: Postponed and not completed within this many days: cancelled (brief §3).
DOCUMENTS_DEADLINE_DAYS = 7


def allowed_targets(status: str) -> dict[str, frozenset[str]]:
    return TRANSITIONS.get(status, {})


def targets_for(*, application: Application, user: User) -> list[str]:
    """The statuses this officer may move the application to from where it stands (the
    guards may still refuse, e.g. printing before payment)."""
    if application.office_id is None:
        return []
    found = []
    for to, roles in allowed_targets(application.status).items():
        staff_roles = roles - {SYSTEM}
        if not staff_roles:
            continue
        ids = office_ids_with_role(user, staff_roles)
        if ids is None or application.office_id in ids:
            found.append(str(to))
    return found


# --- guards -------------------------------------------------------------------------------


def _guard_paid(application: Application, to: str) -> None:
    if application.paid_at is None:
        raise ApplicationError(
            "not_paid",
            _("The fee is not paid yet: a passport is printed only after payment."),
            status=409,
        )


def _guard_bap_decided(application: Application, to: str) -> None:
    bap = Bap.objects.filter(application=application).first()
    outcomes: dict[str, str] = {
        S.ADJUDICATION: "approve",
        S.POSTPONED: "postpone",
        S.SUSPENDED: "suspend",
        S.REFUSED: "refuse",
    }
    wanted = outcomes[to]
    if bap is None or bap.status != BapStatus.DECIDED or bap.proposal != wanted:
        raise ApplicationError(
            "bap_not_approved",
            _("The BAP decision has not gone through its approval chain yet."),
            status=409,
        )


def _guard_resume(application: Application, to: str) -> None:
    if to == S.CANCELLED:
        return
    resume_to = application.outcome.get("resume_to")
    if resume_to != to:
        raise ApplicationError(
            "resume_elsewhere",
            _("A postponed application resumes at the step where it stopped."),
            status=409,
        )


def _guard_assisted_draft(application: Application, to: str) -> None:
    from loket.applications.services import application_problems

    # Officer-assisted entries and outreach (jemput bola) members have their originals
    # checked by the officer, so a complete draft arrives without scans.
    if application.channel not in (Channel.ASSISTED, Channel.OUTREACH):
        raise ApplicationError(
            "not_submitted",
            _("The applicant has not submitted this application yet."),
            status=409,
        )
    problems = {k: v for k, v in application_problems(application).items() if k != "documents"}
    if problems:
        raise ApplicationError(
            "application_incomplete",
            _("The assisted entry is not complete yet; finish its data first."),
            fields={k: " ".join(v) for k, v in problems.items()},
            status=409,
        )


def _guard_not_suspended(application: Application, to: str) -> None:
    # Every arrival at the office (online booking, walk-in, assisted or outreach entry)
    # passes here: no new application while a suspension of the NIK is in force.
    application_require_not_suspended(application)


def _guard_assisted_arrival(application: Application, to: str) -> None:
    _guard_assisted_draft(application, to)
    _guard_not_suspended(application, to)


_GUARDS: dict[tuple[str, str], Callable[[Application, str], None]] = {
    (S.DRAFT, S.DOCUMENT_CHECK): _guard_assisted_arrival,
    (S.SUBMITTED, S.DOCUMENT_CHECK): _guard_not_suspended,
    (S.PAID, S.DOCUMENT_CHECK): _guard_not_suspended,
    (S.ADJUDICATION, S.PRINTING): _guard_paid,
    **{(S.BAP, to): _guard_bap_decided for to in TRANSITIONS[S.BAP]},
    **{(S.POSTPONED, to): _guard_resume for to in TRANSITIONS[S.POSTPONED]},
}


def _require_role(*, application: Application, actor: User | None, roles: Iterable[str]) -> None:
    roles = frozenset(roles)
    if actor is None:
        if SYSTEM not in roles:
            raise Forbidden("role_required", _("This step needs an officer."))
        return
    if application.office is None:
        raise Forbidden("role_required", _("Your role at this office does not allow this action."))
    # Another office's application is not found, whatever the move (even a system-only one).
    office_require_role(user=actor, office=application.office)
    staff_roles = roles - {SYSTEM}
    if not staff_roles:
        raise Forbidden("role_required", _("Your role at this office does not allow this action."))
    office_require_role(user=actor, office=application.office, roles=staff_roles)


def application_transition(
    *,
    application: Application,
    to: str,
    actor: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    expected_from: str | None = None,
    changes: dict[str, Any] | None = None,
) -> Application:
    """Move an application to `to`, or raise ApplicationError and change nothing.

    `expected_from` guards a stale screen: when given, the application must still be in
    that status. `changes` are further fields saved with the move.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=application.pk)
        )
        source = locked.status
        if expected_from is not None and source != expected_from:
            raise ApplicationError(
                "status_changed",
                _("This application has moved on to %(status)s; reload the page.")
                % {"status": locked.get_status_display()},
                status=409,
            )
        targets = allowed_targets(source)
        if to not in targets:
            raise ApplicationError(
                "transition_not_allowed",
                _("An application in %(from)s cannot move to %(to)s.")
                % {"from": locked.get_status_display(), "to": S(to).label},
                status=409,
            )
        _require_role(application=locked, actor=actor, roles=targets[to])
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        guard = _GUARDS.get((source, to))
        if guard is not None:
            guard(locked, to)
        now = timezone.now()
        locked.status = to
        locked.status_changed_at = now
        if to not in SLA_RUNNING:
            locked.risk_flag = RiskFlag.NONE
        locked.save()
        ApplicationEvent.objects.create(
            application=locked,
            from_status=source,
            to_status=to,
            actor=actor if actor is not None and actor.pk else None,
            at=now,
            reason=reason[:300],
            data=data or {},
        )
        audit_record(
            actor=actor,
            action=f"application.{to}",
            target=locked,
            office_code=locked.office.code if locked.office else "",
            changes={"status": [source, to], **({"data": data} if data else {})},
            reason=reason,
        )
    application.refresh_from_db()
    return application


# --- steps --------------------------------------------------------------------------------


def _set_due_date(application: Application, start: dt.datetime) -> dt.date | None:
    if application.office is None:
        return None
    return due_date_for(application=application, start=start)


def application_record_payment(
    *,
    application: Application,
    paid_at: dt.datetime,
    billing_code: str = "",
    actor: User | None = None,
) -> Application:
    """Record the fee as paid (idempotent). A submitted application becomes PAID; one
    already at the office gets its due date now if it had none."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.paid_at is not None:
            return locked
        Application.objects.filter(pk=locked.pk).update(
            paid_at=paid_at, billing_code=billing_code or locked.billing_code
        )
        locked.refresh_from_db()
        if locked.status == S.SUBMITTED:
            return application_transition(
                application=locked,
                to=S.PAID,
                actor=actor,
                data={"billing_code": billing_code},
                reason="payment",
            )
        if locked.status in SLA_RUNNING and locked.due_date is None:
            locked.due_date = _set_due_date(locked, max(paid_at, timezone.now()))
            locked.save(update_fields=["due_date", "updated_at"])
        audit_record(
            actor=actor,
            action="application.paid",
            target=locked,
            office_code=locked.office.code if locked.office else "",
            changes={"billing_code": billing_code},
        )
    return locked


def application_arrive(
    *,
    application: Application,
    actor: User,
    service_class: str = ServiceClass.REGULAR,
    priority_category: str = "",
    paid_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Check-in at the office: the application goes to the document check.

    The due date is computed now when the fee is paid (online bookings pay before the
    visit), otherwise when the office bill is paid. Percepatan after the morning
    cut-off and a due date on a day off are refused by `due_date_for`.
    """
    if service_class not in ServiceClass.values:
        raise ApplicationError("service_class_invalid", _("Unknown service class."))
    if service_class == ServiceClass.PERCEPATAN and application.case_type not in (
        CaseType.NEW,
        CaseType.RENEWAL_EXPIRED,
    ):
        raise ApplicationError(
            "percepatan_not_allowed",
            _("Same-day service is only for new passports and renewals of expired ones."),
            status=409,
        )
    now = now or timezone.now()
    with transaction.atomic():
        application.service_class = service_class
        application.priority_category = priority_category[:16]
        application.percepatan = service_class == ServiceClass.PERCEPATAN or application.percepatan
        paid = paid_at or application.paid_at
        changes: dict[str, Any] = {
            "service_class": service_class,
            "priority_category": application.priority_category,
            "percepatan": application.percepatan,
            "needs_bap": application.case_type in WALK_IN_ONLY_CASES,
            "paid_at": paid,
        }
        if paid is not None:
            changes["due_date"] = due_date_for(application=application, start=now)
        return application_transition(
            application=application,
            to=S.DOCUMENT_CHECK,
            actor=actor,
            changes=changes,
            data={"service_class": service_class, "priority_category": priority_category},
            reason="arrival",
        )


#: The last item of every document checklist: the originals' data agree with each other.
DATA_MATCH = "data_match"


def document_checklist(application: Application) -> list[tuple[str, str]]:
    """The case's checklist for the document check: one item per required document group
    (alternatives joined, e.g. "birth_certificate_diploma_marriage_book"), plus the
    data-match check. Keys are what the officer screen and the API send back."""
    items: list[tuple[str, str]] = []
    if application.applicant_type and application.case_type:
        reqs = requirements_for(
            applicant_type=application.applicant_type, case_type=application.case_type
        )
        items = [("_".join(group), group_label(group)) for group in reqs.groups]
    items.append((DATA_MATCH, _("KTP, KK and certificate data match")))
    return items


def application_documents_checked(
    *,
    application: Application,
    actor: User,
    checklist: dict[str, bool],
    mismatch_note: str = "",
    awaited: list[str] | None = None,
) -> Application:
    """Document check against the originals, item by item of the case's checklist (an
    item not ticked is missing). All present: on to the interview; anything missing or
    awaited: postponed until it is brought (cancelled after 7 days)."""
    items = [key for key, _label in document_checklist(application)]
    unknown = sorted(set(checklist) - set(items))
    if unknown:
        message = _("Not on this case's checklist: %(items)s. Expected: %(expected)s.") % {
            "items": ", ".join(unknown)[:200],
            "expected": ", ".join(items),
        }
        raise ApplicationError("checklist_invalid", message, fields={"checklist": message})
    results = {key: bool(checklist.get(key, False)) for key in items}
    missing = [key for key, ok in results.items() if not ok]
    data = {"checklist": results, "mismatch_note": mismatch_note[:500]}
    if awaited or missing:
        awaited_list = list(awaited or []) or missing
        return application_postpone(
            application=application,
            actor=actor,
            awaited=awaited_list,
            reason=_("Documents missing"),
            data=data,
        )
    return application_transition(
        application=application,
        to=S.INTERVIEW,
        actor=actor,
        data=data,
        expected_from=S.DOCUMENT_CHECK,
    )


def application_interviewed(
    *,
    application: Application,
    actor: User,
    purpose: str,
    destination: str,
    sponsor: str,
    pmi_suspicion: bool,
    notes: str = "",
) -> Application:
    """Structured interview; a suspicion of non-procedural migrant work requires a BAP."""
    fields: dict[str, str] = {}
    if purpose not in Purpose.values:
        fields["purpose"] = _("Choose the purpose of travel.")
    if not destination.strip():
        fields["destination"] = _("Enter the destination country.")
    if fields:
        raise ApplicationError("interview_incomplete", " ".join(fields.values()), fields=fields)
    data = {
        "purpose": purpose[:20],
        "destination": destination[:100],
        "sponsor": sponsor[:150],
        "pmi_suspicion": bool(pmi_suspicion),
        "notes": notes[:500],
    }
    changes: dict[str, Any] = {}
    if pmi_suspicion:
        changes["needs_bap"] = True
    return application_transition(
        application=application,
        to=S.BIOMETRICS,
        actor=actor,
        data=data,
        changes=changes,
        expected_from=S.INTERVIEW,
    )


def _bap_trigger(application: Application) -> str:
    return {
        CaseType.LOST: BapTrigger.LOST,
        CaseType.DAMAGED: BapTrigger.DAMAGED,
        CaseType.DATA_CHANGE: BapTrigger.DATA_CHANGE,
    }.get(CaseType(application.case_type) if application.case_type else None, BapTrigger.INTERVIEW)  # type: ignore[arg-type]


#: Phone and tablet cameras make larger files than a scanner; still far below MAX_PIXELS.
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def application_biometrics_captured(
    *,
    application: Application,
    actor: User,
    fingerprint_ref: str,
    photo_ref: str = "",
    photo: IO[bytes] | None = None,
    photo_name: str = "",
) -> Application:
    """Photo and fingerprints taken. The photo is uploaded (or captured with the device
    camera) and checked by content; a photo taken by an external camera system may be
    recorded by its reference instead. The fingerprint device is outside Loket: we keep
    its capture reference."""
    fields: dict[str, str] = {}
    if not fingerprint_ref.strip():
        fields["fingerprint_ref"] = _("Enter the capture reference of the fingerprint device.")
    if photo is None and not photo_ref.strip():
        fields["photo"] = _("Take or upload the applicant's photo (or enter its reference).")
    if fields:
        raise ApplicationError(
            "biometrics_incomplete",
            " ".join(fields.values()),
            fields=fields,
        )
    clean = (
        upload_validate(
            photo,
            name=photo_name,
            field="photo",
            allowed=("jpeg", "png"),
            max_bytes=PHOTO_MAX_BYTES,
        )
        if photo is not None
        else None
    )
    data = {
        "fingerprint_ref": fingerprint_ref.strip()[:60],
        "photo_ref": (f"upload:{clean.sha256[:16]}" if clean else photo_ref.strip()[:200]),
    }
    with transaction.atomic():
        to = S.BAP if application.needs_bap else S.ADJUDICATION
        application = application_transition(
            application=application,
            to=to,
            actor=actor,
            data=data,
            expected_from=S.BIOMETRICS,
        )
        if clean is not None:
            office_code = application.office.code if application.office else "none"
            BiometricPhoto.objects.update_or_create(
                application=application,
                defaults={
                    "path": upload_store(clean, folder=f"photos/{office_code}"),
                    "content_type": clean.content_type,
                    "size": len(clean.content),
                    "sha256": clean.sha256,
                    "taken_by": actor,
                    "taken_at": timezone.now(),
                },
            )
        if to == S.BAP:
            Bap.objects.get_or_create(
                application=application, defaults={"trigger": _bap_trigger(application)}
            )
    return application


def application_adjudicate(
    *,
    application: Application,
    actor: User,
    decision: str,
    reason: str = "",
    awaited: list[str] | None = None,
) -> Application:
    """approve -> print queue (only when paid); refuse (fee not refunded); postpone; bap."""
    if decision == "approve":
        return application_transition(
            application=application, to=S.PRINTING, actor=actor, expected_from=S.ADJUDICATION
        )
    if decision == "refuse":
        return application_refuse(application=application, actor=actor, reason=reason)
    if decision == "postpone":
        return application_postpone(
            application=application, actor=actor, awaited=awaited or [], reason=reason
        )
    if decision == "bap":
        with transaction.atomic():
            application = application_transition(
                application=application,
                to=S.BAP,
                actor=actor,
                reason=reason,
                changes={"needs_bap": True},
                expected_from=S.ADJUDICATION,
            )
            Bap.objects.get_or_create(
                application=application, defaults={"trigger": _bap_trigger(application)}
            )
        return application
    raise ApplicationError("decision_invalid", _("Choose a decision."))


def application_refuse(*, application: Application, actor: User, reason: str) -> Application:
    if not reason.strip():
        raise ApplicationError(
            "reason_required",
            _("A refusal needs its reason."),
            fields={"reason": _("Required.")},
        )
    outcome = {**application.outcome, "reason": reason[:300], "fee_refunded": False}
    return application_transition(
        application=application,
        to=S.REFUSED,
        actor=actor,
        reason=reason,
        changes={"outcome": outcome},
    )


def application_postpone(
    *,
    application: Application,
    actor: User | None,
    awaited: list[str],
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Application:
    """Ditunda: stop the clock and list what is awaited; resumes at the same step."""
    awaited = [str(a)[:200] for a in awaited if str(a).strip()]
    if not awaited:
        raise ApplicationError(
            "awaited_required",
            _("Say what the office is waiting for (a document, a recommendation)."),
            fields={"awaited": _("Required.")},
        )
    outcome = {
        **application.outcome,
        "awaited": awaited,
        "resume_to": application.status,
        "postponed_at": timezone.now().isoformat(),
    }
    return application_transition(
        application=application,
        to=S.POSTPONED,
        actor=actor,
        reason=reason or _("Postponed"),
        data={**(data or {}), "awaited": awaited},
        changes={"outcome": outcome},
    )


def application_resume(*, application: Application, actor: User) -> Application:
    to = application.outcome.get("resume_to", "")
    if to not in TRANSITIONS[S.POSTPONED]:
        raise ApplicationError("resume_elsewhere", _("Nothing to resume."), status=409)
    return application_transition(
        application=application, to=to, actor=actor, expected_from=S.POSTPONED, reason="resume"
    )


def _take_blank(application: Application) -> BlankStock:
    # Conditional UPDATE and row count (style rule 6): two printers never take one blank.
    taken = BlankStock.objects.filter(
        office=application.office, book_type=application.book_type, quantity__gt=0
    ).update(quantity=F("quantity") - 1)
    if taken != 1:
        raise ApplicationError(
            "no_blank_stock",
            _("No %(type)s blanks are left at this office: printing is not possible.")
            % {"type": application.get_book_type_display()},
            status=409,
        )
    stock = BlankStock.objects.get(office=application.office, book_type=application.book_type)
    # Blanks leave one at a time, so exactly one print lands on the threshold: that one
    # tells the supervisors. The counter makes each crossing (after a restock) its own mail.
    if stock.quantity == stock.low_threshold:
        BlankStock.objects.filter(pk=stock.pk).update(low_alerts=F("low_alerts") + 1)
        stock.refresh_from_db()
        _notify_low_stock(stock)
    return stock


def _notify_low_stock(stock: BlankStock) -> None:
    office = stock.office
    emails = sorted(
        {
            email
            for email in StaffRole.objects.filter(
                office=office, role__in=sorted(SUPERVISOR_ROLES)
            ).values_list("user__email", flat=True)
            if email
        }
    )
    for email in emails:
        send_email(
            to=email,
            subject=_("Passport blanks running low at %(office)s: %(type)s")
            % {"office": office.name, "type": stock.get_book_type_display()},
            body=_(
                "Only %(quantity)s %(type)s blanks are left at %(office)s (flagged as low at "
                "%(threshold)s). Order new blanks before printing stops.\n\n"
                "Loket — passport service"
            )
            % {
                "quantity": stock.quantity,
                "type": stock.get_book_type_display(),
                "office": office.name,
                "threshold": stock.low_threshold,
            },
            dedupe_key=(
                f"blank-low:{office.code}:{stock.book_type}:{stock.low_alerts}:"
                f"{hashlib.sha256(email.encode()).hexdigest()[:12]}"
            ),
            office_code=office.code,
        )


def application_print(*, application: Application, actor: User) -> Application:
    """Print on one blank of the application's book type; refuses without stock or payment."""
    with transaction.atomic():
        application = application_transition(
            application=application, to=S.QC, actor=actor, expected_from=S.PRINTING
        )
        if application.paid_at is None:  # pragma: no cover - guarded before printing
            _guard_paid(application, S.QC)
        stock = _take_blank(application)
        audit_record(
            actor=actor,
            action="blank_stock.take",
            target=stock,
            office_code=application.office.code if application.office else "",
            changes={"quantity": stock.quantity, "low": stock.is_low},
        )
    return application


def application_qc(
    *, application: Application, actor: User, passed: bool, note: str = ""
) -> Application:
    """QC and signature: passed -> ready (the applicant is told); failed -> print again."""
    if passed:
        with transaction.atomic():
            application = application_transition(
                application=application,
                to=S.READY,
                actor=actor,
                data={"note": note[:300]},
                expected_from=S.QC,
            )
            if application.email:
                office_name = application.office.name if application.office else ""
                send_email(
                    to=application.email,
                    subject=_("Your passport is ready for pickup"),
                    body=_(
                        "Dear %(name)s,\n\nYour passport is ready for pickup at %(office)s. "
                        "Choose how to collect it (at the counter, drive-thru, courier or by "
                        "proxy): %(pickup_url)s\n\nBring your identity card and the payment "
                        "receipt. A passport that is not collected within 30 days is "
                        "cancelled.\n\nLoket — passport service"
                    )
                    % {
                        "name": application.full_name,
                        "office": office_name,
                        "pickup_url": pickup_link(application),
                    }
                    + "\n\n"
                    + _("How was our service? Tell us in a short anonymous survey: %(url)s")
                    % {"url": survey_link(application)},
                    dedupe_key=f"application-ready:{application.public_id}",
                    office_code=application.office.code if application.office else "",
                )
        return application
    if not note.strip():
        raise ApplicationError(
            "reason_required",
            _("Say what failed the quality check."),
            fields={"note": _("Required.")},
        )
    return application_transition(
        application=application,
        to=S.PRINTING,
        actor=actor,
        reason=note,
        expected_from=S.QC,
    )


def application_cancel_office(
    *, application: Application, actor: User | None, reason: str
) -> Application:
    """Cancel at the office: unpaid, documents not completed in 7 days, not collected."""
    return application_transition(
        application=application, to=S.CANCELLED, actor=actor, reason=reason
    )
