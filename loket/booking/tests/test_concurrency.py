"""Concurrency on PostgreSQL with real threads (SQLite serialises writers, so the race
cannot even happen there; these tests skip themselves on SQLite).

The claims: under a crowd of simultaneous requests no session goes over capacity, each
slot's `used` equals the bookings that hold a place in it, and a NIK never has two
active bookings. A naive read-then-write variant, run under the same load, overbooks.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from django.db import transaction

from loket.booking.choices import ACTIVE
from loket.booking.models import Booking, SlotCapacity
from loket.booking.tests.factories import book_for, setup_booking_office, verified_application
from loket.core.tests.concurrency import require_postgres as _require_postgres
from loket.core.tests.concurrency import run_at_once as _run

THREADS = 60
DAYS = [dt.date(2025, 3, d) for d in (11, 12, 13, 14)]  # Tue..Fri of the released week


def _applications(office, n: int, duplicates: int) -> list:
    """n applications; the last `duplicates` carry the NIKs of the first ones (the same
    person applying twice, from two accounts)."""
    apps = [verified_application(office=office) for _ in range(n - duplicates)]
    apps += [verified_application(office=office, nik=apps[i].nik) for i in range(duplicates)]
    return apps


def _assert_invariants(office) -> None:
    for slot in SlotCapacity.objects.filter(office=office):
        holders = Booking.objects.filter(slot=slot, holds_place=True).count()
        assert slot.used <= slot.capacity, slot
        assert slot.used == holders, (slot, holders)
    active = Counter(Booking.objects.filter(status__in=ACTIVE).values_list("nik", flat=True))
    assert active and max(active.values()) == 1


@pytest.mark.django_db(transaction=True)
def test_last_places_of_one_session(office_wib, time_machine):
    _require_postgres()
    time_machine.move_to("2025-03-10 10:00 +07:00", tick=False)
    setup_booking_office(office_wib, regular=10)
    apps = _applications(office_wib, THREADS, duplicates=10)
    results = _run([lambda a=a: book_for(a, DAYS[1], "pagi") for a in apps])
    booked = [r for r in results if isinstance(r, Booking)]
    errors = Counter(r for r in results if not isinstance(r, Booking))
    assert len(booked) == 10, errors
    assert len({b.nik for b in booked}) == 10
    assert set(errors) <= {"session_full", "nik_has_active_booking"}, errors
    slot = SlotCapacity.objects.get(
        office=office_wib, date=DAYS[1], session__code="pagi", category="regular"
    )
    assert slot.used == slot.capacity == 10
    _assert_invariants(office_wib)


@pytest.mark.django_db(transaction=True)
def test_many_sessions_at_once(office_wib, time_machine):
    _require_postgres()
    time_machine.move_to("2025-03-10 10:00 +07:00", tick=False)
    setup_booking_office(office_wib, regular=3)
    targets = [
        (day, session) for day in DAYS for session in ("pagi", "siang")
    ]  # 8 slots, 24 places
    apps = _applications(office_wib, THREADS, duplicates=12)
    jobs = [
        (lambda a=a, t=target: book_for(a, t[0], t[1]))
        for a, target in zip(apps, targets * (len(apps) // len(targets) + 1), strict=False)
    ]
    results = _run(jobs)
    errors = Counter(r for r in results if not isinstance(r, Booking))
    assert set(errors) <= {"session_full", "nik_has_active_booking"}, errors
    booked = [r for r in results if isinstance(r, Booking)]
    assert errors["session_full"] > 0, errors
    assert 0 < len(booked) <= 24
    assert sum(
        SlotCapacity.objects.filter(office=office_wib).values_list("used", flat=True)
    ) == len(booked)
    _assert_invariants(office_wib)


@pytest.mark.django_db(transaction=True)
def test_one_nik_from_many_accounts_at_once(office_wib, time_machine):
    """The same person booked from 20 accounts at the same moment, with places to spare:
    exactly one booking, and the places the others took inside their failed
    transactions are all back."""
    _require_postgres()
    time_machine.move_to("2025-03-10 10:00 +07:00", tick=False)
    setup_booking_office(office_wib, regular=50)
    first = verified_application(office=office_wib)
    apps = [first] + [verified_application(office=office_wib, nik=first.nik) for _ in range(19)]
    results = _run([lambda a=a: book_for(a, DAYS[0], "siang") for a in apps])
    errors = Counter(r for r in results if not isinstance(r, Booking))
    assert errors == {"nik_has_active_booking": 19}, errors
    slot = SlotCapacity.objects.get(
        office=office_wib, date=DAYS[0], session__code="siang", category="regular"
    )
    assert slot.used == 1
    _assert_invariants(office_wib)


@pytest.mark.django_db(transaction=True)
def test_a_read_then_write_implementation_overbooks(office_wib, time_machine):
    """The same crowd against a naive 'read used, check, save used + 1' takes more places
    than exist: proof that the conditional UPDATE is what keeps the tests above green."""
    _require_postgres()
    time_machine.move_to("2025-03-10 10:00 +07:00", tick=False)
    setup_booking_office(office_wib, regular=10)
    from loket.booking.services import capacity_materialise

    capacity_materialise(office=office_wib, day=DAYS[1])
    slot = SlotCapacity.objects.get(
        office=office_wib, date=DAYS[1], session__code="pagi", category="regular"
    )

    def naive_take() -> bool:
        with transaction.atomic():
            row = SlotCapacity.objects.get(pk=slot.pk)
            if row.used >= row.capacity:
                return False
            time.sleep(0.02)  # widen the window between the read and the write
            row.used += 1
            row.save(update_fields=["used"])
            return True

    results = _run([naive_take for _ in range(THREADS)])
    granted = sum(1 for r in results if r is True)
    slot.refresh_from_db()
    # More applicants were told "you have a place" than the session holds, and the counter
    # no longer matches them (lost updates).
    assert granted > slot.capacity
    assert slot.used != granted


@pytest.mark.django_db(transaction=True)
def test_rate_limit_counts_every_concurrent_request_once(settings):
    """The three counters are one upsert: 40 simultaneous requests from one address with a
    limit of 10 let exactly 10 through, and the counter ends at 40 (none lost, none twice)."""
    _require_postgres()
    from loket.booking.limits import rate_limit
    from loket.booking.models import RateCounter

    settings.LOKET_BOOKING_RATE_LIMITS = {"account": (1000, 60), "nik": (1000, 60), "ip": (10, 60)}
    now = dt.datetime(2025, 3, 10, 8, 0, 30, tzinfo=dt.UTC)  # one window for all
    results = _run(
        [
            lambda i=i: rate_limit(nik=f"33010112019{i:05d}", ip="10.9.9.9", action="race", now=now)
            for i in range(40)
        ]
    )
    assert Counter(results) == {None: 10, "rate_limited": 30}, Counter(results)
    assert RateCounter.objects.get(key="race:ip:10.9.9.9").count == 40
    assert RateCounter.objects.filter(key__startswith="race:nik:").count() == 40
