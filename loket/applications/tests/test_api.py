import io
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from loket.applications.models import Application
from loket.applications.tests.test_services import STEP1, STEP2
from loket.core.api_auth import api_token_issue
from loket.core.tests.factories import ApplicantFactory

API = "/api/v1/applications"


def png(name="scan.png") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG")
    out.seek(0)
    out.name = name
    return out


@pytest.fixture
def auth(office_wib):
    user = ApplicantFactory(email_verified_at=timezone.now())
    return user, {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


@pytest.mark.django_db
class TestApplicationsApi:
    def test_full_flow(self, client, auth, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        _user, headers = auth
        created = client.post(API, **headers)
        assert created.status_code == 201
        app_id = created.json()["id"]
        put1 = client.put(
            f"{API}/{app_id}/steps/1", STEP1, content_type="application/json", **headers
        )
        assert put1.status_code == 200, put1.json()
        assert put1.json()["application"]["step"] == 2
        bad = client.put(
            f"{API}/{app_id}/steps/2",
            {**STEP2, "nik": "3273015705900000"},
            content_type="application/json",
            **headers,
        )
        assert bad.status_code == 422
        assert "nik" in bad.json()["error"]["fields"]
        draft = client.get(f"{API}/{app_id}", **headers).json()
        assert draft["draft_raw"]["nik"] == "3273015705900000"  # kept as typed
        assert draft["full_name"] == "Siti Aminah"  # valid fields saved
        assert (
            client.put(
                f"{API}/{app_id}/steps/2", STEP2, content_type="application/json", **headers
            ).status_code
            == 200
        )
        early = client.post(f"{API}/{app_id}/submit", **headers)
        assert early.status_code == 422 and "documents" in early.json()["error"]["fields"]
        for kind in ("ktp", "kk", "diploma"):
            up = client.post(f"{API}/{app_id}/documents/{kind}", {"file": png()}, **headers)
            assert up.status_code == 201, up.content
        fake = client.post(
            f"{API}/{app_id}/documents/ktp", {"file": io.BytesIO(b"GIF89a...")}, **headers
        )
        assert fake.status_code == 400 and fake.json()["error"]["code"] == "upload_type"
        assert client.get(f"{API}/{app_id}/documents/ktp", **headers)["Content-Type"] == "image/png"
        submitted = client.post(f"{API}/{app_id}/submit", **headers)
        assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
        listing = client.get(API, **headers).json()
        assert listing["count"] == 1 and listing["items"][0]["status"] == "submitted"

    def test_autosave_patch_reports_without_failing(self, client, auth):
        _user, headers = auth
        app_id = client.post(API, **headers).json()["id"]
        response = client.patch(
            f"{API}/{app_id}/steps/2", {"nik": "123"}, content_type="application/json", **headers
        )
        assert response.status_code == 200
        assert "nik" in response.json()["errors"]
        assert response.json()["application"]["draft_raw"] == {"nik": "123"}

    def test_another_applicants_application_is_404(self, client, auth):
        _user, headers = auth
        other = Application.objects.create(account=ApplicantFactory())
        for method, path in [
            ("get", f"{API}/{other.public_id}"),
            ("post", f"{API}/{other.public_id}/submit"),
            ("get", f"{API}/{other.public_id}/documents/ktp"),
            ("get", f"{API}/{uuid.uuid4()}"),
            ("get", f"{API}/not-a-uuid"),
        ]:
            response = getattr(client, method)(path, **headers)
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "application_not_found"

    def test_needs_a_token_and_a_verified_email(self, client, office_wib):
        assert client.get(API).status_code == 401
        unverified = ApplicantFactory()
        response = client.get(API, HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=unverified)}")
        assert (
            response.status_code == 403 and response.json()["error"]["code"] == "email_not_verified"
        )

    def test_staff_token_is_refused(self, client, make_staff, office_wib):
        from loket.core.choices import Role

        staff = make_staff(Role.FRONT_DESK, office_wib)
        assert (
            client.get(API, HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=staff)}").status_code
            == 401
        )

    def test_child_cannot_choose_ten_years(self, client, auth):
        _user, headers = auth
        app_id = client.post(API, **headers).json()["id"]
        response = client.put(
            f"{API}/{app_id}/steps/1",
            {**STEP1, "applicant_type": "child"},
            content_type="application/json",
            **headers,
        )
        assert (
            response.status_code == 422 and "validity_years" in response.json()["error"]["fields"]
        )


@pytest.mark.django_db
def test_requirements_checker_without_account(client):
    body = client.get(
        f"{API}/requirements",
        {
            "applicant_type": "child",
            "case_type": "new",
            "book_type": "electronic",
            "validity_years": 5,
        },
    ).json()
    assert ["kk"] in body["documents"] and ["parent_consent"] in body["documents"]
    assert body["walk_in_only"] is False and body["fee_total"] == 650_000
    assert (
        client.get(
            f"{API}/requirements", {"applicant_type": "alien", "case_type": "new"}
        ).status_code
        == 422
    )


@pytest.mark.django_db
def test_bad_input_through_the_api(client, auth, settings, tmp_path):
    """Impossible dates and oversized uploads get field errors and change nothing."""
    settings.MEDIA_ROOT = tmp_path
    _user, headers = auth
    app_id = client.post(API, **headers).json()["id"]
    client.put(f"{API}/{app_id}/steps/1", STEP1, content_type="application/json", **headers)
    impossible = client.put(
        f"{API}/{app_id}/steps/2",
        {**STEP2, "birth_date": "1990-02-30"},
        content_type="application/json",
        **headers,
    )
    assert impossible.status_code == 422 and "birth_date" in impossible.json()["error"]["fields"]
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n")
    big.name = "kk.pdf"
    response = client.post(f"{API}/{app_id}/documents/kk", {"file": big}, **headers)
    assert response.status_code == 400 and response.json()["error"]["code"] == "upload_too_large"
    assert not Application.objects.get(public_id=app_id).documents.exists()
