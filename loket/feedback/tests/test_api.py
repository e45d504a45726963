"""The feedback REST API: filing, following, rating, reopening, surveys, public indices."""

import io

import pytest

from loket.feedback.services import (
    complaint_reply,
    complaint_verify,
    survey_invitation_create,
)
from loket.feedback.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/feedback"


def file_via_api(client, **extra):
    data = {"office": "KPG", "category": "slow", "summary": "Lama", "description": "Tiga jam."}
    data.update(extra)
    return client.post(f"{API}/complaints", data)


class TestComplaintsApi:
    def test_file_follow_rate_reopen(self, client, office_wita, cs):
        response = file_via_api(client, email="warga@example.test")
        assert response.status_code == 201, response.content
        body = response.json()
        number, token = body["tracking_number"], body["access_token"]
        assert body["follow_url"].endswith(f"/pengaduan/lacak/{number}/{token}/")
        followed = client.get(f"{API}/complaints/{number}", headers={"X-Access-Token": token})
        assert followed.status_code == 200
        assert followed.json()["status"] == "submitted"
        from loket.feedback.models import Complaint

        c = Complaint.objects.get(tracking_number=number)
        assert c.channel == "api"
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="fast")
        complaint_reply(actor=cs, complaint=c, message="NOTE", public=False)
        complaint_reply(actor=cs, complaint=c, message="Jawaban", public=True, final=True)
        events = client.get(f"{API}/complaints/{number}", headers={"X-Access-Token": token}).json()[
            "events"
        ]
        assert [e["message"] for e in events if e["message"]] == ["Jawaban"]
        rated = client.post(
            f"{API}/complaints/{number}/rating",
            {"score": 4},
            content_type="application/json",
            headers={"X-Access-Token": token},
        )
        assert rated.status_code == 200 and rated.json()["rating"] == 4
        reopened = client.post(
            f"{API}/complaints/{number}/reopen",
            {"reason": "Belum"},
            content_type="application/json",
            headers={"X-Access-Token": token},
        )
        assert reopened.json()["status"] == "reopened"

    def test_wrong_token_is_404_with_stable_code(self, client, office_wita):
        number = file_via_api(client).json()["tracking_number"]
        for headers in ({"X-Access-Token": "guess"}, {}):
            response = client.get(f"{API}/complaints/{number}", headers=headers)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "complaint_not_found"

    def test_validation_errors(self, client, office_wita):
        response = file_via_api(client, category="nope", summary="")
        assert response.status_code == 422
        # Ninja names multipart fields "form.<name>" (config/api.py strips body/query only).
        fields = {name.removeprefix("form.") for name in response.json()["error"]["fields"]}
        assert {"category", "summary"} <= fields
        assert file_via_api(client, office="NOPE").json()["error"]["code"] == "office_not_found"

    def test_attachments(self, client, office_wita):
        good = io.BytesIO(png_bytes())
        good.name = "bukti.png"
        assert file_via_api(client, attachments=[good]).status_code == 201
        fake = io.BytesIO(b"MZ not a png")
        fake.name = "bukti.png"
        response = file_via_api(client, attachments=[fake])
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "upload_type"
        assert "attachments" in response.json()["error"]["fields"]

    def test_rate_limited(self, client, office_wita, settings):
        settings.LOKET_COMPLAINT_MAX_PER_IP = 1
        assert file_via_api(client).status_code == 201
        response = file_via_api(client)
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "complaint_rate_limited"

    def test_bad_score_is_422(self, client, office_wita):
        body = file_via_api(client).json()
        response = client.post(
            f"{API}/complaints/{body['tracking_number']}/rating",
            {"score": 9},
            content_type="application/json",
            headers={"X-Access-Token": body["access_token"]},
        )
        assert response.status_code == 422


class TestSurveyApi:
    def payload(self, **ikm):
        scores = {f"u{i}": 3 for i in range(1, 10)} | ikm
        return {
            "ikm": scores,
            "ipk": dict.fromkeys(
                ["diskriminasi", "pungli", "calo", "gratifikasi", "kecurangan"], 4
            ),
            "sex": "m",
            "age_group": "20_29",
            "education": "sma",
            "occupation": "student",
        }

    def test_get_and_answer_once(self, client, office_wita):
        token = survey_invitation_create(
            office=office_wita, visit_ref="", service_type="pickup"
        ).token
        questions = client.get(f"{API}/surveys/{token}").json()
        assert [q["code"] for q in questions["ikm"]] == [f"u{i}" for i in range(1, 10)]
        assert len(questions["ipk"]) == 5
        response = client.post(
            f"{API}/surveys/{token}", self.payload(), content_type="application/json"
        )
        assert response.status_code == 204
        again = client.post(
            f"{API}/surveys/{token}", self.payload(), content_type="application/json"
        )
        assert again.status_code == 409 and again.json()["error"]["code"] == "survey_token_used"

    def test_forged_token_and_out_of_range(self, client, office_wita):
        response = client.post(
            f"{API}/surveys/abc:def", self.payload(), content_type="application/json"
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "survey_token_invalid"
        token = survey_invitation_create(
            office=office_wita, visit_ref="", service_type="pickup"
        ).token
        response = client.post(
            f"{API}/surveys/{token}", self.payload(u2=7), content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "ikm.u2": response.json()["error"]["fields"]["ikm.u2"]
        }

    def test_public_indices(self, client, office_wita):
        body = client.get(f"{API}/offices/KPG/indices").json()
        assert body["office"] == "KPG" and body["ikm"]["index"] is None
        assert "complaints_received" in body
        assert client.get(f"{API}/offices/NOPE/indices").status_code == 404

    def test_openapi_lists_the_endpoints(self, client):
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        for path in (
            "/complaints",
            "/complaints/{number}",
            "/complaints/{number}/rating",
            "/complaints/{number}/reopen",
            "/surveys/{token}",
            "/offices/{code}/indices",
        ):
            assert f"{API}{path}" in paths
