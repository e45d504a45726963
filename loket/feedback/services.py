"""Writes of complaints and surveys. Atomic, audited, keyword-only.

Every complaint status change goes through `complaint_transition`, which enforces the
transition map of choices.TRANSITIONS and writes the event row and the audit line in
the caller's transaction; a public change also queues an email to the complainant.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from loket.core.audit import audit_record
from loket.core.calendar import add_working_days, local_date
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.models import User
from loket.core.uploads import DEFAULT_MAX_BYTES, upload_store, upload_validate
from loket.feedback import ikm
from loket.feedback.choices import (
    ESCALATION_ROLES,
    HANDLER_ROLES,
    HANDLING_RUNNING,
    RATEABLE,
    REOPENABLE,
    REPLYABLE,
    RESTRICTED_CATEGORIES,
    RESTRICTED_ROLES,
    SURVEY_REPORT_ROLES,
    SURVEY_STAFF_ROLES,
    TRANSITIONS,
    AgeGroup,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    Education,
    EventKind,
    Occupation,
    ServiceType,
    Sex,
    SlaClass,
)
from loket.feedback.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintFilingAttempt,
    ComplaintSequence,
    IkmResponse,
    IpkAnswer,
    IpkResponse,
    ServedCount,
    SurveyInvitation,
)
from loket.feedback.selectors import (
    complaint_assignable_staff,
    complaints_overdue_q,
    complaints_visible_to,
    ipk_questions_for,
    sla_policy_for,
    token_hash,
)
from loket.notifications.choices import Channel
from loket.notifications.services import notification_enqueue
from loket.offices.models import Office, StaffRole
from loket.offices.selectors import office_require_role

MAX_ATTACHMENTS = 3
ATTACHMENT_MAX_BYTES = DEFAULT_MAX_BYTES


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def public_url(path: str) -> str:
    base = str(getattr(settings, "LOKET_PUBLIC_URL", "http://localhost:8000")).rstrip("/")
    return f"{base}{path}"


def complaint_follow_path(complaint: Complaint, token: str) -> str:
    return reverse("feedback:complaint_follow", args=[complaint.tracking_number, token])


# ---------------------------------------------------------------- filing


@dataclass(frozen=True)
class FiledComplaint:
    complaint: Complaint
    access_token: str

    @property
    def follow_path(self) -> str:
        return complaint_follow_path(self.complaint, self.access_token)


@dataclass(frozen=True)
class AttachmentIn:
    file: IO[bytes]
    name: str


def complaint_throttle_check(*, ip: str | None) -> None:
    """Refuse a filing without an account when this address filed too many lately.

    A DB table like the login throttle (every app node counts the same), with a generous
    limit because an office's visitor Wi-Fi puts many people behind one address.
    """
    if not ip:
        return
    window = dt.timedelta(seconds=_setting("LOKET_COMPLAINT_WINDOW_SECONDS", 3600))
    limit = _setting("LOKET_COMPLAINT_MAX_PER_IP", 10)
    since = timezone.now() - window
    ComplaintFilingAttempt.objects.filter(at__lt=since - window).delete()  # keep it small
    if ComplaintFilingAttempt.objects.filter(ip_address=ip, at__gte=since).count() >= limit:
        raise ApplicationError(
            "complaint_rate_limited",
            _(
                "Too many complaints were sent from this connection. Try again in an hour, or call the office."
            ),
            status=429,
        )


def _next_tracking_number(office: Office, year: int) -> str:
    ComplaintSequence.objects.get_or_create(office=office, year=year)
    # One conditional UPDATE (style rule 6): the row lock serialises concurrent filers.
    ComplaintSequence.objects.filter(office=office, year=year).update(last=F("last") + 1)
    serial = ComplaintSequence.objects.get(office=office, year=year).last
    return f"PGD-{office.code}-{year}-{serial:06d}"


def complaint_file(
    *,
    office: Office,
    category: str,
    summary: str,
    description: str,
    channel: str = ComplaintChannel.WEB,
    application_ref: str = "",
    ticket_ref: str = "",
    reported_officer_text: str = "",
    name: str = "",
    email: str = "",
    phone: str = "",
    anonymous: bool = True,
    consent_forward_identity: bool = False,
    attachments: Iterable[AttachmentIn] = (),
    user: User | None = None,
    ip: str | None = None,
    language: str = "id",
) -> FiledComplaint:
    """File a complaint; returns it with its access token (shown once, never stored)."""
    if not office.is_active:
        raise NotFound("office_not_found", _("Office not found."))
    ComplaintCategory(category)
    ComplaintChannel(channel)
    if not summary.strip() or not description.strip():
        raise ApplicationError(
            "complaint_incomplete",
            _("Say briefly what happened."),
            fields={"summary" if not summary.strip() else "description": _("Required.")},
        )
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ApplicationError(
                "invalid_email",
                _("Enter a valid email address."),
                fields={"email": _("Enter a valid email address.")},
            ) from None
    files = list(attachments)
    if len(files) > MAX_ATTACHMENTS:
        raise ApplicationError(
            "too_many_attachments",
            _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS},
            fields={"attachments": _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS}},
        )
    # Validate every file before writing anything, so a bad one refuses the whole filing.
    clean = [
        upload_validate(f.file, name=f.name, field="attachments", max_bytes=ATTACHMENT_MAX_BYTES)
        for f in files
    ]
    if user is None:
        complaint_throttle_check(ip=ip)
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    policy = sla_policy_for(office)
    if anonymous:
        name = ""  # an anonymous complainant's name is not kept; the email only notifies
    with transaction.atomic():
        complaint = Complaint.objects.create(
            office=office,
            tracking_number=_next_tracking_number(office, local_date(office, now).year),
            access_token_hash=token_hash(token),
            category=category,
            restricted=category in RESTRICTED_CATEGORIES,
            channel=channel,
            summary=summary.strip()[:200],
            description=description.strip(),
            application_ref=application_ref.strip()[:40],
            ticket_ref=ticket_ref.strip()[:40],
            reported_officer_text=reported_officer_text.strip()[:200],
            anonymous=anonymous,
            complainant_user=user,
            complainant_name=name.strip()[:150],
            complainant_email=email.strip().lower(),
            complainant_phone=phone.strip()[:20],
            consent_forward_identity=consent_forward_identity and not anonymous,
            language=language if language in ("id", "en") else "id",
            verify_due=add_working_days(office, now, policy.verify_days),
            created_at=now,
        )
        for item in clean:
            ComplaintAttachment.objects.create(
                complaint=complaint,
                path=upload_store(item, folder=f"complaints/{office.code}"),
                original_name=item.original_name,
                content_type=item.content_type,
                sha256=item.sha256,
                size=len(item.content),
            )
        event = ComplaintEvent.objects.create(
            complaint=complaint,
            kind=EventKind.FILED,
            to_status=ComplaintStatus.SUBMITTED,
            actor=user,
            at=now,
            public=True,
        )
        audit_record(
            actor=user,
            action="complaint.file",
            target=complaint,
            office_code=office.code,
            changes={"category": category, "channel": channel, "attachments": len(clean)},
        )
        if user is None and ip:
            ComplaintFilingAttempt.objects.create(ip_address=ip, at=now)
        _notify(
            complaint,
            event,
            subject=gettext_noop("Complaint %(number)s received"),
            body=gettext_noop(
                "We received your complaint %(number)s. We will verify it by %(date)s.\n\n"
                "Follow it here (keep this link private):\n%(url)s"
            ),
            extra={"url": public_url(complaint_follow_path(complaint, token))},
        )
    return FiledComplaint(complaint, token)


# ---------------------------------------------------------------- transitions


def _notify(
    complaint: Complaint,
    event: ComplaintEvent,
    *,
    subject: str,
    body: str,
    extra: Mapping[str, str] | None = None,
) -> None:
    """Queue an email to the complainant about a public event, in their language."""
    if not complaint.complainant_email or not event.public:
        return
    with translation.override(complaint.language):
        values = {
            "number": complaint.tracking_number,
            "date": complaint.verify_due.isoformat(),
            "due": complaint.due_date.isoformat() if complaint.due_date else "",
            "status": str(ComplaintStatus(complaint.status).label),
            "message": event.message,
            "url": public_url(reverse("feedback:complaint_lookup")),
            **(extra or {}),
        }
        notification_enqueue(
            channel=Channel.EMAIL,
            recipient=complaint.complainant_email,
            subject=_(subject) % values,
            body=_(body) % values,
            dedupe_key=f"complaint-event:{event.pk}",
            office_code=complaint.office.code,
        )


STATUS_SUBJECT = gettext_noop("Complaint %(number)s: status changed")
STATUS_EMAIL = gettext_noop(
    "The status of your complaint %(number)s is now: %(status)s.\n\n%(message)s\n\n"
    "Follow it with the link from our first message, or at %(url)s with your access code."
)


def complaint_transition(
    *,
    complaint: Complaint,
    to: str,
    actor: User | None,
    reason: str = "",
    message: str = "",
    public: bool = True,
    kind: str = EventKind.STATUS,
) -> ComplaintEvent:
    """Move a complaint to `to` if the map allows it; write its event and audit line.

    Call inside the caller's transaction, with the complaint row locked.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("complaint_transition must run inside a transaction.")
    before = complaint.status
    if to not in TRANSITIONS[before]:
        raise ApplicationError(
            "invalid_transition",
            _("A complaint that is “%(from)s” cannot become “%(to)s”.")
            % {"from": ComplaintStatus(before).label, "to": ComplaintStatus(to).label},
            status=409,
        )
    now = timezone.now()
    complaint.status = to
    complaint.save()
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        from_status=before,
        to_status=to,
        actor=actor,
        at=now,
        reason=reason[:300],
        message=message,
        public=public,
    )
    audit_record(
        actor=actor,
        action=f"complaint.{to}",
        target=complaint,
        office_code=complaint.office.code,
        changes={"status": [before, to]},
        reason=reason,
    )
    _notify(complaint, event, subject=STATUS_SUBJECT, body=STATUS_EMAIL)
    return event


