import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loket.applications.choices import ApplicationStatus
from loket.core.api_auth import api_token_issue
from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.pickup.choices import ChoiceStatus, Lane
from loket.pickup.models import (
    CourierFee,
    CourierPartner,
    DriveThruSlot,
    Handover,
    PickupChoice,
)
from loket.pickup.selectors import drive_thru_slots_open
from loket.pickup.tests.conftest import WED
from loket.pickup.tests.factories import ready_application

pytestmark = pytest.mark.django_db
BASE = "/api/v1/pickup"
MONDAY = dt.date(2025, 3, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _caller(client, user):
    token = api_token_issue(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def call(method, path, body=None, **extra):
        fn = getattr(client, method)
        if body is None:
            return fn(BASE + path, **headers, **extra)
        return fn(BASE + path, body, content_type="application/json", **headers, **extra)

    return call


@pytest.fixture
def holder(client, application):
    account = application.account
    if account.email_verified_at is None:
        from django.utils import timezone

        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
    return _caller(client, account)


@pytest.fixture
def staff(client, officer):
    return _caller(client, officer)


def code(response):
    return response.json()["error"]["code"]


def _motorbike_slot(office):
    return drive_thru_slots_open(office=office, lane=Lane.MOTORBIKE).filter(date=WED).first()


def test_options_list_methods_with_checklists(holder, application):
    r = holder("get", f"/applications/{application.public_id}")
    assert r.status_code == 200
    data = r.json()
    assert data["ready"] and data["choice"] is None
    methods = {m["method"]: m for m in data["methods"]}
    assert set(methods) == {"counter", "drive_thru", "courier", "proxy"}
    assert any("QR" in item for item in methods["drive_thru"]["checklist"])


def test_book_reschedule_cancel_and_status(holder, application):
    office = application.office
    slots = holder("get", f"/applications/{application.public_id}/drive-thru-slots?lane=motorbike")
    assert slots.status_code == 200 and {s["lane"] for s in slots.json()} == {"motorbike"}
    first = _motorbike_slot(office)
    r = holder(
        "post",
        f"/applications/{application.public_id}/choice",
        {"method": "drive_thru", "slot_id": first.pk, "vehicle": "motorbike", "plate": "bh 1 a"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["plate"] == "BH1A" and r.json()["slot"]["id"] == first.pk
    again = holder(
        "post",
        f"/applications/{application.public_id}/choice",
        {"method": "counter"},
    )
    assert again.status_code == 409 and code(again) == "already_chosen"
    other = (
        DriveThruSlot.objects.filter(office=office, lane=Lane.MOTORBIKE, date=WED)
        .exclude(pk=first.pk)
        .first()
    )
    moved = holder(
        "post", f"/applications/{application.public_id}/choice/reschedule", {"slot_id": other.pk}
    )
    assert moved.status_code == 200 and moved.json()["slot"]["id"] == other.pk
    first.refresh_from_db()
    assert first.used == 0
    status = holder("get", f"/applications/{application.public_id}/choice")
    assert status.json()["status"] == "chosen"
    cancelled = holder("post", f"/applications/{application.public_id}/choice/cancel")
    assert cancelled.json()["status"] == "cancelled"
    other.refresh_from_db()
    assert other.used == 0


def test_bad_input_is_refused_with_clear_codes(holder, application, office):
    url = f"/applications/{application.public_id}/choice"
    r = holder("post", url, {"method": "teleport"})
    assert r.status_code == 422 and code(r) == "invalid_input"
    r = holder("post", url, {"method": "drive_thru", "slot_id": 999999, "vehicle": "car"})
    assert r.status_code == 422 and code(r) == "slot_not_found"
    r = holder(
        "post",
        url,
        {
            "method": "drive_thru",
            "slot_id": _motorbike_slot(office).pk,
            "vehicle": "car",
            "plate": "BH 1 A",
        },
    )
    assert code(r) == "lane_mismatch"
    r = holder(
        "post",
        url,
        {
            "method": "proxy",
            "proxy_name": "Siti",
            "proxy_nik": "1" * 16,
            "proxy_kk_number": "9" * 16,
        },
    )
    assert r.status_code == 409 and code(r) == "proxy_evidence_required"
    r = holder("get", f"/applications/{application.public_id}/drive-thru-slots?lane=bus")
    assert r.status_code == 422
    assert holder("get", f"/applications/{application.public_id}/choice").status_code == 404


def test_not_ready_and_someone_elses_application(holder, application, office):
    not_ready = ready_application(office, status=ApplicationStatus.QC)
    r = holder("post", f"/applications/{not_ready.public_id}/choice", {"method": "counter"})
    assert r.status_code == 404  # not the caller's application either
    application.status = ApplicationStatus.PRINTING
    application.save(update_fields=["status"])
    r = holder("post", f"/applications/{application.public_id}/choice", {"method": "counter"})
    assert r.status_code == 409 and code(r) == "not_ready"


def test_courier_fee_choice_dispatch_and_delivery(holder, staff, application, office):
    partner = CourierPartner.objects.create(name="Pos Indonesia")
    CourierFee.objects.create(partner=partner, office=office, province="Jambi", fee=15000)
    fee = holder(
        "get",
        f"/applications/{application.public_id}/courier-fee?partner_id={partner.pk}&province=jambi",
    )
    assert fee.json()["fee"] == 15000
    r = holder(
        "post",
        f"/applications/{application.public_id}/choice",
        {
            "method": "courier",
            "partner_id": partner.pk,
            "address": "Jl. Sudirman 10, Jambi",
            "province": "Jambi",
        },
    )
    assert r.status_code == 201 and r.json()["courier_fee"] == 15000
    pickup_code = r.json()["code"]
    work = staff("get", f"/offices/{office.code}/courier").json()
    assert [c["code"] for c in work["awaiting_dispatch"]] == [pickup_code]
    r = staff(
        "post", f"/offices/{office.code}/pickups/{pickup_code}/dispatch", {"tracking_number": ""}
    )
    assert code(r) == "tracking_required"
    r = staff(
        "post", f"/offices/{office.code}/pickups/{pickup_code}/dispatch", {"tracking_number": "P1"}
    )
    assert r.status_code == 200 and r.json()["choice"]["status"] == "dispatched"
    r = staff(
        "post",
        f"/offices/{office.code}/pickups/{pickup_code}/delivery",
        {"delivered": False, "note": "nobody home"},
    )
    assert r.json()["choice"]["status"] == "dispatched"
    r = staff("post", f"/offices/{office.code}/pickups/{pickup_code}/delivery", {"delivered": True})
    assert r.json()["choice"]["status"] == "delivered"


def test_officer_lookup_arrival_storage_and_handover_once(
    holder, staff, application, office, officer, time_machine
):
    slot = _motorbike_slot(office)
    booked = holder(
        "post",
        f"/applications/{application.public_id}/choice",
        {"method": "drive_thru", "slot_id": slot.pk, "vehicle": "motorbike", "plate": "BH 1 A"},
    ).json()
    r = staff(
        "put",
        f"/offices/{office.code}/applications/{application.public_id}/storage",
        {"location": "rak-1/box-2"},
    )
    assert r.json()["location"] == "RAK-1/BOX-2"
    found = staff("get", f"/offices/{office.code}/lookup?q=BH1A")
    assert found.status_code == 200
    assert found.json()["storage_location"] == "RAK-1/BOX-2"
    assert found.json()["holder_nik"] == application.nik
    assert AuditEntry.objects.filter(action="personal_data.view").exists()
    time_machine.move_to("2025-03-12 09:10 +07:00", tick=False)
    arrive = f"/offices/{office.code}/pickups/{booked['code']}/arrival"
    r = staff("post", arrive, {"plate": "BH 2 A"})
    assert r.status_code == 409 and code(r) == "plate_mismatch"
    r = staff("post", arrive, {"plate": "BH 1 A"})
    assert r.json()["choice"]["status"] == ChoiceStatus.ARRIVED
    # Acting on a passport goes by its application number; a plate may name several.
    by_plate = staff("put", f"/offices/{office.code}/applications/BH1A/storage", {"location": "x"})
    assert by_plate.status_code == 404 and code(by_plate) == "application_not_found"
    url = BASE + f"/offices/{office.code}/applications/{application.public_id}/handover"
    token = api_token_issue(user=officer)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    from django.test import Client

    client = Client()
    form = {"received_by": "owner", "receiver_name": "Budi", "identity_checked": "false"}
    r = client.post(url, form, **headers)
    assert r.status_code == 400 and code(r) == "identity_not_checked"
    assert not Handover.objects.exists()
    form["identity_checked"] = "true"
    r = client.post(url, form, **headers)
    assert r.status_code == 201, r.content
    r = client.post(url, form, **headers)
    assert r.status_code == 409 and code(r) == "already_handed_over"
    assert Handover.objects.count() == 1


def test_proxy_handover_needs_evidence(staff, application, office, officer):
    url = BASE + f"/offices/{office.code}/applications/{application.public_id}/handover"
    token = api_token_issue(user=officer)
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    form = {
        "received_by": "proxy",
        "receiver_name": "Siti",
        "identity_checked": "true",
        "proxy_kk_number": "9" * 16,
    }
    r = client.post(url, form)
    assert r.status_code == 409 and code(r) == "proxy_evidence_required"
    assert not Handover.objects.exists()
    r = client.post(
        url, {**form, "power_of_attorney": SimpleUploadedFile("k.pdf", PDF, "application/pdf")}
    )
    assert r.status_code == 201, r.content
    assert r.json()["proxy_basis"] == "power_of_attorney"
    handover = Handover.objects.get()
    assert handover.choice.proxy_document_sha256


def test_proxy_on_the_holders_kk_needs_no_power_of_attorney(application, office, officer):
    from django.test import Client

    url = BASE + f"/offices/{office.code}/applications/{application.public_id}/handover"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=officer)}")
    form = {
        "received_by": "proxy",
        "receiver_name": "Siti",
        "identity_checked": "true",
        "proxy_kk_number": application.kk_number,
    }
    r = client.post(url, form)
    assert r.status_code == 201, r.content
    assert r.json()["proxy_basis"] == "same_kk"


def test_openapi_documents_the_pickup_api(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    for path, method in (
        ("/applications/{application_id}", "get"),
        ("/applications/{application_id}/drive-thru-slots", "get"),
        ("/applications/{application_id}/courier-fee", "get"),
        ("/applications/{application_id}/choice", "post"),
        ("/applications/{application_id}/choice", "get"),
        ("/applications/{application_id}/choice/reschedule", "post"),
        ("/applications/{application_id}/choice/cancel", "post"),
        ("/offices/{code}/lookup", "get"),
        ("/offices/{code}/pickups/{pickup_code}/arrival", "post"),
        ("/offices/{code}/applications/{application_id}/handover", "post"),
        ("/offices/{code}/applications/{application_id}/storage", "put"),
        ("/offices/{code}/pickups/{pickup_code}/dispatch", "post"),
        ("/offices/{code}/pickups/{pickup_code}/delivery", "post"),
        ("/offices/{code}/courier", "get"),
        ("/applications/{application_id}/choice/proxy", "post"),
        ("/offices/{code}/drive-thru/today", "get"),
        ("/offices/{code}/walk-up", "post"),
        ("/offices/{code}/uncollected", "get"),
    ):
        op = paths[BASE + path][method]
        assert op["tags"] == ["pickup"], path
        assert op["security"], path
    handover = paths[BASE + "/offices/{code}/applications/{application_id}/handover"]["post"]
    body = handover["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert body["power_of_attorney"]["anyOf"][0]["format"] == "binary"
    assert {"received_by", "receiver_name", "identity_checked"} <= set(body)
    assert "parameters" not in handover or all(p["in"] == "path" for p in handover["parameters"])
    ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_officer_scoping(client, application, office, make_staff, office_wita):
    other = _caller(client, make_staff(Role.PICKUP, office_wita))
    assert (
        other("get", f"/offices/{office.code}/lookup?q={application.public_id}").status_code == 404
    )
    cashier = _caller(client, make_staff(Role.INTERVIEWER, office))
    assert cashier("get", f"/offices/{office.code}/courier").status_code == 403
    own = _caller(client, make_staff(Role.PICKUP, office_wita))
    r = own("get", f"/offices/{office_wita.code}/lookup?q={application.public_id}")
    assert r.status_code == 404
    applicant = _caller(client, application.account)
    assert applicant("get", f"/offices/{office.code}/courier").status_code == 401


def test_proxy_choice_by_api_needs_evidence(client, application):
    from django.test import Client

    account = application.account
    account.email_verified_at = account.date_joined
    account.save(update_fields=["email_verified_at"])
    url = BASE + f"/applications/{application.public_id}/choice/proxy"
    caller = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=account)}")
    form = {"proxy_name": "Siti", "proxy_nik": "1" * 16, "proxy_kk_number": "9" * 16}
    r = caller.post(url, form)
    assert r.status_code == 409 and code(r) == "proxy_evidence_required"
    assert not PickupChoice.objects.exists()
    r = caller.post(url, {**form, "proxy_nik": "12"})
    assert r.status_code == 400 and code(r) == "proxy_invalid"
    pdf = SimpleUploadedFile("kuasa.pdf", PDF, "application/pdf")
    r = caller.post(url, {**form, "power_of_attorney": pdf})
    assert r.status_code == 201, r.content
    assert r.json()["method"] == "proxy" and r.json()["proxy_basis"] == "power_of_attorney"
    assert PickupChoice.objects.get().proxy_document_sha256


def test_drive_thru_today_and_walk_up(holder, staff, application, office, officer):
    walker = ready_application(office)
    booked = holder(
        "post",
        f"/applications/{application.public_id}/choice",
        {
            "method": "drive_thru",
            "slot_id": drive_thru_slots_open(office=office, lane=Lane.MOTORBIKE)
            .filter(date=MONDAY)
            .first()
            .pk,
            "vehicle": "motorbike",
            "plate": "BH 1 A",
        },
    ).json()
    body = {"application_id": str(walker.public_id), "vehicle": "car", "plate": "BH 2 A"}
    r = staff("post", f"/offices/{office.code}/walk-up", {**body, "plate": "??"})
    assert r.status_code == 400 and code(r) == "plate_invalid"
    r = staff("post", f"/offices/{office.code}/walk-up", body)
    assert r.status_code == 201, r.content
    assert r.json()["choice"]["status"] == "arrived" and r.json()["choice"]["walk_up"]
    r = staff("post", f"/offices/{office.code}/walk-up", body)
    assert r.status_code == 409 and code(r) == "already_chosen"
    lanes = {
        lane["lane"]: lane
        for lane in staff("get", f"/offices/{office.code}/drive-thru/today").json()
    }
    assert (lanes["car"]["capacity"], lanes["car"]["used"], lanes["car"]["arrived"]) == (10, 1, 1)
    assert (lanes["motorbike"]["used"], lanes["motorbike"]["arrived"]) == (1, 0)
    assert [c["code"] for c in lanes["motorbike"]["expected"]] == [booked["code"]]


def test_uncollected_by_api_is_audited(staff, application, office, time_machine):
    time_machine.move_to("2025-03-15 08:00 +07:00", tick=False)
    before = AuditEntry.objects.filter(action="personal_data.view").count()
    rows = staff("get", f"/offices/{office.code}/uncollected").json()
    assert [(r["application_id"], r["days_since_ready"], r["cancelled_in_days"]) for r in rows] == [
        (str(application.public_id), 5, 25)
    ]
    assert AuditEntry.objects.filter(action="personal_data.view").count() == before + 1
