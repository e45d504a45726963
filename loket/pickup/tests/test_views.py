import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loket.applications.choices import ApplicationStatus
from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.pickup.choices import ChoiceStatus, Lane, Method
from loket.pickup.models import DriveThruSlot, Handover, PickupChoice
from loket.pickup.selectors import checklist_for, drive_thru_slots_open
from loket.pickup.services import pickup_choose
from loket.pickup.tests.conftest import WED
from loket.pickup.tests.factories import ready_application

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MONDAY = dt.date(2025, 3, 10)


def page(application):
    return reverse("pickup:choose", args=[application.public_id])


def screen(office):
    return reverse("pickup:drive_thru", args=[office.code])


@pytest.fixture
def owner(client, application):
    client.force_login(application.account)
    return client


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _slot(office, lane=Lane.MOTORBIKE, day=WED):
    return drive_thru_slots_open(office=office, lane=lane).filter(date=day).first()


def _book(application, day=WED, plate="BH 1234 AB"):
    return pickup_choose(
        application=application,
        actor=application.account,
        method=Method.DRIVE_THRU,
        slot=_slot(application.office, day=day),
        vehicle=Lane.MOTORBIKE,
        plate=plate,
    )


def test_url_names(application, office):
    assert page(application) == f"/akun/pengambilan/{application.public_id}/"
    assert screen(office) == f"/staf/pengambilan/{office.code}/drive-thru/"


def test_owner_sees_methods_with_checklists_before_confirming(owner, application):
    r = owner.get(page(application))
    assert r.status_code == 200
    body = r.content.decode()
    for method in Method.values:
        assert f'data-testid="checklist-{method}"' in body
        assert f'id="confirm-{method}"' in body
    assert checklist_for(Method.DRIVE_THRU)[2] in body
    assert 'name="slot"' in body and 'name="plate"' in body and 'name="vehicle"' in body
    assert 'name="address"' in body and 'name="proxy_nik"' in body
    assert 'name="power_of_attorney"' in body
    assert not PickupChoice.objects.exists()


def test_another_applicant_gets_404(client, application, office):
    other = ready_application(office)
    client.force_login(other.account)
    assert client.get(page(application)).status_code == 404
    r = client.post(page(application), {"method": Method.COUNTER})
    assert r.status_code == 404
    assert not PickupChoice.objects.exists()


def test_not_ready_is_refused(owner, application):
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=["status"])
    assert owner.get(page(application)).status_code == 409


def test_drive_thru_choice_takes_a_place_and_shows_qr(owner, application, office):
    slot = _slot(office)
    r = owner.post(
        page(application),
        {
            "method": Method.DRIVE_THRU,
            "vehicle": Lane.MOTORBIKE,
            "slot": slot.pk,
            "plate": "bh 1234 ab",
        },
    )
    assert r.status_code == 302 and r["Location"] == page(application)
    choice = PickupChoice.objects.get()
    assert choice.holds_place and choice.plate == "BH1234AB"
    slot.refresh_from_db()
    assert slot.used == 1
    r = owner.get(page(application))
    body = r.content.decode()
    assert f'data-testid="pickup-code">{choice.code}<' in body
    assert 'data-testid="pickup-qr"' in body and "data:image/svg+xml;base64," in body
    assert 'id="reschedule"' in body and 'id="cancel-pickup"' in body

    later = drive_thru_slots_open(office=office, lane=Lane.MOTORBIKE).exclude(pk=slot.pk).last()
    r = owner.post(reverse("pickup:reschedule", args=[application.public_id]), {"slot": later.pk})
    assert r.status_code == 302
    slot.refresh_from_db()
    later.refresh_from_db()
    assert (slot.used, later.used) == (0, 1)

    r = owner.post(reverse("pickup:cancel", args=[application.public_id]))
    assert r.status_code == 302
    later.refresh_from_db()
    assert later.used == 0
    assert PickupChoice.objects.get().status == ChoiceStatus.CANCELLED
    assert b'id="confirm-drive_thru"' in owner.get(page(application)).content