def _locked_for_staff(actor: User, complaint: Complaint) -> Complaint:
    """Re-read the complaint under a row lock, through the actor's visibility."""
    locked = (
        complaints_visible_to(actor).select_for_update(of=("self",)).filter(pk=complaint.pk).first()
    )
    if locked is None:
        raise NotFound("complaint_not_found", _("Complaint not found."))
    roles = RESTRICTED_ROLES if locked.restricted else HANDLER_ROLES
    office_require_role(user=actor, office=locked.office, roles=roles)
    return locked


def complaint_verify(
    *,
    actor: User,
    complaint: Complaint,
    category: str,
    sla_class: str,
    reported_officer: User | None = None,
    note: str = "",
) -> Complaint:
    """Verify and classify: the handling clock starts now, on the office calendar.

    The due date counts `class_days` working days from the verification day (SP4N-LAPOR!
    starts the handling period once a report is verified and routed).
    """
    ComplaintCategory(category)
    SlaClass(sla_class)
    with transaction.atomic():
        c = _locked_for_staff(actor, complaint)
        if reported_officer is not None:
            if reported_officer.pk == actor.pk:
                raise Forbidden(
                    "complaint_conflict", _("You cannot handle a complaint about yourself.")
                )
            if not StaffRole.objects.filter(user=reported_officer, office=c.office).exists():
                raise ApplicationError(
                    "officer_not_in_office",
                    _("That officer does not work at this office."),
                    fields={"reported_officer": _("Choose an officer of this office.")},
                )
        now = timezone.now()
        policy = sla_policy_for(c.office)
        before = {"category": c.category, "sla_class": c.sla_class}
        c.category = category
        c.restricted = category in RESTRICTED_CATEGORIES
        c.sla_class = sla_class
        c.verified_at = now
        c.due_date = add_working_days(c.office, now, policy.class_days(sla_class))
        if reported_officer is not None:
            c.reported_officer = reported_officer
            if c.assigned_to_id == reported_officer.pk:
                c.assigned_to = None
        ComplaintEvent.objects.create(
            complaint=c,
            kind=EventKind.CLASSIFIED,
            from_status=c.status,
            to_status=c.status,
            actor=actor,
            at=now,
            message=note,
            public=False,
            reason=f"{before['category']}->{category}; sla={sla_class}",
        )
        complaint_transition(
            complaint=c, to=ComplaintStatus.VERIFIED, actor=actor, reason="verified"
        )
    return c


