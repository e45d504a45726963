"""The office workflow: the transition map, roles and offices, guards, events and audit."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from loket.applications import workflow
from loket.applications.choices import ApplicationStatus as S
from loket.applications.choices import BapStatus, ServiceClass
from loket.applications.models import ApplicationEvent, Bap, BlankStock
from loket.applications.tests.conftest import OFFICE_ROLES
from loket.applications.tests.factories import ApplicationFactory
from loket.core.choices import Role
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.models import AuditEntry
from loket.notifications.models import OutboxMessage
from loket.offices.tests.factories import OfficeFactory


@pytest.fixture
def office(office_wib):
    BlankStock.objects.create(office=office_wib, book_type="electronic", quantity=5)
    return office_wib


@pytest.fixture
def staff(office, make_staff):
    return {role: make_staff(role, office) for role in OFFICE_ROLES}


@pytest.fixture
def everyone(office, make_staff):
    """One account holding every office role (to test the map apart from roles)."""
    user = make_staff(Role.FRONT_DESK, office)
    for role in OFFICE_ROLES[1:]:
        make_staff(role, office, user=user)
    return user


def _arrive(application, staff, service_class=ServiceClass.REGULAR, paid=True):
    return workflow.application_arrive(
        application=application,
        actor=staff[Role.FRONT_DESK],
        service_class=service_class,
        paid_at=timezone.now() if paid else None,
    )


def _all_ticked(application):
    return {key: True for key, _label in workflow.document_checklist(application)}


def _through_biometrics(application, staff):
    application = workflow.application_documents_checked(
        application=application,
        actor=staff[Role.FRONT_DESK],
        checklist=_all_ticked(application),
        mismatch_note="",
    )
    application = workflow.application_interviewed(
        application=application,
        actor=staff[Role.INTERVIEWER],
        purpose="tourism",
        destination="Japan",
        sponsor="self",
        pmi_suspicion=False,
    )
    return workflow.application_biometrics_captured(
        application=application,
        actor=staff[Role.BIOMETRICS],
        fingerprint_ref="FP-1",
        photo_ref="CAM-1",
    )


def test_regular_application_reaches_ready_with_an_event_per_step(office, staff, now):
    application = ApplicationFactory(office=office)
    application = _arrive(application, staff)
    assert application.status == S.DOCUMENT_CHECK
    assert application.due_date == dt.date(2025, 2, 7)  # Tuesday + 3 working days
    application = _through_biometrics(application, staff)
    assert application.status == S.ADJUDICATION
    application = workflow.application_adjudicate(
        application=application, actor=staff[Role.ADJUDICATOR], decision="approve"
    )
    application = workflow.application_print(application=application, actor=staff[Role.PRINTING])
    assert BlankStock.objects.get(office=office).quantity == 4
    application = workflow.application_qc(
        application=application, actor=staff[Role.QC], passed=True
    )
    assert application.status == S.READY
    steps = list(application.events.values_list("from_status", "to_status"))
    assert steps == [
        (S.SUBMITTED, S.DOCUMENT_CHECK),
        (S.DOCUMENT_CHECK, S.INTERVIEW),
        (S.INTERVIEW, S.BIOMETRICS),
        (S.BIOMETRICS, S.ADJUDICATION),
        (S.ADJUDICATION, S.PRINTING),
        (S.PRINTING, S.QC),
        (S.QC, S.READY),
    ]
    interview = application.events.get(to_status=S.BIOMETRICS)
    assert interview.data["destination"] == "Japan"
    assert interview.actor == staff[Role.INTERVIEWER]
    assert AuditEntry.objects.filter(action="application.ready").count() == 1
    assert OutboxMessage.objects.filter(
        recipient=application.email, dedupe_key=f"application-ready:{application.public_id}"
    ).exists()


# --- the map, pair by pair ----------------------------------------------------------------

ALL = list(S.values)
PAIRS = list(itertools.product(ALL, ALL))


def _prepare(application, source, to):
    """Satisfy the guards of an allowed move so that only the map is under test."""
    application.status = source
    application.paid_at = timezone.now()
    if source == S.DRAFT:
        application.channel = "assisted"
    if source == S.POSTPONED:
        application.outcome = {"resume_to": to}
    application.save()
    if source == S.BAP:
        outcome = {
            S.ADJUDICATION: "approve",
            S.POSTPONED: "postpone",
            S.SUSPENDED: "suspend",
            S.REFUSED: "refuse",
        }.get(to, "approve")
        Bap.objects.create(
            application=application, trigger="lost", status=BapStatus.DECIDED, proposal=outcome
        )


@pytest.mark.parametrize(("source", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_of_states_is_allowed_exactly_when_the_map_says(office, everyone, source, to):
    application = ApplicationFactory(office=office)
    _prepare(application, source, to)
    roles = workflow.TRANSITIONS.get(source, {}).get(to)
    actor = None if roles == frozenset({workflow.SYSTEM}) else everyone
    events = ApplicationEvent.objects.count()
    if roles is None:
        with pytest.raises(ApplicationError) as err:
            workflow.application_transition(application=application, to=to, actor=actor)
        assert err.value.code == "transition_not_allowed"
        application.refresh_from_db()
        assert application.status == source
        assert ApplicationEvent.objects.count() == events
    else:
        workflow.application_transition(application=application, to=to, actor=actor)
        application.refresh_from_db()
        assert application.status == to
        event = ApplicationEvent.objects.latest("id")
        assert (event.from_status, event.to_status) == (source, to)
        assert AuditEntry.objects.filter(action=f"application.{to}").exists()


ALLOWED = [(a, b) for a, targets in workflow.TRANSITIONS.items() for b in targets]


@pytest.mark.parametrize(("source", "to"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_move_is_refused_to_the_other_roles(office, make_staff, source, to):
    application = ApplicationFactory(office=office)
    _prepare(application, source, to)
    allowed = workflow.TRANSITIONS[source][to]
    others = [r for r in OFFICE_ROLES if r not in allowed]
    outsider = make_staff(others[0], office)
    for role in others[1:]:
        make_staff(role, office, user=outsider)
    audit = AuditEntry.objects.count()
    with pytest.raises(Forbidden):
        workflow.application_transition(application=application, to=to, actor=outsider)
    application.refresh_from_db()
    assert application.status == source
    assert AuditEntry.objects.count() == audit
    if workflow.SYSTEM not in allowed:
        with pytest.raises(Forbidden):
            workflow.application_transition(application=application, to=to, actor=None)


@pytest.mark.parametrize(("source", "to"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_move_is_refused_to_every_role_of_another_office(
    office, make_staff, source, to
):
    application = ApplicationFactory(office=office)
    _prepare(application, source, to)
    elsewhere = OfficeFactory(code="TUL", timezone="Asia/Jayapura")
    stranger = make_staff(Role.PICKUP, elsewhere)
    for role in OFFICE_ROLES:
        make_staff(role, elsewhere, user=stranger)
    events, audit = ApplicationEvent.objects.count(), AuditEntry.objects.count()
    with pytest.raises(NotFound):
        workflow.application_transition(application=application, to=to, actor=stranger)
    application.refresh_from_db()
    assert application.status == source
    assert (ApplicationEvent.objects.count(), AuditEntry.objects.count()) == (events, audit)


def test_staff_of_another_office_do_not_even_see_the_application(office, make_staff, staff):
    application = ApplicationFactory(office=office, status=S.DOCUMENT_CHECK)
    elsewhere = make_staff(Role.FRONT_DESK, OfficeFactory(code="TUL", timezone="Asia/Jayapura"))
    with pytest.raises(NotFound):
        workflow.application_transition(application=application, to=S.INTERVIEW, actor=elsewhere)


def test_a_stale_screen_is_refused(office, staff):
    application = ApplicationFactory(office=office, status=S.INTERVIEW)
    with pytest.raises(ApplicationError) as err:
        workflow.application_documents_checked(
            application=application,
            actor=staff[Role.FRONT_DESK],
            checklist=_all_ticked(application),
        )
    assert err.value.code == "status_changed"


def test_missing_documents_postpone_and_resume_at_the_document_check(office, staff, now):
    application = _arrive(ApplicationFactory(office=office), staff)
    application = workflow.application_documents_checked(
        application=application,
        actor=staff[Role.FRONT_DESK],
        checklist={**_all_ticked(application), "kk": False},
        mismatch_note="Name on KK differs",
    )
    assert application.status == S.POSTPONED
    assert application.outcome["awaited"] == ["kk"]
    with pytest.raises(ApplicationError) as err:
        workflow.application_transition(
            application=application, to=S.ADJUDICATION, actor=staff[Role.ADJUDICATOR]
        )
    assert err.value.code == "resume_elsewhere"
    application = workflow.application_resume(application=application, actor=staff[Role.FRONT_DESK])
    assert application.status == S.DOCUMENT_CHECK


def test_printing_needs_payment_and_a_blank(office, staff, now):
    application = _arrive(ApplicationFactory(office=office), staff, paid=False)
    application = _through_biometrics(application, staff)
    with pytest.raises(ApplicationError) as err:
        workflow.application_adjudicate(
            application=application, actor=staff[Role.ADJUDICATOR], decision="approve"
        )
    assert err.value.code == "not_paid"
    application.refresh_from_db()
    assert application.status == S.ADJUDICATION

    workflow.application_record_payment(application=application, paid_at=timezone.now())
    application.refresh_from_db()
    assert application.due_date == dt.date(2025, 2, 7)
    application = workflow.application_adjudicate(
        application=application, actor=staff[Role.ADJUDICATOR], decision="approve"
    )
    BlankStock.objects.filter(office=office).update(quantity=0)
    with pytest.raises(ApplicationError) as err:
        workflow.application_print(application=application, actor=staff[Role.PRINTING])
    assert err.value.code == "no_blank_stock"
    application.refresh_from_db()
    assert application.status == S.PRINTING
    assert not application.events.filter(to_status=S.QC).exists()


def test_refusal_needs_a_reason_and_keeps_the_fee(office, staff, now):
    application = _through_biometrics(_arrive(ApplicationFactory(office=office), staff), staff)
    with pytest.raises(ApplicationError):
        workflow.application_adjudicate(
            application=application, actor=staff[Role.ADJUDICATOR], decision="refuse"
        )
    application = workflow.application_adjudicate(
        application=application,
        actor=staff[Role.ADJUDICATOR],
        decision="refuse",
        reason="Forged birth certificate",
    )
    assert application.status == S.REFUSED
    assert application.outcome == {"reason": "Forged birth certificate", "fee_refunded": False}


def test_failed_qc_prints_again_on_a_new_blank(office, staff, now):
    application = _through_biometrics(_arrive(ApplicationFactory(office=office), staff), staff)
    application = workflow.application_adjudicate(
        application=application, actor=staff[Role.ADJUDICATOR], decision="approve"
    )
    application = workflow.application_print(application=application, actor=staff[Role.PRINTING])
    application = workflow.application_qc(
        application=application, actor=staff[Role.QC], passed=False, note="Smudged photo"
    )
    assert application.status == S.PRINTING
    workflow.application_print(application=application, actor=staff[Role.PRINTING])
    assert BlankStock.objects.get(office=office).quantity == 3


def test_interview_suspicion_sends_the_application_to_bap(office, staff, now):
    application = _arrive(ApplicationFactory(office=office), staff)
    application = workflow.application_documents_checked(
        application=application, actor=staff[Role.FRONT_DESK], checklist=_all_ticked(application)
    )
    application = workflow.application_interviewed(
        application=application,
        actor=staff[Role.INTERVIEWER],
        purpose="tourism",
        destination="Malaysia",
        sponsor="agent",
        pmi_suspicion=True,
    )
    application = workflow.application_biometrics_captured(
        application=application,
        actor=staff[Role.BIOMETRICS],
        fingerprint_ref="FP-2",
        photo_ref="CAM-2",
    )
    assert application.status == S.BAP
    assert application.bap.trigger == "interview"


@pytest.mark.parametrize(
    ("case_type", "trigger"),
    [("lost", "lost"), ("damaged", "damaged"), ("data_change", "data_change"), ("new", None)],
)
def test_lost_damaged_and_data_change_open_a_bap_after_biometrics(
    office, staff, now, case_type, trigger
):
    application = _arrive(ApplicationFactory(office=office, case_type=case_type), staff)
    assert application.needs_bap is (trigger is not None)
    application = _through_biometrics(application, staff)
    if trigger is None:
        assert application.status == S.ADJUDICATION
        assert not Bap.objects.filter(application=application).exists()
    else:
        assert application.status == S.BAP
        assert application.bap.trigger == trigger
        assert application.bap.status == BapStatus.OPEN


def test_the_adjudicator_may_open_a_bap(office, staff, now):
    application = _through_biometrics(_arrive(ApplicationFactory(office=office), staff), staff)
    application = workflow.application_adjudicate(
        application=application,
        actor=staff[Role.ADJUDICATOR],
        decision="bap",
        reason="Sponsor letter looks altered",
    )
    assert application.status == S.BAP
    assert application.needs_bap is True
    assert application.bap.trigger == "interview"
    assert application.events.get(to_status=S.BAP).reason == "Sponsor letter looks altered"


def test_the_document_check_follows_the_cases_checklist(office, staff, now):
    lost = _arrive(ApplicationFactory(office=office, case_type="lost"), staff)
    keys = [key for key, _label in workflow.document_checklist(lost)]
    assert keys == [
        "ktp",
        "kk",
        "birth_certificate_diploma_marriage_book",
        "police_report",
        "data_match",
    ]
    events = ApplicationEvent.objects.count()
    with pytest.raises(ApplicationError) as err:
        workflow.application_documents_checked(
            application=lost, actor=staff[Role.FRONT_DESK], checklist={"ktp": True, "visa": True}
        )
    assert err.value.code == "checklist_invalid"
    assert "visa" in err.value.fields["checklist"]
    assert ApplicationEvent.objects.count() == events
    # An item not sent counts as not ticked: the police report is awaited.
    ticked = {key: True for key in keys if key != "police_report"}
    lost = workflow.application_documents_checked(
        application=lost,
        actor=staff[Role.FRONT_DESK],
        checklist=ticked,
        mismatch_note="Report names another station",
    )
    assert lost.status == S.POSTPONED
    assert lost.outcome["awaited"] == ["police_report"]
    event = lost.events.get(to_status=S.POSTPONED)
    assert event.data["checklist"]["police_report"] is False
    assert event.data["mismatch_note"] == "Report names another station"


def test_the_interview_needs_a_known_purpose_and_a_destination(office, staff, now):
    application = ApplicationFactory(office=office, status=S.INTERVIEW)
    with pytest.raises(ApplicationError) as err:
        workflow.application_interviewed(
            application=application,
            actor=staff[Role.INTERVIEWER],
            purpose="smuggling",
            destination=" ",
            sponsor="",
            pmi_suspicion=False,
        )
    assert err.value.code == "interview_incomplete"
    assert set(err.value.fields) == {"purpose", "destination"}
    application.refresh_from_db()
    assert application.status == S.INTERVIEW
    assert not application.events.exists()
