"""The seconds kept on calls and finishes (queueing/timing.py): the rule itself, the
services that measure as they write, and the backfill of hand-written events."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from loket.offices.choices import StageCode
from loket.queueing.choices import EventKind, TicketStatus
from loket.queueing.models import TicketEvent
from loket.queueing.services import (
    call_next,
    ticket_finish,
    ticket_park,
    ticket_recall,
    ticket_return,
    ticket_skip,
    ticket_start,
    walk_in_register,
)
from loket.queueing.timing import event_seconds, measure_tickets

WIB = ZoneInfo("Asia/Jakarta")
DOC, INTERVIEW = 1, 2  # stage ids for the pure rule


def at(minute: int, second: float = 0.0, hour: int = 9) -> dt.datetime:
    """A moment on Tuesday 24 November 2026 (WIB), to the microsecond."""
    whole = int(second)
    micro = round((second - whole) * 1_000_000)
    return dt.datetime(2026, 11, 24, hour, minute, whole, micro, tzinfo=WIB)


class TestEventSeconds:
    def test_a_plain_visit(self):
        events = [
            ("check_in", DOC, at(0)),
            ("call", DOC, at(12, 30.9)),  # 12 min 30.9 s -> 750
            ("start", DOC, at(13)),
            ("finish", DOC, at(17, 10)),  # 4 min 10 s after the start -> 250
            ("transfer", INTERVIEW, at(17, 10)),
        ]
        assert event_seconds(events) == [None, 750, None, 250, None]

    def test_empty_timeline(self):
        assert event_seconds([]) == []

    def test_whole_seconds_are_truncated_not_rounded(self):
        events = [
            ("check_in", DOC, at(0)),
            ("call", DOC, at(0, 59.9)),
            ("start", DOC, at(1)),
            ("finish", DOC, at(1, 0.999999)),
        ]
        assert event_seconds(events) == [None, 59, None, 0]

    def test_recall_and_call_after_skip_carry_nothing(self):
        events = [
            ("check_in", DOC, at(0)),
            ("call", DOC, at(5)),  # 300
            ("recall", DOC, at(6)),
            ("skip", DOC, at(7)),
            ("call", DOC, at(20)),  # a later call: not a second wait
            ("start", DOC, at(21)),
            ("finish", DOC, at(24, 30)),  # 3 min 30 s -> 210
        ]
        assert event_seconds(events) == [None, 300, None, None, None, None, 210]

    def test_after_park_and_return_only_the_first_call_and_finish_count(self):
        events = [
            ("check_in", DOC, at(0)),
            ("call", DOC, at(2)),  # 120
            ("start", DOC, at(3)),
            ("park", DOC, at(4)),
            ("return", DOC, at(30)),
            ("call", DOC, at(35)),
            ("start", DOC, at(36)),
            ("finish", DOC, at(40)),  # served 09:03-09:04 and 09:36-09:40 -> 5 min
        ]
        assert event_seconds(events) == [None, 120, None, None, None, None, None, 5 * 60]

    def test_a_transfer_starts_the_wait_at_the_next_stage(self):
        events = [
            ("check_in", DOC, at(0)),
            ("call", DOC, at(10)),  # 600
            ("start", DOC, at(11)),
            ("finish", DOC, at(15)),  # 240
            ("transfer", INTERVIEW, at(15)),
            ("call", INTERVIEW, at(40, 45)),  # 25 min 45 s after the transfer -> 1545
            ("start", INTERVIEW, at(41)),
            ("finish", INTERVIEW, at(49, 5)),  # 8 min 5 s -> 485
        ]
        assert event_seconds(events) == [None, 600, None, 240, None, 1545, None, 485]

    def test_back_at_a_stage_already_visited_there_is_no_second_wait(self):
        events = [
            ("check_in", DOC, at(0)),
            ("call", DOC, at(10)),  # 600
            ("start", DOC, at(11)),
            ("finish", DOC, at(15)),  # 240
            ("transfer", INTERVIEW, at(15)),
            ("call", INTERVIEW, at(20)),  # 300
            ("start", INTERVIEW, at(21)),
            ("transfer", DOC, at(25)),  # sent back for a document check
            ("call", DOC, at(50)),  # second call at DOC: nothing
            ("start", DOC, at(51)),
            ("finish", DOC, at(55)),  # second finish at DOC: nothing
            ("transfer", INTERVIEW, at(55)),
            ("call", INTERVIEW, at(58)),  # second call at INTERVIEW: nothing
            ("start", INTERVIEW, at(59)),
            # First finish there: served 09:21-09:25 (until the transfer away) and
            # 09:59-10:05 -> 10 min.
            ("finish", INTERVIEW, at(5, hour=10)),
        ]
        assert event_seconds(events) == [
            None,
            600,
            None,
            240,
            None,
            300,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            10 * 60,
        ]

    def test_the_wait_counts_from_the_first_entry_into_the_stage(self):
        # A lane change (a transfer within the stage) does not restart the wait.
        events = [
            ("check_in", DOC, at(0)),
            ("transfer", DOC, at(5)),
            ("call", DOC, at(9)),
        ]
        assert event_seconds(events) == [None, None, 9 * 60]

    def test_a_call_with_no_entry_before_it_carries_nothing_nor_do_later_ones(self):
        events = [
            ("call", DOC, at(5)),  # no check-in before it (an imported timeline)
            ("check_in", DOC, at(6)),
            ("call", DOC, at(10)),  # not the first call at the stage any more
        ]
        assert event_seconds(events) == [None, None, None]

    def test_an_entry_at_another_stage_does_not_count(self):
        events = [
            ("check_in", DOC, at(0)),
            ("call", INTERVIEW, at(10)),
            ("call", DOC, at(11)),
        ]
        assert event_seconds(events) == [None, None, 11 * 60]

    def test_a_finish_without_a_start_carries_nothing(self):
        events = [
            ("check_in", DOC, at(0)),
            ("call", DOC, at(1)),  # 60
            ("start", DOC, at(2)),
            ("finish", DOC, at(6)),  # 240
            ("transfer", INTERVIEW, at(6)),
            ("call", INTERVIEW, at(8)),  # 120
            ("finish", INTERVIEW, at(9)),  # the start at DOC does not count here
            ("start", INTERVIEW, at(10)),
            ("finish", INTERVIEW, at(12)),  # not the first finish at INTERVIEW
        ]
        assert event_seconds(events) == [None, 60, None, 240, None, 120, None, None, None]


def _timeline(ticket_pk):
    return [
        (kind, code, seconds)
        for kind, code, seconds in TicketEvent.objects.filter(ticket_id=ticket_pk)
        .order_by("at", "id")
        .values_list("kind", "stage__code", "seconds")
    ]


@pytest.mark.django_db
def test_services_measure_each_call_and_finish_as_they_write_it(hall, time_machine):
    counter, officer = hall["counters"][0], hall["officers"][0]
    doc, interview = hall["stages"][StageCode.DOCUMENT_CHECK], hall["stages"][StageCode.INTERVIEW]

    def step(seconds):
        time_machine.shift(dt.timedelta(seconds=seconds))

    time_machine.move_to(at(0), tick=False)
    ticket = walk_in_register(actor=hall["desk"], office=hall["office"], lane=hall["lanes"]["A"])
    step(7 * 60 + 30.25)  # 09:07:30.25
    assert call_next(officer=officer, counter=counter, stage=doc).pk == ticket.pk  # 450
    step(45)
    ticket_skip(officer=officer, counter=counter, ticket_id=ticket.pk)
    step(120)  # 09:10:15.25
    assert call_next(officer=officer, counter=counter, stage=doc).pk == ticket.pk  # again
    step(20)
    ticket_recall(officer=officer, counter=counter, ticket_id=ticket.pk)
    step(10)  # 09:10:45.25
    ticket_start(officer=officer, counter=counter, ticket_id=ticket.pk)
    step(4 * 60 + 3.9)  # 09:14:49.15: 243.9 s of service -> 243
    ticket = ticket_finish(officer=officer, counter=counter, ticket_id=ticket.pk)
    assert ticket.stage_id == interview.pk and ticket.status == TicketStatus.WAITING

    step(11 * 60 + 0.6)  # 09:25:49.75: 660.6 s since the transfer -> 660
    assert call_next(officer=officer, counter=counter, stage=interview).pk == ticket.pk
    step(20)  # 09:26:09.75
    ticket_start(officer=officer, counter=counter, ticket_id=ticket.pk)
    step(60)
    ticket_park(officer=officer, counter=counter, ticket_id=ticket.pk, note="KK left at home")
    step(15 * 60)
    ticket_return(actor=officer, ticket=ticket)
    step(3 * 60)
    assert call_next(officer=officer, counter=counter, stage=interview).pk == ticket.pk
    step(5)
    ticket_start(officer=officer, counter=counter, ticket_id=ticket.pk)
    step(6 * 60 + 10)  # 09:51:24.75: served 60 s before the park and 370 s now -> 430
    ticket_finish(officer=officer, counter=counter, ticket_id=ticket.pk)

    expected = [
        (EventKind.CHECK_IN, StageCode.DOCUMENT_CHECK, None),
        (EventKind.CALL, StageCode.DOCUMENT_CHECK, 450),
        (EventKind.SKIP, StageCode.DOCUMENT_CHECK, None),
        (EventKind.CALL, StageCode.DOCUMENT_CHECK, None),
        (EventKind.RECALL, StageCode.DOCUMENT_CHECK, None),
        (EventKind.START, StageCode.DOCUMENT_CHECK, None),
        (EventKind.FINISH, StageCode.DOCUMENT_CHECK, 243),
        (EventKind.TRANSFER, StageCode.INTERVIEW, None),
        (EventKind.CALL, StageCode.INTERVIEW, 660),
        (EventKind.START, StageCode.INTERVIEW, None),
        (EventKind.PARK, StageCode.INTERVIEW, None),
        (EventKind.RETURN, StageCode.INTERVIEW, None),
        (EventKind.CALL, StageCode.INTERVIEW, None),
        (EventKind.START, StageCode.INTERVIEW, None),
        (EventKind.FINISH, StageCode.INTERVIEW, 430),
        (EventKind.TRANSFER, StageCode.BIOMETRICS, None),
    ]
    assert _timeline(ticket.pk) == expected

    # The backfill's rule gives the same seconds from the same events.
    assert measure_tickets(TicketEvent, [ticket.pk]) == 4
    assert _timeline(ticket.pk) == expected


@pytest.mark.django_db
def test_services_measure_each_ticket_on_its_own(hall, time_machine):
    counter, officer = hall["counters"][0], hall["officers"][0]
    doc = hall["stages"][StageCode.DOCUMENT_CHECK]
    time_machine.move_to(at(0), tick=False)
    first = walk_in_register(actor=hall["desk"], office=hall["office"], lane=hall["lanes"]["A"])
    time_machine.shift(90)
    second = walk_in_register(actor=hall["desk"], office=hall["office"], lane=hall["lanes"]["A"])
    time_machine.shift(150)  # 09:04:00
    assert call_next(officer=officer, counter=counter, stage=doc).pk == first.pk
    time_machine.shift(60)  # 09:05:00, at the next counter
    other, colleague = hall["counters"][1], hall["officers"][1]
    assert call_next(officer=colleague, counter=other, stage=doc).pk == second.pk

    calls = dict(
        TicketEvent.objects.filter(kind=EventKind.CALL).values_list("ticket_id", "seconds")
    )
    # The first ticket's call is not "earlier" for the second one: 09:01:30 -> 09:05:00.
    assert calls == {first.pk: 240, second.pk: 210}


def _write(ticket, kind, stage, moment, seconds=None):
    return TicketEvent.objects.create(
        ticket=ticket,
        at=moment,
        kind=kind,
        stage=stage,
        to_status=TicketStatus.WAITING,
        seconds=seconds,
    )


@pytest.mark.django_db
def test_measure_tickets_fills_hand_written_events_and_is_idempotent(
    hall, time_machine, django_assert_num_queries
):
    doc, interview = hall["stages"][StageCode.DOCUMENT_CHECK], hall["stages"][StageCode.INTERVIEW]
    time_machine.move_to(at(0), tick=False)
    lane = hall["lanes"]["A"]
    one = walk_in_register(actor=hall["desk"], office=hall["office"], lane=lane)
    two = walk_in_register(actor=hall["desk"], office=hall["office"], lane=lane)
    three = walk_in_register(actor=hall["desk"], office=hall["office"], lane=lane)
    # Written out of order and interleaved between tickets: the time orders them.
    _write(one, "finish", doc, at(14, 20.5))
    _write(two, "call", doc, at(3, 0.4))
    _write(one, "call", doc, at(9, 59.99))
    _write(one, "start", doc, at(10, 30))
    _write(two, "recall", doc, at(4), seconds=17)  # a wrong value is cleared
    _write(one, "transfer", interview, at(14, 20.5))
    _write(one, "call", interview, at(30, 0.5))
    _write(two, "call", doc, at(6))
    # A ticket not asked for is left as it is, wrong or not.
    untouched = _write(three, "call", doc, at(7), seconds=1)

    assert measure_tickets(TicketEvent, [one.pk, two.pk]) == 4
    assert _timeline(one.pk) == [
        ("check_in", StageCode.DOCUMENT_CHECK, None),
        ("call", StageCode.DOCUMENT_CHECK, 599),  # 9 min 59.99 s
        ("start", StageCode.DOCUMENT_CHECK, None),
        ("finish", StageCode.DOCUMENT_CHECK, 230),  # 10:30 -> 14:20.5
        ("transfer", StageCode.INTERVIEW, None),
        ("call", StageCode.INTERVIEW, 940),  # 14:20.5 -> 30:00.5
    ]
    assert _timeline(two.pk) == [
        ("check_in", StageCode.DOCUMENT_CHECK, None),
        ("call", StageCode.DOCUMENT_CHECK, 180),
        ("recall", StageCode.DOCUMENT_CHECK, None),
        ("call", StageCode.DOCUMENT_CHECK, None),
    ]
    untouched.refresh_from_db()
    assert untouched.seconds == 1

    # A second run reads and writes nothing: the same count, the same values.
    before = list(TicketEvent.objects.order_by("id").values_list("id", "seconds"))
    with django_assert_num_queries(1):
        assert measure_tickets(TicketEvent, [one.pk, two.pk]) == 4
    assert list(TicketEvent.objects.order_by("id").values_list("id", "seconds")) == before


@pytest.mark.django_db
def test_measure_tickets_with_no_events(hall):
    assert measure_tickets(TicketEvent, []) == 0