def complaint_reject(*, actor: User, complaint: Complaint, reason: str) -> Complaint:
    """Not accepted as a complaint (out of scope, duplicate): the reason goes to the public."""
    if not reason.strip():
        raise ApplicationError(
            "reason_required",
            _("Explain to the complainant why."),
            fields={"message": _("Required.")},
        )
    with transaction.atomic():
        c = _locked_for_staff(actor, complaint)
        complaint_transition(
            complaint=c,
            to=ComplaintStatus.REJECTED,
            actor=actor,
            reason="rejected",
            message=reason.strip(),
        )
    return c


def complaint_assign(*, actor: User, complaint: Complaint, assignee: User) -> Complaint:
    with transaction.atomic():
        c = _locked_for_staff(actor, complaint)
        if c.status not in HANDLING_RUNNING:
            raise ApplicationError(
                "not_assignable",
                _("Only a verified complaint that is being handled can be assigned."),
                status=409,
            )
        if not complaint_assignable_staff(complaint=c).filter(pk=assignee.pk).exists():
            raise ApplicationError(
                "assignee_not_allowed",
                _("This officer cannot handle this complaint."),
                fields={"assignee": _("Choose another officer.")},
            )
        c.assigned_to = assignee
        if c.status == ComplaintStatus.IN_PROGRESS:
            c.save()
            ComplaintEvent.objects.create(
                complaint=c,
                kind=EventKind.ASSIGNED,
                from_status=c.status,
                to_status=c.status,
                actor=actor,
                reason=f"assigned to {assignee.pk}",
            )
            audit_record(
                actor=actor,
                action="complaint.assign",
                target=c,
                office_code=c.office.code,
                changes={"assigned_to": assignee.pk},
            )
        else:
            complaint_transition(
                complaint=c,
                to=ComplaintStatus.IN_PROGRESS,
                actor=actor,
                reason=f"assigned to {assignee.pk}",
                kind=EventKind.ASSIGNED,
            )
    return c


