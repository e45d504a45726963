"""The BAP report as a PDF: its record, the chain's signatures in order with roles, names
and office-local times, the central approval, a draft mark until decided, long text on
further pages; the web page and the API serve it only to the application's office and
audit each view."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone, translation
from reportlab import rl_config

from loket.applications import bap as baps
from loket.applications.choices import ApplicationStatus as S
from loket.applications.models import Bap
from loket.applications.tests.factories import ApplicationFactory
from loket.core.api_auth import api_token_issue
from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.offices.tests.factories import OfficeFactory

WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
NOW = dt.datetime(2025, 2, 4, 9, 15, tzinfo=WIT)  # Tuesday, 00:15 UTC
CHAIN = (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def plain_pdf(monkeypatch):
    """Uncompressed page streams, so the test can read the text the PDF draws."""
    monkeypatch.setattr(rl_config, "pageCompression", 0)


def _text(pdf: bytes) -> str:
    """The strings the pages draw (each `(...) Tj`), unescaped."""
    drawn = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)
    return " ".join(re.sub(rb"\\(.)", rb"\1", m).decode("cp1252") for m in drawn)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(office_wit, make_staff):
    from loket.core.tests.factories import UserFactory

    people = {}
    for role, name in (
        (Role.BAP_EXAMINER, "Eka Examiner"),
        (Role.KASUBSI, "Sari Kasubsi"),
        (Role.KASI, "Budi Kasi"),
        (Role.HEAD_OF_OFFICE, "Rina Kepala"),
    ):
        people[role] = make_staff(role, office_wit, user=UserFactory(full_name=name))
    return people


def _bap(office, staff, case_type="lost", statement="Lost on the ferry"):
    application = ApplicationFactory(
        office=office,
        status=S.BAP,
        case_type=case_type,
        paid_at=timezone.now(),
        full_name="Yohana Wenda",
    )
    bap = Bap.objects.create(application=application, trigger=case_type)
    bap = baps.bap_examine(
        bap=bap,
        actor=staff[Role.BAP_EXAMINER],
        statement=statement,
        findings="Police report KEP/12 matches",
        proposal="approve",
    )
    return application, bap


def test_the_report_carries_the_record_and_the_signatures_in_order(
    office_wit, staff, now, plain_pdf
):
    application, bap = _bap(office_wit, staff)
    draft = _text(baps.bap_pdf(bap))
    assert "DRAFT" in draft
    assert "No signature yet." in draft
    for role in CHAIN:
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
    bap.refresh_from_db()
    text = _text(baps.bap_pdf(bap))
    assert "DRAFT" not in text
    for needle in (
        "Yohana Wenda",
        application.nik,
        "Lost on the ferry",
        "Police report KEP/12 matches",
        "Eka Examiner",
    ):
        assert needle in text
    signatures = [
        text.index(f"{n}. {label}: {name}")
        for n, label, name in (
            (1, "Kasubsi (sub-section head)", "Sari Kasubsi"),
            (2, "Kasi (section head)", "Budi Kasi"),
            (3, "Head of office", "Rina Kepala"),
        )
    ]
    assert signatures == sorted(signatures)
    assert text.count(" - approved - ") == 3
    assert "Status: Decided" in text
    assert "2025-02-04 09:15 WIT" in text  # office-local time, not UTC (00:15)


def test_a_data_change_report_names_the_central_approval(office_wit, staff, now, plain_pdf):
    _application, bap = _bap(office_wit, staff, case_type="data_change")
    for role in CHAIN:
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
    assert "Central approval: awaited (2025-02-13)" in _text(baps.bap_pdf(bap))
    bap = baps.bap_central_approve(bap=bap, actor=staff[Role.KASI], reference="DITJEN-77")
    assert "Central approval: DITJEN-77" in _text(baps.bap_pdf(bap))


def test_a_long_statement_runs_onto_further_pages(office_wit, staff, now, plain_pdf):
    _application, bap = _bap(office_wit, staff, statement="word " * 990)
    pdf = baps.bap_pdf(bap)
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) >= 2
    assert _text(pdf).count("word") == 990


def test_web_and_api_serve_the_report_to_its_office_only_and_audit_it(
    client, office_wit, staff, make_staff, now
):
    application, _bap_row = _bap(office_wit, staff)
    web = f"/staf/permohonan/{application.public_id}/bap.pdf"
    api = f"/api/v1/applications/staff/applications/{application.public_id}/bap.pdf"
    kasi = staff[Role.KASI]
    client.force_login(kasi)
    page = client.get(web)
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    token = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=kasi)}"}
    by_api = client.get(api, **token)
    assert by_api.status_code == 200
    assert by_api.content.startswith(b"%PDF")
    views = AuditEntry.objects.filter(action="personal_data.view", target_id=str(application.pk))
    assert sorted(views.values_list("reason", flat=True)) == ["BAP report", "BAP report (API)"]

    stranger = make_staff(Role.KASI, OfficeFactory(code="CLX", timezone="Asia/Makassar"))
    client.force_login(stranger)
    assert client.get(web).status_code == 404
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=stranger)}"}
    assert client.get(api, **other).status_code == 404
    assert views.count() == 2

    no_bap = ApplicationFactory(office=office_wit, status=S.ADJUDICATION)
    missing = client.get(
        f"/api/v1/applications/staff/applications/{no_bap.public_id}/bap.pdf", **token
    )
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "bap_missing"
