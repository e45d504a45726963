"""Public pages: the standard shows exactly what fee_quote and the Stage rows say; the
directory searches and pages; bad codes and empty searches get a clear message."""

from __future__ import annotations

import re

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation

from loket.core.errors import ApplicationError
from loket.offices.models import Stage
from loket.offices.tests.factories import OfficeFactory
from loket.payments.selectors import fee_quote
from loket.reports.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def row(html: str, testid: str) -> str:
    match = re.search(rf'<tr data-testid="{testid}"[^>]*>.*?</tr>', html, re.S)
    assert match, testid
    return match.group(0)


class TestStandardPage:
    def test_fees_and_sop_times_are_those_of_fee_quote_and_stage_rows(self, client, office, now):
        response = client.get(f"/kantor/{office.code.lower()}/standar/")
        assert response.status_code == 200
        html = response.content.decode()
        shown = 0
        for book_type in ("non_electronic", "electronic", "polycarbonate"):
            for years in (5, 10):
                try:
                    quote = fee_quote(billing_date=TODAY, book_type=book_type, validity_years=years)
                except ApplicationError:
                    assert f'data-testid="fee-{book_type}-{years}"' not in html
                    continue
                tr = row(html, f"fee-{book_type}-{years}")
                assert f'data-amount="{quote.total}"' in tr
                with translation.override("id"):
                    assert f"Rp{intcomma(quote.total)}" in tr
                assert quote.lines[0].regulation in tr
                shown += 1
        assert shown >= 4
        percepatan = fee_quote(
            billing_date=TODAY, book_type="electronic", validity_years=10, percepatan=True
        )
        assert f'data-amount="{percepatan.lines[1].amount}"' in html
        for stage in Stage.objects.filter(office=office):
            tr = row(html, f"stage-{stage.code}")
            assert f'data-wait="{stage.sop_wait_minutes}"' in tr
            assert f'data-service="{stage.sop_service_minutes}"' in tr
            assert f">{stage.sop_wait_minutes}</td>" in tr
            assert f">{stage.sop_service_minutes}</td>" in tr
        # Changing a row changes the page: nothing is typed twice.
        Stage.objects.filter(office=office, code="interview").update(sop_wait_minutes=44)
        html = client.get(f"/kantor/{office.code}/standar/").content.decode()
        assert 'data-wait="44"' in row(html, "stage-interview")

    def test_page_links_complaints_map_pledge_and_poster(self, client, office, now):
        html = client.get(f"/kantor/{office.code}/standar/").content.decode()
        assert f'href="/pengaduan/{office.code}/"' in html
        assert f'href="/transparansi/{office.code}/"' in html
        assert "openstreetmap.org/?mlat=-7.7267" in html
        assert 'data-testid="pledge"' in html
        assert f'href="/kantor/{office.code}/standar.pdf"' in html
        assert 'data-facility="lactation_room" data-available="1"' in html
        assert 'data-facility="play_area" data-available="0"' in html
        assert html.count('<details class="req"') == 12

    def test_unknown_office_is_404_with_a_message(self, client, db):
        response = client.get("/kantor/NOPE/standar/")
        assert response.status_code == 404
        assert b"NOPE" in response.content
        assert b'role="alert"' in response.content
        assert client.get("/kantor/NOPE/standar.pdf").status_code == 404

    def test_inactive_office_is_not_published(self, client, office, now):
        office.is_active = False
        office.save()
        assert client.get(f"/kantor/{office.code}/standar/").status_code == 404

    def test_poster_pdf(self, client, office, now):
        response = client.get(f"/kantor/{office.code}/standar.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert len(response.content) > 2000


class TestDirectoryPage:
    def test_lists_and_searches(self, client, office, office_wita, now):
        html = client.get("/direktori/").content.decode()
        assert 'data-testid="office-CLP"' in html and 'data-testid="office-KPG"' in html
        html = client.get("/direktori/", {"name": "cilA"}).content.decode()
        assert 'data-testid="office-CLP"' in html and 'data-testid="office-KPG"' not in html
        assert 'data-service="polycarbonate"' in html
        assert 'data-date="2025-03-10"' in html
        html = client.get("/direktori/", {"region": "contoh"}).content.decode()
        assert 'data-testid="office-CLP"' in html and 'data-testid="office-KPG"' in html

    def test_empty_search_says_so(self, client, office, now):
        response = client.get("/direktori/", {"name": "Atlantis"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="directory-empty"' in html
        assert 'data-testid="office-' not in html

    def test_paginated(self, client, db):
        for n in range(12):
            OfficeFactory(code=f"PG{n:02d}", name=f"Kantor Uji {n:02d}")
        first = client.get("/direktori/", {"name": "uji"}).content.decode()
        assert first.count('data-testid="office-PG') == 10
        assert 'data-testid="next-page"' in first
        second = client.get("/direktori/", {"name": "uji", "page": 2}).content.decode()
        assert second.count('data-testid="office-PG') == 2

    def test_too_long_search_is_a_field_error(self, client, db):
        response = client.get("/direktori/", {"name": "x" * 101})
        assert response.status_code == 200
        assert b'class="error"' in response.content


class TestQuestionsPage:
    def test_national_and_office_questions_searchable(self, client, office, questions):
        html = client.get("/tanya-jawab/").content.decode()
        assert f'data-testid="qa-{questions["national"].pk}"' in html
        assert f'data-testid="qa-{questions["office"].pk}"' not in html
        assert f'data-testid="qa-{questions["draft"].pk}"' not in html
        html = client.get("/tanya-jawab/", {"office": office.code, "q": "parkir"}).content.decode()
        assert f'data-testid="qa-{questions["office"].pk}"' in html
        assert f'data-testid="qa-{questions["national"].pk}"' not in html
        assert f'data-testid="qa-{questions["other_office"].pk}"' not in html

    def test_english_reader_gets_english_text(self, client, office, questions):
        client.cookies["django_language"] = "en"  # the language switch, not the browser
        html = client.get("/tanya-jawab/").content.decode()
        assert "Is the fee refunded after a refusal?" in html
        client.cookies["django_language"] = "id"
        html = client.get("/tanya-jawab/").content.decode()
        assert "Apakah biaya dikembalikan jika ditolak?" in html

    def test_no_match_says_so(self, client, office, questions):
        html = client.get("/tanya-jawab/", {"q": "zzzz"}).content.decode()
        assert 'data-testid="qa-empty"' in html

    def test_unknown_office_choice_is_a_field_error(self, client, office, questions):
        response = client.get("/tanya-jawab/", {"office": "NOPE"})
        assert response.status_code == 200
        assert b'class="error"' in response.content
