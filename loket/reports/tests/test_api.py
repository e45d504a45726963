"""/api/v1/public: the directory, the service standard and the Q&A for the mobile app."""

from __future__ import annotations

import pytest

from loket.offices.models import Stage
from loket.payments.selectors import fee_quote
from loket.reports.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
API = "/api/v1/public"


def test_directory_search_with_free_dates(client, office, office_wita, now):
    body = client.get(f"{API}/offices", {"name": "cila"}).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["code"] == "CLP"
    assert [s["code"] for s in item["services"]] == ["electronic", "polycarbonate", "percepatan"]
    assert item["free_dates"][0] == {"date": "2025-03-10", "free": 5}
    assert item["next_release"].startswith("2025-03-14T14:00:00")
    assert item["standard_url"] == "/kantor/CLP/standar/"
    assert client.get(f"{API}/offices", {"region": "atlantis"}).json() == {"items": [], "count": 0}


def test_service_standard_json_matches_sources(client, office, now):
    response = client.get(f"{API}/offices/clp/standard")
    assert response.status_code == 200
    body = response.json()
    fees = {(f["book_type"], f["validity_years"]): f["amount"] for f in body["fees"]}
    for (book_type, years), amount in fees.items():
        quote = fee_quote(billing_date=TODAY, book_type=book_type, validity_years=years)
        assert amount == quote.total
    assert [(s["code"], s["wait_minutes"], s["service_minutes"]) for s in body["procedure"]] == [
        (s.code, s.sop_wait_minutes, s.sop_service_minutes)
        for s in Stage.objects.filter(office=office).order_by("sequence")
    ]
    assert body["completion"]["regular_working_days"] == 3
    assert body["completion"]["percepatan_working_days"] == 0
    assert body["complaints"]["form_url"] == "/pengaduan/CLP/"
    assert body["poster_url"] == "/kantor/CLP/standar.pdf"
    assert len(body["requirements"]) == 12


def test_unknown_office_has_the_error_shape(client, db):
    response = client.get(f"{API}/offices/NOPE/standard")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "office_not_found"
    response = client.get(f"{API}/questions", {"office": "NOPE"})
    assert response.status_code == 404


def test_questions_search_in_language(client, office, questions):
    body = client.get(
        f"{API}/questions", {"q": "refunded", "office": "CLP"}, headers={"accept-language": "en"}
    ).json()
    assert [q["id"] for q in body] == [questions["national"].pk]
    body = client.get(
        f"{API}/questions", {"office": "clp"}, headers={"accept-language": "id"}
    ).json()
    assert [q["question"] for q in body] == [
        "Apakah biaya dikembalikan jika ditolak?",
        "Di mana tempat parkir kendaraan?",
    ]


def test_too_long_query_is_422(client, db):
    response = client.get(f"{API}/offices", {"name": "x" * 101})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
