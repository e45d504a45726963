"""BAP approval chain, SOP due dates across holidays and time zones, the sweep, the
completion order, and payment at the office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from loket.applications import bap as baps
from loket.applications import print_queue, workflow
from loket.applications.choices import ApplicationStatus as S
from loket.applications.choices import BapStatus, PrintOrder, RiskFlag, ServiceClass
from loket.applications.models import (
    ApprovalChainStep,
    BlankStock,
    CompletionStandard,
    WorkflowSettings,
)
from loket.applications.office_payment import application_bill_issue
from loket.applications.sop import due_date_for
from loket.applications.sweep import applications_sweep
from loket.applications.tests.conftest import NOW, WIB
from loket.applications.tests.factories import ApplicationFactory
from loket.core.choices import Role
from loket.core.errors import ApplicationError, Forbidden
from loket.core.models import AuditEntry
from loket.notifications.models import OutboxMessage
from loket.offices.models import OfficeClosure, Stage
from loket.payments.billing import bill_mark_paid
from loket.queueing.policy import CLASS_RANK

ROLES = [
    Role.FRONT_DESK,
    Role.BAP_EXAMINER,
    Role.ADJUDICATOR,
    Role.PRINTING,
    Role.QC,
    Role.KASUBSI,
    Role.KASI,
    Role.HEAD_OF_OFFICE,
]


@pytest.fixture
def office(office_wib):
    BlankStock.objects.create(office=office_wib, book_type="electronic", quantity=10)
    return office_wib


@pytest.fixture
def staff(office, make_staff):
    return {role: make_staff(role, office) for role in ROLES}


def _at_bap(office, case_type="lost"):
    application = ApplicationFactory(
        office=office, status=S.BAP, case_type=case_type, paid_at=timezone.now()
    )
    return application, baps.Bap.objects.create(application=application, trigger=case_type)


def _examine(bap, staff, proposal="approve", **kw):
    return baps.bap_examine(
        bap=bap,
        actor=staff[Role.BAP_EXAMINER],
        statement="Lost on the bus",
        findings="Police report matches",
        proposal=proposal,
        **kw,
    )


# --- BAP ----------------------------------------------------------------------------------


def test_bap_goes_up_the_chain_in_order_and_only_the_last_signature_decides(office, staff, now):
    application, bap = _at_bap(office)
    with pytest.raises(ApplicationError) as err:
        workflow.application_transition(
            application=application, to=S.ADJUDICATION, actor=staff[Role.HEAD_OF_OFFICE]
        )
    assert err.value.code == "bap_not_approved"
    bap = _examine(bap, staff)
    with pytest.raises(Forbidden):  # Kasi may not sign before Kasubsi
        baps.bap_approve(bap=bap, actor=staff[Role.KASI], approve=True)
    bap = baps.bap_approve(bap=bap, actor=staff[Role.KASUBSI], approve=True)
    bap = baps.bap_approve(bap=bap, actor=staff[Role.KASI], approve=False, note="Add the KK")
    assert bap.status == BapStatus.RETURNED
    assert bap.round == 2
    bap = _examine(bap, staff)
    assert baps.bap_next_role(bap) == Role.KASUBSI  # the earlier signature no longer counts
    for role in (Role.KASUBSI, Role.KASI):
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
        application.refresh_from_db()
        assert application.status == S.BAP
    baps.bap_approve(bap=bap, actor=staff[Role.HEAD_OF_OFFICE], approve=True)
    application.refresh_from_db()
    assert application.status == S.ADJUDICATION
    assert baps.bap_pdf(bap).startswith(b"%PDF")


def test_an_office_chain_replaces_the_default(office, staff, now):
    ApprovalChainStep.objects.create(office=office, sequence=1, role=Role.KASI)
    application, bap = _at_bap(office)
    bap = _examine(bap, staff, proposal="refuse", reason="Second loss in a year")
    with pytest.raises(Forbidden):
        baps.bap_approve(bap=bap, actor=staff[Role.KASUBSI], approve=True)
    baps.bap_approve(bap=bap, actor=staff[Role.KASI], approve=True)
    application.refresh_from_db()
    assert application.status == S.REFUSED


def test_data_change_waits_for_central_approval(office, staff, now):
    application, bap = _at_bap(office, case_type="data_change")
    bap = _examine(bap, staff)
    for role in (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE):
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
    assert bap.status == BapStatus.CENTRAL
    assert bap.central_due == dt.date(2025, 2, 13)  # 7 working days after Tuesday 4 Feb
    application.refresh_from_db()
    assert application.status == S.BAP
    baps.bap_central_approve(bap=bap, actor=staff[Role.HEAD_OF_OFFICE], reference="DITJEN/123")
    application.refresh_from_db()
    assert application.status == S.ADJUDICATION


def test_an_overdue_central_approval_is_reported_to_supervisors_once(office, staff, time_machine):
    time_machine.move_to(NOW, tick=False)
    _application, bap = _at_bap(office, case_type="data_change")
    bap = _examine(bap, staff)
    for role in (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE):
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
    assert bap.central_due == dt.date(2025, 2, 13)
    time_machine.move_to(dt.datetime(2025, 2, 13, 16, 0, tzinfo=WIB), tick=False)
    assert applications_sweep().central_overdue == 0
    time_machine.move_to(dt.datetime(2025, 2, 14, 7, 0, tzinfo=WIB), tick=False)
    assert applications_sweep().central_overdue == 1
    mails = OutboxMessage.objects.filter(dedupe_key__startswith="central:")
    assert sorted(mails.values_list("recipient", flat=True)) == sorted(
        [staff[Role.KASUBSI].email, staff[Role.KASI].email]
    )
    applications_sweep()
    assert mails.count() == 2
    baps.bap_central_approve(bap=bap, actor=staff[Role.KASI], reference="DITJEN-9")
    assert applications_sweep().central_overdue == 0


def test_suspension_lasts_6_to_24_months(office, staff, now):
    application, bap = _at_bap(office)
    with pytest.raises(ApplicationError) as err:
        _examine(bap, staff, proposal="suspend", suspend_months=3)
    assert "suspend_months" in err.value.fields
    bap = _examine(bap, staff, proposal="suspend", suspend_months=24, reason="Negligent loss")
    for role in (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE):
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
    application.refresh_from_db()
    assert application.status == S.SUSPENDED
    assert application.outcome["suspended_until"] == "2027-02-04"


def test_a_postponing_bap_waits_then_reopens_for_a_fresh_round(office, staff, now):
    application, bap = _at_bap(office)
    with pytest.raises(ApplicationError) as err:
        _examine(bap, staff, proposal="postpone")
    assert "awaited" in err.value.fields
    bap = _examine(bap, staff, proposal="postpone", awaited=["Labour office recommendation"])
    for role in (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE):
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
    application.refresh_from_db()
    assert application.status == S.POSTPONED
    assert application.outcome["awaited"] == ["Labour office recommendation"]
    assert application.outcome["resume_to"] == S.BAP
    with pytest.raises(Forbidden):  # the front desk does not resume a BAP
        baps.bap_reopen_after_postpone(application=application, actor=staff[Role.FRONT_DESK])
    bap = baps.bap_reopen_after_postpone(application=application, actor=staff[Role.BAP_EXAMINER])
    application.refresh_from_db()
    assert (application.status, bap.status, bap.round) == (S.BAP, BapStatus.OPEN, 2)
    bap = _examine(bap, staff)
    assert baps.bap_next_role(bap) == Role.KASUBSI  # the first round's signatures are spent
    for role in (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE):
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
    application.refresh_from_db()
    assert application.status == S.ADJUDICATION


def test_bap_queue_puts_vulnerable_applicants_first(office, now):
    regular = ApplicationFactory(office=office, status=S.BAP, service_class="regular")
    regular.status_changed_at = NOW - dt.timedelta(hours=2)
    regular.save()
    priority = ApplicationFactory(office=office, status=S.BAP, service_class="priority")
    assert print_queue.step_queue(office, S.BAP) == [priority, regular]


# --- due dates ----------------------------------------------------------------------------


def _due(office, start, service_class="regular", **kw):
    application = ApplicationFactory.build(office=office, service_class=service_class, **kw)
    return due_date_for(application=application, start=start)


def test_regular_due_date_skips_weekend_holidays_and_closures(office):
    friday = dt.datetime(2025, 1, 24, 9, 0, tzinfo=WIB)
    # Monday 27 Jan 2025 is Isra Mi'raj, Tuesday 28 Jan joint leave, Wednesday 29 Jan Imlek.
    # So the three working days are Thursday 30, Friday 31 and Monday 3 February.
    assert _due(office, friday) == dt.date(2025, 2, 3)
    OfficeClosure.objects.create(office=office, date=dt.date(2025, 2, 3), reason="Flood")
    assert _due(office, friday) == dt.date(2025, 2, 4)


def test_due_dates_follow_the_office_time_zone(office_wib, office_wit):
    moment = dt.datetime(2025, 1, 9, 16, 30, tzinfo=dt.UTC)  # Thu 23:30 WIB, Fri 01:30 WIT
    assert _due(office_wib, moment) == dt.date(2025, 1, 14)
    assert _due(office_wit, moment) == dt.date(2025, 1, 15)


def test_percepatan_same_day_before_the_cut_off_only_and_never_on_a_day_off(office):
    morning = dt.datetime(2025, 2, 4, 9, 0, tzinfo=WIB)
    assert _due(office, morning, "percepatan") == dt.date(2025, 2, 4)
    with pytest.raises(ApplicationError) as err:
        _due(office, morning.replace(hour=11), "percepatan")
    assert err.value.code == "percepatan_after_cutoff"
    CompletionStandard.objects.create(
        office=office, kind="percepatan", working_days=0, intake_cutoff=dt.time(12, 0)
    )
    assert _due(office, morning.replace(hour=11), "percepatan") == dt.date(2025, 2, 4)
    with pytest.raises(ApplicationError) as err:
        _due(office, dt.datetime(2025, 1, 29, 9, 0, tzinfo=WIB), "percepatan")  # Imlek
    assert err.value.code == "due_date_day_off"


def test_priority_and_data_change_have_their_own_targets(office):
    tuesday = dt.datetime(2025, 2, 4, 9, 0, tzinfo=WIB)
    assert _due(office, tuesday, "priority") == dt.date(2025, 2, 6)
    assert _due(office, tuesday, case_type="data_change") == dt.date(2025, 2, 13)
    CompletionStandard.objects.create(office=office, kind="regular", working_days=4)
    assert _due(office, tuesday) == dt.date(2025, 2, 10)


def test_the_overall_clock_stops_while_postponed_and_counts_working_days(
    office, staff, time_machine
):
    from loket.applications.sop import overall_clock, stage_clock

    time_machine.move_to(NOW, tick=False)  # Tuesday 08:30
    Stage.objects.create(
        office=office,
        code="document_check",
        sequence=1,
        sop_wait_minutes=20,
        sop_service_minutes=10,
    )
    application = workflow.application_arrive(
        application=ApplicationFactory(office=office),
        actor=staff[Role.FRONT_DESK],
        paid_at=timezone.now(),
    )
    assert application.due_date == dt.date(2025, 2, 7)  # Friday
    time_machine.move_to(NOW + dt.timedelta(minutes=20), tick=False)
    application = workflow.application_documents_checked(
        application=application, actor=staff[Role.FRONT_DESK], checklist={"kk": False}
    )
    # Postponed two days: the clock does not run.
    time_machine.move_to(dt.datetime(2025, 2, 6, 9, 0, tzinfo=WIB), tick=False)
    stopped = overall_clock(application)
    assert (stopped.running, stopped.running_minutes) == (False, 20.0)
    application = workflow.application_resume(application=application, actor=staff[Role.FRONT_DESK])
    time_machine.move_to(dt.datetime(2025, 2, 6, 9, 45, tzinfo=WIB), tick=False)
    clock = overall_clock(application)
    assert clock.started_at == NOW
    assert (clock.running, clock.running_minutes) == (True, 65.0)
    assert (clock.working_days_left, clock.working_days_late) == (1, 0)
    stage = stage_clock(application)
    assert (stage.minutes, stage.sop_minutes, stage.over) == (45.0, 30, True)
    assert clock.risk == RiskFlag.AT_RISK  # past the step's SOP minutes
    # Monday after the Friday due date: one working day late, overdue.
    time_machine.move_to(dt.datetime(2025, 2, 10, 8, 0, tzinfo=WIB), tick=False)
    late = overall_clock(application)
    assert (late.working_days_left, late.working_days_late, late.risk) == (0, 1, "overdue")


# --- the sweep ----------------------------------------------------------------------------


def test_sweep_flags_notifies_supervisors_once_and_cancels_the_abandoned(
    office, staff, time_machine
):
    time_machine.move_to(NOW, tick=False)
    late = ApplicationFactory(
        office=office, status=S.ADJUDICATION, due_date=dt.date(2025, 2, 3), status_changed_at=NOW
    )
    due_today = ApplicationFactory(
        office=office, status=S.INTERVIEW, due_date=dt.date(2025, 2, 4), status_changed_at=NOW
    )
    fine = ApplicationFactory(
        office=office, status=S.INTERVIEW, due_date=dt.date(2025, 2, 7), status_changed_at=NOW
    )
    Stage.objects.create(
        office=office, code="interview", sequence=3, sop_wait_minutes=30, sop_service_minutes=15
    )
    waiting_docs = ApplicationFactory(
        office=office,
        status=S.POSTPONED,
        outcome={"resume_to": S.DOCUMENT_CHECK, "awaited": ["kk"]},
        status_changed_at=NOW - dt.timedelta(days=8),
    )
    uncollected = ApplicationFactory(
        office=office, status=S.READY, status_changed_at=NOW - dt.timedelta(days=31)
    )
    result = applications_sweep()
    assert (result.overdue, result.at_risk, result.cancelled) == (1, 1, 1)
    for application, flag in ((late, "overdue"), (due_today, "at_risk"), (fine, "")):
        application.refresh_from_db()
        assert application.risk_flag == flag
    waiting_docs.refresh_from_db()
    assert waiting_docs.status == S.CANCELLED
    # An uncollected passport is pickup's to cancel, after the office's own limit.
    uncollected.refresh_from_db()
    assert uncollected.status == S.READY
    mails = OutboxMessage.objects.filter(dedupe_key__startswith="sla:")
    assert sorted(mails.values_list("recipient", flat=True)) == sorted(
        [staff[Role.KASUBSI].email, staff[Role.KASI].email] * 2
    )
    call_command("sweep_applications")
    assert OutboxMessage.objects.filter(dedupe_key__startswith="sla:").count() == 4
    # An hour past the interview SOP (45 minutes) the fine one is at risk too.
    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)
    assert applications_sweep().at_risk == 1
    fine.refresh_from_db()
    assert fine.risk_flag == RiskFlag.AT_RISK


def test_sweep_cancels_a_walk_in_whose_office_bill_lapsed_unpaid_the_next_day(
    office, staff, time_machine
):
    from loket.payments.models import Bill

    time_machine.move_to(NOW, tick=False)

    def walk_in(to=S.INTERVIEW):
        application = ApplicationFactory(office=office, case_type="new", channel="assisted")
        application = workflow.application_arrive(
            application=application, actor=staff[Role.FRONT_DESK]
        )
        bill = application_bill_issue(application=application, actor=staff[Role.FRONT_DESK])
        if to != S.DOCUMENT_CHECK:
            application = workflow.application_documents_checked(
                application=application,
                actor=staff[Role.FRONT_DESK],
                checklist={k: True for k, _l in workflow.document_checklist(application)},
            )
        return application, bill

    unpaid, unpaid_bill = walk_in()
    paid, paid_bill = walk_in()
    bill_mark_paid(billing_code=paid_bill.billing_code, amount=paid_bill.amount, ntpn="NTPN1")
    reissued, _old = walk_in(S.DOCUMENT_CHECK)
    never_billed = workflow.application_arrive(
        application=ApplicationFactory(office=office, channel="assisted"),
        actor=staff[Role.FRONT_DESK],
    )

    # The same afternoon the code has lapsed, but the billing day is not over.
    time_machine.move_to(NOW + dt.timedelta(hours=5), tick=False)
    assert applications_sweep().cancelled == 0

    # Next morning the counter issues a new code to one applicant before the sweep: the
    # other lapsed one is cancelled; the fresh code (still payable) keeps the re-issued
    # one; the paid one and the one never billed are left alone.
    time_machine.move_to(NOW + dt.timedelta(days=1, minutes=-10), tick=False)
    application_bill_issue(application=reissued, actor=staff[Role.FRONT_DESK])
    assert applications_sweep().cancelled == 1
    unpaid.refresh_from_db()
    assert unpaid.status == S.CANCELLED
    event = unpaid.events.get(to_status=S.CANCELLED)
    assert (event.from_status, event.actor, event.reason) == (S.INTERVIEW, None, "not paid")
    unpaid_bill.refresh_from_db()
    assert unpaid_bill.status == "expired"  # the gateway refuses a late payment
    for application in (paid, reissued, never_billed):
        application.refresh_from_db()
        assert application.status != S.CANCELLED
    payable = Bill.objects.filter(status="issued", expires_at__gt=timezone.now())
    assert [b.reference for b in payable] == [f"application:{reissued.public_id}"]

    # Idempotent: a second run finds nothing; a day later the re-issued one lapses too.
    assert applications_sweep().cancelled == 0
    time_machine.move_to(NOW + dt.timedelta(days=2), tick=False)
    assert applications_sweep().cancelled == 1
    reissued.refresh_from_db()
    assert reissued.status == S.CANCELLED
    assert reissued.events.filter(to_status=S.CANCELLED).count() == 1


# --- completion order ---------------------------------------------------------------------


def test_rank_agrees_with_the_queue_policy():
    assert {k: CLASS_RANK[k] for k in print_queue.SERVICE_RANK} == print_queue.SERVICE_RANK


def _printing(office, service_class, due, minutes_ago):
    return ApplicationFactory(
        office=office,
        status=S.PRINTING,
        service_class=service_class,
        due_date=due,
        paid_at=NOW,
        status_changed_at=NOW - dt.timedelta(minutes=minutes_ago),
    )


def test_priority_is_never_printed_after_percepatan_by_default(office, staff, now):
    percepatan = _printing(office, "percepatan", dt.date(2025, 2, 4), 30)
    regular = _printing(office, "regular", dt.date(2025, 2, 4), 60)
    priority = _printing(office, "priority", dt.date(2025, 2, 6), 5)
    assert print_queue.step_queue(office, S.PRINTING) == [priority, percepatan, regular]
    first = print_queue.print_next(office=office, actor=staff[Role.PRINTING])
    assert first == priority
    second = print_queue.print_next(office=office, actor=staff[Role.PRINTING])
    assert second == percepatan
    assert print_queue.qc_next(office=office, actor=staff[Role.QC], passed=True) == priority

    WorkflowSettings.objects.create(office=office, print_order=PrintOrder.DUE_DATE)
    late_priority = _printing(office, "priority", dt.date(2025, 2, 6), 5)
    assert print_queue.step_queue(office, S.PRINTING) == [regular, late_priority]


# --- payment at the office ----------------------------------------------------------------


def test_office_bill_pays_the_application_and_starts_its_clock(office, staff, now):
    application = ApplicationFactory(office=office, case_type="lost", channel="assisted")
    application = workflow.application_arrive(
        application=application, actor=staff[Role.FRONT_DESK], service_class="regular"
    )
    assert application.due_date is None
    bill = application_bill_issue(application=application, actor=staff[Role.FRONT_DESK])
    assert [line["item"] for line in bill.lines] == ["passport", "lost"]
    bill_mark_paid(billing_code=bill.billing_code, amount=bill.amount, ntpn="NTPN0000000001")
    application.refresh_from_db()
    assert application.paid_at is not None
    assert application.due_date == dt.date(2025, 2, 7)
    with pytest.raises(ApplicationError):
        application_bill_issue(application=application, actor=staff[Role.FRONT_DESK])


def test_percepatan_fee_waiver_for_vulnerable_applicants_is_a_recorded_policy(office, staff, now):
    application = ApplicationFactory(office=office, percepatan=True)
    application = workflow.application_arrive(
        application=application, actor=staff[Role.FRONT_DESK], service_class=ServiceClass.PRIORITY
    )
    charged = application_bill_issue(application=application, actor=staff[Role.FRONT_DESK])
    assert "percepatan" in [line["item"] for line in charged.lines]
    assert application.fee_waiver_basis == ""

    WorkflowSettings.objects.create(office=office, waive_percepatan_for_vulnerable=True)
    other = ApplicationFactory(office=office, percepatan=True)
    other = workflow.application_arrive(
        application=other, actor=staff[Role.FRONT_DESK], service_class=ServiceClass.PRIORITY
    )
    waived = application_bill_issue(application=other, actor=staff[Role.FRONT_DESK])
    assert "percepatan" not in [line["item"] for line in waived.lines]
    assert waived.amount == charged.amount - 1_000_000
    other.refresh_from_db()
    assert other.fee_waiver_basis == "UU 25/2009 pasal 29"
    # The waived fee stays on the bill as a zero line with its legal basis, and in the audit.
    zero = waived.lines[-1]
    assert (zero["item"], zero["amount"], zero["waived_amount"]) == (
        "percepatan_waiver",
        0,
        1_000_000,
    )
    assert zero["regulation"] == "UU 25/2009 pasal 29"
    line = AuditEntry.objects.get(action="application.bill", target_id=str(other.pk))
    assert line.changes["fee_waived"] == 1_000_000
    assert line.changes["waiver_legal_basis"] == "UU 25/2009 pasal 29"
    assert line.actor == staff[Role.FRONT_DESK]
    plain = AuditEntry.objects.get(action="application.bill", target_id=str(application.pk))
    assert "fee_waived" not in plain.changes

    # A regular applicant asking for percepatan pays it even with the policy on.
    regular = ApplicationFactory(office=office, percepatan=True)
    regular = workflow.application_arrive(
        application=regular, actor=staff[Role.FRONT_DESK], service_class=ServiceClass.PERCEPATAN
    )
    full = application_bill_issue(application=regular, actor=staff[Role.FRONT_DESK])
    assert full.amount == charged.amount
    regular.refresh_from_db()
    assert regular.fee_waiver_basis == ""