def complaint_reply(
    *, actor: User, complaint: Complaint, message: str, public: bool, final: bool = False
) -> ComplaintEvent:
    """A reply to the complainant (public) or a note for colleagues (internal).

    A `final` public reply answers the complaint: the SLA clock stops and we record
    whether it was on time. An internal note never reaches the complainant.
    """
    if not message.strip():
        raise ApplicationError(
            "message_required", _("Write the reply."), fields={"message": _("Required.")}
        )
    if final and not public:
        raise ApplicationError(
            "final_reply_public",
            _("The answer that closes the handling must be a public reply."),
            fields={"public": _("An answer must be public.")},
        )
    with transaction.atomic():
        c = _locked_for_staff(actor, complaint)
        if c.status not in REPLYABLE:
            raise ApplicationError(
                "not_replyable",
                _("Verify the complaint first; a closed complaint takes no more replies."),
                status=409,
            )
        now = timezone.now()
        if final and c.status != ComplaintStatus.ANSWERED:
            policy = sla_policy_for(c.office)
            c.answered_at = now
            c.answered_on_time = c.due_date is None or local_date(c.office, now) <= c.due_date
            c.reopen_until = add_working_days(c.office, now, policy.reopen_days)
            return complaint_transition(
                complaint=c,
                to=ComplaintStatus.ANSWERED,
                actor=actor,
                reason="answered",
                message=message.strip(),
                kind=EventKind.REPLY,
            )
        event = ComplaintEvent.objects.create(
            complaint=c,
            kind=EventKind.REPLY if public else EventKind.NOTE,
            from_status=c.status,
            to_status=c.status,
            actor=actor,
            at=now,
            message=message.strip(),
            public=public,
        )
        audit_record(
            actor=actor,
            action="complaint.reply" if public else "complaint.note",
            target=c,
            office_code=c.office.code,
            changes={"public": public},
        )
        _notify(
            c,
            event,
            subject=gettext_noop("Complaint %(number)s: a reply"),
            body=gettext_noop(
                "There is a reply to your complaint %(number)s:\n\n%(message)s\n\n"
                "Follow it with the link from our first message, or at %(url)s with your access code."
            ),
        )
    return event


def complaint_close(*, actor: User, complaint: Complaint, reason: str = "") -> Complaint:
    with transaction.atomic():
        c = _locked_for_staff(actor, complaint)
        if c.answered_at is None:
            raise ApplicationError(
                "reply_required",
                _("Answer the complaint publicly before closing it."),
                status=409,
            )
        c.closed_at = timezone.now()
        complaint_transition(
            complaint=c,
            to=ComplaintStatus.CLOSED,
            actor=actor,
            reason=reason or "closed",
            message=reason,
        )
    return c


