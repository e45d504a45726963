import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from loket.booking import release
from loket.booking.models import ReleaseRule, SlotCapacity
from loket.booking.selectors import availability
from loket.booking.services import quotas_release
from loket.booking.tests.factories import setup_booking_office
from loket.offices.models import OfficeClosure

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_same_instant_three_zones(office_wib, office_wita, office_wit, time_machine):
    """Friday 14:00 local: at 06:30 UTC it is 13:30 WIB, 14:30 WITA and 15:30 WIT."""
    for office in (office_wib, office_wita, office_wit):
        setup_booking_office(office)
    time_machine.move_to(dt.datetime(2025, 3, 14, 6, 30, tzinfo=UTC), tick=False)
    quotas_release()
    next_monday = dt.date(2025, 3, 17)
    opened = {
        code: SlotCapacity.objects.filter(office__code=code, date=next_monday).exists()
        for code in ("CLP", "KPG", "TUL")
    }
    assert opened == {"CLP": False, "KPG": True, "TUL": True}
    rule = ReleaseRule.objects.get(office=office_wib)
    assert release.opens_at(rule, next_monday) == dt.datetime(2025, 3, 14, 7, 0, tzinfo=UTC)
    rule_wit = ReleaseRule.objects.get(office=office_wit)
    assert release.opens_at(rule_wit, next_monday) == dt.datetime(2025, 3, 14, 5, 0, tzinfo=UTC)


def test_local_date_decides_today(office_wit, time_machine):
    """23:30 UTC on Sunday is already Monday 08:30 in Tual (WIT)."""
    setup_booking_office(office_wit)
    time_machine.move_to(dt.datetime(2025, 3, 9, 23, 30, tzinfo=UTC), tick=False)
    days = availability(office=office_wit, start=dt.date(2025, 3, 10), end=dt.date(2025, 3, 10))
    pagi, siang = days[0].sessions
    assert not pagi.bookable  # 08:00 WIT has passed
    assert siang.bookable


def test_weekly_rule_with_two_weeks(office_wib):
    setup_booking_office(office_wib, weekday=0, time=dt.time(8), periods_ahead=2)
    rule = ReleaseRule.objects.get(office=office_wib)
    tz = ZoneInfo("Asia/Jakarta")
    assert release.released_until(rule, dt.datetime(2025, 3, 10, 7, 59, tzinfo=tz)) == dt.date(
        2025, 3, 23
    )
    assert release.released_until(rule, dt.datetime(2025, 3, 10, 8, 0, tzinfo=tz)) == dt.date(
        2025, 3, 30
    )
    assert release.next_release(rule, dt.datetime(2025, 3, 10, 8, 0, tzinfo=tz)) == dt.datetime(
        2025, 3, 17, 8, 0, tzinfo=tz
    )


def test_monthly_rule_last_working_day(office_wita):
    setup_booking_office(office_wita, kind="monthly", time=dt.time(9))
    rule = ReleaseRule.objects.get(office=office_wita)
    tz = ZoneInfo("Asia/Makassar")
    # Friday 31 October 2025 is the last working day of the month.
    assert release.released_until(rule, dt.datetime(2025, 10, 31, 8, 59, tzinfo=tz)) == dt.date(
        2025, 10, 31
    )
    assert release.released_until(rule, dt.datetime(2025, 10, 31, 9, 0, tzinfo=tz)) == dt.date(
        2025, 11, 30
    )
    assert release.opens_at(rule, dt.date(2025, 11, 20)) == dt.datetime(
        2025, 10, 31, 9, 0, tzinfo=tz
    )
    # A closure on the 31st moves the release to Thursday the 30th.
    OfficeClosure.objects.create(office=office_wita, date=dt.date(2025, 10, 31), reason="Banjir")
    assert release.opens_at(rule, dt.date(2025, 11, 20)) == dt.datetime(
        2025, 10, 30, 9, 0, tzinfo=tz
    )
    # A month ending on a weekend releases on its last weekday (Fri 29 Aug 2025... Sun 31).
    assert release.opens_at(rule, dt.date(2025, 9, 10)).date() == dt.date(2025, 8, 29)


@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_opens_at_and_released_until_agree(office_wit, kind):
    setup_booking_office(office_wit, kind=kind, weekday=2, time=dt.time(10, 30))
    rule = ReleaseRule.objects.get(office=office_wit)
    tz = office_wit.tz
    moments = [
        dt.datetime(2025, 10, 1, 0, 0, tzinfo=tz) + dt.timedelta(hours=h)
        for h in range(0, 24 * 75, 17)
    ]
    days = [dt.date(2025, 10, 1) + dt.timedelta(days=i) for i in range(0, 120, 5)]
    opens = {day: release.opens_at(rule, day) for day in days}
    for moment in moments:
        until = release.released_until(rule, moment)
        for day in days:
            assert (day <= until) == (opens[day] <= moment), (moment, day)


def test_no_rule_means_not_bookable(office_wib, time_machine):
    setup_booking_office(office_wib)
    ReleaseRule.objects.filter(office=office_wib).delete()
    time_machine.move_to("2025-03-10 10:00 +07:00", tick=False)
    days = availability(office=office_wib, start=dt.date(2025, 3, 11), end=dt.date(2025, 3, 11))
    assert not days[0].released and days[0].opens_at is None
    assert quotas_release()["dates"] == 0