def test_drive_thru_bad_plate_and_full_slot_are_shown(owner, application, office):
    slot = _slot(office)
    data = {"method": Method.DRIVE_THRU, "vehicle": Lane.MOTORBIKE, "slot": slot.pk}
    r = owner.post(page(application), {**data, "plate": "not a plate"})
    assert r.status_code == 200 and b'id="drive_thru_plate_error_1"' in r.content
    DriveThruSlot.objects.filter(pk=slot.pk).update(used=slot.capacity)
    r = owner.post(page(application), {**data, "plate": "BH 1 A"})
    assert r.status_code == 200
    assert not PickupChoice.objects.exists()


def test_proxy_without_evidence_is_refused(owner, application):
    data = {"method": Method.PROXY, "proxy_name": "Siti", "proxy_nik": "1" * 16}
    r = owner.post(page(application), {**data, "proxy_kk_number": "9" * 16})
    assert r.status_code == 200 and b'id="proxy_power_of_attorney_error_1"' in r.content
    r = owner.post(
        page(application),
        {**data, "power_of_attorney": SimpleUploadedFile("kuasa.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 302
    assert PickupChoice.objects.get().proxy_basis == "power_of_attorney"


def test_officer_screen_scope(client, office, office_wita, make_staff):
    client.force_login(make_staff(Role.PICKUP, office_wita))
    assert client.get(screen(office)).status_code == 404
    client.force_login(make_staff(Role.FRONT_DESK, office))
    assert client.get(screen(office)).status_code == 403
    client.force_login(make_staff(Role.PICKUP, office))
    r = client.get(screen(office))
    assert r.status_code == 200
    assert b'data-testid="lane-car"' in r.content and b'data-testid="lane-motorbike"' in r.content


def test_officer_serves_arrival_and_handover(officer_client, application, office):
    choice = _book(application, day=MONDAY)
    r = officer_client.get(screen(office))
    assert f'data-testid="expected-{choice.code}"'.encode() in r.content
    r = officer_client.get(screen(office), {"q": "bh1234ab"})
    assert f'data-code="{choice.code}"'.encode() in r.content
    assert b'id="arrive-form"' in r.content and b'id="handover-form"' not in r.content
    assert AuditEntry.objects.filter(action="personal_data.view").count() == 1

    r = officer_client.post(
        screen(office), {"form": "arrive", "choice": choice.pk, "plate": "B 1 A"}
    )
    assert r.status_code == 200 and b'id="arrive_plate_error_1"' in r.content
    r = officer_client.post(
        screen(office), {"form": "arrive", "choice": choice.pk, "plate": "BH 1234 AB"}
    )
    assert r.status_code == 302
    choice.refresh_from_db()
    assert choice.status == ChoiceStatus.ARRIVED

    handover = {
        "form": "handover",
        "choice": choice.pk,
        "received_by": "owner",
        "receiver_name": application.full_name or "Budi",
    }
    r = officer_client.post(screen(office), handover)
    assert r.status_code == 200 and b'id="handover_identity_checked_error_1"' in r.content
    r = officer_client.post(screen(office), {**handover, "identity_checked": "on"})
    assert r.status_code == 302
    assert Handover.objects.get().application == application
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COLLECTED


def test_proxy_handover_needs_power_of_attorney_upload(officer_client, application, office):
    application.kk_number = "3" * 16
    application.save(update_fields=["kk_number"])
    choice = pickup_choose(
        application=application,
        actor=application.account,
        method=Method.PROXY,
        proxy_name="Siti",
        proxy_nik="1" * 16,
        proxy_kk_number="3" * 16,
    )
    data = {
        "form": "handover",
        "choice": choice.pk,
        "received_by": "proxy",
        "receiver_name": "Rina",
        "identity_checked": "on",
        "proxy_kk_number": "9" * 16,
    }
    r = officer_client.post(screen(office), data)
    assert r.status_code == 200 and b'id="handover_proxy_kk_number_error_1"' in r.content
    assert not Handover.objects.exists()
    r = officer_client.post(
        screen(office),
        {**data, "power_of_attorney": SimpleUploadedFile("kuasa.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 302
    assert Handover.objects.get().proxy_basis == "power_of_attorney"
    # a second handover of the same passport is refused
    r = officer_client.post(screen(office), {**data, "received_by": "owner"})
    assert r.status_code == 200
    assert Handover.objects.count() == 1


def test_walk_up_is_served_when_the_lane_has_room(officer_client, application, office):
    r = officer_client.post(
        screen(office),
        {
            "form": "walk_up",
            "application": str(application.public_id),
            "vehicle": Lane.CAR,
            "plate": "BH 77 C",
        },
    )
    assert r.status_code == 302
    choice = PickupChoice.objects.get()
    assert choice.walk_up and choice.status == ChoiceStatus.ARRIVED
    r = officer_client.post(
        screen(office),
        {"form": "walk_up", "application": "not-an-id", "vehicle": Lane.CAR, "plate": "BH 7 C"},
    )
    assert r.status_code == 200 and b'id="walk_up_application_error_1"' in r.content


def test_counter_choice_needs_no_fields(owner, application):
    r = owner.post(page(application), {"method": Method.COUNTER})
    assert r.status_code == 302
    assert PickupChoice.objects.get().method == Method.COUNTER
    r = owner.get(page(application))
    assert b'data-method="counter"' in r.content and b'id="reschedule"' not in r.content


def test_every_refusal_says_why(client, application, office, officer):
    """Bad input of issue #7, each refused with its specific message and nothing changed."""
    client.cookies["django_language"] = "en"
    client.force_login(application.account)
    slot = _slot(office)
    DriveThruSlot.objects.filter(pk=slot.pk).update(used=slot.capacity)
    data = {"method": Method.DRIVE_THRU, "vehicle": Lane.MOTORBIKE, "slot": slot.pk}
    r = client.post(page(application), {**data, "plate": "BH 1 A"})
    assert "This drive-thru time is no longer free (full or already started)" in (
        r.content.decode()
    )
    r = client.post(
        page(application),
        {"method": Method.PROXY, "proxy_name": "Siti", "proxy_nik": "1" * 16},
    )
    assert "A proxy must be on the same family card (KK)" in r.content.decode()
    assert not PickupChoice.objects.exists()
    printing = ready_application(office, account=application.account, status="printing")
    r = client.post(page(printing), {"method": Method.COUNTER})
    assert r.status_code == 409
    assert "This passport is not ready for pickup yet." in r.content.decode()
    assert not PickupChoice.objects.exists()

    choice = _book(application, day=MONDAY)
    client.force_login(officer)
    r = client.post(screen(office), {"form": "arrive", "choice": choice.pk, "plate": "B 1 A"})
    assert "The plate B1A does not match the booking (BH1234AB)." in r.content.decode()
    choice.refresh_from_db()
    assert choice.status == ChoiceStatus.CHOSEN
    client.post(screen(office), {"form": "arrive", "choice": choice.pk, "plate": "BH1234AB"})
    handover = {
        "form": "handover",
        "choice": choice.pk,
        "received_by": "owner",
        "receiver_name": "Budi",
        "identity_checked": "on",
    }
    assert client.post(screen(office), handover).status_code == 302
    r = client.post(screen(office), handover)
    assert "This passport has already been handed over." in r.content.decode()
    assert Handover.objects.count() == 1


def test_second_counter_handover_or_dispatch_is_refused_visibly(
    client, application, office, officer
):
    client.cookies["django_language"] = "en"
    client.force_login(officer)
    url = reverse("pickup:passport", args=[office.code, application.public_id])
    handover = {
        "form": "handover",
        "received_by": "owner",
        "receiver_name": "Budi",
        "identity_checked": "on",
    }
    assert client.post(url, handover).status_code == 302
    r = client.post(url, handover)
    assert r.status_code == 200
    assert "This passport has already been handed over." in r.content.decode()
    r = client.post(url, {"form": "dispatch", "tracking_number": "P1"})
    assert "This pickup is not by courier." in r.content.decode()
    assert Handover.objects.count() == 1
