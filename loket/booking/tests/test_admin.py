import pytest

from loket.booking.models import ReleaseRule
from loket.booking.tests.factories import setup_booking_office
from loket.core.choices import Role
from loket.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_release_rules_are_office_scoped(
    client, office_wib, office_wita, make_staff, national_admin
):
    setup_booking_office(office_wib)
    setup_booking_office(office_wita)
    own = ReleaseRule.objects.get(office=office_wita)
    other = ReleaseRule.objects.get(office=office_wib)
    admin = make_staff(Role.OFFICE_ADMIN, office_wita)
    client.force_login(admin)
    listing = client.get("/admin/booking/releaserule/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [own]
    assert client.get(f"/admin/booking/releaserule/{other.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    r = client.post(
        f"/admin/booking/releaserule/{own.pk}/change/",
        {
            "office": office_wita.pk,
            "kind": "monthly",
            "weekday": 4,
            "time": "09:00",
            "periods_ahead": 1,
            "is_active": "on",
            "allocation": "fcfs",
            "prequeue_minutes": 15,
        },
    )
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.kind == "monthly"
    assert AuditEntry.objects.filter(action="admin.change", target_id=str(own.pk)).exists()
    client.force_login(national_admin)
    assert client.get(f"/admin/booking/releaserule/{other.pk}/change/").status_code == 200


def test_bookings_and_capacity_are_read_only(client, office_wib, national_admin, time_machine):
    from loket.booking.tests.factories import book_for, verified_application

    time_machine.move_to("2025-03-10 10:00 +07:00", tick=False)
    setup_booking_office(office_wib)
    import datetime as dt

    booking = book_for(verified_application(office=office_wib), dt.date(2025, 3, 12))
    client.force_login(national_admin)
    assert client.get("/admin/booking/slotcapacity/").status_code == 200
    assert client.get("/admin/booking/slotcapacity/add/").status_code == 403
    r = client.get(f"/admin/booking/booking/{booking.pk}/change/")
    assert r.status_code == 200
    assert booking.nik.encode() not in r.content
    assert AuditEntry.objects.filter(
        action="personal_data.view", target_id=str(booking.pk)
    ).exists()
