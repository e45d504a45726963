"""The live queue's ordering beyond the class ranks: per-stage policy, booked times,
and the 'turn is near' message."""

import datetime as dt

import pytest
from django.urls import reverse

from loket.notifications.models import OutboxMessage
from loket.offices.choices import StageCode
from loket.queueing.models import QueueConfig, StageState, Ticket
from loket.queueing.services import call_next, ticket_notify_request, walk_in_register


def walk_in(hall, prefix, **kw):
    if prefix == "C":
        kw.setdefault("priority_category", "elderly")
    return walk_in_register(
        actor=hall["desk"], office=hall["office"], lane=hall["lanes"][prefix], **kw
    )


def first_call(hall, code=StageCode.DOCUMENT_CHECK):
    return call_next(
        officer=hall["officers"][0], counter=hall["counters"][0], stage=hall["stages"][code]
    )


@pytest.mark.django_db
def test_a_stage_can_have_its_own_policy(hall):
    QueueConfig.objects.filter(office=hall["office"]).update(policy="strict_priority")
    regular = walk_in(hall, "A")
    walk_in(hall, "C")
    StageState.objects.create(stage=hall["stages"][StageCode.DOCUMENT_CHECK], policy="fifo")
    assert first_call(hall).pk == regular.pk


@pytest.mark.django_db
def test_early_booked_visitor_waits_for_their_time(hall, time_machine):
    time_machine.move_to("2026-11-25 08:00 +07:00", tick=False)
    early = walk_in(hall, "A")
    Ticket.objects.filter(pk=early.pk).update(
        appointment_at=dt.datetime(2026, 11, 25, 10, 0, tzinfo=hall["office"].tz)
    )
    time_machine.move_to("2026-11-25 08:30 +07:00", tick=False)
    on_time = walk_in(hall, "A")
    time_machine.move_to("2026-11-25 08:40 +07:00", tick=False)
    assert first_call(hall).pk == on_time.pk


@pytest.mark.django_db
def test_turn_near_message_is_sent_once(hall):
    tickets = [walk_in(hall, "A") for _ in range(4)]
    ticket_notify_request(ticket=tickets[3], contact="081234567890", when_ahead=1)
    first_call(hall)
    assert not OutboxMessage.objects.exists()  # 2 still ahead
    call_next(
        officer=hall["officers"][1],
        counter=hall["counters"][1],
        stage=hall["stages"][StageCode.DOCUMENT_CHECK],
    )
    message = OutboxMessage.objects.get()
    assert (message.channel, message.recipient) == ("sms", "081234567890")
    call_next(
        officer=hall["officers"][2],
        counter=hall["counters"][2],
        stage=hall["stages"][StageCode.DOCUMENT_CHECK],
    )
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_status_page_notify_form(client, hall):
    ticket = walk_in(hall, "A")
    url = reverse("queueing:status", args=[ticket.status_token])
    assert client.post(url, {"contact": "not a contact", "when_ahead": 3}).status_code == 400
    assert client.post(url, {"contact": "warga@example.test", "when_ahead": 3}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.notify_to, ticket.notify_when_ahead) == ("warga@example.test", 3)
    assert 'data-testid="notify-set"' in client.get(url).content.decode()
