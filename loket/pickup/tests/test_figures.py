"""The figures for reports (issue #7 §6) against values computed by hand: pickups by
channel per day, drive-thru use against quota per lane, hours from ready to pickup.

Every day is the office's local day: a handover at 07:48 WIT is on that day, although in
UTC it is the evening before."""

import datetime as dt

import pytest

from loket.applications.models import ApplicationEvent
from loket.core.choices import Role
from loket.pickup.choices import Lane, Method
from loket.pickup.models import CourierFee, CourierPartner, DriveThruSlot
from loket.pickup.selectors import drive_thru_slots_open, pickup_figures
from loket.pickup.services import (
    pickup_arrive,
    pickup_cancel,
    pickup_choose,
    pickup_dispatch,
    pickup_handover,
)
from loket.pickup.tests.conftest import WED
from loket.pickup.tests.factories import ready_application

pytestmark = pytest.mark.django_db

MON, TUE, THU = dt.date(2025, 3, 10), dt.date(2025, 3, 11), dt.date(2025, 3, 13)


def _ready_since(application, at: str) -> None:
    ApplicationEvent.objects.create(
        application=application,
        from_status="qc",
        to_status="ready",
        at=dt.datetime.fromisoformat(at),
    )


def _hand_over(application, officer, **extra) -> None:
    fields = {"received_by": "owner", "receiver_name": application.full_name, **extra}
    pickup_handover(application=application, officer=officer, identity_checked=True, **fields)


def _slot(office, lane, hour):
    return drive_thru_slots_open(office=office, lane=lane).get(date=WED, start=dt.time(hour))


def test_figures_against_hand_computed_values(
    office, officer, office_wit, make_staff, time_machine
):
    # Monday 10 March 08:00 WIB: seven passports of Cilacap (WIB) are ready.
    counter, bike, car_cancelled, car, courier, proxy, late = (
        ready_application(office) for _ in range(7)
    )
    for application in (counter, bike, car_cancelled, car, courier, proxy, late):
        _ready_since(application, "2025-03-10 08:00+07:00")
    # Tual (WIT, UTC+9): ready on Monday 08:00 local.
    tual = ready_application(office_wit)
    _ready_since(tual, "2025-03-10 08:00+09:00")
    tual_officer = make_staff(Role.PICKUP, office_wit)

    def book(application, lane, hour, plate):
        return pickup_choose(
            application=application,
            actor=application.account,
            method=Method.DRIVE_THRU,
            slot=_slot(office, lane, hour),
            vehicle=lane,
            plate=plate,
        )

    bike_choice = book(bike, Lane.MOTORBIKE, 9, "BH 1 A")
    no_show = ready_application(office)
    book(no_show, Lane.MOTORBIKE, 11, "BH 4 A")  # holds a place, never comes
    pickup_cancel(choice=book(car_cancelled, Lane.CAR, 10, "BH 2 A"), actor=None)
    car_choice = book(car, Lane.CAR, 10, "BH 3 A")
    partner = CourierPartner.objects.create(name="Pos Indonesia")
    CourierFee.objects.create(partner=partner, office=office, province="", fee=25000)
    courier_choice = pickup_choose(
        application=courier,
        actor=courier.account,
        method=Method.COURIER,
        partner=partner,
        address="Jl. Sudirman 10, Cilacap",
        province="Jawa Tengah",
    )
    pickup_choose(
        application=proxy,
        actor=proxy.account,
        method=Method.PROXY,
        proxy_name="Siti",
        proxy_nik="3" * 16,
        proxy_kk_number=proxy.kk_number,
    )

    time_machine.move_to("2025-03-10 11:00 +07:00", tick=False)  # Mon: 3.0 h
    _hand_over(counter, officer)
    time_machine.move_to("2025-03-11 07:48 +09:00", tick=False)  # Tue WIT = Mon 22:48 UTC
    _hand_over(tual, tual_officer)  # 23.8 h
    time_machine.move_to("2025-03-11 09:00 +07:00", tick=False)  # Tue: 25.0 h
    _hand_over(
        proxy, officer, received_by="proxy", receiver_name="Siti", proxy_kk_number=proxy.kk_number
    )
    time_machine.move_to("2025-03-11 14:00 +07:00", tick=False)  # Tue: 30.0 h
    pickup_dispatch(choice=courier_choice, officer=officer, tracking_number="POS123")
    time_machine.move_to("2025-03-12 09:20 +07:00", tick=False)
    pickup_arrive(choice=bike_choice, officer=officer, plate="BH 1 A")
    time_machine.move_to("2025-03-12 09:30 +07:00", tick=False)  # Wed: 49.5 h
    _hand_over(bike, officer)
    time_machine.move_to("2025-03-12 10:00 +07:00", tick=False)
    pickup_arrive(choice=car_choice, officer=officer, plate="BH 3 A")
    time_machine.move_to("2025-03-12 10:06 +07:00", tick=False)  # Wed: 50.1 h
    _hand_over(car, officer)
    # Thursday 06:30 WIB is Wednesday 23:30 UTC: Thursday, outside the period.
    time_machine.move_to("2025-03-13 06:30 +07:00", tick=False)
    _hand_over(late, officer)

    cilacap = pickup_figures(office_ids=[office.pk], start=MON, end=WED)
    assert cilacap.by_channel == {
        (MON, Method.COUNTER): 1,
        (TUE, Method.PROXY): 1,
        (TUE, Method.COURIER): 1,
        (WED, Method.DRIVE_THRU): 2,
    }
    assert cilacap.ready_to_pickup_hours == [3.0, 25.0, 30.0, 49.5, 50.1]
    # 10 places a day per lane (schedule of the fixture); on Wednesday one car (the
    # cancelled booking gave its place back) and two two-wheelers, one a no-show.
    assert cilacap.drive_thru_use == {
        (MON, Lane.CAR): (0, 10),
        (MON, Lane.MOTORBIKE): (0, 10),
        (TUE, Lane.CAR): (0, 10),
        (TUE, Lane.MOTORBIKE): (0, 10),
        (WED, Lane.CAR): (1, 10),
        (WED, Lane.MOTORBIKE): (2, 10),
    }
    assert DriveThruSlot.objects.get(pk=car_choice.slot_id).used == 1
    assert cilacap.drive_thru_served == {(WED, Lane.CAR): 1, (WED, Lane.MOTORBIKE): 1}

    tual_figures = pickup_figures(office_ids=[office_wit.pk], start=MON, end=WED)
    assert tual_figures.by_channel == {(TUE, Method.COUNTER): 1}
    assert tual_figures.ready_to_pickup_hours == [23.8]
    assert tual_figures.drive_thru_use == {}
    assert tual_figures.drive_thru_served == {}

    everyone = pickup_figures(office_ids=None, start=MON, end=WED)
    assert everyone.by_channel == {**cilacap.by_channel, (TUE, Method.COUNTER): 1}
    assert sorted(everyone.ready_to_pickup_hours) == [3.0, 23.8, 25.0, 30.0, 49.5, 50.1]

    thursday = pickup_figures(office_ids=[office.pk], start=THU, end=THU)
    assert thursday.by_channel == {(THU, Method.COUNTER): 1}
    assert thursday.ready_to_pickup_hours == [70.5]
