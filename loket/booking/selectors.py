"""Reads of quotas and bookings. Applicants only ever see their own bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.booking import release
from loket.booking.models import Booking, ReleaseRule, SlotCapacity
from loket.core.calendar import days_off, local_date
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import User
from loket.offices.choices import QuotaCategory
from loket.offices.models import DailyQuota, Office, ServiceSession

MAX_RANGE_DAYS = 62


def release_rule_of(office: Office) -> ReleaseRule | None:
    rule = (
        ReleaseRule.objects.filter(office=office, is_active=True).select_related("office").first()
    )
    if rule is not None:
        rule.office = office  # the caller's instance (time zone, closures) is the same row
    return rule


def date_opens_at(
    office: Office, day: dt.date, rule: ReleaseRule | None = None
) -> dt.datetime | None:
    """When `day` opens for booking at `office`; None when the office has no release rule."""
    rule = rule if rule is not None else release_rule_of(office)
    return release.opens_at(rule, day) if rule is not None else None


def session_start(office: Office, day: dt.date, session: ServiceSession) -> dt.datetime:
    return dt.datetime.combine(day, session.starts, tzinfo=office.tz)


@dataclass(frozen=True)
class SessionAvailability:
    session_id: int
    code: str
    name: str
    starts: dt.time
    ends: dt.time
    capacity: int
    used: int
    bookable: bool

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.used)


@dataclass(frozen=True)
class DayAvailability:
    date: dt.date
    working: bool
    released: bool
    opens_at: dt.datetime | None
    sessions: list[SessionAvailability] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(s.free for s in self.sessions if s.bookable)


def availability(
    *,
    office: Office,
    start: dt.date,
    end: dt.date,
    category: str = QuotaCategory.REGULAR,
    now: dt.datetime | None = None,
) -> list[DayAvailability]:
    """Free places per session for each date in [start, end] (office-local dates).

    Released dates whose rows are not materialised yet show the standing plan with nothing
    taken; unreleased dates show when they open.
    """
    if end < start:
        raise ApplicationError(
            "date_range_invalid", _("The end date is before the start date."), status=422
        )
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ApplicationError(
            "date_range_too_long",
            _("Ask for at most %(n)s days at a time.") % {"n": MAX_RANGE_DAYS},
            status=422,
        )
    now = now or timezone.now()
    today = local_date(office, now)
    rule = release_rule_of(office)
    off = days_off(office, start, end)
    plan = {
        q.session_id: q.capacity
        for q in DailyQuota.objects.filter(office=office, category=category)
    }
    sessions = [
        s for s in ServiceSession.objects.filter(office=office).order_by("starts") if s.pk in plan
    ]
    rows = {
        (row.date, row.session_id): row
        for row in SlotCapacity.objects.filter(
            office=office, category=category, date__range=(start, end)
        )
    }
    days: list[DayAvailability] = []
    day = start
    while day <= end:
        working = day not in off
        opens = release.opens_at(rule, day) if rule is not None else None
        released = opens is not None and opens <= now
        entries = []
        if working and day >= today:
            for session in sessions:
                row = rows.get((day, session.pk))
                capacity = row.capacity if row is not None else plan[session.pk]
                used = row.used if row is not None else 0
                entries.append(
                    SessionAvailability(
                        session_id=session.pk,
                        code=session.code,
                        name=session.name,
                        starts=session.starts,
                        ends=session.ends,
                        capacity=capacity,
                        used=used,
                        bookable=released and session_start(office, day, session) > now,
                    )
                )
        days.append(
            DayAvailability(
                date=day, working=working, released=released, opens_at=opens, sessions=entries
            )
        )
        day += dt.timedelta(days=1)
    return days


def _availability_version_key(office_id: int) -> str:
    return f"loket:avail:v:{office_id}"


def availability_invalidate(*, office_id: int) -> None:
    """Places of the office changed: cached availability of it is stale from now on."""
    cache.set(_availability_version_key(office_id), timezone.now().timestamp(), None)


def availability_cached(
    *,
    office: Office,
    start: dt.date,
    end: dt.date,
    category: str = QuotaCategory.REGULAR,
    now: dt.datetime | None = None,
) -> list[DayAvailability]:
    """`availability` through the cache (issue #4: a crowd refreshing the calendar must not
    load the database). Entries live at most LOKET_AVAILABILITY_CACHE_SECONDS, never past
    the next release moment in the range, and are dropped when places change (a version
    key bumped on commit of every take and return of a place)."""
    return _through_cache(
        office=office, start=start, end=end, category=category, now=now, form="days", render=None
    )


def availability_rendered(
    *,
    office: Office,
    start: dt.date,
    end: dt.date,
    category: str,
    form: str,
    render: Callable[[list[DayAvailability]], bytes],
) -> bytes:
    """Like `availability_cached`, but what is kept is `render(days)` (e.g. the API's JSON
    body, named by `form`), so a hit costs neither the database nor serialisation."""
    return _through_cache(
        office=office, start=start, end=end, category=category, now=None, form=form, render=render
    )


def _through_cache(
    *,
    office: Office,
    start: dt.date,
    end: dt.date,
    category: str,
    now: dt.datetime | None,
    form: str,
    render: Callable[[list[DayAvailability]], Any] | None,
) -> Any:
    from loket.booking import conf

    seconds = conf.availability_cache_seconds()
    if seconds <= 0:
        days = availability(office=office, start=start, end=end, category=category, now=now)
        return days if render is None else render(days)
    now = now or timezone.now()
    version = cache.get(_availability_version_key(office.pk), 0)
    key = f"loket:avail:{form}:{office.pk}:{category}:{start}:{end}:{version}"
    value = cache.get(key)
    if value is None:
        days = availability(office=office, start=start, end=end, category=category, now=now)
        value = days if render is None else render(days)
        upcoming = [d.opens_at for d in days if d.opens_at is not None and d.opens_at > now]
        if upcoming:
            seconds = min(seconds, int((min(upcoming) - now).total_seconds()))
        if seconds > 0:
            cache.set(key, value, seconds)
    return value


def bookings_of(*, account: User) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(account=account)
        .select_related("office", "slot__session", "bill", "application")
        .order_by("-created_at")
    )


def booking_get_for_owner(*, account: User, code: str) -> Booking:
    """The account's own booking; anybody else's is simply not found."""
    booking = bookings_of(account=account).filter(code=str(code).upper()[:16]).first()
    if booking is None:
        raise NotFound("booking_not_found", _("Booking not found."))
    return booking


def booking_active_for_application(*, application_id: int) -> Booking | None:
    from loket.booking.choices import ACTIVE

    return (
        Booking.objects.filter(application_id=application_id, status__in=ACTIVE)
        .select_related("slot__session", "bill")
        .first()
    )


def booking_get_for_check_in(*, office: Office, code: str) -> Booking:
    """A booking of this office by its code (the queue app calls this at check-in)."""
    booking = (
        Booking.objects.filter(office=office, code=str(code).upper()[:16])
        .select_related("slot__session", "application")
        .first()
    )
    if booking is None:
        raise NotFound("booking_not_found", _("Booking not found."))
    return booking
