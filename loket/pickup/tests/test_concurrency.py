"""Concurrency on PostgreSQL with real threads (SQLite serialises writers; these tests
skip themselves there): parallel drive-thru bookings never exceed a lane's places (nor do
walk-ups and reschedules racing them), parallel handovers of one passport yield exactly
one, and two sweeps at once cancel and remind once."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from loket.applications.choices import ApplicationStatus
from loket.applications.models import ApplicationEvent
from loket.core.choices import Role
from loket.core.tests.concurrency import require_postgres as _require_postgres
from loket.core.tests.concurrency import run_at_once as _run
from loket.notifications.models import OutboxMessage
from loket.offices.tests.factories import staff_with_role
from loket.pickup.choices import ChoiceStatus, Lane, Method
from loket.pickup.models import DriveThruSlot, Handover, PickupChoice, PickupSettings
from loket.pickup.selectors import drive_thru_slots_open
from loket.pickup.services import (
    pickup_choose,
    pickup_handover,
    pickup_reschedule,
    pickup_walk_up,
    pickups_sweep,
)
from loket.pickup.tests.conftest import NOW, WED
from loket.pickup.tests.factories import drive_thru_office, ready_application

THREADS = 30


@pytest.mark.django_db(transaction=True)
def test_last_drive_thru_places_of_a_lane(office_wib, time_machine):
    _require_postgres()
    time_machine.move_to(NOW, tick=False)
    # One slot a day (09:00-15:00), five two-wheeler places.
    drive_thru_office(office_wib, car=3, motorbike=5, slot_minutes=360)
    slot = drive_thru_slots_open(office=office_wib, lane=Lane.MOTORBIKE).get(date=WED)
    apps = [ready_application(office_wib) for _ in range(THREADS)]
    jobs = [
        lambda a=a, n=n: pickup_choose(
            application=a,
            actor=a.account,
            method=Method.DRIVE_THRU,
            slot=slot,
            vehicle=Lane.MOTORBIKE,
            plate=f"BH {n + 1} AB",
        )
        for n, a in enumerate(apps)
    ]
    results = _run(jobs)
    booked = [r for r in results if isinstance(r, PickupChoice)]
    errors = Counter(r for r in results if not isinstance(r, PickupChoice))
    assert len(booked) == 5, errors
    assert set(errors) == {"slot_full"}, errors
    slot.refresh_from_db()
    assert slot.used == slot.capacity == 5
    assert PickupChoice.objects.filter(slot=slot, holds_place=True).count() == 5
    assert DriveThruSlot.objects.filter(used__gt=0).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_handovers_of_one_passport_yield_one(office_wib, time_machine):
    _require_postgres()
    time_machine.move_to(NOW, tick=False)
    application = ready_application(office_wib)
    officers = [staff_with_role(Role.PICKUP, office_wib) for _ in range(8)]
    jobs = [
        lambda o=o: pickup_handover(
            application=application,
            officer=o,
            received_by="owner",
            receiver_name=application.full_name,
            identity_checked=True,
        )
        for o in officers
    ]
    results = _run(jobs)
    done = [r for r in results if isinstance(r, Handover)]
    errors = Counter(r for r in results if not isinstance(r, Handover))
    assert len(done) == 1, errors
    assert set(errors) == {"already_handed_over"}, errors
    assert Handover.objects.filter(application=application).count() == 1


@pytest.mark.django_db(transaction=True)
def test_walk_ups_and_bookings_racing_for_todays_lane(office_wib, time_machine):
    """Five two-wheeler places today, spread over five one-hour slots: 15 walk-ups and
    15 bookings of today's slots at once take exactly five places, never more per slot."""
    _require_postgres()
    time_machine.move_to(NOW, tick=False)  # Monday 08:00 WIB, before the first slot
    drive_thru_office(office_wib, car=3, motorbike=5, slot_minutes=60)
    today = dt.date(2025, 3, 10)
    slots = list(drive_thru_slots_open(office=office_wib, lane=Lane.MOTORBIKE).filter(date=today))
    assert [s.capacity for s in slots] == [1, 1, 1, 1, 1]
    officer = staff_with_role(Role.PICKUP, office_wib)
    walk_ins = [ready_application(office_wib) for _ in range(15)]
    bookers = [ready_application(office_wib) for _ in range(15)]
    jobs = [
        lambda a=a, n=n: pickup_walk_up(
            office=office_wib,
            officer=officer,
            application=a,
            vehicle=Lane.MOTORBIKE,
            plate=f"BH {n + 1} W",
        )
        for n, a in enumerate(walk_ins)
    ] + [
        lambda a=a, n=n: pickup_choose(
            application=a,
            actor=a.account,
            method=Method.DRIVE_THRU,
            slot=slots[n % len(slots)],
            vehicle=Lane.MOTORBIKE,
            plate=f"BH {n + 1} B",
        )
        for n, a in enumerate(bookers)
    ]
    results = _run(jobs)
    served = [r for r in results if isinstance(r, PickupChoice)]
    errors = Counter(r for r in results if not isinstance(r, PickupChoice))
    assert len(served) == 5, errors
    assert set(errors) <= {"slot_full", "drive_thru_day_full"}, errors
    for slot in slots:
        slot.refresh_from_db()
        holding = PickupChoice.objects.filter(slot=slot, holds_place=True).count()
        assert slot.used == holding == 1, slot
    assert not DriveThruSlot.objects.filter(lane=Lane.CAR, used__gt=0).exists()


