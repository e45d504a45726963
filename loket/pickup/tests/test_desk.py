"""Storage location, courier dispatch screens, counter pickup, uncollected passports."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from loket.applications.choices import ApplicationStatus
from loket.applications.models import ApplicationEvent
from loket.core.choices import Role
from loket.core.errors import ApplicationError
from loket.core.models import AuditEntry
from loket.notifications.models import OutboxMessage
from loket.pickup.choices import ChoiceStatus, Lane, Method, ProxyBasis
from loket.pickup.models import (
    CourierFee,
    CourierPartner,
    Handover,
    PassportStorage,
    PickupEvent,
    PickupSettings,
)
from loket.pickup.selectors import (
    courier_awaiting_dispatch,
    courier_in_transit,
    drive_thru_slots_open,
    pickup_figures,
    uncollected,
)
from loket.pickup.services import (
    pickup_choose,
    pickup_delivery_failed,
    pickup_dispatch,
    pickup_handover,
    pickup_storage_set,
    pickups_sweep,
)
from loket.pickup.tests.conftest import WED
from loket.pickup.tests.factories import ready_application

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def desk(office):
    return reverse("pickup:desk", args=[office.code])


def passport(application):
    return reverse("pickup:passport", args=[application.office.code, application.public_id])


@pytest.fixture
def partner(office):
    partner = CourierPartner.objects.create(name="Pos Indonesia")
    CourierFee.objects.create(partner=partner, office=office, province="", fee=25000)
    return partner


def _courier(application, partner):
    return pickup_choose(
        application=application,
        actor=application.account,
        method=Method.COURIER,
        partner=partner,
        address="Jl. Sudirman 10, Kota Jambi",
        province="Jambi",
    )


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    client.cookies["django_language"] = "en"  # the messages are checked in English
    return client


# --- storage location ---------------------------------------------------------------------


def test_storage_location_is_normalised_audited_and_replaced(application, officer):
    storage = pickup_storage_set(
        application=application, officer=officer, location=" rak-3 / box-12 "
    )
    assert storage.location == "RAK-3 / BOX-12"
    storage = pickup_storage_set(application=application, officer=officer, location="RAK-4/BOX-1")
    assert PassportStorage.objects.get().location == "RAK-4/BOX-1"
    entry = AuditEntry.objects.filter(action="pickup.storage").order_by("-id").first()
    assert entry is not None and entry.changes["location"] == ["RAK-3 / BOX-12", "RAK-4/BOX-1"]


def test_storage_location_refuses_bad_input_and_collected_passports(application, officer):
    with pytest.raises(ApplicationError) as error:
        pickup_storage_set(application=application, officer=officer, location="<script>")
    assert error.value.code == "location_invalid"
    pickup_handover(
        application=application,
        officer=officer,
        received_by="owner",
        receiver_name="X",
        identity_checked=True,
    )
    with pytest.raises(ApplicationError) as error:
        pickup_storage_set(application=application, officer=officer, location="RAK-1")
    assert error.value.code == "not_in_office"
    assert not PassportStorage.objects.exists()


def test_storage_needs_a_pickup_officer_of_the_office(application, make_staff, office_wita):
    with pytest.raises(ApplicationError) as error:
        pickup_storage_set(
            application=application,
            officer=make_staff(Role.PICKUP, office_wita),
            location="RAK-1",
        )
    assert error.value.status == 404
    with pytest.raises(ApplicationError) as error:
        pickup_storage_set(
            application=application,
            officer=make_staff(Role.INTERVIEWER, application.office),
            location="RAK-1",
        )
    assert error.value.status == 403


def test_drive_thru_screen_shows_the_storage_location(application, officer, officer_client):
    pickup_storage_set(application=application, officer=officer, location="RAK-2/BOX-7")
    choice = pickup_choose(
        application=application,
        actor=application.account,
        method=Method.DRIVE_THRU,
        slot=drive_thru_slots_open(office=application.office, lane=Lane.CAR)
        .filter(date=WED)
        .first(),
        vehicle=Lane.CAR,
        plate="BH 1234 AB",
    )
    url = reverse("pickup:drive_thru", args=[application.office.code])
    response = officer_client.get(url, {"q": choice.code})
    assert 'data-testid="storage-location">RAK-2/BOX-7<' in response.content.decode()


# --- courier ------------------------------------------------------------------------------


def test_failed_delivery_is_an_event_and_the_passport_stays_with_the_courier(
    application, officer, partner
):
    choice = _courier(application, partner)
    with pytest.raises(ApplicationError) as error:
        pickup_delivery_failed(choice=choice, officer=officer, reason="nobody home")
    assert error.value.code == "not_dispatched"
    pickup_dispatch(choice=choice, officer=officer, tracking_number="P1")
    with pytest.raises(ApplicationError) as error:
        pickup_delivery_failed(choice=choice, officer=officer, reason="  ")
    assert error.value.code == "reason_required"
    choice = pickup_delivery_failed(choice=choice, officer=officer, reason="nobody home")
    assert choice.status == ChoiceStatus.DISPATCHED
    event = PickupEvent.objects.get(choice=choice, kind="delivery_failed")
    assert event.reason == "nobody home" and event.actor == officer
    assert AuditEntry.objects.filter(action="pickup.delivery_failed").exists()
    assert courier_in_transit(office=application.office).get().failed_attempts == 1


def test_courier_desk_lists_dispatch_and_delivery(application, officer, officer_client, partner):
    choice = _courier(application, partner)
    office = application.office
    assert list(courier_awaiting_dispatch(office=office)) == [choice]
    page = officer_client.get(desk(office)).content.decode()
    assert f'data-testid="dispatch-{choice.code}"' in page

    response = officer_client.post(
        passport(application), {"form": "dispatch", "tracking_number": ""}
    )
    assert response.status_code == 200 and not Handover.objects.exists()
    response = officer_client.post(
        passport(application), {"form": "dispatch", "tracking_number": "P2503100001"}
    )
    assert response.status_code == 302
    assert not courier_awaiting_dispatch(office=office).exists()
    page = officer_client.get(desk(office)).content.decode()
    assert f'data-testid="transit-{choice.code}"' in page

    officer_client.post(passport(application), {"form": "failed", "reason": "address closed"})
    response = officer_client.post(passport(application), {"form": "delivered", "note": "Budi"})
    assert response.status_code == 302
    choice.refresh_from_db()
    assert choice.status == ChoiceStatus.DELIVERED
    kinds = list(choice.events.values_list("kind", flat=True))
    assert kinds == ["chosen", "dispatched", "delivery_failed", "delivered"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COLLECTED


# --- counter pickup -----------------------------------------------------------------------


def test_desk_lookup_by_application_number_opens_the_passport(application, officer_client):
    response = officer_client.get(desk(application.office), {"q": str(application.public_id)})
    assert response.status_code == 302 and response["Location"] == passport(application)
    response = officer_client.get(desk(application.office), {"q": "NOPE"})
    assert "No pickup with this code" in response.content.decode()


def test_counter_proxy_handover_refused_without_evidence_then_accepted(application, officer_client):
    url = passport(application)
    page = officer_client.get(url)
    assert page.status_code == 200
    assert AuditEntry.objects.filter(action="personal_data.view").exists()
    data = {
        "form": "handover",
        "received_by": "proxy",
        "receiver_name": "Siti",
        "identity_checked": "on",
        "proxy_kk_number": "9999999999999999",
    }
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert "power of attorney" in response.content.decode()
    assert not Handover.objects.exists()
    data["power_of_attorney"] = SimpleUploadedFile("kuasa.pdf", PDF, "application/pdf")
    response = officer_client.post(url, data)
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert handover.proxy_basis == ProxyBasis.POWER_OF_ATTORNEY
    assert handover.choice.method == Method.COUNTER
    again = officer_client.get(url).content.decode()
    assert 'data-testid="handover-done"' in again and 'id="handover-form"' not in again


def test_counter_refuses_a_drive_thru_booking_that_has_not_arrived(application, officer_client):
    pickup_choose(
        application=application,
        actor=application.account,
        method=Method.DRIVE_THRU,
        slot=drive_thru_slots_open(office=application.office, lane=Lane.CAR)
        .filter(date=WED)
        .first(),
        vehicle=Lane.CAR,
        plate="BH 1234 AB",
    )
    page = officer_client.get(passport(application)).content.decode()
    assert 'data-testid="drive-thru-waiting"' in page and 'id="handover-form"' not in page
    response = officer_client.post(
        passport(application),
        {
            "form": "handover",
            "received_by": "owner",
            "receiver_name": "X",
            "identity_checked": "on",
        },
    )
    assert "arrival" in response.content.decode() and not Handover.objects.exists()


def test_storage_form_on_the_passport_page(application, officer_client):
    response = officer_client.post(passport(application), {"form": "storage", "location": "!!"})
    assert response.status_code == 200 and not PassportStorage.objects.exists()
    response = officer_client.post(passport(application), {"form": "storage", "location": "r1/b2"})
    assert response.status_code == 302
    assert PassportStorage.objects.get().location == "R1/B2"


def test_desk_scoping(application, client, make_staff, office_wita):
    other = make_staff(Role.PICKUP, office_wita)
    client.force_login(other)
    assert client.get(desk(application.office)).status_code == 404
    assert client.get(passport(application)).status_code == 404
    # an officer of the other office asking through their own office's URL
    url = reverse("pickup:passport", args=[office_wita.code, application.public_id])
    assert client.get(url).status_code == 404
    client.force_login(make_staff(Role.INTERVIEWER, application.office))
    assert client.get(desk(application.office)).status_code == 403
    assert client.get(passport(application)).status_code == 403
    client.force_login(application.account)
    assert client.get(desk(application.office)).status_code in (302, 403, 404)


# --- uncollected passports ----------------------------------------------------------------


def test_sweep_reminds_at_the_configured_days_and_is_idempotent(application, time_machine):
    office = application.office
    PickupSettings.objects.create(office=office, reminder_days="3,10", cancel_after_days=20)
    time_machine.move_to("2025-03-12 08:00 +07:00", tick=False)  # day 2
    assert pickups_sweep().reminded == 0
    time_machine.move_to("2025-03-13 08:00 +07:00", tick=False)  # day 3
    assert pickups_sweep().reminded == 1
    assert pickups_sweep().reminded == 0
    keys = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert f"pickup-reminder:{application.public_id}:3" in keys
    row = uncollected(office=office)[0]
    assert (row.days, row.reminders_sent, row.cancel_in) == (3, 1, 17)
    time_machine.move_to("2025-03-25 08:00 +07:00", tick=False)  # day 15
    assert pickups_sweep().reminded == 1
    message = OutboxMessage.objects.get(dedupe_key=f"pickup-reminder:{application.public_id}:10")
    assert f"/akun/pengambilan/{application.public_id}/" in message.body
    assert message.recipient == application.email


def test_sweep_cancels_after_the_limit_through_the_workflow(application, time_machine):
    office = application.office
    PickupSettings.objects.create(office=office, reminder_days="7", cancel_after_days=14)
    choice = pickup_choose(
        application=application,
        actor=application.account,
        method=Method.DRIVE_THRU,
        slot=drive_thru_slots_open(office=office, lane=Lane.CAR).filter(date=WED).first(),
        vehicle=Lane.CAR,
        plate="BH 1234 AB",
    )
    time_machine.move_to("2025-03-24 08:00 +07:00", tick=False)  # day 14
    result = pickups_sweep()
    assert (result.cancelled, result.released) == (1, 1)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CANCELLED
    event = ApplicationEvent.objects.get(application=application, to_status="cancelled")
    assert event.reason == "not collected within 14 days" and event.actor is None
    choice.refresh_from_db()
    assert choice.status == ChoiceStatus.CANCELLED and choice.slot.used == 0
    assert pickups_sweep().cancelled == 0


def test_sweep_defaults_and_command(application, officer, time_machine):
    collected = ready_application(application.office)
    pickup_handover(
        application=collected,
        officer=officer,
        received_by="owner",
        receiver_name="X",
        identity_checked=True,
    )
    time_machine.move_to("2025-03-17 09:00 +07:00", tick=False)  # day 7
    out = io.StringIO()
    call_command("sweep_pickups", stdout=out)
    call_command("sweep_pickups", stdout=out)
    assert out.getvalue().split("\n")[:2] == [
        "reminded 1 cancelled 0 released 0",
        "reminded 0 cancelled 0 released 0",
    ]
    time_machine.move_to("2025-04-09 09:00 +07:00", tick=False)  # day 30
    call_command("sweep_pickups", stdout=out)
    application.refresh_from_db()
    collected.refresh_from_db()
    assert application.status == ApplicationStatus.CANCELLED
    assert collected.status == ApplicationStatus.COLLECTED


def test_uncollected_list_on_the_desk(application, officer_client, time_machine):
    time_machine.move_to("2025-03-15 08:00 +07:00", tick=False)
    page = officer_client.get(desk(application.office)).content.decode()
    assert f'data-testid="uncollected-{application.public_id}"' in page
    assert 'data-testid="days">5<' in page


def test_pickup_settings_reminder_days_are_clean():
    rules = PickupSettings(reminder_days="21,7,7,40,14", cancel_after_days=30)
    assert rules.reminder_day_list() == [7, 14, 21]


# --- figures ------------------------------------------------------------------------------


def test_figures_by_channel_quota_and_time_to_pickup(application, officer, time_machine):
    ApplicationEvent.objects.create(
        application=application,
        from_status="qc",
        to_status="ready",
        at=application.status_changed_at,
    )
    drive_thru_slots_open(office=application.office)
    time_machine.move_to("2025-03-10 11:00 +07:00", tick=False)
    pickup_handover(
        application=application,
        officer=officer,
        received_by="owner",
        receiver_name="X",
        identity_checked=True,
    )
    figures = pickup_figures(
        office_ids=[application.office.pk], start=dt.date(2025, 3, 10), end=dt.date(2025, 3, 12)
    )
    assert figures.by_channel == {(dt.date(2025, 3, 10), Method.COUNTER): 1}
    assert figures.ready_to_pickup_hours == [3.0]
    assert figures.drive_thru_use[(WED, Lane.CAR)] == (0, 10)
    assert pickup_figures(office_ids=[], start=WED, end=WED).by_channel == {}
