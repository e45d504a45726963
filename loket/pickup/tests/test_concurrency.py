"""Concurrency on PostgreSQL with real threads (SQLite serialises writers; these tests
skip themselves there): parallel drive-thru bookings never exceed a lane's places, and
parallel handovers of one passport yield exactly one."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from loket.core.choices import Role
from loket.core.errors import ApplicationError
from loket.offices.tests.factories import staff_with_role
from loket.pickup.choices import Lane, Method
from loket.pickup.models import DriveThruSlot, Handover, PickupChoice
from loket.pickup.selectors import drive_thru_slots_open
from loket.pickup.services import pickup_choose, pickup_handover
from loket.pickup.tests.conftest import NOW, WED
from loket.pickup.tests.factories import drive_thru_office, ready_application

THREADS = 30


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL; SQLite serialises every writer")


def _run(jobs) -> list[object]:
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def work(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except ApplicationError as error:
            results[i] = error.code
        except Exception as error:
            results[i] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


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