@pytest.mark.django_db(transaction=True)
def test_reschedules_racing_for_the_last_place(office_wib, time_machine):
    """Eight bookings move at once into a slot with one place left: one moves, the
    other seven keep their own place; no place is lost or counted twice."""
    _require_postgres()
    time_machine.move_to(NOW, tick=False)
    drive_thru_office(office_wib, car=3, motorbike=18, slot_minutes=120)
    slots = list(drive_thru_slots_open(office=office_wib, lane=Lane.MOTORBIKE).filter(date=WED))
    assert [s.capacity for s in slots] == [6, 6, 6]
    target, *sources = slots
    # Fill the target to one free place, and book eight others in the other slots.
    for n in range(5):
        a = ready_application(office_wib)
        pickup_choose(
            application=a,
            actor=a.account,
            method=Method.DRIVE_THRU,
            slot=target,
            vehicle=Lane.MOTORBIKE,
            plate=f"BH {n + 1} T",
        )
    movers = []
    for n in range(8):
        a = ready_application(office_wib)
        movers.append(
            pickup_choose(
                application=a,
                actor=a.account,
                method=Method.DRIVE_THRU,
                slot=sources[n % 2],
                vehicle=Lane.MOTORBIKE,
                plate=f"BH {n + 1} M",
            )
        )
    results = _run(
        [lambda c=c: pickup_reschedule(choice=c, slot=target, actor=None) for c in movers]
    )
    moved = [r for r in results if isinstance(r, PickupChoice)]
    errors = Counter(r for r in results if not isinstance(r, PickupChoice))
    assert len(moved) == 1, errors
    assert errors == {"slot_full": 7}, errors
    for slot in slots:
        slot.refresh_from_db()
        holding = PickupChoice.objects.filter(slot=slot, holds_place=True).count()
        assert slot.used == holding, slot
    assert moved[0].slot_id == target.pk
    assert target.used == target.capacity == 6
    assert sorted(s.used for s in sources) == [3, 4]  # 4 + 4 booked, one moved out


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_remind_and_cancel_once(office_wib, time_machine):
    _require_postgres()
    time_machine.move_to(NOW, tick=False)
    drive_thru_office(office_wib, car=30)  # five car places a slot
    PickupSettings.objects.create(office=office_wib, reminder_days="3", cancel_after_days=20)
    remind = [
        ready_application(office_wib, status_changed_at=timezone.now() - dt.timedelta(days=4))
        for _ in range(5)
    ]
    stale = [
        ready_application(office_wib, status_changed_at=timezone.now() - dt.timedelta(days=21))
        for _ in range(5)
    ]
    slot = drive_thru_slots_open(office=office_wib, lane=Lane.CAR).filter(date=WED).first()
    for n, a in enumerate(stale):
        pickup_choose(
            application=a,
            actor=a.account,
            method=Method.DRIVE_THRU,
            slot=slot,
            vehicle=Lane.CAR,
            plate=f"BH {n + 1} S",
        )
    results = _run([pickups_sweep for _ in range(4)])
    assert all(not isinstance(r, str) for r in results), results
    assert sum(r.cancelled for r in results) == 5  # type: ignore[attr-defined]
    for a in stale:
        a.refresh_from_db()
        assert a.status == ApplicationStatus.CANCELLED
        assert ApplicationEvent.objects.filter(application=a, to_status="cancelled").count() == 1
    assert ChoiceStatus.CHOSEN not in set(
        PickupChoice.objects.filter(application__in=stale).values_list("status", flat=True)
    )
    slot.refresh_from_db()
    assert slot.used == 0
    for a in remind:
        assert (
            OutboxMessage.objects.filter(dedupe_key=f"pickup-reminder:{a.public_id}:3").count() == 1
        )
