import pytest

from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.pickup.models import CourierFee, CourierPartner, DriveThruSchedule, Handover
from loket.pickup.services import pickup_handover
from loket.pickup.tests.factories import drive_thru_office, ready_application

pytestmark = pytest.mark.django_db


def test_schedules_and_fees_are_office_scoped(client, office_wib, office_wita, make_staff):
    drive_thru_office(office_wib)
    drive_thru_office(office_wita)
    own = DriveThruSchedule.objects.get(office=office_wita)
    other = DriveThruSchedule.objects.get(office=office_wib)
    client.force_login(make_staff(Role.OFFICE_ADMIN, office_wita))
    listing = client.get("/admin/pickup/drivethruschedule/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [own]
    assert client.get(f"/admin/pickup/drivethruschedule/{other.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    response = client.post(
        f"/admin/pickup/drivethruschedule/{own.pk}/change/",
        {
            "office": office_wita.pk,
            "weekdays": "0123",
            "opens": "08:00",
            "closes": "12:00",
            "slot_minutes": 30,
            "car_per_day": 8,
            "motorbike_per_day": 12,
            "days_ahead": 7,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.weekdays, own.car_per_day, own.motorbike_per_day) == ("0123", 8, 12)
    assert AuditEntry.objects.filter(action="admin.change", target_id=str(own.pk)).exists()

    partner = CourierPartner.objects.create(name="Pos Indonesia")
    assert client.get("/admin/pickup/courierpartner/").status_code == 200
    assert client.get("/admin/pickup/courierpartner/add/").status_code == 403
    response = client.post(
        "/admin/pickup/courierfee/add/",
        {"partner": partner.pk, "office": office_wita.pk, "province": "", "fee": 20000},
    )
    assert response.status_code == 302
    assert CourierFee.objects.get().office == office_wita
    response = client.post(
        "/admin/pickup/courierfee/add/",
        {"partner": partner.pk, "office": office_wib.pk, "province": "", "fee": 1},
    )
    assert response.status_code == 200  # another office's id is not a choice
    assert CourierFee.objects.count() == 1


def test_handovers_are_read_only(client, office_wib, make_staff, national_admin, time_machine):
    time_machine.move_to("2025-03-10 10:00 +07:00", tick=False)
    application = ready_application(office_wib)
    pickup_handover(
        application=application,
        officer=make_staff(Role.PICKUP, office_wib),
        received_by="owner",
        receiver_name="X",
        identity_checked=True,
    )
    handover = Handover.objects.get()
    client.force_login(national_admin)
    assert client.get("/admin/pickup/handover/").status_code == 200
    assert client.get(f"/admin/pickup/handover/{handover.pk}/change/").status_code == 200
    assert client.get("/admin/pickup/handover/add/").status_code == 403
    assert client.get("/admin/pickup/pickupchoice/").status_code == 200
    response = client.get(f"/admin/pickup/pickupchoice/{handover.choice_id}/change/")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        action="personal_data.view", target_id=str(handover.choice_id)
    ).exists()
    assert (
        client.post(
            "/admin/pickup/courierpartner/add/", {"name": "JNE", "is_active": "on"}
        ).status_code
        == 302
    )
    assert CourierPartner.objects.filter(name="JNE").exists()
