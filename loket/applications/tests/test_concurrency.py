"""Concurrency of the office workflow on PostgreSQL with real threads (SQLite serialises
every writer; these tests skip themselves there): sweeps running at once flag, notify and
cancel once (abandoned and unpaid); printers racing for the last blanks never print more than the stock; two
officers moving one application at once make one move."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from loket.applications import workflow
from loket.applications.choices import ApplicationStatus as S
from loket.applications.models import ApplicationEvent, BlankStock
from loket.applications.office_payment import application_bill_issue
from loket.applications.sweep import applications_sweep
from loket.applications.tests.conftest import NOW
from loket.applications.tests.factories import ApplicationFactory
from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.core.tests.concurrency import require_postgres as _require_postgres
from loket.core.tests.concurrency import run_at_once as _run
from loket.notifications.models import OutboxMessage

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_sweeps_running_at_once_flag_notify_and_cancel_once(office_wib, make_staff, time_machine):
    _require_postgres()
    # Yesterday: three walk-ins billed at the counter who never paid.
    time_machine.move_to(NOW - dt.timedelta(days=1), tick=False)
    desk = make_staff(Role.FRONT_DESK, office_wib)
    unpaid = []
    for _ in range(3):
        walk_in = workflow.application_arrive(
            application=ApplicationFactory(office=office_wib, channel="assisted"), actor=desk
        )
        application_bill_issue(application=walk_in, actor=desk)
        unpaid.append(walk_in)
    time_machine.move_to(NOW, tick=False)
    make_staff(Role.KASUBSI, office_wib)
    make_staff(Role.KASI, office_wib)
    overdue = [
        ApplicationFactory(office=office_wib, status=S.ADJUDICATION, due_date=dt.date(2025, 2, 3))
        for _ in range(5)
    ]
    abandoned = [
        ApplicationFactory(
            office=office_wib,
            status=S.POSTPONED,
            outcome={"resume_to": S.DOCUMENT_CHECK, "awaited": ["kk"]},
            status_changed_at=NOW - dt.timedelta(days=8),
        )
        for _ in range(5)
    ]
    results = _run([applications_sweep for _ in range(6)])
    assert all(not isinstance(r, str) for r in results), results
    assert sum(r.overdue for r in results) == 5  # type: ignore[union-attr]
    assert sum(r.cancelled for r in results) == 5 + 3  # type: ignore[union-attr]
    for application in overdue:
        application.refresh_from_db()
        assert application.risk_flag == "overdue"
        assert (
            AuditEntry.objects.filter(
                action="application.risk", target_id=str(application.pk)
            ).count()
            == 1
        )
    for application in abandoned + unpaid:
        application.refresh_from_db()
        assert application.status == S.CANCELLED
        assert application.events.filter(to_status=S.CANCELLED).count() == 1
    # Two supervisors, five overdue applications: ten emails, none twice.
    assert OutboxMessage.objects.filter(dedupe_key__startswith="sla:").count() == 10


@pytest.mark.django_db(transaction=True)
def test_printers_racing_for_the_last_blanks_print_no_more_than_the_stock(
    office_wib, make_staff, time_machine
):
    _require_postgres()
    time_machine.move_to(NOW, tick=False)
    BlankStock.objects.create(office=office_wib, book_type="electronic", quantity=4)
    printers = [make_staff(Role.PRINTING, office_wib) for _ in range(THREADS)]
    waiting = [
        ApplicationFactory(office=office_wib, status=S.PRINTING, paid_at=timezone.now())
        for _ in range(THREADS)
    ]
    results = _run(
        [
            lambda a=a, p=p: workflow.application_print(application=a, actor=p).status
            for a, p in zip(waiting, printers, strict=True)
        ]
    )
    assert Counter(results) == {S.QC: 4, "no_blank_stock": THREADS - 4}, results
    assert BlankStock.objects.get(office=office_wib).quantity == 0
    # A refused print rolled back its move: only the four printed reached QC.
    assert ApplicationEvent.objects.filter(to_status=S.QC).count() == 4


@pytest.mark.django_db(transaction=True)
def test_two_officers_moving_one_application_make_one_move(office_wib, make_staff, time_machine):
    _require_postgres()
    time_machine.move_to(NOW, tick=False)
    BlankStock.objects.create(office=office_wib, book_type="electronic", quantity=50)
    application = ApplicationFactory(office=office_wib, status=S.PRINTING, paid_at=timezone.now())
    printers = [make_staff(Role.PRINTING, office_wib) for _ in range(THREADS)]
    results = _run(
        [
            lambda p=p: workflow.application_print(application=application, actor=p).status
            for p in printers
        ]
    )
    assert Counter(results) == {S.QC: 1, "status_changed": THREADS - 1}, results
    assert BlankStock.objects.get(office=office_wib).quantity == 49
    assert application.events.filter(to_status=S.QC).count() == 1
