"""When does a date open for booking? Closed-form arithmetic on an office's release rule,
in the office's own time zone (WIB, WITA or WIT).

For every date d and moment t: d <= released_until(rule, t)  <=>  opens_at(rule, d) <= t.
Both sides are tested against each other.
"""

from __future__ import annotations

import calendar
import datetime as dt

from loket.booking.choices import ReleaseKind
from loket.booking.models import ReleaseRule
from loket.core.calendar import days_off


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def last_working_day(rule: ReleaseRule, year: int, month: int) -> dt.date:
    """The office's last working day of a month (national days off and closures counted)."""
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    start = dt.date(year, month, 1)
    off = days_off(rule.office, start, end)
    day = end
    while day >= start:
        if day not in off:
            return day
        day -= dt.timedelta(days=1)
    return end  # a month without a working day: release on its last date anyway


def _moment(rule: ReleaseRule, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, rule.time, tzinfo=rule.office.tz)


def opens_at(rule: ReleaseRule, day: dt.date) -> dt.datetime:
    """The moment `day` (an office-local date) becomes bookable."""
    if rule.kind == ReleaseKind.WEEKLY:
        release_day = (
            _monday(day) - dt.timedelta(weeks=rule.periods_ahead) + dt.timedelta(days=rule.weekday)
        )
        return _moment(rule, release_day)
    year, month = _add_months(day.year, day.month, -rule.periods_ahead)
    return _moment(rule, last_working_day(rule, year, month))


def released_until(rule: ReleaseRule, now: dt.datetime) -> dt.date:
    """The last office-local date that is open for booking at `now`."""
    local = now.astimezone(rule.office.tz)
    if rule.kind == ReleaseKind.WEEKLY:
        monday = _monday(local.date())
        if local < _moment(rule, monday + dt.timedelta(days=rule.weekday)):
            monday -= dt.timedelta(weeks=1)
        return monday + dt.timedelta(weeks=rule.periods_ahead, days=6)
    year, month = local.year, local.month
    if local < _moment(rule, last_working_day(rule, year, month)):
        year, month = _add_months(year, month, -1)
    year, month = _add_months(year, month, rule.periods_ahead)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def next_release(rule: ReleaseRule, now: dt.datetime) -> dt.datetime:
    """The next release moment after `now` (what the applicant is told to wait for)."""
    return opens_at(rule, released_until(rule, now) + dt.timedelta(days=1))
