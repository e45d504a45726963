import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from loket.core.calendar import (
    add_working_days,
    is_working_day,
    local_date,
    working_days_between,
)
from loket.core.choices import CalendarDayKind
from loket.core.models import CalendarDay
from loket.offices.models import OfficeClosure

UTC = ZoneInfo("UTC")
D = dt.date


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.django_db
class TestWeekendsAndHolidays:
    def test_friday_plus_one_is_monday(self, office_wib):
        assert add_working_days(office_wib, D(2026, 11, 20), 1) == D(2026, 11, 23)

    def test_zero_days_is_the_same_date(self, office_wib):
        assert add_working_days(office_wib, D(2026, 11, 21), 0) == D(2026, 11, 21)

    def test_start_day_never_counts_even_on_a_weekend(self, office_wib):
        # Saturday + 1 working day = Monday.
        assert add_working_days(office_wib, D(2026, 11, 21), 1) == D(2026, 11, 23)

    def test_independence_day_is_skipped(self, office_wib):
        # 17 Aug 2026 is a Monday.
        assert add_working_days(office_wib, D(2026, 8, 14), 1) == D(2026, 8, 18)
        assert not is_working_day(office_wib, D(2026, 8, 17))

    def test_joint_leave_from_the_holidays_package(self, office_wib):
        # 24 Dec 2026 is cuti bersama, 25 Dec Christmas, then the weekend.
        assert add_working_days(office_wib, D(2026, 12, 23), 1) == D(2026, 12, 28)

    def test_lebaran_cluster(self, office_wib):
        # 18–24 Mar 2026: Nyepi, its joint leave, Idul Fitri and its joint leave, a weekend.
        assert add_working_days(office_wib, D(2026, 3, 17), 1) == D(2026, 3, 25)
        assert working_days_between(office_wib, D(2026, 3, 16), D(2026, 3, 27)) == 4

    def test_joint_leave_entered_by_the_admin(self, office_wib):
        assert add_working_days(office_wib, D(2026, 11, 25), 1) == D(2026, 11, 26)
        CalendarDay.objects.create(
            date=D(2026, 11, 26), kind=CalendarDayKind.JOINT_LEAVE, name="Cuti bersama contoh"
        )
        assert add_working_days(office_wib, D(2026, 11, 25), 1) == D(2026, 11, 27)

    def test_working_day_overrides_a_listed_joint_leave(self, office_wib):
        CalendarDay.objects.create(
            date=D(2026, 12, 24), kind=CalendarDayKind.WORKING_DAY, name="Cuti bersama dibatalkan"
        )
        assert add_working_days(office_wib, D(2026, 12, 23), 1) == D(2026, 12, 24)

    def test_office_closure_only_affects_that_office(self, office_wib, office_wita):
        OfficeClosure.objects.create(office=office_wita, date=D(2026, 11, 23), reason="Renovasi")
        assert add_working_days(office_wita, D(2026, 11, 20), 1) == D(2026, 11, 24)
        assert add_working_days(office_wib, D(2026, 11, 20), 1) == D(2026, 11, 23)

    def test_long_spans_cross_chunks(self, office_wib):
        # 60 working days (the slowest complaint class) from 1 Dec 2026.
        end = add_working_days(office_wib, D(2026, 12, 1), 60)
        assert working_days_between(office_wib, D(2026, 12, 1), end) == 60
        assert is_working_day(office_wib, end)

    def test_negative_days_are_refused(self, office_wib):
        with pytest.raises(ValueError, match="zero or more"):
            add_working_days(office_wib, D(2026, 11, 20), -1)


@pytest.mark.django_db
class TestWorkingDaysBetween:
    def test_a_week(self, office_wib):
        assert working_days_between(office_wib, D(2026, 11, 20), D(2026, 11, 27)) == 5

    def test_same_day_and_reversed_are_zero(self, office_wib):
        assert working_days_between(office_wib, D(2026, 11, 20), D(2026, 11, 20)) == 0
        assert working_days_between(office_wib, D(2026, 11, 27), D(2026, 11, 20)) == 0

    def test_consistent_with_add_working_days(self, office_wib):
        start = D(2026, 7, 1)
        for offset in range(0, 200, 3):
            for n in (1, 3, 7, 14):
                a = start + dt.timedelta(days=offset)
                assert working_days_between(office_wib, a, add_working_days(office_wib, a, n)) == n


@pytest.mark.django_db
class TestTimeZones:
    """The same instant falls on different local dates in WIB, WITA and WIT."""

    def test_local_dates_around_midnight(self, office_wib, office_wita, office_wit):
        moment = utc(2026, 11, 19, 15, 30)  # 22:30 WIB, 23:30 WITA, 00:30 WIT (Fri)
        assert local_date(office_wib, moment) == D(2026, 11, 19)
        assert local_date(office_wita, moment) == D(2026, 11, 19)
        assert local_date(office_wit, moment) == D(2026, 11, 20)

    def test_add_working_days_from_an_instant(self, office_wib, office_wita, office_wit):
        moment = utc(2026, 11, 19, 16, 30)  # Thu 23:30 WIB, Fri 00:30 WITA, Fri 01:30 WIT
        assert add_working_days(office_wib, moment, 1) == D(2026, 11, 20)
        assert add_working_days(office_wita, moment, 1) == D(2026, 11, 23)
        assert add_working_days(office_wit, moment, 1) == D(2026, 11, 23)

    def test_holiday_starts_at_local_midnight(self, office_wib, office_wit):
        # 17:30 UTC on 16 Aug is 00:30 on Monday 17 August (Independence Day) in WIB;
        # an hour earlier it is still Sunday in WIB but already the holiday in WIT.
        moment = utc(2026, 8, 16, 17, 30)
        assert local_date(office_wib, moment) == D(2026, 8, 17)
        moment = utc(2026, 8, 16, 16, 30)
        assert local_date(office_wib, moment) == D(2026, 8, 16)
        assert local_date(office_wit, moment) == D(2026, 8, 17)
        assert not is_working_day(office_wit, moment)

    def test_working_days_between_instants(self, office_wib, office_wit):
        a = utc(2026, 11, 19, 15, 30)  # Thu in WIB, Fri in WIT
        b = utc(2026, 11, 23, 1, 0)  # Mon 08:00 WIB, Mon 10:00 WIT
        assert working_days_between(office_wib, a, b) == 2  # Fri, Mon
        assert working_days_between(office_wit, a, b) == 1  # Mon

    def test_naive_datetime_is_refused(self, office_wib):
        with pytest.raises(ValueError, match="naive"):
            local_date(office_wib, dt.datetime(2026, 11, 19, 12, 0))
