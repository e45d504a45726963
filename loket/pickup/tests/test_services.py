import io

import pytest
from django.utils import translation

from loket.applications import sweep
from loket.applications.choices import ApplicationStatus
from loket.core.choices import Role
from loket.core.errors import ApplicationError
from loket.core.uploads import upload_validate
from loket.pickup.choices import ChoiceStatus, Lane, Method, ProxyBasis
from loket.pickup.models import (
    CourierFee,
    CourierPartner,
    DriveThruSlot,
    Handover,
    PickupChoice,
    PickupEvent,
)
from loket.pickup.selectors import checklist_for, drive_thru_slots_open
from loket.pickup.services import (
    pickup_arrive,
    pickup_cancel,
    pickup_choose,
    pickup_confirm_delivery,
    pickup_dispatch,
    pickup_handover,
    pickup_reschedule,
    pickup_walk_up,
    pickups_release_cancelled,
    pickups_sweep,
)
from loket.pickup.tests.conftest import WED
from loket.pickup.tests.factories import drive_thru_office, ready_application

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _slot(office, lane=Lane.MOTORBIKE, day=WED):
    return drive_thru_slots_open(office=office, lane=lane).filter(date=day).first()


def _drive_thru(application, slot=None, plate="BH 1234 AB", lane=Lane.MOTORBIKE):
    return pickup_choose(
        application=application,
        actor=application.account,
        method=Method.DRIVE_THRU,
        slot=slot or _slot(application.office, lane),
        vehicle=lane,
        plate=plate,
    )


def test_default_day_is_twenty_places_split_by_lane(office):
    drive_thru_slots_open(office=office)
    rows = DriveThruSlot.objects.filter(office=office, date=WED)
    assert sum(r.capacity for r in rows) == 20
    assert sum(r.capacity for r in rows if r.lane == Lane.CAR) == 10
    assert {r.start.hour for r in rows} == {9, 10, 11, 12, 13, 14}


def test_checklist_shown_for_every_method():
    with translation.override("en"):
        for method in Method.values:
            assert checklist_for(method)
        assert any("power of attorney" in item for item in checklist_for(Method.PROXY))


def test_drive_thru_booking_takes_a_place_and_writes_an_event(application):
    choice = _drive_thru(application)
    assert choice.plate == "BH1234AB" and choice.holds_place
    assert choice.slot.used == 1
    event = PickupEvent.objects.get(choice=choice)
    assert (event.from_status, event.to_status) == ("", ChoiceStatus.CHOSEN)


def test_not_ready_is_refused(office):
    application = ready_application(office, status=ApplicationStatus.QC)
    with pytest.raises(ApplicationError) as error:
        _drive_thru(application)
    assert error.value.code == "not_ready"


def test_full_slot_is_refused(office):
    slot = _slot(office)
    slot.capacity = 1
    slot.save()
    _drive_thru(ready_application(office), slot=slot)
    with pytest.raises(ApplicationError) as error:
        _drive_thru(ready_application(office), slot=slot)
    assert error.value.code == "slot_full"
    slot.refresh_from_db()
    assert slot.used == 1
    assert PickupChoice.objects.count() == 1


def test_slot_of_another_office_is_refused(application, office_wita):
    drive_thru_office(office_wita)
    other = _slot(office_wita)
    with pytest.raises(ApplicationError) as error:
        _drive_thru(application, slot=other)
    assert error.value.code == "slot_wrong_office"


def test_wrong_lane_and_bad_plate_are_refused(application):
    with pytest.raises(ApplicationError) as error:
        _drive_thru(application, slot=_slot(application.office, Lane.CAR))
    assert error.value.code == "lane_mismatch"
    with pytest.raises(ApplicationError) as error:
        _drive_thru(application, plate="not a plate!")
    assert error.value.code == "plate_invalid"


def test_second_choice_is_refused_until_the_first_is_cancelled(application):
    choice = _drive_thru(application)
    with pytest.raises(ApplicationError) as error:
        pickup_choose(application=application, actor=application.account, method=Method.COUNTER)
    assert error.value.code == "already_chosen"
    pickup_cancel(choice=choice, actor=application.account)
    choice.slot.refresh_from_db()
    assert choice.slot.used == 0
    assert (
        pickup_choose(
            application=application, actor=application.account, method=Method.COUNTER
        ).method
        == Method.COUNTER
    )


