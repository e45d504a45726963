"""Reads of outreach: a coordinator sees only their own partner's visits and members;
staff see only the visits of their offices (loket.offices.selectors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applications.choices import ApplicationStatus, Channel
from loket.core.errors import NotFound
from loket.core.models import User
from loket.offices.models import Office
from loket.offices.selectors import office_ids_with_role, office_require_role
from loket.outreach.choices import EntryMode, PartnerKind, VisitStatus
from loket.outreach.models import (
    DEFAULT_MIN_GROUP_SIZE,
    Member,
    OutreachOffer,
    OutreachSettings,
    Partner,
    Visit,
    VisitEvent,
)
from loket.queueing.choices import TicketStatus


def local_today(office: Office) -> dt.date:
    return timezone.now().astimezone(office.tz).date()


def partner_for(*, user: User) -> Partner | None:
    if not user.is_authenticated:
        return None
    return Partner.objects.filter(coordinator=user).first()


def partner_require(*, user: User) -> Partner:
    partner = partner_for(user=user)
    if partner is None:
        raise NotFound(
            "partner_not_found",
            _("This account is not the coordinator of an outreach partner."),
        )
    return partner


def visits_of_partner(*, partner: Partner) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(partner=partner)
        .select_related("office", "offer", "kit")
        .annotate(member_count=Count("members"))
        .order_by("-created_at")
    )


def visit_get_for_coordinator(*, user: User, pk: int) -> Visit:
    """The coordinator's own visit; another partner's is simply not found."""
    visit = (
        Visit.objects.filter(pk=pk, partner__coordinator=user)
        .select_related("office", "offer", "kit", "partner")
        .first()
    )
    if visit is None:
        raise NotFound("visit_not_found", _("Outreach visit not found."))
    return visit


def member_get_for_coordinator(*, user: User, pk: int) -> Member:
    """A member of one of the coordinator's visits; another partner's is not found."""
    member = (
        Member.objects.filter(pk=pk, visit__partner__coordinator=user)
        .select_related("visit__office", "application")
        .first()
    )
    if member is None:
        raise NotFound("member_not_found", _("Member not found."))
    return member


def members_of(*, visit: Visit) -> QuerySet[Member]:
    return Member.objects.filter(visit=visit).select_related("application", "ticket__lane")


def visits_for_office(*, user: User, office: Office) -> QuerySet[Visit]:
    office_require_role(user=user, office=office)
    return (
        Visit.objects.filter(office=office)
        .select_related("partner", "offer", "kit")
        .annotate(member_count=Count("members"))
        .order_by("status", "offer__date", "created_at")
    )


def visit_get_for_staff(*, user: User, pk: int) -> Visit:
    """A visit of one of the officer's offices; any other is not found."""
    visit = Visit.objects.filter(pk=pk).select_related("office", "partner", "offer", "kit").first()
    visible = office_ids_with_role(user)
    if visit is None or (visible is not None and visit.office_id not in visible):
        raise NotFound("visit_not_found", _("Outreach visit not found."))
    return visit


def min_group_sizes(*, office_ids: Iterable[int]) -> dict[int, int]:
    """The smallest group each office serves (the default where it set none)."""
    ids = set(office_ids)
    found = dict(
        OutreachSettings.objects.filter(office_id__in=ids).values_list(
            "office_id", "min_group_size"
        )
    )
    return {pk: found.get(pk, DEFAULT_MIN_GROUP_SIZE) for pk in ids}


def offers_open(*, office: Office | None = None) -> QuerySet[OutreachOffer]:
    """Offered dates from today on (in UTC terms; the service checks the office's date)."""
    offers = OutreachOffer.objects.filter(
        date__gte=timezone.now().date() - dt.timedelta(days=1), office__is_active=True
    ).select_related("office")
    if office is not None:
        offers = offers.filter(office=office)
    return offers.order_by("office__name", "date")


def member_not_ready(member: Member, office: Office, *, for_staff: bool = True) -> str:
    """Why a member cannot get a ticket yet ("" when they can). The coordinator (who may
    be the member's employer or school) is never told where the member's own application
    stands at the office (a refusal or suspension is the member's business): only
    ``for_staff`` names the status."""
    application = member.application
    if application is None:
        return _("Has not joined with the invitation code yet.")
    if application.office_id != office.id:
        return _("The application names another office.")
    if application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.PAID):
        return ""
    if application.status == ApplicationStatus.DRAFT:
        if member.mode == EntryMode.COORDINATOR and application.step >= 3:
            return ""
        if member.mode == EntryMode.COORDINATOR:
            return _("The personal data is not complete yet.")
        return _("The member has not submitted the application yet.")
    if not for_staff:
        return _("Not ready for the group: the application is already with the office.")
    return _("The application is %(status)s.") % {"status": application.get_status_display()}


@dataclass(frozen=True)
class VisitFigures:
    """Outreach (jemput bola) as a channel, for the reports dashboard. Every day is the
    office's local day."""

    #: visits requested by partners in the period
    requested: int
    #: requests the office accepted in the period
    accepted: int
    #: requests the office declined in the period
    declined: int
    #: visits held (the group's tickets issued) on a day of the period
    held: int
    #: members of those visits who got a group ticket
    members: int
    #: of them, those whose ticket went through every stage (done)
    members_served: int
    #: outreach applications of the members of those visits by partner kind (every kind
    #: listed, 0 included; cancelled applications left out)
    applications_by_partner_kind: dict[str, int] = field(default_factory=dict)


def _in_period(office: Office, moment: dt.datetime, start: dt.date, end: dt.date) -> bool:
    return start <= moment.astimezone(office.tz).date() <= end


def visit_figures(
    *, offices: Iterable[Office] | None, start: dt.date, end: dt.date
) -> VisitFigures:
    """Outreach figures for the offices given (None: every office) and the dates
    start..end inclusive: visits requested, accepted and declined (by the day it
    happened), visits held (by visit day), their members with a group ticket and those
    served, and the members' applications by partner kind."""
    # Local days are within a day of UTC days: read a day more on each side, then keep
    # what falls in the period on the office's own calendar.
    since = dt.datetime.combine(start - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=2), dt.time.min, tzinfo=dt.UTC)
    visits = Visit.objects.all()
    if offices is not None:
        visits = visits.filter(office_id__in=[o.pk for o in offices])
    requested = sum(
        _in_period(v.office, v.created_at, start, end)
        for v in visits.filter(created_at__gte=since, created_at__lt=until).select_related("office")
    )
    answered = {"accept": 0, "decline": 0}
    events = VisitEvent.objects.filter(
        visit__in=visits, kind__in=list(answered), at__gte=since, at__lt=until
    ).select_related("visit__office")
    for event in events:
        if _in_period(event.visit.office, event.at, start, end):
            answered[event.kind] += 1
    held_visits = visits.filter(
        status=VisitStatus.HELD, scheduled_date__gte=start, scheduled_date__lte=end
    )
    members = Member.objects.filter(visit__in=held_visits)
    with_ticket = members.filter(ticket__isnull=False)
    by_kind = dict(
        members.filter(application__channel=Channel.OUTREACH)
        .exclude(application__status=ApplicationStatus.CANCELLED)
        .values_list("visit__partner__kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return VisitFigures(
        requested=requested,
        accepted=answered["accept"],
        declined=answered["decline"],
        held=held_visits.count(),
        members=with_ticket.count(),
        members_served=with_ticket.filter(ticket__status=TicketStatus.DONE).count(),
        applications_by_partner_kind={kind: by_kind.get(kind, 0) for kind in PartnerKind.values},
    )
