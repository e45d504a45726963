"""Officer screens: each step's form moves the application, the view is audited, the
counter screen links to it, and other offices' staff get a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from loket.applications.choices import ApplicationStatus as S
from loket.applications.models import BlankStock
from loket.applications.tests.factories import ApplicationFactory
from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.offices.tests.factories import OfficeFactory


@pytest.fixture
def office(office_wib):
    BlankStock.objects.create(office=office_wib, book_type="electronic", quantity=3)
    return office_wib


def _login(client, user):
    client.force_login(user)
    return client


def test_front_desk_checks_in_and_checks_documents(client, office, make_staff):
    desk = make_staff(Role.FRONT_DESK, office)
    application = ApplicationFactory(office=office)
    url = reverse("applications:staff_work", args=[application.public_id])
    _login(client, desk)
    page = client.get(url)
    assert page.status_code == 200
    assert b'id="form-arrive"' in page.content
    assert AuditEntry.objects.filter(action="personal_data.view").count() == 1
    client.post(url, {"action": "arrive", "service_class": "regular"})
    application.refresh_from_db()
    assert application.status == S.DOCUMENT_CHECK
    page = client.get(url)
    assert b'id="form-documents"' in page.content
    client.post(
        url,
        {
            "action": "documents",
            "doc_ktp": "1",
            "doc_kk": "1",
            "doc_birth_certificate_diploma_marriage_book": "1",
            "doc_data_match": "1",
        },
    )
    application.refresh_from_db()
    assert application.status == S.INTERVIEW


def test_wrong_role_gets_a_message_and_nothing_moves(client, office, make_staff):
    interviewer = make_staff(Role.INTERVIEWER, office)
    application = ApplicationFactory(office=office, status=S.DOCUMENT_CHECK)
    url = reverse("applications:staff_work", args=[application.public_id])
    _login(client, interviewer)
    client.post(url, {"action": "documents", "doc_data_match": "1", "doc_ktp": "1"})
    application.refresh_from_db()
    assert application.status == S.DOCUMENT_CHECK


def test_other_office_staff_get_404(client, office, make_staff):
    other = make_staff(Role.FRONT_DESK, OfficeFactory(code="TUL", timezone="Asia/Jayapura"))
    application = ApplicationFactory(office=office)
    _login(client, other)
    assert (
        client.get(reverse("applications:staff_work", args=[application.public_id])).status_code
        == 404
    )


def test_office_queue_prints_next(client, office, make_staff):
    printer = make_staff(Role.PRINTING, office)
    application = ApplicationFactory(
        office=office, status=S.PRINTING, paid_at="2025-02-04T01:00:00Z"
    )
    _login(client, printer)
    page = client.get(reverse("applications:staff_office", args=[office.code]))
    assert str(application.public_id).encode() in page.content
    seen = AuditEntry.objects.get(action="personal_data.view", reason="office queues")
    assert seen.changes["applications"] == [str(application.public_id)]
    assert seen.office_code == office.code
    client.post(reverse("applications:staff_queue_next", args=[office.code, "print"]))
    application.refresh_from_db()
    assert application.status == S.QC
    assert BlankStock.objects.get(office=office).quantity == 2


def test_payment_receipt_shows_billing_code_then_ntpn(client, office, make_staff):
    from loket.payments.billing import bill_mark_paid
    from loket.payments.models import Bill

    desk = make_staff(Role.FRONT_DESK, office)
    application = ApplicationFactory(office=office)
    work = reverse("applications:staff_work", args=[application.public_id])
    receipt = reverse("applications:staff_receipt", args=[application.public_id])
    _login(client, desk)
    assert client.get(receipt).status_code == 404  # no bill yet
    client.post(work, {"action": "bill"})
    bill = Bill.objects.get(reference=f"application:{application.public_id}")
    assert f'href="{receipt}"'.encode() in client.get(work).content
    page = client.get(receipt).content.decode()
    assert bill.billing_code in page and 'data-testid="ntpn"' not in page
    assert f'data-amount="{bill.amount}"' in page
    bill_mark_paid(billing_code=bill.billing_code, amount=bill.amount, ntpn="NTPN0000000001")
    page = client.get(receipt).content.decode()
    assert "NTPN0000000001" in page
    application.refresh_from_db()
    assert application.paid_at is not None
    other = make_staff(Role.FRONT_DESK, OfficeFactory(code="ZZZ"))
    _login(client, other)
    assert client.get(receipt).status_code == 404


def test_receipt_of_a_waived_percepatan_fee_names_its_legal_basis(client, office, make_staff):
    from loket.applications import workflow
    from loket.applications.models import WorkflowSettings
    from loket.payments.models import Bill

    WorkflowSettings.objects.create(office=office, waive_percepatan_for_vulnerable=True)
    desk = make_staff(Role.FRONT_DESK, office)
    application = ApplicationFactory(office=office, percepatan=True)
    workflow.application_arrive(application=application, actor=desk, service_class="priority")
    _login(client, desk)
    client.post(
        reverse("applications:staff_work", args=[application.public_id]), {"action": "bill"}
    )
    bill = Bill.objects.get(reference=f"application:{application.public_id}")
    page = client.get(reverse("applications:staff_receipt", args=[application.public_id]))
    text = page.content.decode()
    assert "UU 25/2009 pasal 29" in text
    assert text.count('data-testid="fee-line"') == len(bill.lines)
    assert "Rp1,000,000" in text or "Rp1.000.000" in text
    assert AuditEntry.objects.filter(action="personal_data.view", reason="payment receipt").exists()


def _messages(page) -> str:
    return " ".join(str(m) for m in page.context["messages"])


def _t(msgid: str, **values) -> str:
    """The message as the officer reads it: Bahasa Indonesia is the default language."""
    with translation.override("id"):
        text = translation.gettext(msgid)
        return text % values if values else text


DOES_NOT_ALLOW = "Your role at this office does not allow this action."


def test_interviewer_postpones_at_the_interview_with_what_is_awaited(client, office, make_staff):
    interviewer = make_staff(Role.INTERVIEWER, office)
    application = ApplicationFactory(office=office, status=S.INTERVIEW)
    url = reverse("applications:staff_work", args=[application.public_id])
    _login(client, interviewer)
    assert b'id="form-postpone"' in client.get(url).content
    page = client.post(
        url,
        {
            "action": "postpone",
            "status": S.INTERVIEW,
            "awaited": "Labour office recommendation\nSponsor letter",
            "reason": "Sponsor unclear",
        },
        follow=True,
    )
    application.refresh_from_db()
    assert application.status == S.POSTPONED
    assert application.outcome["awaited"] == ["Labour office recommendation", "Sponsor letter"]
    assert application.outcome["resume_to"] == S.INTERVIEW
    event = application.events.get(to_status=S.POSTPONED)
    assert (event.from_status, event.actor, event.reason) == (
        S.INTERVIEW,
        interviewer,
        "Sponsor unclear",
    )
    audit = AuditEntry.objects.get(action="application.postponed")
    assert audit.changes["status"] == [S.INTERVIEW, S.POSTPONED]
    assert b"Labour office recommendation" in page.content
    # An interviewer may not cancel a postponed application: no form, and a post is refused.
    assert b'id="form-cancel"' not in page.content
    refused = client.post(
        url, {"action": "cancel", "status": S.POSTPONED, "reason": "Gone"}, follow=True
    )
    assert _t(DOES_NOT_ALLOW) in _messages(refused)
    application.refresh_from_db()
    assert application.status == S.POSTPONED


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"awaited": "  \n "},
            ("Say what the office is waiting for (a document, a recommendation).", {}),
        ),
        (
            {"awaited": "letter", "reason": "x" * 301},
            ("Keep the reason within %(n)s characters.", {"n": 300}),
        ),
        (
            {"awaited": "letter", "status": S.BIOMETRICS},
            (
                "This application has moved on to %(status)s; reload the page.",
                {"status": S.INTERVIEW.label},
            ),
        ),
    ],
)
def test_postpone_with_bad_input_changes_nothing(client, office, make_staff, data, expected):
    interviewer = make_staff(Role.INTERVIEWER, office)
    application = ApplicationFactory(office=office, status=S.INTERVIEW)
    url = reverse("applications:staff_work", args=[application.public_id])
    _login(client, interviewer)
    audits = AuditEntry.objects.exclude(action="personal_data.view").count()
    page = client.post(url, {"action": "postpone", "status": S.INTERVIEW, **data}, follow=True)
    assert _t(expected[0], **expected[1]) in _messages(page)
    application.refresh_from_db()
    assert application.status == S.INTERVIEW
    assert application.outcome == {}
    assert not application.events.exists()
    assert AuditEntry.objects.exclude(action="personal_data.view").count() == audits


def test_postpone_form_only_for_the_interviewer(client, office, make_staff):
    desk = make_staff(Role.FRONT_DESK, office)
    application = ApplicationFactory(office=office, status=S.INTERVIEW)
    url = reverse("applications:staff_work", args=[application.public_id])
    _login(client, desk)
    assert b'id="form-postpone"' not in client.get(url).content
    page = client.post(
        url, {"action": "postpone", "status": S.INTERVIEW, "awaited": "letter"}, follow=True
    )
    assert _t(DOES_NOT_ALLOW) in _messages(page)
    application.refresh_from_db()
    assert application.status == S.INTERVIEW


@pytest.mark.parametrize("role", [Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE])
def test_supervisor_cancels_a_postponed_application_with_a_reason(client, office, make_staff, role):
    supervisor = make_staff(role, office)
    application = ApplicationFactory(
        office=office,
        status=S.POSTPONED,
        outcome={"awaited": ["letter"], "resume_to": S.INTERVIEW},
    )
    url = reverse("applications:staff_work", args=[application.public_id])
    _login(client, supervisor)
    assert b'id="form-cancel"' in client.get(url).content
    client.post(url, {"action": "cancel", "status": S.POSTPONED, "reason": "Withdrawn"})
    application.refresh_from_db()
    assert application.status == S.CANCELLED
    event = application.events.get(to_status=S.CANCELLED)
    assert (event.from_status, event.actor, event.reason) == (S.POSTPONED, supervisor, "Withdrawn")
    audit = AuditEntry.objects.get(action="application.cancelled")
    assert (audit.reason, audit.office_code) == ("Withdrawn", office.code)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("   ", ("Give the reason for cancelling the application.", {})),
        ("x" * 301, ("Keep the reason within %(n)s characters.", {"n": 300})),
    ],
)
def test_cancel_without_a_proper_reason_changes_nothing(
    client, office, make_staff, reason, expected
):
    kasi = make_staff(Role.KASI, office)
    application = ApplicationFactory(
        office=office, status=S.POSTPONED, outcome={"awaited": ["letter"], "resume_to": S.INTERVIEW}
    )
    url = reverse("applications:staff_work", args=[application.public_id])
    _login(client, kasi)
    page = client.post(
        url, {"action": "cancel", "status": S.POSTPONED, "reason": reason}, follow=True
    )
    assert _t(expected[0], **expected[1]) in _messages(page)
    application.refresh_from_db()
    assert application.status == S.POSTPONED
    assert not application.events.exists()
    assert not AuditEntry.objects.filter(action="application.cancelled").exists()


def test_supervisor_gets_no_cancel_form_before_a_postponement(client, office, make_staff):
    kasi = make_staff(Role.KASI, office)
    application = ApplicationFactory(office=office, status=S.INTERVIEW)
    url = reverse("applications:staff_work", args=[application.public_id])
    _login(client, kasi)
    page = client.get(url)
    assert b'id="form-cancel"' not in page.content
    assert b'id="form-postpone"' not in page.content
    page = client.post(url, {"action": "cancel", "reason": "Withdrawn"}, follow=True)
    assert _t(DOES_NOT_ALLOW) in _messages(page)
    application.refresh_from_db()
    assert application.status == S.INTERVIEW


@pytest.mark.parametrize(
    ("role", "status", "data"),
    [
        (Role.INTERVIEWER, S.INTERVIEW, {"action": "postpone", "awaited": "letter"}),
        (Role.KASI, S.POSTPONED, {"action": "cancel", "reason": "Withdrawn"}),
    ],
)
def test_postpone_and_cancel_of_another_office_are_not_found(
    client, office, make_staff, role, status, data
):
    other = make_staff(role, OfficeFactory(code="TUL", timezone="Asia/Jayapura"))
    application = ApplicationFactory(
        office=office, status=status, outcome={"awaited": ["letter"], "resume_to": S.INTERVIEW}
    )
    _login(client, other)
    url = reverse("applications:staff_work", args=[application.public_id])
    assert client.post(url, data).status_code == 404
    application.refresh_from_db()
    assert application.status == status
    assert not application.events.exists()