def _locked_for_complainant(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("office").get(pk=complaint.pk)


def _within_reopen_period(c: Complaint) -> bool:
    return c.reopen_until is not None and local_date(c.office, timezone.now()) <= c.reopen_until


def complaint_rate(*, complaint: Complaint, score: int, comment: str = "") -> Complaint:
    """The complainant rates the answer (1–4), once, within the reopen period."""
    if not 1 <= score <= 4:
        raise ApplicationError(
            "score_out_of_range",
            _("Choose a score from 1 to 4."),
            fields={"score": _("Choose a score from 1 to 4.")},
        )
    with transaction.atomic():
        c = _locked_for_complainant(complaint)
        if c.status not in RATEABLE or not _within_reopen_period(c):
            raise ApplicationError(
                "not_rateable", _("This complaint cannot be rated now."), status=409
            )
        if c.rating is not None:
            raise ApplicationError(
                "already_rated", _("You have already rated this answer."), status=409
            )
        c.rating = score
        c.rating_comment = comment.strip()[:500]
        c.save()
        ComplaintEvent.objects.create(
            complaint=c,
            kind=EventKind.RATED,
            from_status=c.status,
            to_status=c.status,
            reason=f"rating={score}",
            message=c.rating_comment,
            public=True,
        )
        audit_record(
            actor=None,
            action="complaint.rate",
            target=c,
            office_code=c.office.code,
            changes={"rating": score},
        )
    return c


def complaint_reopen(*, complaint: Complaint, reason: str) -> Complaint:
    """The complainant is not satisfied: the handling clock starts again (same class)."""
    if not reason.strip():
        raise ApplicationError(
            "reason_required",
            _("Tell us what is still wrong."),
            fields={"reason": _("Required.")},
        )
    with transaction.atomic():
        c = _locked_for_complainant(complaint)
        if c.status not in REOPENABLE or not _within_reopen_period(c):
            raise ApplicationError(
                "not_reopenable",
                _("This complaint can no longer be reopened; file a new one."),
                status=409,
            )
        now = timezone.now()
        policy = sla_policy_for(c.office)
        c.reopen_count += 1
        c.answered_at = None
        c.answered_on_time = None
        c.closed_at = None
        c.rating = None
        c.rating_comment = ""
        c.reopen_until = None
        c.due_date = add_working_days(
            c.office, now, policy.class_days(c.sla_class or SlaClass.MEDIUM)
        )
        complaint_transition(
            complaint=c,
            to=ComplaintStatus.REOPENED,
            actor=None,
            reason="reopened",
            message=reason.strip(),
        )
    return c


# ---------------------------------------------------------------- escalation


def complaints_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate every complaint past its current due date to the office's supervisors.

    Idempotent and safe when two copies run at once: each miss (complaint × due date) is
    claimed with one conditional UPDATE, and each email carries a dedupe key.
    """
    now = now or timezone.now()
    escalated = 0
    for office in Office.objects.filter(complaints__isnull=False).distinct():
        today = local_date(office, now)
        candidates = Complaint.objects.filter(office=office).filter(complaints_overdue_q(today))
        for complaint in candidates.only("pk", "status", "verify_due", "due_date"):
            due = complaint.current_due
            if due is None:
                continue
            with transaction.atomic():
                won = (
                    Complaint.objects.filter(pk=complaint.pk, status=complaint.status)
                    .exclude(escalated_due=due)
                    .update(escalated_due=due, escalated_at=now)
                )
                if not won:
                    continue
                c = Complaint.objects.select_related("office").get(pk=complaint.pk)
                _escalate(c, due, now)
                escalated += 1
    return escalated


def _escalate(c: Complaint, due: dt.date, now: dt.datetime) -> None:
    roles = RESTRICTED_ROLES if c.restricted else ESCALATION_ROLES
    supervisors = (
        User.objects.filter(
            is_active=True, staff_roles__office=c.office, staff_roles__role__in=roles
        )
        .exclude(pk=c.reported_officer_id or 0)
        .distinct()
        .order_by("pk")
    )
    ComplaintEvent.objects.create(
        complaint=c,
        kind=EventKind.ESCALATED,
        from_status=c.status,
        to_status=c.status,
        at=now,
        reason=f"overdue since {due.isoformat()}",
        public=False,
    )
    audit_record(
        actor=None,
        action="complaint.escalate",
        target=c,
        office_code=c.office.code,
        changes={"due": due.isoformat(), "supervisors": [u.pk for u in supervisors]},
    )
    for user in supervisors:
        with translation.override(user.preferred_language):
            notification_enqueue(
                channel=Channel.EMAIL,
                recipient=user.email,
                subject=_("Overdue complaint %(number)s") % {"number": c.tracking_number},
                body=_(
                    "Complaint %(number)s at %(office)s was due on %(due)s and has not been "
                    "handled. Open it at %(url)s"
                )
                % {
                    "number": c.tracking_number,
                    "office": c.office.name,
                    "due": due.isoformat(),
                    "url": public_url(
                        reverse("feedback:staff_complaint_detail", args=[c.tracking_number])
                    ),
                },
                dedupe_key=f"complaint-escalation:{c.pk}:{due.isoformat()}:{user.pk}",
                office_code=c.office.code,
            )


# ---------------------------------------------------------------- surveys

SURVEY_SALT = "loket.feedback.survey"


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: SurveyInvitation
    token: str

    @property
    def path(self) -> str:
        return reverse("feedback:survey", args=[self.token])


def survey_invitation_create(
    *,
    office: Office,
    visit_ref: str,
    service_type: str,
    actor: User | None = None,
    includes_ipk: bool = True,
) -> IssuedInvitation:
    """Issue a one-time survey token for a finished visit (IKM, and IPK unless told not).

    One invitation per visit: asking again for the same visit replaces the unused token
    (a reprinted slip), and refuses once the visit's survey was answered. The queueing and
    pickup apps call this when a visit ends; staff can issue slips by hand meanwhile.
    """
    ServiceType(service_type)
    visit_ref = visit_ref.strip()[:60]
    if actor is not None:
        office_require_role(user=actor, office=office, roles=SURVEY_STAFF_ROLES)
    nonce = secrets.token_urlsafe(18)
    token = signing.Signer(salt=SURVEY_SALT).sign(nonce)
    now = timezone.now()
    expires = now + dt.timedelta(days=_setting("LOKET_SURVEY_INVITATION_DAYS", 30))
    with transaction.atomic():
        existing = (
            SurveyInvitation.objects.select_for_update()
            .filter(office=office, visit_ref=visit_ref)
            .first()
            if visit_ref
            else None
        )
        if existing is not None and existing.used_at is not None:
            raise ApplicationError(
                "survey_already_answered",
                _("The survey for this visit has already been answered."),
                status=409,
            )
        if existing is not None:
            existing.nonce_hash = token_hash(nonce)
            existing.expires_at = expires
            existing.service_type = service_type
            existing.includes_ipk = includes_ipk
            existing.save()
            invitation = existing
        else:
            invitation = SurveyInvitation.objects.create(
                office=office,
                visit_ref=visit_ref,
                service_type=service_type,
                includes_ikm=True,
                includes_ipk=includes_ipk,
                nonce_hash=token_hash(nonce),
                created_at=now,
                created_by=actor,
                expires_at=expires,
            )
        audit_record(
            actor=actor,
            action="survey.invite",
            target=invitation,
            office_code=office.code,
            changes={"visit_ref": visit_ref, "service_type": service_type},
        )
    return IssuedInvitation(invitation, token)


def survey_invitation_check(*, token: str) -> SurveyInvitation:
    """The invitation behind a token, or a clear refusal (forged, unknown, used, expired)."""
    try:
        nonce = signing.Signer(salt=SURVEY_SALT).unsign(token or "")
    except signing.BadSignature:
        raise ApplicationError(
            "survey_token_invalid",
            _("This survey link is not valid. Use the link or QR code from your slip."),
            status=404,
        ) from None
    invitation = (
        SurveyInvitation.objects.select_related("office")
        .filter(nonce_hash=token_hash(nonce))
        .first()
    )
    if invitation is None:
        raise ApplicationError(
            "survey_token_invalid",
            _("This survey link is not valid. Use the link or QR code from your slip."),
            status=404,
        )
    if invitation.used_at is not None:
        raise ApplicationError(
            "survey_token_used",
            _("This survey has already been answered. Thank you!"),
            status=409,
        )
    if invitation.expires_at <= timezone.now():
        raise ApplicationError(
            "survey_token_expired", _("This survey link has expired."), status=410
        )
    return invitation


@dataclass(frozen=True)
class Profile:
    sex: str
    age_group: str
    education: str
    occupation: str


def _scores_check(
    scores: Mapping[str, object], expected: Iterable[str], prefix: str
) -> dict[str, int]:
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for code in expected:
        value = scores.get(code)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
            errors[f"{prefix}{code}"] = _("Choose a score from 1 to 4.")
        else:
            clean[code] = value
    unknown = set(scores) - set(expected)
    for code in unknown:
        errors[f"{prefix}{code}"] = _("Unknown question.")
    if errors:
        raise ApplicationError(
            "survey_invalid", _("Some answers are missing or out of range."), fields=errors
        )
    return clean


def survey_submit(
    *,
    token: str,
    ikm_scores: Mapping[str, object] | None,
    ipk_scores: Mapping[str, object] | None,
    profile: Profile,
    comment: str = "",
    ipk_comment: str = "",
) -> SurveyInvitation:
    """Record one anonymous response and use up the token, atomically.

    The response is not linked to the invitation (anonymity towards officers); the token
    is claimed with a conditional UPDATE so a double submit records one response only.
    """
    invitation = survey_invitation_check(token=token)
    office = invitation.office
    ikm_clean = _scores_check(ikm_scores or {}, ikm.ELEMENT_CODES, "ikm.")
    questions = ipk_questions_for(office) if invitation.includes_ipk else []
    ipk_clean = _scores_check(ipk_scores or {}, [q.code for q in questions], "ipk.")
    profile_errors = {
        name: _("Choose one.")
        for name, value, choices in (
            ("sex", profile.sex, Sex),
            ("age_group", profile.age_group, AgeGroup),
            ("education", profile.education, Education),
            ("occupation", profile.occupation, Occupation),
        )
        if value not in choices.values
    }
    if profile_errors:
        raise ApplicationError(
            "survey_invalid", _("Some answers are missing or out of range."), fields=profile_errors
        )
    now = timezone.now()
    today = local_date(office, now)
    with transaction.atomic():
        claimed = SurveyInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not claimed:
            raise ApplicationError(
                "survey_token_used",
                _("This survey has already been answered. Thank you!"),
                status=409,
            )
        IkmResponse.objects.create(
            office=office,
            service_type=invitation.service_type,
            submitted_on=today,
            sex=profile.sex,
            age_group=profile.age_group,
            education=profile.education,
            occupation=profile.occupation,
            comment=comment.strip()[:2000],
            **ikm_clean,
        )
        if questions:
            response = IpkResponse.objects.create(
                office=office,
                service_type=invitation.service_type,
                submitted_on=today,
                comment=ipk_comment.strip()[:2000],
            )
            IpkAnswer.objects.bulk_create(
                IpkAnswer(response=response, question=q, score=ipk_clean[q.code]) for q in questions
            )
        # The audit line names the invitation, not the response: no link between them.
        audit_record(actor=None, action="survey.answer", target=invitation, office_code=office.code)
    return invitation


def served_count_set(
    *,
    actor: User,
    office: Office,
    period_kind: str,
    period_start: dt.date,
    service_type: str,
    count: int,
) -> ServedCount:
    office_require_role(user=actor, office=office, roles=SURVEY_REPORT_ROLES)
    if count < 0:
        raise ApplicationError(
            "count_negative", _("Enter zero or more."), fields={"count": _("Enter zero or more.")}
        )
    try:
        with transaction.atomic():
            row, created = ServedCount.objects.update_or_create(
                office=office,
                period_kind=period_kind,
                period_start=period_start,
                service_type=service_type,
                defaults={"count": count, "entered_by": actor},
            )
            audit_record(
                actor=actor,
                action="survey.served_count",
                target=row,
                office_code=office.code,
                changes={"count": count, "created": created},
            )
    except IntegrityError:  # two staff saved the same period at once; the other won
        row = ServedCount.objects.get(
            office=office,
            period_kind=period_kind,
            period_start=period_start,
            service_type=service_type,
        )
    return row
