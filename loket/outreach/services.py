"""Writes of outreach (jemput bola): partner sign-up, visit requests and the office's
answer, members and their applications, and the group's tickets on the day.

Places on an offered date are taken with one conditional UPDATE and given back when a
visit is declined or cancelled (style rule 6). Every change of a visit goes through
`VISIT_FLOW` (event row + audit line); emails go through the outbox.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.applicants.services import applicant_signup
from loket.applications.choices import ApplicationStatus, Channel
from loket.applications.services import (
    StepResult,
    application_cancel,
    application_create,
    application_save_step,
)
from loket.core.audit import audit_record
from loket.core.choices import SUPERVISOR_ROLES, UserKind
from loket.core.errors import ApplicationError
from loket.core.models import User
from loket.core.outbox import send_email
from loket.core.state import StatusFlow
from loket.core.throttle import login_blocked, login_failure_record
from loket.offices.models import Office, StaffRole
from loket.offices.selectors import office_require_role
from loket.outreach.choices import OPEN, TRANSITIONS, EntryMode, PartnerKind, VisitStatus
from loket.outreach.models import (
    Member,
    MobileKit,
    OutreachOffer,
    OutreachSettings,
    Partner,
    Visit,
    VisitEvent,
)
from loket.outreach.selectors import (
    local_today,
    member_not_ready,
    min_group_sizes,
    partner_require,
)
from loket.queueing.models import Ticket
from loket.queueing.services import FRONT_DESK_ROLES, GroupMember, group_tickets_issue

S = VisitStatus
OFFICE_ROLES = sorted(SUPERVISOR_ROLES)

VISIT_FLOW = StatusFlow(
    model=Visit,
    event_model=VisitEvent,
    event_field="visit",
    transitions=TRANSITIONS,
    labels=S,
    audit_prefix="outreach",
    refused_code="transition_not_allowed",
    refused=gettext_lazy("An outreach visit that is “%(from)s” cannot become “%(to)s”."),
    changed_code="visit_changed",
    changed=gettext_lazy("The visit changed meanwhile; reload the page."),
)


def _hash(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"outreach:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _mail_coordinator(visit: Visit, subject: str, body: str, key: str) -> None:
    send_email(
        to=visit.partner.coordinator.email,
        subject=subject,
        body=body,
        dedupe_key=f"outreach:{visit.pk}:{key}",
        office_code=visit.office.code,
    )


# --- partners and office set-up -------------------------------------------------------------


def partner_register(
    *,
    email: str,
    password: str,
    full_name: str,
    name: str,
    kind: str,
    address: str,
    contact_phone: str,
    language: str = "id",
) -> Partner:
    """A partner organisation and its coordinator account (an applicant account, verified
    by the emailed code like any other)."""
    _check_partner(name=name, kind=kind, address=address)
    with transaction.atomic():
        user = applicant_signup(
            email=email, password=password, full_name=full_name, language=language
        )
        return _partner_create(
            user=user, name=name, kind=kind, address=address, contact_phone=contact_phone
        )


def partner_register_for(
    *, user: User, name: str, kind: str, address: str, contact_phone: str
) -> Partner:
    """An applicant who already has an account becomes the coordinator of a partner."""
    if user.kind != UserKind.APPLICANT:
        raise ApplicationError(
            "coordinator_not_applicant",
            _("Staff accounts cannot coordinate a partner; sign up with a personal account."),
            status=409,
        )
    _check_partner(name=name, kind=kind, address=address)
    with transaction.atomic():
        if Partner.objects.select_for_update().filter(coordinator=user).exists():
            raise ApplicationError(
                "partner_exists",
                _("This account already coordinates a partner."),
                status=409,
            )
        return _partner_create(
            user=user, name=name, kind=kind, address=address, contact_phone=contact_phone
        )


def _check_partner(*, name: str, kind: str, address: str) -> None:
    if kind not in PartnerKind.values:
        raise ApplicationError(
            "partner_kind_invalid",
            _("Choose the kind of organisation."),
            fields={"kind": _("Choose one of the listed kinds.")},
        )
    if not name.strip() or not address.strip():
        raise ApplicationError(
            "partner_incomplete",
            _("Enter the organisation's name and address."),
            fields={"name": _("Required."), "address": _("Required.")},
        )


def _partner_create(
    *, user: User, name: str, kind: str, address: str, contact_phone: str
) -> Partner:
    partner = Partner.objects.create(
        name=name.strip()[:150],
        kind=kind,
        address=address.strip(),
        contact_phone=contact_phone.strip()[:16],
        coordinator=user,
    )
    audit_record(
        actor=user,
        action="outreach.partner_register",
        target=partner,
        changes={"kind": kind},
    )
    return partner


def outreach_settings(office: Office) -> OutreachSettings:
    row, _created = OutreachSettings.objects.get_or_create(office=office)
    return row


def outreach_settings_update(
    *, actor: User, office: Office, min_group_size: int
) -> OutreachSettings:
    office_require_role(user=actor, office=office, roles=OFFICE_ROLES)
    if not 1 <= min_group_size <= 500:
        raise ApplicationError(
            "min_group_size_invalid",
            _("The smallest group must be between 1 and 500 people."),
            fields={"min_group_size": _("1–500.")},
        )
    with transaction.atomic():
        row = outreach_settings(office)
        before = row.min_group_size
        row.min_group_size = min_group_size
        row.save(update_fields=["min_group_size"])
        audit_record(
            actor=actor,
            action="outreach.settings",
            target=row,
            office_code=office.code,
            changes={"min_group_size": [before, min_group_size]},
        )
    return row


def offer_set(*, actor: User, office: Office, date: dt.date, capacity: int) -> OutreachOffer:
    """Offer a date for outreach visits (or change its capacity)."""
    office_require_role(user=actor, office=office, roles=OFFICE_ROLES)
    if date < local_today(office):
        raise ApplicationError(
            "date_past", _("This date has passed."), fields={"date": _("Choose a future date.")}
        )
    if capacity < 1:
        raise ApplicationError(
            "capacity_invalid",
            _("Offer at least one place."),
            fields={"capacity": _("At least 1.")},
        )
    with transaction.atomic():
        offer, created = OutreachOffer.objects.select_for_update().get_or_create(
            office=office, date=date, defaults={"capacity": capacity}
        )
        if not created:
            if capacity < offer.used:
                raise ApplicationError(
                    "capacity_below_used",
                    _("Requests already hold %(n)s places on this date; offer at least that.")
                    % {"n": offer.used},
                    fields={"capacity": _("At least %(n)s.") % {"n": offer.used}},
                    status=409,
                )
            offer.capacity = capacity
            offer.save(update_fields=["capacity"])
        audit_record(
            actor=actor,
            action="outreach.offer",
            target=offer,
            office_code=office.code,
            changes={"date": date.isoformat(), "capacity": capacity},
        )
    return offer


def kit_add(*, actor: User, office: Office, name: str, serial: str = "") -> MobileKit:
    office_require_role(user=actor, office=office, roles=OFFICE_ROLES)
    name = name.strip()[:60]
    if not name:
        raise ApplicationError(
            "kit_name_required", _("Name the kit."), fields={"name": _("Required.")}
        )
    if MobileKit.objects.filter(office=office, name=name).exists():
        raise ApplicationError(
            "kit_name_taken",
            _("The office already has a kit called %(name)s.") % {"name": name},
            fields={"name": _("Already used.")},
            status=409,
        )
    with transaction.atomic():
        kit = MobileKit.objects.create(office=office, name=name, serial=serial.strip()[:40])
        audit_record(actor=actor, action="outreach.kit_add", target=kit, office_code=office.code)
    return kit


# --- visits ----------------------------------------------------------------------------------


def _release(visit: Visit) -> None:
    OutreachOffer.objects.filter(pk=visit.offer_id, used__gte=visit.group_size).update(
        used=F("used") - visit.group_size
    )


def visit_request(
    *, coordinator: User, office: Office, date: dt.date, group_size: int, note: str = ""
) -> Visit:
    """A partner asks for a visit on a date the office offers, for a group of at least
    the office's minimum size; the group's places are taken from that date at once."""
    partner = partner_require(user=coordinator)
    if coordinator.email_verified_at is None:
        raise ApplicationError(
            "email_unverified",
            _("Confirm your email address with the code we sent before requesting a visit."),
            status=409,
        )
    if not office.is_active:
        raise ApplicationError(
            "office_not_found", _("This office does not take requests."), status=404
        )
    if date < local_today(office):
        raise ApplicationError(
            "date_past",
            _("%(date)s has passed; choose one of the offered dates.")
            % {"date": date.strftime("%d-%m-%Y")},
            fields={"date": _("This date has passed.")},
        )
    offer = OutreachOffer.objects.filter(office=office, date=date).first()
    if offer is None:
        offered = [
            o.date.strftime("%d-%m-%Y")
            for o in OutreachOffer.objects.filter(
                office=office, date__gte=local_today(office)
            ).order_by("date")[:6]
        ]
        raise ApplicationError(
            "date_not_offered",
            (
                _("%(office)s does not offer outreach on %(date)s. Offered dates: %(dates)s.")
                if offered
                else _("%(office)s does not offer outreach on %(date)s, nor on any later date.")
            )
            % {
                "office": office.name,
                "date": date.strftime("%d-%m-%Y"),
                "dates": ", ".join(offered),
            },
            fields={"date": _("Not an offered date.")},
        )
    minimum = min_group_sizes(office_ids=[office.pk])[office.pk]
    if group_size < minimum:
        raise ApplicationError(
            "group_too_small",
            _(
                "%(office)s serves groups of at least %(min)s people; your group has %(n)s. "
                "Members can also book a visit to the office themselves."
            )
            % {"office": office.name, "min": minimum, "n": group_size},
            fields={"group_size": _("At least %(min)s.") % {"min": minimum}},
        )
    with transaction.atomic():
        taken = OutreachOffer.objects.filter(
            pk=offer.pk, used__lte=F("capacity") - group_size
        ).update(used=F("used") + group_size)
        if not taken:
            offer.refresh_from_db()
            raise ApplicationError(
                "date_full",
                _("%(date)s has %(n)s places left; choose another date or a smaller group.")
                % {"date": date.strftime("%d-%m-%Y"), "n": offer.free},
                fields={"date": _("Not enough places left.")},
                status=409,
            )
        visit = Visit.objects.create(
            partner=partner, office=office, offer=offer, group_size=group_size, note=note[:300]
        )
        VISIT_FLOW.record(
            visit,
            kind="request",
            before="",
            actor=coordinator,
            data={"date": date.isoformat(), "group_size": group_size},
        )
        _mail_coordinator(
            visit,
            _("Outreach request received: %(office)s") % {"office": office.name},
            _(
                "Hello %(name)s,\n\n%(office)s received your request for an outreach visit on "
                "%(date)s for %(n)s people of %(partner)s. The office will answer by email.\n\n"
                "Loket — passport service"
            )
            % {
                "name": coordinator.full_name,
                "office": office.name,
                "date": date.strftime("%d-%m-%Y"),
                "n": group_size,
                "partner": partner.name,
            },
            "requested",
        )
    return visit


def _locked(visit: Visit) -> Visit:
    """Lock the visit's row and bring the caller's object up to date, so a decision is
    taken on the current status and the caller sees the result."""
    visit.refresh_from_db(from_queryset=Visit.objects.select_for_update())
    return visit


def visit_accept(*, actor: User, visit: Visit) -> Visit:
    office_require_role(user=actor, office=visit.office, roles=OFFICE_ROLES)
    with transaction.atomic():
        visit = _locked(visit)
        VISIT_FLOW.move(visit, to=S.ACCEPTED, kind="accept", actor=actor)
        _mail_coordinator(
            visit,
            _("Outreach request accepted: %(office)s") % {"office": visit.office.name},
            _(
                "Hello,\n\n%(office)s accepted your outreach request for %(date)s. You will "
                "receive the time and place when the visit is scheduled. Meanwhile, add your "
                "group's members on Loket.\n\nLoket — passport service"
            )
            % {"office": visit.office.name, "date": visit.offer.date.strftime("%d-%m-%Y")},
            "accepted",
        )
    return visit


def visit_decline(*, actor: User, visit: Visit, reason: str) -> Visit:
    office_require_role(user=actor, office=visit.office, roles=OFFICE_ROLES)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            "reason_required",
            _("Tell the partner why the request is declined."),
            fields={"reason": _("Required.")},
        )
    with transaction.atomic():
        visit = _locked(visit)
        VISIT_FLOW.move(
            visit,
            to=S.DECLINED,
            kind="decline",
            actor=actor,
            reason=reason,
            decline_reason=reason[:300],
        )
        _release(visit)
        _mail_coordinator(
            visit,
            _("Outreach request declined: %(office)s") % {"office": visit.office.name},
            _(
                "Hello,\n\n%(office)s cannot make the outreach visit of %(date)s. Reason: "
                "%(reason)s\n\nLoket — passport service"
            )
            % {
                "office": visit.office.name,
                "date": visit.offer.date.strftime("%d-%m-%Y"),
                "reason": reason,
            },
            "declined",
        )
    return visit


def visit_cancel(*, coordinator: User, visit: Visit) -> Visit:
    """The partner withdraws its request; its places go back to the date."""
    if visit.partner.coordinator_id != coordinator.pk:
        raise ApplicationError("visit_not_found", _("Outreach visit not found."), status=404)
    with transaction.atomic():
        visit = _locked(visit)
        VISIT_FLOW.move(visit, to=S.CANCELLED, kind="cancel", actor=coordinator)
        _release(visit)
    return visit


def visit_schedule(
    *,
    actor: User,
    visit: Visit,
    date: dt.date,
    starts_at: dt.time,
    place: str,
    officers: Iterable[User],
    kit: MobileKit | None,
) -> Visit:
    """Date, time and place of an accepted visit, its officers (staff of that office) and
    a mobile kit (free that day). Scheduling again changes the plan."""
    office = visit.office
    office_require_role(user=actor, office=office, roles=OFFICE_ROLES)
    place = place.strip()
    officer_list = list(officers)
    fields: dict[str, str] = {}
    new_offer = None
    if date < local_today(office):
        fields["date"] = _("This date has passed.")
    elif date != visit.offer.date:
        # The group's places move to the new date, which the office must offer.
        new_offer = OutreachOffer.objects.filter(office=office, date=date).first()
        if new_offer is None:
            fields["date"] = _(
                "%(date)s is not offered for outreach; offer it first on the outreach page."
            ) % {"date": date.strftime("%d-%m-%Y")}
    if not place:
        fields["place"] = _("Say where the office sets up (hall, address).")
    if not officer_list:
        fields["officers"] = _("Assign at least one officer.")
    staff_ids = set(StaffRole.objects.filter(office=office).values_list("user_id", flat=True))
    if any(o.pk not in staff_ids for o in officer_list):
        fields["officers"] = _("Only staff of %(office)s can be assigned.") % {
            "office": office.name
        }
    if kit is None:
        fields["kit"] = _("Choose the mobile kit.")
    elif kit.office_id != office.id or not kit.is_active:
        fields["kit"] = _("This kit is not in service at this office.")
    elif (
        Visit.objects.filter(kit=kit, scheduled_date=date, status=S.SCHEDULED)
        .exclude(pk=visit.pk)
        .exists()
    ):
        fields["kit"] = _("This kit is already out on another visit that day.")
    if fields:
        raise ApplicationError(
            "schedule_invalid",
            _("The schedule cannot be saved; see the marked fields."),
            fields=fields,
        )
    with transaction.atomic():
        # Two visits scheduled at once with the same kit on the same day: the kit's row
        # lock makes the second see the first.
        assert kit is not None
        MobileKit.objects.select_for_update().filter(pk=kit.pk).first()
        if (
            Visit.objects.filter(kit=kit, scheduled_date=date, status=S.SCHEDULED)
            .exclude(pk=visit.pk)
            .exists()
        ):
            raise ApplicationError(
                "schedule_invalid",
                _("The schedule cannot be saved; see the marked fields."),
                fields={"kit": _("This kit is already out on another visit that day.")},
            )
        visit = _locked(visit)
        moved: dict[str, Any] = {}
        if new_offer is not None and new_offer.pk != visit.offer_id:
            taken = OutreachOffer.objects.filter(
                pk=new_offer.pk, used__lte=F("capacity") - visit.group_size
            ).update(used=F("used") + visit.group_size)
            if not taken:
                new_offer.refresh_from_db()
                raise ApplicationError(
                    "schedule_invalid",
                    _("The schedule cannot be saved; see the marked fields."),
                    fields={
                        "date": _("%(date)s has %(n)s places left; the group needs %(size)s.")
                        % {
                            "date": date.strftime("%d-%m-%Y"),
                            "n": new_offer.free,
                            "size": visit.group_size,
                        }
                    },
                    status=409,
                )
            _release(visit)
            moved["offer"] = new_offer
        VISIT_FLOW.move(
            visit,
            to=S.SCHEDULED,
            kind="schedule",
            actor=actor,
            data={
                "date": date.isoformat(),
                "starts_at": starts_at.strftime("%H:%M"),
                "place": place[:200],
                "officers": sorted(o.pk for o in officer_list),
                "kit": kit.pk if kit else None,
            },
            scheduled_date=date,
            starts_at=starts_at,
            place=place[:200],
            kit=kit,
            **moved,
        )
        visit.officers.set(officer_list)
        _mail_coordinator(
            visit,
            _("Outreach visit scheduled: %(date)s") % {"date": date.strftime("%d-%m-%Y")},
            _(
                "Hello,\n\n%(office)s comes to %(place)s on %(date)s at %(time)s. Every member "
                "brings the originals of their documents (e-KTP, family card, birth "
                "certificate or diploma).\n\nLoket — passport service"
            )
            % {
                "office": office.name,
                "place": place,
                "date": date.strftime("%d-%m-%Y"),
                "time": starts_at.strftime("%H:%M"),
            },
            f"scheduled:{date.isoformat()}:{starts_at:%H%M}:{len(place)}",
        )
    return visit


# --- members ---------------------------------------------------------------------------------


def _require_open(visit: Visit) -> None:
    if visit.status not in OPEN:
        raise ApplicationError(
            "visit_closed",
            _("This visit is %(status)s; members can no longer be added or changed.")
            % {"status": visit.get_status_display()},
            status=409,
        )


def member_add(
    *,
    coordinator: User,
    visit: Visit,
    full_name: str,
    mode: str,
    email: str = "",
    consent: bool = False,
    consent_note: str = "",
) -> tuple[Member, str]:
    """Add a member to the coordinator's visit. Returns the member and, for a member who
    fills in their own data, the invitation code (also emailed to them)."""
    if visit.partner.coordinator_id != coordinator.pk:
        raise ApplicationError("visit_not_found", _("Outreach visit not found."), status=404)
    _require_open(visit)
    full_name = full_name.strip()
    email = email.strip().lower()
    if not full_name:
        raise ApplicationError(
            "name_required", _("Enter the member's name."), fields={"full_name": _("Required.")}
        )
    if mode not in EntryMode.values:
        raise ApplicationError(
            "mode_invalid", _("Choose who fills in the data."), fields={"mode": _("Required.")}
        )
    if mode == EntryMode.SELF and not email:
        raise ApplicationError(
            "email_required",
            _("A member who fills in their own data needs an email for the invitation code."),
            fields={"email": _("Required for an invitation.")},
        )
    if mode == EntryMode.COORDINATOR and not consent:
        raise ApplicationError(
            "consent_required",
            _(
                "You may enter a member's data only with their consent (UU 27/2022); confirm "
                "that they agreed."
            ),
            fields={"consent": _("The member's consent is needed.")},
        )
    code = ""
    with transaction.atomic():
        # The visit may have been declined or cancelled since the page was loaded.
        _require_open(_locked(visit))
        if Member.objects.filter(visit=visit).count() >= visit.group_size:
            raise ApplicationError(
                "group_full",
                _("The group was requested for %(n)s people and already has them all.")
                % {"n": visit.group_size},
                status=409,
            )
        member = Member(visit=visit, full_name=full_name[:150], email=email, mode=mode)
        if mode == EntryMode.SELF:
            # 48 bits, and guesses are throttled per account (member_join).
            code = secrets.token_hex(6).upper()
            member.invite_hash = _hash(code)
        else:
            member.consent_at = timezone.now()
            member.consent_note = consent_note.strip()[:200]
            member.application = application_create(
                account=None, channel=Channel.OUTREACH, created_by=coordinator, office=visit.office
            )
        member.save()
        audit_record(
            actor=coordinator,
            action="outreach.member_add",
            target=member,
            office_code=visit.office.code,
            changes={"visit": visit.pk, "mode": mode, "consent": bool(member.consent_at)},
        )
        if code:
            send_email(
                to=email,
                subject=_("Your invitation to the passport outreach of %(partner)s")
                % {"partner": visit.partner.name},
                body=_(
                    "Hello %(name)s,\n\n%(partner)s registered you for the passport outreach "
                    "of %(office)s. Create a Loket account (or sign in), then enter the code "
                    "%(code)s on %(path)s and fill in your application.\n\n"
                    "Loket — passport service"
                )
                % {
                    "name": full_name,
                    "partner": visit.partner.name,
                    "office": visit.office.name,
                    "code": code,
                    "path": reverse("outreach:join"),
                },
                dedupe_key=f"outreach-invite:{member.invite_hash[:16]}",
                office_code=visit.office.code,
            )
    return member, code


def member_remove(*, coordinator: User, member: Member) -> None:
    """The coordinator takes a member off the group (they dropped out), which frees a
    place for someone else. A draft the coordinator entered is cancelled; an application
    the member made with their own account stays theirs."""
    if member.visit.partner.coordinator_id != coordinator.pk:
        raise ApplicationError("member_not_found", _("Member not found."), status=404)
    with transaction.atomic():
        _require_open(_locked(member.visit))
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.ticket_id is not None:
            raise ApplicationError(
                "member_served",
                _("%(name)s already has a ticket and is served by the office.")
                % {"name": member.full_name},
                status=409,
            )
        application = member.application
        if (
            application is not None
            and application.account_id is None
            and application.status == ApplicationStatus.DRAFT
        ):
            application_cancel(application=application, actor=coordinator)
        audit_record(
            actor=coordinator,
            action="outreach.member_remove",
            target=member,
            office_code=member.visit.office.code,
            changes={"visit": member.visit_id, "mode": member.mode},
        )
        member.delete()


def member_join(*, user: User, code: str) -> Member:
    """A member enters their invitation code: their own outreach application is made
    (or the one they already have is returned)."""
    if user.kind != UserKind.APPLICANT or user.email_verified_at is None:
        raise ApplicationError(
            "email_unverified", _("Confirm your email address first."), status=409
        )
    code = code.strip().upper()
    # Guessing codes is throttled like sign-in failures (kept in the database, so every
    # app node counts the same), and an unknown and a used code get the same answer.
    throttle_key = f"outreach-invite:{user.pk}"
    if login_blocked(username=throttle_key, ip=None):
        raise ApplicationError(
            "invite_throttled",
            _("Too many wrong invitation codes. Wait a few minutes and try again."),
            status=429,
        )
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .select_related("visit__office", "visit__partner")
            .filter(invite_hash=_hash(code))
            .first()
            if code
            else None
        )
        if member is not None and member.account_id == user.pk:
            return member  # idempotent
        if member is not None and member.account_id is None:
            _require_open(member.visit)
            member.account = user
            member.application = application_create(
                account=user, channel=Channel.OUTREACH, office=member.visit.office
            )
            member.save(update_fields=["account", "application", "updated_at"])
            audit_record(
                actor=user,
                action="outreach.member_join",
                target=member,
                office_code=member.visit.office.code,
            )
            return member
    # Unknown, or another account's: one answer for both, and one more failure counted.
    login_failure_record(username=throttle_key, ip=None)
    raise ApplicationError(
        "invite_unknown",
        _("This invitation code is not right. Check the code in your email."),
        fields={"code": _("Unknown code.")},
    )


def member_save_step(
    *, coordinator: User, member: Member, step: int, data: dict[str, str]
) -> StepResult:
    """The coordinator enters a consenting member's data: the same wizard steps and the
    same validation as the online application; the office is the visit's."""
    if member.visit.partner.coordinator_id != coordinator.pk:
        raise ApplicationError("member_not_found", _("Member not found."), status=404)
    if member.mode != EntryMode.COORDINATOR or member.application is None:
        raise ApplicationError(
            "member_self_entry",
            _("This member fills in their own data with the invitation code."),
            status=409,
        )
    _require_open(member.visit)
    if step not in (1, 2):
        raise ApplicationError("step_invalid", _("There is no such step."), status=404)
    data = dict(data)
    if step == 1:
        data["office"] = member.visit.office.code
    return application_save_step(
        application=member.application, actor=coordinator, step=step, data=data, advance=True
    )


