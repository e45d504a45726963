"""The workflow REST API for officers: the office's lists, one application, and every
step through the same services, with 404 for another office, 403 for the wrong role and
409 for the wrong status, always in the one error shape."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from loket.applications.choices import ApplicationStatus as S
from loket.applications.models import Application, Bap, BiometricPhoto, BlankStock
from loket.applications.tests.conftest import NOW, OFFICE_ROLES
from loket.applications.tests.factories import ApplicationFactory
from loket.core.api_auth import api_token_issue
from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.core.tests.factories import ApplicantFactory
from loket.offices.tests.factories import OfficeFactory

API = "/api/v1/applications/staff"


@pytest.fixture
def office(office_wib):
    BlankStock.objects.create(office=office_wib, book_type="electronic", quantity=5)
    return office_wib


@pytest.fixture
def headers(office, make_staff):
    """Bearer headers of one officer per role at the office."""
    return {
        role: {
            "HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=make_staff(role, office))}",
            "HTTP_ACCEPT_LANGUAGE": "en",
        }
        for role in OFFICE_ROLES
    }


def photo() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (30, 40), (220, 200, 180)).save(out, "JPEG")
    out.seek(0)
    out.name = "face.jpg"
    return out


def post(client, url, headers, body=None):
    return client.post(url, body or {}, content_type="application/json", **headers)


def test_a_lost_passport_goes_through_every_step_by_api(
    client, office, headers, now, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = ApplicationFactory(office=office, case_type="lost", paid_at=timezone.now())
    url = f"{API}/applications/{application.public_id}"
    H = headers

    moved = post(client, f"{url}/arrive", H[Role.FRONT_DESK], {"service_class": "regular"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "document_check"
    assert moved.json()["needs_bap"] is True
    keys = [item["key"] for item in client.get(url, **H[Role.FRONT_DESK]).json()["checklist"]]
    assert "police_report" in keys and keys[-1] == "data_match"
    checked = post(
        client,
        f"{url}/document-check",
        H[Role.FRONT_DESK],
        {"checklist": dict.fromkeys(keys, True), "mismatch_note": ""},
    )
    assert checked.json()["status"] == "interview"
    interviewed = post(
        client,
        f"{url}/interview",
        H[Role.INTERVIEWER],
        {"purpose": "tourism", "destination": "Japan", "sponsor": "self"},
    )
    assert interviewed.json()["status"] == "biometrics"
    captured = client.post(
        f"{url}/biometrics",
        {"fingerprint_ref": "FP-API-1", "photo": photo()},
        **H[Role.BIOMETRICS],
    )
    assert captured.status_code == 200, captured.content
    assert captured.json()["status"] == "bap"
    assert BiometricPhoto.objects.filter(application=application).exists()
    image = client.get(f"{url}/photo", **H[Role.BIOMETRICS])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"

    examined = post(
        client,
        f"{url}/bap/examine",
        H[Role.BAP_EXAMINER],
        {"statement": "Lost in a flood", "findings": "Report matches", "proposal": "approve"},
    )
    assert examined.status_code == 200
    detail = client.get(url, **H[Role.KASUBSI]).json()
    assert detail["bap"]["status"] == "proposed"
    assert detail["bap"]["next_role"] == "kasubsi"
    for role in (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE):
        signed = post(client, f"{url}/bap/approve", H[role], {"approve": True})
        assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "adjudication"
    approved = post(client, f"{url}/adjudicate", H[Role.ADJUDICATOR], {"decision": "approve"})
    assert approved.json()["status"] == "printing"
    printed = post(client, f"{url}/print", H[Role.PRINTING])
    assert printed.json()["status"] == "qc"
    ready = post(client, f"{url}/qc", H[Role.QC], {"passed": True})
    assert ready.json()["status"] == "ready"

    detail = client.get(url, **H[Role.QC]).json()
    assert detail["has_photo"] is True
    assert [e["to_status"] for e in detail["events"]] == [
        "document_check",
        "interview",
        "biometrics",
        "bap",
        "adjudication",
        "printing",
        "qc",
        "ready",
    ]
    assert [a["role"] for a in detail["bap"]["approvals"]] == ["kasubsi", "kasi", "head_of_office"]
    assert BlankStock.objects.get(office=office).quantity == 4


def test_wrong_status_role_and_office_get_clear_errors_and_nothing_moves(
    client, office, headers, make_staff, now
):
    application = ApplicationFactory(office=office, status=S.INTERVIEW, paid_at=timezone.now())
    url = f"{API}/applications/{application.public_id}"
    interview = {"purpose": "tourism", "destination": "Japan", "sponsor": "self"}

    wrong_role = post(client, f"{url}/interview", headers[Role.FRONT_DESK], interview)
    assert wrong_role.status_code == 403
    assert wrong_role.json()["error"]["code"] == "role_required"

    wrong_state = post(client, f"{url}/print", headers[Role.PRINTING])
    assert wrong_state.status_code == 409
    assert wrong_state.json()["error"]["code"] == "status_changed"
    assert "Interview" in wrong_state.json()["error"]["message"]
    not_allowed = post(client, f"{url}/arrive", headers[Role.FRONT_DESK])
    assert not_allowed.status_code == 409
    assert not_allowed.json()["error"]["code"] == "transition_not_allowed"

    other = OfficeFactory(code="KPG", timezone="Asia/Makassar")
    stranger = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=make_staff(Role.INTERVIEWER, other))}"
    }
    elsewhere = post(client, f"{url}/interview", stranger, interview)
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"]["code"] == "application_not_found"
    assert client.get(url, **stranger).status_code == 404
    assert client.get(f"{API}/offices/CLP", **stranger).status_code == 404

    invalid = post(client, f"{url}/interview", headers[Role.INTERVIEWER], {"purpose": ""})
    assert invalid.status_code == 422
    assert "destination" in invalid.json()["error"]["fields"]

    application.refresh_from_db()
    assert application.status == S.INTERVIEW
    assert not application.events.exists()

    done = post(client, f"{url}/interview", headers[Role.INTERVIEWER], interview)
    assert done.status_code == 200
    again = post(client, f"{url}/interview", headers[Role.INTERVIEWER], interview)
    assert again.status_code == 409


def test_biometrics_refuses_a_non_image_by_content(client, office, headers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = ApplicationFactory(office=office, status=S.BIOMETRICS)
    fake = io.BytesIO(b"#!/bin/sh\necho not a photo\n")
    fake.name = "face.jpg"
    response = client.post(
        f"{API}/applications/{application.public_id}/biometrics",
        {"fingerprint_ref": "FP-1", "photo": fake},
        **headers[Role.BIOMETRICS],
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "upload_type"
    assert "photo" in response.json()["error"]["fields"]
    application.refresh_from_db()
    assert application.status == S.BIOMETRICS
    missing = client.post(
        f"{API}/applications/{application.public_id}/photo", **headers[Role.BIOMETRICS]
    )
    assert missing.status_code in (404, 405)
    no_photo = client.get(
        f"{API}/applications/{application.public_id}/photo", **headers[Role.BIOMETRICS]
    )
    assert no_photo.status_code == 404


def test_bap_chain_role_and_print_guards_by_api(client, office, headers, now):
    application = ApplicationFactory(
        office=office, status=S.BAP, case_type="lost", paid_at=timezone.now()
    )
    url = f"{API}/applications/{application.public_id}"
    Bap.objects.create(application=application, trigger="lost")
    early = post(client, f"{url}/bap/approve", headers[Role.KASUBSI], {"approve": True})
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "bap_not_proposed"
    post(
        client,
        f"{url}/bap/examine",
        headers[Role.BAP_EXAMINER],
        {"statement": "s", "findings": "f", "proposal": "approve"},
    )
    wrong = post(client, f"{url}/bap/approve", headers[Role.KASI], {"approve": True})
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "approval_role_required"
    leave = post(client, f"{url}/adjudicate", headers[Role.ADJUDICATOR], {"decision": "approve"})
    assert leave.status_code == 409

    unpaid = ApplicationFactory(office=office, status=S.ADJUDICATION)
    refused = post(
        client,
        f"{API}/applications/{unpaid.public_id}/adjudicate",
        headers[Role.ADJUDICATOR],
        {"decision": "approve"},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_paid"
    BlankStock.objects.update(quantity=0)
    printing = ApplicationFactory(office=office, status=S.PRINTING, paid_at=timezone.now())
    no_stock = post(
        client, f"{API}/applications/{printing.public_id}/print", headers[Role.PRINTING]
    )
    assert no_stock.status_code == 409
    assert no_stock.json()["error"]["code"] == "no_blank_stock"
    printing.refresh_from_db()
    assert printing.status == S.PRINTING


def test_office_list_is_scoped_ordered_and_paginated(client, office, headers, make_staff, now):
    def at(status, service_class, due, minutes_ago=0):
        return ApplicationFactory(
            office=office,
            status=status,
            service_class=service_class,
            due_date=due,
            paid_at=NOW,
            status_changed_at=NOW - dt.timedelta(minutes=minutes_ago),
        )

    percepatan = at(S.PRINTING, "percepatan", dt.date(2025, 2, 4), 30)
    regular = at(S.PRINTING, "regular", dt.date(2025, 2, 4), 60)
    priority = at(S.PRINTING, "priority", dt.date(2025, 2, 6), 5)
    interview = at(S.INTERVIEW, "regular", dt.date(2025, 2, 7))
    ApplicationFactory(office=office, status=S.DRAFT)  # not at the office
    ApplicationFactory(office=OfficeFactory(code="TUL", timezone="Asia/Jayapura"), status=S.QC)

    printing = client.get(f"{API}/offices/clp?status=printing", **headers[Role.PRINTING]).json()
    assert printing["count"] == 3
    assert [row["id"] for row in printing["items"]] == [
        str(a.public_id) for a in (priority, percepatan, regular)
    ]
    assert printing["print_order"] == "priority_first"
    assert printing["blank_stock"] == [
        {"book_type": "electronic", "quantity": 5, "low_threshold": 20, "low": True}
    ]
    everything = client.get(f"{API}/offices/CLP?page_size=2", **headers[Role.KASI]).json()
    assert everything["count"] == 4
    assert len(everything["items"]) == 2
    second = client.get(f"{API}/offices/CLP?page_size=2&page=2", **headers[Role.KASI]).json()
    ids = {row["id"] for row in everything["items"] + second["items"]}
    assert ids == {str(a.public_id) for a in (percepatan, regular, priority, interview)}

    bad = client.get(f"{API}/offices/CLP?status=flying", **headers[Role.KASI])
    assert bad.status_code == 422
    assert client.get(f"{API}/offices/CLP").status_code == 401
    applicant = ApplicantFactory(email_verified_at=timezone.now())
    as_applicant = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=applicant)}"}
    assert client.get(f"{API}/offices/CLP", **as_applicant).status_code == 401
    assert Application.objects.count() == 6


def test_detail_is_audited_and_lists_the_steps_this_officer_may_take(client, office, headers, now):
    application = ApplicationFactory(office=office, status=S.ADJUDICATION, paid_at=NOW)
    url = f"{API}/applications/{application.public_id}"
    adjudicator = client.get(url, **headers[Role.ADJUDICATOR])
    assert adjudicator.status_code == 200
    body = adjudicator.json()
    assert body["nik"] == application.nik
    assert sorted(body["next_steps"]) == ["bap", "postponed", "printing", "refused"]
    assert client.get(url, **headers[Role.PRINTING]).json()["next_steps"] == []
    clock = body["clock"]
    assert clock["stage"]["status"] == "adjudication"
    assert set(clock["overall"]) >= {"running_minutes", "working_days_left", "risk"}
    views = AuditEntry.objects.filter(action="personal_data.view")
    assert views.count() == 2
    assert views.first().reason == "workflow API"


STEPS = [
    ("get", ""),
    ("get", "/photo"),
    ("get", "/bap.pdf"),
    ("post", "/arrive"),
    ("post", "/document-check"),
    ("post", "/interview"),
    ("post", "/biometrics"),
    ("post", "/adjudicate"),
    ("post", "/bap/examine"),
    ("post", "/bap/approve"),
    ("post", "/bap/central"),
    ("post", "/print"),
    ("post", "/qc"),
    ("post", "/resume"),
    ("post", "/postpone"),
    ("post", "/cancel"),
    ("post", "/bill"),
    ("get", "/receipt"),
]
BODIES = {
    "/arrive": {"service_class": "regular"},
    "/document-check": {"checklist": {"ktp": True}},
    "/interview": {"purpose": "tourism", "destination": "Japan"},
    "/adjudicate": {"decision": "approve"},
    "/bap/examine": {"statement": "s", "findings": "f", "proposal": "approve"},
    "/bap/approve": {"approve": True},
    "/bap/central": {"reference": "DIRJEN-1"},
    "/qc": {"passed": True},
    "/postpone": {"awaited": ["Labour office recommendation"]},
    "/cancel": {"reason": "Asked by the applicant"},
}


@pytest.mark.parametrize(("method", "suffix"), STEPS)
def test_every_endpoint_hides_another_offices_application(
    client, office, make_staff, method, suffix, now
):
    """An officer holding every role at another office gets 404 on each endpoint, and
    nothing moves or is audited."""
    other = OfficeFactory(code="KPG", timezone="Asia/Makassar")
    stranger = make_staff(OFFICE_ROLES[0], other)
    for role in OFFICE_ROLES[1:]:
        make_staff(role, other, user=stranger)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=stranger)}"}
    application = ApplicationFactory(
        office=office, status=S.PAID, paid_at=timezone.now(), case_type="lost"
    )
    Bap.objects.create(application=application, trigger="lost")
    url = f"{API}/applications/{application.public_id}{suffix}"
    if method == "get":
        response = client.get(url, **auth)
    elif suffix == "/biometrics":
        response = client.post(url, {"fingerprint_ref": "FP-1", "photo": photo()}, **auth)
    else:
        response = post(client, url, auth, BODIES.get(suffix))
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "application_not_found"
    application.refresh_from_db()
    assert application.status == S.PAID
    assert not application.events.exists()
    assert not AuditEntry.objects.filter(action="personal_data.view").exists()


def test_list_and_steps_audit_the_names_they_show(client, office, headers, now):
    first = ApplicationFactory(office=office, status=S.PAID, paid_at=NOW)
    second = ApplicationFactory(office=office, status=S.INTERVIEW, paid_at=NOW)
    listed = client.get(f"{API}/offices/CLP", **headers[Role.KASI])
    assert listed.status_code == 200
    line = AuditEntry.objects.get(action="personal_data.view")
    assert line.reason == "workflow API list"
    assert line.office_code == "CLP"
    assert line.changes["applications"] == [str(second.public_id)]  # paid is not yet at the office
    empty = client.get(f"{API}/offices/CLP?status=qc", **headers[Role.KASI])
    assert empty.json()["items"] == []
    assert AuditEntry.objects.filter(action="personal_data.view").count() == 1

    moved = post(
        client,
        f"{API}/applications/{first.public_id}/arrive",
        headers[Role.FRONT_DESK],
        {"service_class": "regular"},
    )
    assert moved.status_code == 200
    step = AuditEntry.objects.filter(action="personal_data.view").order_by("-pk").first()
    assert step.reason == "workflow API step"
    assert step.target_id == str(first.pk)


def test_openapi_documents_the_staff_workflow(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    base = "/api/v1/applications/staff/applications/{application_id}"
    for _method, suffix in STEPS:
        assert base + suffix in paths
    assert "/api/v1/applications/staff/offices/{code}" in paths
    biometrics = paths[base + "/biometrics"]["post"]
    form = biometrics["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "photo" in str(form) and "fingerprint_ref" in str(form)
    listing = paths["/api/v1/applications/staff/offices/{code}"]["get"]
    params = {p["name"] for p in listing["parameters"]}
    assert {"code", "status", "page", "page_size"} <= params


def test_postpone_resume_and_supervisor_cancel_by_api(client, office, headers, now):
    application = ApplicationFactory(office=office, status=S.INTERVIEW, paid_at=NOW)
    url = f"{API}/applications/{application.public_id}"
    empty = post(client, f"{url}/postpone", headers[Role.INTERVIEWER], {"awaited": []})
    assert empty.status_code == 422
    # At the interview only the sweep cancels (an unpaid walk-in); a supervisor may not.
    early = post(client, f"{url}/cancel", headers[Role.KASI], {"reason": "x"})
    assert early.status_code == 403
    assert early.json()["error"]["code"] == "role_required"
    wrong = post(client, f"{url}/postpone", headers[Role.FRONT_DESK], {"awaited": ["letter"]})
    assert wrong.status_code == 403
    held = post(
        client,
        f"{url}/postpone",
        headers[Role.INTERVIEWER],
        {"awaited": ["Labour office recommendation"], "reason": "Sponsor unclear"},
    )
    assert held.status_code == 200
    assert held.json()["status"] == "postponed"
    application.refresh_from_db()
    assert application.outcome["awaited"] == ["Labour office recommendation"]
    resumed = post(client, f"{url}/resume", headers[Role.INTERVIEWER])
    assert resumed.json()["status"] == "interview"
    post(client, f"{url}/postpone", headers[Role.INTERVIEWER], {"awaited": ["letter"]})
    refused = post(client, f"{url}/cancel", headers[Role.FRONT_DESK], {"reason": "gone"})
    assert refused.status_code == 403
    cancelled = post(client, f"{url}/cancel", headers[Role.KASI], {"reason": "Withdrawn"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    event = application.events.get(to_status=S.CANCELLED)
    assert event.reason == "Withdrawn"


def test_office_bill_and_receipt_by_api(client, office, headers, now):
    from loket.payments.billing import bill_mark_paid

    application = ApplicationFactory(office=office, case_type="lost", channel="assisted")
    url = f"{API}/applications/{application.public_id}"
    post(client, f"{url}/arrive", headers[Role.FRONT_DESK], {"service_class": "regular"})
    assert client.get(f"{url}/receipt", **headers[Role.FRONT_DESK]).status_code == 404
    assert post(client, f"{url}/bill", headers[Role.INTERVIEWER]).status_code == 403
    issued = post(client, f"{url}/bill", headers[Role.FRONT_DESK])
    assert issued.status_code == 201, issued.content
    bill = issued.json()
    assert len(bill["billing_code"]) == 15
    assert [line["item"] for line in bill["lines"]] == ["passport", "lost"]
    assert bill["amount"] == sum(line["amount"] for line in bill["lines"])
    assert bill["status"] == "issued" and bill["ntpn"] == ""
    bill_mark_paid(billing_code=bill["billing_code"], amount=bill["amount"], ntpn="NTPN0000000009")
    receipt = client.get(f"{url}/receipt", **headers[Role.FRONT_DESK]).json()
    assert (receipt["status"], receipt["ntpn"]) == ("paid", "NTPN0000000009")
    assert AuditEntry.objects.filter(
        action="personal_data.view", reason="payment receipt (API)"
    ).exists()
    again = post(client, f"{url}/bill", headers[Role.FRONT_DESK])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_paid"
    application.refresh_from_db()
    assert application.paid_at is not None and application.due_date is not None
