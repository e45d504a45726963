"""The working-day calendar, evaluated in each office's own time zone.

A day is not a working day when it is a Saturday or Sunday, a national holiday or
joint leave day (cuti bersama) from the `holidays` package, an extra holiday or joint
leave day entered by the national admin (core.CalendarDay), or a closure of the
office. A CalendarDay of kind "working_day" turns a listed holiday back into a
working day (the government does move cuti bersama).

Offices are duck-typed (`CalendarOffice`) so that core imports no other Loket app.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

from loket.core.choices import CalendarDayKind

# Working-day arithmetic looks ahead in chunks; a chunk covers any realistic run of
# consecutive days off (Lebaran with cuti bersama is about ten).
_CHUNK_DAYS = 62
# A guard against a calendar that closes every day forever (a data-entry error).
_MAX_SCAN_DAYS = 3 * 366


class CalendarOffice(Protocol):
    """What the calendar needs of an office."""

    @property
    def tz(self) -> ZoneInfo: ...

    def closure_dates(self, start: dt.date, end: dt.date) -> set[dt.date]: ...


@lru_cache(maxsize=64)
def _package_holidays(year: int) -> frozenset[dt.date]:
    days = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(days.keys())


def national_days_off(start: dt.date, end: dt.date) -> set[dt.date]:
    """National holidays and joint leave days in [start, end], after admin corrections."""
    from loket.core.models import CalendarDay

    days: set[dt.date] = set()
    for year in range(start.year, end.year + 1):
        days |= {d for d in _package_holidays(year) if start <= d <= end}
    for day, kind in CalendarDay.objects.filter(date__range=(start, end)).values_list(
        "date", "kind"
    ):
        if kind == CalendarDayKind.WORKING_DAY:
            days.discard(day)
        else:
            days.add(day)
    return days


def days_off(office: CalendarOffice, start: dt.date, end: dt.date) -> set[dt.date]:
    """Every non-working date in [start, end] for this office (weekends included)."""
    off = national_days_off(start, end) | office.closure_dates(start, end)
    day = start
    while day <= end:
        if day.weekday() >= 5:
            off.add(day)
        day += dt.timedelta(days=1)
    return off


def local_date(office: CalendarOffice, moment: dt.datetime | dt.date) -> dt.date:
    """The calendar date at the office when `moment` happens (a date is taken as is)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise ValueError(
                "A naive datetime has no place on the office calendar; pass an aware one."
            )
        return moment.astimezone(office.tz).date()
    return moment


def is_working_day(office: CalendarOffice, moment: dt.datetime | dt.date) -> bool:
    day = local_date(office, moment)
    return day not in days_off(office, day, day)


def add_working_days(office: CalendarOffice, start: dt.datetime | dt.date, n: int) -> dt.date:
    """The date `n` working days after `start`'s local date (n = 0: the same date).

    With n > 0 the start day itself never counts, whether or not it is a working day,
    so "3 working days after a Friday payment" ends on Wednesday.
    """
    if n < 0:
        raise ValueError("n must be zero or more working days.")
    day = local_date(office, start)
    if n == 0:
        return day
    counted = 0
    scanned = 0
    while scanned < _MAX_SCAN_DAYS:
        chunk_start = day + dt.timedelta(days=1)
        chunk_end = day + dt.timedelta(days=_CHUNK_DAYS)
        off = days_off(office, chunk_start, chunk_end)
        while day < chunk_end:
            day += dt.timedelta(days=1)
            scanned += 1
            if day not in off:
                counted += 1
                if counted == n:
                    return day
    raise ValueError("The office calendar has no working days in three years; check its closures.")


def working_days_between(
    office: CalendarOffice, a: dt.datetime | dt.date, b: dt.datetime | dt.date
) -> int:
    """Working days in (a, b] by local date: 0 when b is on or before a's date.

    Consistent with add_working_days: working_days_between(o, a, add_working_days(o, a, n)) == n.
    """
    start, end = local_date(office, a), local_date(office, b)
    if end <= start:
        return 0
    first = start + dt.timedelta(days=1)
    total = (end - first).days + 1
    return total - len(days_off(office, first, end))