def test_reschedule_moves_the_place(application):
    choice = _drive_thru(application)
    old = choice.slot
    new = drive_thru_slots_open(office=application.office, lane=Lane.MOTORBIKE).exclude(pk=old.pk)[
        0
    ]
    pickup_reschedule(choice=choice, slot=new, actor=application.account)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.used, new.used) == (0, 1)
    assert PickupChoice.objects.get(pk=choice.pk).slot_id == new.pk


def test_arrival_checks_the_plate_and_the_handover_happens_once(application, officer, time_machine):
    choice = _drive_thru(application)
    time_machine.move_to("2025-03-12 09:10 +07:00", tick=False)
    with pytest.raises(ApplicationError) as error:
        pickup_arrive(choice=choice, officer=officer, plate="B 1 XX")
    assert error.value.code == "plate_mismatch"
    with pytest.raises(ApplicationError) as error:
        pickup_handover(
            application=application,
            officer=officer,
            received_by="owner",
            receiver_name="X",
            identity_checked=True,
        )
    assert error.value.code == "not_arrived"
    pickup_arrive(choice=choice, officer=officer, plate="bh-1234-ab")
    handover = pickup_handover(
        application=application,
        officer=officer,
        received_by="owner",
        receiver_name=application.full_name,
        identity_checked=True,
    )
    assert handover.officer == officer
    assert PickupChoice.objects.get(pk=choice.pk).status == ChoiceStatus.HANDED_OVER
    with pytest.raises(ApplicationError) as error:
        pickup_handover(
            application=application,
            officer=officer,
            received_by="owner",
            receiver_name="Y",
            identity_checked=True,
        )
    assert error.value.code == "already_handed_over"
    assert Handover.objects.count() == 1


def test_identity_must_be_checked(application, officer):
    with pytest.raises(ApplicationError) as error:
        pickup_handover(
            application=application,
            officer=officer,
            received_by="owner",
            receiver_name="X",
            identity_checked=False,
        )
    assert error.value.code == "identity_not_checked"


def test_officer_of_another_office_or_role_is_refused(application, make_staff, office_wita):
    stranger = make_staff(Role.PICKUP, office_wita)
    with pytest.raises(ApplicationError) as error:
        pickup_handover(
            application=application,
            officer=stranger,
            received_by="owner",
            receiver_name="X",
            identity_checked=True,
        )
    assert error.value.status == 404
    clerk = make_staff(Role.FRONT_DESK, application.office)
    with pytest.raises(ApplicationError) as error:
        pickup_handover(
            application=application,
            officer=clerk,
            received_by="owner",
            receiver_name="X",
            identity_checked=True,
        )
    assert error.value.status == 403


def test_proxy_on_another_kk_needs_a_power_of_attorney(application):
    kwargs = {
        "application": application,
        "actor": application.account,
        "method": Method.PROXY,
        "proxy_name": "Siti",
        "proxy_nik": "3273015705900002",
    }
    with pytest.raises(ApplicationError) as error:
        pickup_choose(**kwargs, proxy_kk_number="9999999999999999")
    assert error.value.code == "proxy_evidence_required"
    same = pickup_choose(**kwargs, proxy_kk_number=application.kk_number)
    assert same.proxy_basis == ProxyBasis.SAME_KK
    pickup_cancel(choice=same, actor=application.account)
    poa = upload_validate(io.BytesIO(PDF), name="kuasa.pdf", field="power_of_attorney")
    choice = pickup_choose(**kwargs, proxy_kk_number="9999999999999999", power_of_attorney=poa)
    assert choice.proxy_basis == ProxyBasis.POWER_OF_ATTORNEY and choice.proxy_document


def test_power_of_attorney_is_checked_by_content():
    with pytest.raises(ApplicationError) as error:
        upload_validate(io.BytesIO(b"MZ not a pdf"), name="kuasa.pdf", field="power_of_attorney")
    assert error.value.code == "upload_type"


