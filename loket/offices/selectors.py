"""Reads about offices, and the one place that decides which offices a staff member sees.

Every staff-facing selector and service asks `offices_visible_to` or
`office_require_role`; a record of an office outside the caller's roles is reported as
not found, so its existence is not revealed either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from loket.core.calendar import days_off, national_days_off
from loket.core.choices import ADMIN_ROLES, NATIONAL_ROLES, Role
from loket.core.errors import Forbidden, NotFound
from loket.core.models import User
from loket.core.queries import one_or_none
from loket.offices.models import Counter, Office, StaffRole


def _roles(user: User) -> list[tuple[int | None, str]]:
    """(office_id, role) pairs, cached on the user object for the request."""
    cached: list[tuple[int | None, str]] | None = getattr(user, "_loket_roles", None)
    if cached is None:
        if not user.is_authenticated or not user.is_active or not user.is_staff:
            cached = []
        else:
            cached = list(StaffRole.objects.filter(user=user).values_list("office_id", "role"))
        user._loket_roles = cached  # type: ignore[attr-defined]
    return cached


def roles_of(user: User) -> list[StaffRole]:
    return list(
        StaffRole.objects.filter(user=user).select_related("office").order_by("office__name")
    )


def has_national_role(user: User, roles: Iterable[str] = NATIONAL_ROLES) -> bool:
    wanted = set(roles) & set(NATIONAL_ROLES)
    return any(office_id is None and role in wanted for office_id, role in _roles(user))


def is_admin(user: User) -> bool:
    """May use the Django admin: superusers, office admins and national admins."""
    if user.is_authenticated and user.is_superuser and user.is_staff:
        return True
    return any(role in ADMIN_ROLES for _office, role in _roles(user))


def office_ids_with_role(user: User, roles: Iterable[str] | None = None) -> set[int] | None:
    """Office ids where the user holds one of `roles` (any role when None).

    Returns None when a national role covers every office.
    """
    wanted = set(roles) if roles is not None else None
    if has_national_role(user, NATIONAL_ROLES if wanted is None else wanted):
        return None
    return {
        office_id
        for office_id, role in _roles(user)
        if office_id is not None and (wanted is None or role in wanted)
    }


def offices_visible_to(user: User, roles: Iterable[str] | None = None) -> QuerySet[Office]:
    ids = office_ids_with_role(user, roles)
    offices = Office.objects.all()
    return offices if ids is None else offices.filter(id__in=ids)


def office_require_role(*, user: User, office: Office, roles: Iterable[str] | None = None) -> None:
    """Raise NotFound when the office is outside the user's scope, Forbidden when the
    user works there but not in one of `roles`."""
    visible = office_ids_with_role(user, None)
    if visible is not None and office.id not in visible:
        raise NotFound("office_not_found", _("Office not found."))
    if roles is not None:
        allowed = office_ids_with_role(user, roles)
        if allowed is not None and office.id not in allowed:
            raise Forbidden(
                "role_required",
                _("Your role at this office does not allow this action."),
            )


def office_get_for_staff(*, user: User, code: str) -> Office:
    office = Office.objects.filter(code=code.upper()).first()
    if office is None:
        raise NotFound("office_not_found", _("Office not found."))
    office_require_role(user=user, office=office)
    return office


def office_get_public(*, code: str, related: bool = True) -> Office:
    """An active office by its code; with `related`, its opening hours and sessions come
    along (pages show them). The hot API paths ask without, for one query."""
    offices = Office.objects.filter(code=code.upper(), is_active=True)
    if related:
        offices = offices.prefetch_related("opening_hours", "sessions")
    office = one_or_none(offices)
    if office is None:
        raise NotFound(
            "office_not_found",
            _("There is no office with the code %(code)s.") % {"code": code[:20]},
        )
    return office


def offices_public() -> QuerySet[Office]:
    return Office.objects.filter(is_active=True).prefetch_related("opening_hours").order_by("name")


def office_setup(*, office: Office) -> Office:
    """The office with everything its set-up page shows, in a fixed number of queries."""
    return (
        Office.objects.filter(pk=office.pk)
        .prefetch_related(
            "opening_hours",
            "stages",
            Prefetch("counters", queryset=Counter.objects.prefetch_related("stages")),
            "sessions__quotas",
        )
        .get()
    )


@dataclass(frozen=True)
class CalendarDayView:
    date: dt.date
    working: bool
    reason: str


def office_calendar(*, office: Office, start: dt.date, days: int) -> list[CalendarDayView]:
    """The next `days` local dates with whether each is a working day and why not."""
    end = start + dt.timedelta(days=days - 1)
    off = days_off(office, start, end)
    national = national_days_off(start, end)
    closures = dict(office.closures.filter(date__range=(start, end)).values_list("date", "reason"))
    result = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        if day not in off:
            reason = ""
        elif day in closures:
            reason = closures[day]
        elif day in national:
            reason = _("National holiday or joint leave")
        else:
            reason = _("Weekend")
        result.append(CalendarDayView(date=day, working=day not in off, reason=reason))
    return result


def staff_directory(*, user: User, office: Office) -> QuerySet[StaffRole]:
    office_require_role(
        user=user, office=office, roles=[Role.HEAD_OF_OFFICE, Role.OFFICE_ADMIN, Role.KASI]
    )
    return StaffRole.objects.filter(office=office).select_related("user").order_by("role")
