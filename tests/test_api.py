"""The REST API: its OpenAPI contract, the public office and fee endpoints, the error shape."""

import pytest

API = "/api/v1"


@pytest.mark.django_db
class TestOpenAPI:
    def test_document_lists_the_endpoints(self, client):
        doc = client.get(f"{API}/openapi.json").json()
        assert doc["info"]["title"] == "Loket API"
        for path in (
            "/api/v1/offices",
            "/api/v1/offices/{code}",
            "/api/v1/fees/quote",
            "/api/v1/offices/{code}/calendar",
            "/api/v1/offices/{code}/working-days",
        ):
            assert path in doc["paths"], path

    def test_browsable_docs(self, client):
        assert client.get(f"{API}/docs").status_code == 200


@pytest.mark.django_db
class TestOffices:
    def test_list_is_paginated(self, client, office_wib, office_wita):
        body = client.get(f"{API}/offices").json()
        assert body["count"] == 2
        assert {o["code"] for o in body["items"]} == {"CLP", "KPG"}
        kpg = next(o for o in body["items"] if o["code"] == "KPG")
        assert kpg["timezone_abbreviation"] == "WITA"
        assert len(kpg["opening_hours"]) == 5

    def test_unknown_office_is_a_clear_404(self, client, office_wib):
        response = client.get(f"{API}/offices/NOPE")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "office_not_found"
        assert "NOPE" in response.json()["error"]["message"]

    def test_working_days(self, client, office_wib):
        body = client.get(f"{API}/offices/CLP/working-days", {"start": "2026-08-14", "n": 1}).json()
        assert body["result"] == "2026-08-18"

    def test_calendar_marks_days_off(self, client, office_wib):
        days = client.get(f"{API}/offices/CLP/calendar", {"start": "2026-12-23", "days": 5}).json()
        assert [d["working"] for d in days] == [True, False, False, False, False]

    def test_bad_query_is_a_field_error(self, client, office_wib):
        response = client.get(f"{API}/offices/CLP/working-days", {"start": "2026-02-30", "n": -1})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        assert set(error["fields"]) == {"start", "n"}


@pytest.mark.django_db
class TestFees:
    def test_quote(self, client):
        body = client.get(
            f"{API}/fees/quote",
            {
                "billing_date": "2026-11-25",
                "book_type": "electronic",
                "validity_years": 10,
                "percepatan": "true",
            },
        ).json()
        assert body["total"] == 1_950_000
        assert body["regulations"] == ["PP 45/2024"]

    def test_unknown_combination_is_not_zero(self, client):
        response = client.get(
            f"{API}/fees/quote",
            {"billing_date": "2026-11-25", "book_type": "polycarbonate", "validity_years": 10},
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "tariff_not_found"

    def test_invalid_values(self, client):
        response = client.get(
            f"{API}/fees/quote", {"billing_date": "x", "book_type": "paper", "validity_years": 7}
        )
        assert response.status_code == 422
        assert set(response.json()["error"]["fields"]) == {
            "billing_date",
            "book_type",
            "validity_years",
        }

    def test_messages_follow_the_language(self, client):
        params = {"billing_date": "2026-11-25", "book_type": "polycarbonate", "validity_years": 10}
        english = client.get(f"{API}/fees/quote", params, HTTP_ACCEPT_LANGUAGE="en").json()
        indonesian = client.get(f"{API}/fees/quote", params, HTTP_ACCEPT_LANGUAGE="id").json()
        assert "No tariff is in force" in english["error"]["message"]
        assert english["error"]["message"] != indonesian["error"]["message"]


@pytest.mark.django_db
def test_unexpected_error_has_no_stack_trace(client, monkeypatch):
    from loket.offices import api as offices_api

    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(offices_api, "office_get_public", explode)
    response = client.get(f"{API}/offices/KPG")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