# --- on the day ------------------------------------------------------------------------------


def visit_issue_tickets(*, actor: User, visit: Visit) -> tuple[list[Ticket], list[Member]]:
    """On the visit day: tickets in the group lane for every member whose application is
    ready (members who already have one are left alone); the visit is then held.
    Returns the new tickets and the members left without one."""
    office = visit.office
    office_require_role(user=actor, office=office, roles=FRONT_DESK_ROLES)
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status not in (S.SCHEDULED, S.HELD):
            raise ApplicationError(
                "visit_not_scheduled",
                _("Schedule the visit before issuing its tickets."),
                status=409,
            )
        if visit.scheduled_date != local_today(office):
            raise ApplicationError(
                "visit_not_today",
                _("Tickets are issued on the day of the visit (%(date)s).")
                % {
                    "date": visit.scheduled_date.strftime("%d-%m-%Y")
                    if visit.scheduled_date
                    else ""
                },
                status=409,
            )
        members = list(
            Member.objects.filter(visit=visit, ticket__isnull=True).select_related("application")
        )
        ready = [m for m in members if not member_not_ready(m, office)]
        waiting = [m for m in members if m not in ready]
        tickets = group_tickets_issue(
            actor=actor,
            office=office,
            members=[
                GroupMember(holder_name=m.full_name, application=m.application) for m in ready
            ],
            note=f"outreach visit {visit.pk}",
        )
        for member, ticket in zip(ready, tickets, strict=True):
            linked = Member.objects.filter(pk=member.pk, ticket__isnull=True).update(ticket=ticket)
            if not linked:
                raise ApplicationError(
                    "visit_changed", _("The visit changed meanwhile; reload the page."), status=409
                )
            member.ticket = ticket
        if visit.status == S.SCHEDULED:
            VISIT_FLOW.move(
                visit, to=S.HELD, kind="held", actor=actor, data={"tickets": len(tickets)}
            )
    return tickets, waiting
