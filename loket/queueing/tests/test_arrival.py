"""Check-in with an officer starts the application's workflow (issue #6): the booked,
walk-in and assisted channels reach the document check with the lane's service class;
a refusal by the workflow keeps the ticket and tells the officer why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from loket.applications.choices import ApplicationStatus as S
from loket.applications.models import ApplicationEvent
from loket.applications.tests.factories import ApplicationFactory
from loket.booking.models import Booking
from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.queueing.models import Ticket
from loket.queueing.services import arrival_notice, booking_check_in_ticket, walk_in_register
from loket.queueing.tests.test_checkin import booking

pytestmark = pytest.mark.django_db
# A Wednesday in Cilacap (WIB), before and after the default 10:00 percepatan cut-off.
MORNING = "2026-11-25 08:30 +07:00"
LATE = "2026-11-25 11:00 +07:00"


def confirmed(office, **kw) -> Booking:
    b = booking(office, **kw)
    Booking.objects.filter(pk=b.pk).update(confirmed_at=timezone.now() - dt.timedelta(days=2))
    b.refresh_from_db()
    return b


def test_front_desk_check_in_starts_the_document_check(hall, time_machine):
    time_machine.move_to(MORNING, tick=False)
    b = confirmed(hall["office"], category="percepatan")
    ticket = booking_check_in_ticket(office=hall["office"], code=b.code, actor=hall["desk"])
    assert arrival_notice(ticket) == ""
    application = b.application
    application.refresh_from_db()
    assert (application.status, application.service_class, application.percepatan) == (
        S.DOCUMENT_CHECK,
        "percepatan",
        True,
    )
    assert application.paid_at == b.confirmed_at
    assert application.due_date == dt.date(2026, 11, 25)  # same day
    event = ApplicationEvent.objects.get(application=application)
    assert (event.actor, event.reason) == (hall["desk"], "arrival")


def test_kiosk_leaves_arrival_to_the_front_desk(hall, time_machine):
    time_machine.move_to(MORNING, tick=False)
    b = confirmed(hall["office"])
    ticket = booking_check_in_ticket(office=hall["office"], code=b.code, actor=None)
    b.application.refresh_from_db()
    assert b.application.status == S.SUBMITTED
    # The desk types the code again: same ticket, and now the workflow starts.
    again = booking_check_in_ticket(office=hall["office"], code=b.code, actor=hall["desk"])
    assert again.pk == ticket.pk
    b.application.refresh_from_db()
    assert (b.application.status, b.application.service_class) == (S.DOCUMENT_CHECK, "regular")
    # A third time changes nothing (no second arrival event).
    booking_check_in_ticket(office=hall["office"], code=b.code, actor=hall["desk"])
    assert ApplicationEvent.objects.filter(application=b.application).count() == 1


def test_walk_in_with_application_takes_the_lane_class_and_category(hall):
    application = ApplicationFactory(office=hall["office"])
    ticket = walk_in_register(
        actor=hall["desk"],
        office=hall["office"],
        lane=hall["lanes"]["C"],
        application=application,
        priority_category="pregnant",
    )
    application.refresh_from_db()
    assert arrival_notice(ticket) == ""
    assert (application.status, application.service_class, application.priority_category) == (
        S.DOCUMENT_CHECK,
        "priority",
        "pregnant",
    )
    # Walk-ins pay at the office: no due date until the bill is paid.
    assert (application.paid_at, application.due_date) == (None, None)


def test_refused_arrival_keeps_the_ticket_and_explains(hall, time_machine):
    time_machine.move_to(LATE, tick=False)
    b = confirmed(hall["office"], category="percepatan")
    ticket = booking_check_in_ticket(office=hall["office"], code=b.code, actor=hall["desk"])
    assert Ticket.objects.filter(pk=ticket.pk, lane__prefix="B").exists()
    assert "10:00" in arrival_notice(ticket) and ticket.display_number in arrival_notice(ticket)
    b.application.refresh_from_db()
    assert (b.application.status, b.application.due_date) == (S.SUBMITTED, None)
    b.refresh_from_db()
    assert b.status == "checked_in"
    entry = AuditEntry.objects.get(action="queue.arrival_refused")
    assert entry.changes["code"] == "percepatan_after_cutoff"
    assert not ApplicationEvent.objects.exists()


def test_refused_arrival_is_shown_on_the_front_desk(client, hall, time_machine):
    time_machine.move_to(LATE, tick=False)
    confirmed(hall["office"], category="percepatan")
    client.force_login(hall["desk"])
    response = client.post(
        reverse("queueing:front_desk", args=[hall["office"].code]),
        {"form": "checkin", "code": "ABCD2345"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("10:00" in m for m in shown)
    assert Ticket.objects.count() == 1


def test_an_officer_without_the_front_desk_role_gets_a_notice(hall, make_staff):
    supervisor = make_staff(Role.KASUBSI, hall["office"])
    application = ApplicationFactory(office=hall["office"])
    ticket = walk_in_register(
        actor=supervisor, office=hall["office"], lane=hall["lanes"]["A"], application=application
    )
    assert arrival_notice(ticket) != ""
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_pickup_and_drafts_start_nothing(hall):
    ready = ApplicationFactory(office=hall["office"], status=S.READY)
    draft = ApplicationFactory(office=hall["office"], status=S.DRAFT)
    walk_in_register(
        actor=hall["desk"], office=hall["office"], lane=hall["lanes"]["E"], application=ready
    )
    walk_in_register(
        actor=hall["desk"], office=hall["office"], lane=hall["lanes"]["A"], application=draft
    )
    ready.refresh_from_db()
    draft.refresh_from_db()
    assert (ready.status, draft.status) == (S.READY, S.DRAFT)


def test_assisted_entry_arrives_without_scans(hall):
    application = ApplicationFactory(office=hall["office"], status=S.DRAFT, channel="assisted")
    ticket = walk_in_register(
        actor=hall["desk"], office=hall["office"], lane=hall["lanes"]["D"], application=application
    )
    assert arrival_notice(ticket) == ""
    application.refresh_from_db()
    assert (application.status, application.needs_bap) == (S.DOCUMENT_CHECK, False)
