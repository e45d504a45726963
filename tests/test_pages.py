"""Server-rendered pages: Indonesian by default, English on request, no stack traces."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
class TestLanguage:
    def test_indonesian_by_default(self, client):
        body = client.get("/").content.decode()
        assert '<html lang="id">' in body
        assert "Layanan paspor kantor imigrasi" in body

    def test_browser_language_does_not_override_indonesian(self, client):
        body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
        assert '<html lang="id">' in body

    def test_english_on_request(self, client):
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        body = client.get("/").content.decode()
        assert '<html lang="en">' in body
        assert "Passport service of the immigration offices" in body


@pytest.mark.django_db
class TestErrors:
    def test_unknown_office_page_is_404_with_a_message(self, client):
        response = client.get("/kantor/NOPE/")
        assert response.status_code == 404
        assert "NOPE" in response.content.decode()

    def test_500_page_has_no_trace(self, settings, monkeypatch):
        from loket.offices import views

        def explode(**kwargs):
            raise RuntimeError("secret internals")

        monkeypatch.setattr(views, "offices_public", explode)
        client = Client(raise_request_exception=False)
        response = client.get("/kantor/")
        assert response.status_code == 500
        body = response.content.decode()
        assert "secret internals" not in body and "Traceback" not in body
        assert "Terjadi kesalahan" in body or "went wrong" in body

    def test_fee_gap_is_shown_next_to_the_form(self, client):
        response = client.get(
            "/biaya/",
            {"book_type": "polycarbonate", "validity_years": 10, "billing_date": "2026-11-25"},
        )
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()

    def test_fee_partial_for_htmx(self, client):
        response = client.get(
            "/biaya/",
            {"book_type": "electronic", "validity_years": 10, "billing_date": "2026-11-25"},
            HTTP_HX_REQUEST="true",
        )
        body = response.content.decode()
        assert body.lstrip().startswith('<section id="fee-result"')
        assert "950" in body


@pytest.mark.parametrize("language", ["id", "en"])
def test_translations_are_complete_and_compiled(language):
    """Every UI string has its Indonesian text (the default language), and the compiled
    catalogue that Django reads says the same as the source file."""
    import gettext
    from pathlib import Path

    import polib

    po_path = (
        Path(__file__).resolve().parent.parent / "locale" / language / "LC_MESSAGES" / "django.po"
    )
    po = polib.pofile(str(po_path))
    if language == "id":
        assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, "stale .mo: run `make messages`"