def test_proxy_handover_without_evidence_is_refused_then_accepted(application, officer):
    base = {
        "application": application,
        "officer": officer,
        "received_by": "proxy",
        "receiver_name": "Siti",
        "identity_checked": True,
    }
    with pytest.raises(ApplicationError) as error:
        pickup_handover(**base, proxy_kk_number="9999999999999999")
    assert error.value.code == "proxy_evidence_required"
    assert not Handover.objects.exists()
    poa = upload_validate(io.BytesIO(PDF), name="kuasa.pdf", field="power_of_attorney")
    handover = pickup_handover(**base, proxy_kk_number="9999999999999999", power_of_attorney=poa)
    assert handover.proxy_basis == ProxyBasis.POWER_OF_ATTORNEY


def test_courier_fee_dispatch_and_delivery(application, officer):
    partner = CourierPartner.objects.create(name="Pos Indonesia")
    CourierFee.objects.create(partner=partner, office=application.office, province="", fee=25000)
    CourierFee.objects.create(
        partner=partner, office=application.office, province="Jambi", fee=15000
    )
    choice = pickup_choose(
        application=application,
        actor=application.account,
        method=Method.COURIER,
        partner=partner,
        address="Jl. Sudirman 10, Kota Jambi",
        province="jambi",
    )
    assert choice.courier_fee == 15000
    with pytest.raises(ApplicationError) as error:
        pickup_dispatch(choice=choice, officer=officer, tracking_number=" ")
    assert error.value.code == "tracking_required"
    handover = pickup_dispatch(choice=choice, officer=officer, tracking_number="P2503100001")
    assert handover.received_by == "courier"
    delivered = pickup_confirm_delivery(choice=choice, officer=officer)
    assert delivered.status == ChoiceStatus.DELIVERED and delivered.delivered_at


def test_courier_without_fee_row_is_refused(application):
    partner = CourierPartner.objects.create(name="JNE")
    with pytest.raises(ApplicationError) as error:
        pickup_choose(
            application=application,
            actor=application.account,
            method=Method.COURIER,
            partner=partner,
            address="Jl. Sudirman 10, Kota Jambi",
        )
    assert error.value.code == "courier_not_available"


def test_walk_up_served_while_the_day_has_room(office, officer, time_machine):
    time_machine.move_to("2025-03-12 10:30 +07:00", tick=False)
    drive_thru_office(office, car=1, motorbike=1)
    first = pickup_walk_up(
        office=office,
        officer=officer,
        application=ready_application(office),
        vehicle=Lane.CAR,
        plate="BH 1 A",
    )
    assert first.status == ChoiceStatus.ARRIVED and first.walk_up
    with pytest.raises(ApplicationError) as error:
        pickup_walk_up(
            office=office,
            officer=officer,
            application=ready_application(office),
            vehicle=Lane.CAR,
            plate="BH 2 A",
        )
    assert error.value.code == "drive_thru_day_full"


def test_cancelled_issuance_frees_the_drive_thru_place(application, time_machine):
    choice = _drive_thru(application)
    time_machine.move_to("2025-04-11 08:00 +07:00", tick=False)
    # The applications sweep leaves uncollected passports to pickup's own sweep, which
    # cancels the issuance after the office's limit and frees the place in one go.
    assert sweep.applications_sweep().cancelled == 0
    result = pickups_sweep()
    assert (result.cancelled, result.released) == (1, 1)
    assert pickups_release_cancelled() == 0  # nothing left to free
    choice.slot.refresh_from_db()
    assert choice.slot.used == 0


def test_sweep_leaves_a_handed_over_passport_alone(application, officer, time_machine):
    pickup_handover(
        application=application,
        officer=officer,
        received_by="owner",
        receiver_name="X",
        identity_checked=True,
    )
    time_machine.move_to("2025-04-11 08:00 +07:00", tick=False)
    assert pickups_sweep().cancelled == 0


def test_release_command_is_idempotent(application):
    from django.core.management import call_command

    choice = _drive_thru(application)
    type(application).objects.filter(pk=application.pk).update(status=ApplicationStatus.CANCELLED)
    out = io.StringIO()
    call_command("release_cancelled_pickups", stdout=out)
    call_command("release_cancelled_pickups", stdout=out)
    assert out.getvalue().split() == ["released", "1", "released", "0"]
    choice.slot.refresh_from_db()
    assert choice.slot.used == 0
