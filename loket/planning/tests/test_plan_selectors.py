"""The dashboard's planning selectors against figures counted by hand.

February 2025 in Indonesia has no national holiday or joint leave day: its working
days are the 20 weekdays 3-7, 10-14, 17-21 and 24-28. Kanim Cilacap (WIB, UTC+7)
closes on the 14th, leaving it 19; Kanim Kupang (WITA) keeps 20."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from loket.booking.models import SlotCapacity
from loket.core.tests.factories import UserFactory
from loket.offices.models import Counter, OfficeClosure, ServiceSession
from loket.planning.models import DutyDay, QuotaPlan
from loket.planning.selectors import (
    counters_planned_vs_opened,
    quota_planned_vs_released,
    working_days_by_month,
)
from loket.queueing.models import CounterSession

WIB = ZoneInfo("Asia/Jakarta")


def day(d):
    return dt.date(2025, 2, d)


@pytest.fixture
def closed_14th(office_wib):
    OfficeClosure.objects.create(office=office_wib, date=day(14), reason="Rapat kerja")
    return office_wib


def slot(office, session, date, category, capacity, used):
    SlotCapacity.objects.create(
        office=office, date=date, session=session, category=category, capacity=capacity, used=used
    )


@pytest.mark.django_db
def test_working_days(closed_14th, office_wita):
    assert working_days_by_month(office=closed_14th, year=2025)[2] == 19
    assert working_days_by_month(office=office_wita, year=2025)[2] == 20


@pytest.mark.django_db
def test_quota_planned_vs_released(closed_14th, office_wita):
    office = closed_14th
    QuotaPlan.objects.create(
        office=office, year=2025, month=2, category="regular", places_per_day=60
    )
    QuotaPlan.objects.create(
        office=office, year=2025, month=2, category="priority", places_per_day=10
    )
    QuotaPlan.objects.create(
        office=office, year=2025, month=3, category="regular", places_per_day=99
    )
    QuotaPlan.objects.create(
        office=office_wita, year=2025, month=2, category="regular", places_per_day=30
    )
    morning = ServiceSession.objects.create(
        office=office, code="pagi", name="Pagi", starts=dt.time(8), ends=dt.time(12)
    )
    afternoon = ServiceSession.objects.create(
        office=office, code="siang", name="Siang", starts=dt.time(13), ends=dt.time(15)
    )
    slot(office, morning, day(3), "regular", 40, 38)
    slot(office, afternoon, day(3), "regular", 20, 17)
    slot(office, morning, day(4), "regular", 50, 10)
    slot(office, morning, day(3), "walk_in", 20, 0)
    slot(office, morning, dt.date(2025, 3, 3), "regular", 60, 60)  # another month
    kupang = ServiceSession.objects.create(
        office=office_wita, code="pagi", name="Pagi", starts=dt.time(8), ends=dt.time(12)
    )
    slot(office_wita, kupang, day(3), "regular", 30, 30)

    rows = quota_planned_vs_released(offices=[office], year=2025, months=[2])
    assert [
        (r.month, r.category, r.planned_per_day, r.working_days, r.planned, r.released, r.taken)
        for r in rows
    ] == [
        # 60 x 19 = 1140 planned; 40 + 20 + 50 released, 38 + 17 + 10 taken.
        (2, "regular", 60, 19, 1140, 110, 65),
        (2, "priority", 10, 19, 190, 0, 0),
        (2, "walk_in", None, 19, None, 20, 0),
    ]
    assert rows[0].difference == 110 - 1140 and rows[2].difference is None

    both = quota_planned_vs_released(offices=[office, office_wita], year=2025, months=[2])
    regular = next(r for r in both if r.category == "regular")
    # 60 x 19 + 30 x 20 = 1740; released 110 + 30, taken 65 + 30.
    assert (regular.planned_per_day, regular.working_days, regular.planned) == (None, 39, 1740)
    assert (regular.released, regular.taken) == (140, 95)

    whole_year = quota_planned_vs_released(offices=[office], year=2025)
    assert [(r.month, r.category) for r in whole_year] == [
        (2, "regular"),
        (2, "priority"),
        (2, "walk_in"),
        (3, "regular"),
    ]


@pytest.mark.django_db
def test_counters_planned_vs_opened(closed_14th, office_wita):
    office = closed_14th
    officer = UserFactory()
    c1, c2, c3 = (
        Counter.objects.create(office=office, number=str(n), name=f"Loket {n}") for n in (1, 2, 3)
    )
    elsewhere = Counter.objects.create(office=office_wita, number="1", name="Loket 1")

    def session(counter, start, end):
        CounterSession.objects.create(
            counter=counter,
            officer=officer,
            started_at=start.replace(tzinfo=WIB),
            ended_at=end.replace(tzinfo=WIB) if end else None,
        )

    DutyDay.objects.create(office=office, date=day(3), officers=4, counters=3)
    DutyDay.objects.create(office=office, date=day(4), officers=2, counters=2)
    DutyDay.objects.create(office=office, date=day(10), officers=1, counters=1)  # outside range
    # The 3rd: counter 1 twice (counted once), counter 2, and counter 3 from 23:30
    # past midnight, so counter 3 also counts on the 4th.
    session(c1, dt.datetime(2025, 2, 3, 8), dt.datetime(2025, 2, 3, 12))
    session(c1, dt.datetime(2025, 2, 3, 13), dt.datetime(2025, 2, 3, 14))
    session(c2, dt.datetime(2025, 2, 3, 9), dt.datetime(2025, 2, 3, 15))
    session(c3, dt.datetime(2025, 2, 3, 23, 30), dt.datetime(2025, 2, 4, 0, 30))
    # 00:30 UTC on the 5th is 07:30 on the 5th in Cilacap.
    CounterSession.objects.create(
        counter=c2,
        officer=officer,
        started_at=dt.datetime(2025, 2, 5, 0, 30, tzinfo=dt.UTC),
        ended_at=dt.datetime(2025, 2, 5, 5, 0, tzinfo=dt.UTC),
    )
    session(c1, dt.datetime(2025, 2, 8, 9), dt.datetime(2025, 2, 8, 11))  # a Saturday
    session(c1, dt.datetime(2025, 2, 2, 9), dt.datetime(2025, 2, 2, 11))  # before the range
    CounterSession.objects.create(
        counter=elsewhere,
        officer=officer,
        started_at=dt.datetime(2025, 2, 3, 8, tzinfo=WIB),
        ended_at=dt.datetime(2025, 2, 3, 9, tzinfo=WIB),
    )

    rows = counters_planned_vs_opened(offices=[office], start=day(3), end=day(9))
    assert [(r.date, r.working, r.officers, r.planned, r.opened) for r in rows] == [
        (day(3), True, 4, 3, 3),
        (day(4), True, 2, 2, 1),
        (day(5), True, None, None, 1),
        (day(6), True, None, None, 0),
        (day(7), True, None, None, 0),
        (day(8), False, None, None, 1),
    ]
    assert rows[0].difference == 0 and rows[1].difference == -1 and rows[2].difference is None


@pytest.mark.django_db
def test_session_still_open_counts_until_now(office_wib, time_machine):
    counter = Counter.objects.create(office=office_wib, number="1", name="Loket 1")
    CounterSession.objects.create(
        counter=counter,
        officer=UserFactory(),
        started_at=dt.datetime(2025, 2, 3, 8, tzinfo=WIB),
        ended_at=None,
    )
    # Now is 10:00 on Wednesday the 5th in Cilacap: the open session covers the 3rd to
    # the 5th, not the 6th and 7th.
    time_machine.move_to(dt.datetime(2025, 2, 5, 10, tzinfo=WIB), tick=False)
    rows = counters_planned_vs_opened(offices=[office_wib], start=day(3), end=day(7))
    assert [(r.date.day, r.opened) for r in rows] == [(3, 1), (4, 1), (5, 1), (6, 0), (7, 0)]
