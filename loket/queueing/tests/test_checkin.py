"""Check-in with a booking code at the kiosk or the front desk."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from loket.applications.tests.factories import ApplicationFactory
from loket.booking.models import Booking, SlotCapacity
from loket.core.errors import ApplicationError
from loket.offices.models import ServiceSession
from loket.offices.tests.factories import OfficeFactory
from loket.queueing.models import QueueConfig, Ticket
from loket.queueing.services import booking_check_in_ticket


def booking(
    office,
    *,
    status="confirmed",
    day=None,
    birth=dt.date(1990, 5, 17),
    category="regular",
    code="ABCD2345",
):
    day = day or timezone.now().astimezone(office.tz).date()
    session, _ = ServiceSession.objects.get_or_create(
        office=office,
        code="pagi",
        defaults={"name": "Pagi", "starts": dt.time(8), "ends": dt.time(12)},
    )
    slot, _ = SlotCapacity.objects.get_or_create(
        office=office,
        date=day,
        session=session,
        category=category,
        defaults={"capacity": 10, "used": 0},
    )
    SlotCapacity.objects.filter(pk=slot.pk).update(used=slot.used + 1)
    application = ApplicationFactory(office=office, birth_date=birth)
    return Booking.objects.create(
        code=code,
        application=application,
        account=application.account,
        office=office,
        slot=slot,
        category=category,
        nik=application.nik,
        status=status,
        holds_place=status != "expired",
        hold_expires_at=timezone.now() + dt.timedelta(hours=2),
    )


@pytest.mark.django_db
class TestBookingCheckIn:
    def test_confirmed_booking_gets_a_regular_ticket_once(self, hall):
        office = hall["office"]
        b = booking(office)
        ticket = booking_check_in_ticket(office=office, code="abcd 2345", actor=None)
        assert (ticket.lane.prefix, ticket.display_number, ticket.application_id) == (
            "A",
            "A001",
            b.application_id,
        )
        b.refresh_from_db()
        assert b.status == "checked_in"
        again = booking_check_in_ticket(office=office, code="ABCD2345", actor=None)
        assert again.pk == ticket.pk and Ticket.objects.count() == 1

    def test_elderly_by_birth_date_goes_to_the_priority_lane(self, hall):
        office = hall["office"]
        booking(office, birth=dt.date(1950, 1, 1))
        ticket = booking_check_in_ticket(office=office, code="ABCD2345", actor=None)
        assert (ticket.lane.prefix, ticket.priority_category) == ("C", "elderly")

    def test_percepatan_booking_uses_its_lane(self, hall):
        office = hall["office"]
        booking(office, category="percepatan")
        assert (
            booking_check_in_ticket(office=office, code="ABCD2345", actor=None).lane.prefix == "B"
        )

    @pytest.mark.parametrize(
        ("kwargs", "code", "expected"),
        [
            ({}, "NOPE1234", "booking_not_found"),
            ({"status": "expired"}, "ABCD2345", "not_confirmed"),
            ({"status": "held"}, "ABCD2345", "not_confirmed"),
            ({"day": dt.date(2030, 1, 2)}, "ABCD2345", "wrong_day"),
            ({}, "", "booking_code_required"),
        ],
    )
    def test_bad_codes_are_explained_and_change_nothing(self, hall, kwargs, code, expected):
        booking(hall["office"], **kwargs)
        with pytest.raises(ApplicationError) as info:
            booking_check_in_ticket(office=hall["office"], code=code, actor=None)
        assert info.value.code == expected
        assert not Ticket.objects.exists()

    def test_booking_for_another_office(self, hall):
        booking(OfficeFactory(code="ZZZ"))
        with pytest.raises(ApplicationError) as info:
            booking_check_in_ticket(office=hall["office"], code="ABCD2345", actor=None)
        assert info.value.code == "booking_other_office"

    def test_kiosk_page(self, client, hall):
        office = hall["office"]
        booking(office)
        key = QueueConfig.objects.get(office=office).display_key
        url = reverse("queueing:kiosk", args=[office.code]) + f"?key={key}"
        assert client.get(url).status_code == 200
        bad = client.post(url, {"code": "XXXX0000"})
        assert bad.status_code == 400
        ok = client.post(url, {"code": "ABCD2345"})
        assert ok.status_code == 200 and "A001" in ok.content.decode()
        assert client.get(reverse("queueing:kiosk", args=[office.code])).status_code == 404

    def test_front_desk_check_in(self, client, hall):
        office = hall["office"]
        booking(office)
        client.force_login(hall["desk"])
        response = client.post(
            reverse("queueing:front_desk", args=[office.code]),
            {"form": "checkin", "code": "ABCD2345"},
        )
        assert response.status_code == 302
        assert Ticket.objects.get().booking_code == "ABCD2345"


@pytest.mark.django_db
def test_front_desk_shows_the_check_in_field(client, hall):
    client.force_login(hall["desk"])
    body = client.get(reverse("queueing:front_desk", args=[hall["office"].code])).content.decode()
    assert 'name="code"' in body and 'id="check-in"' in body
