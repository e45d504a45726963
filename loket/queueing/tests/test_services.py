import threading

import pytest
from django.db import connection

from loket.core.choices import Role
from loket.core.errors import ApplicationError, NotFound
from loket.offices.choices import StageCode
from loket.offices.tests.factories import OfficeFactory
from loket.queueing.choices import EventKind, TicketStatus
from loket.queueing.models import QueueConfig, Ticket, TicketEvent
from loket.queueing.services import (
    call_next,
    counter_open,
    ticket_finish,
    ticket_park,
    ticket_return,
    ticket_skip,
    ticket_start,
    ticket_transfer,
    walk_in_register,
)


def walk_in(hall, prefix, **kw):
    if prefix == "C":
        kw.setdefault("priority_category", "elderly")
    return walk_in_register(
        actor=hall["desk"], office=hall["office"], lane=hall["lanes"][prefix], **kw
    )


def serve(hall, i, stage_code, **finish):
    """Counter i calls, starts and finishes one ticket at a stage; returns the ticket."""
    counter, officer = hall["counters"][i], hall["officers"][i]
    ticket = call_next(officer=officer, counter=counter, stage=hall["stages"][stage_code])
    assert ticket is not None
    ticket_start(officer=officer, counter=counter, ticket_id=ticket.pk)
    ticket_finish(officer=officer, counter=counter, ticket_id=ticket.pk, **finish)
    return ticket


@pytest.mark.django_db
class TestTickets:
    def test_numbers_per_lane(self, hall):
        assert [walk_in(hall, "A").display_number for _ in range(2)] == ["A001", "A002"]
        assert walk_in(hall, "C").display_number == "C001"

    def test_priority_needs_a_confirmed_category(self, hall):
        with pytest.raises(ApplicationError) as info:
            walk_in(hall, "C", priority_category="")
        assert info.value.code == "priority_category_required"
        assert not Ticket.objects.exists()

    def test_priority_walk_in_quota(self, hall):
        for _ in range(5):
            walk_in(hall, "C")
        with pytest.raises(ApplicationError) as info:
            walk_in(hall, "C")
        assert info.value.code == "walk_in_quota_full"
        assert Ticket.objects.count() == 5

    def test_officer_of_another_office_cannot_register(self, hall, make_staff):
        other = make_staff(Role.FRONT_DESK, OfficeFactory(code="ZZZ"))
        with pytest.raises(NotFound):
            walk_in_register(actor=other, office=hall["office"], lane=hall["lanes"]["A"])


@pytest.mark.django_db
class TestCallNext:
    def test_strict_priority_at_every_stage_including_bap(self, hall):
        QueueConfig.objects.filter(office=hall["office"]).update(policy="strict_priority")
        regular = walk_in(hall, "A", needs_bap=True)
        express = walk_in(hall, "B", needs_bap=True)
        priority = walk_in(hall, "C", needs_bap=True)
        for code in (
            StageCode.DOCUMENT_CHECK,
            StageCode.INTERVIEW,
            StageCode.BIOMETRICS,
            StageCode.BAP,
        ):
            order = [serve(hall, i, code).pk for i in range(3)]
            assert order == [priority.pk, express.pk, regular.pk], code
        assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.DONE}

    def test_bap_only_when_needed(self, hall):
        ticket = walk_in(hall, "A")
        for code in (StageCode.DOCUMENT_CHECK, StageCode.INTERVIEW):
            serve(hall, 0, code)
        serve(hall, 0, StageCode.BIOMETRICS)
        assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.DONE
        flagged = walk_in(hall, "A")
        serve(hall, 0, StageCode.DOCUMENT_CHECK)
        serve(hall, 0, StageCode.INTERVIEW, needs_bap=True)  # the interviewer raises a suspicion
        serve(hall, 0, StageCode.BIOMETRICS)
        flagged.refresh_from_db()
        assert (flagged.stage.code, flagged.status) == (StageCode.BAP, TicketStatus.WAITING)

    def test_ageing_bounds_regular_waits(self, hall, time_machine):
        time_machine.move_to("2026-11-25 08:00 +07:00")
        QueueConfig.objects.filter(office=hall["office"]).update(
            policy="weighted", max_wait_minutes=30, burst=100
        )
        old_regular = walk_in(hall, "A")
        time_machine.shift(31 * 60)
        for _ in range(3):
            walk_in(hall, "C")
        first = call_next(
            officer=hall["officers"][0],
            counter=hall["counters"][0],
            stage=hall["stages"][StageCode.DOCUMENT_CHECK],
        )
        assert first.pk == old_regular.pk

    def test_burst_lets_a_regular_through(self, hall):
        QueueConfig.objects.filter(office=hall["office"]).update(
            policy="weighted", burst=2, max_wait_minutes=600
        )
        regular = walk_in(hall, "A")
        for _ in range(4):
            walk_in(hall, "C")
        called = [serve(hall, 0, StageCode.DOCUMENT_CHECK).lane.prefix for _ in range(3)]
        assert called == ["C", "C", "A"]
        assert Ticket.objects.get(pk=regular.pk).stage.code == StageCode.INTERVIEW

    def test_counter_must_serve_the_stage(self, hall):
        counter = hall["counters"][0]
        counter.stages.set([hall["stages"][StageCode.PICKUP]])
        with pytest.raises(ApplicationError) as info:
            call_next(
                officer=hall["officers"][0],
                counter=counter,
                stage=hall["stages"][StageCode.INTERVIEW],
            )
        assert info.value.code == "stage_not_served"

    def test_one_ticket_at_a_time_per_counter(self, hall):
        walk_in(hall, "A")
        walk_in(hall, "A")
        stage = hall["stages"][StageCode.DOCUMENT_CHECK]
        call_next(officer=hall["officers"][0], counter=hall["counters"][0], stage=stage)
        with pytest.raises(ApplicationError) as info:
            call_next(officer=hall["officers"][0], counter=hall["counters"][0], stage=stage)
        assert info.value.code == "counter_busy"

    def test_skip_then_no_show(self, hall):
        QueueConfig.objects.filter(office=hall["office"]).update(no_show_after_calls=2)
        ticket = walk_in(hall, "A")
        stage, counter, officer = (
            hall["stages"][StageCode.DOCUMENT_CHECK],
            hall["counters"][0],
            hall["officers"][0],
        )
        call_next(officer=officer, counter=counter, stage=stage)
        assert (
            ticket_skip(officer=officer, counter=counter, ticket_id=ticket.pk).status
            == TicketStatus.WAITING
        )
        call_next(officer=officer, counter=counter, stage=stage)
        assert (
            ticket_skip(officer=officer, counter=counter, ticket_id=ticket.pk).status
            == TicketStatus.NO_SHOW
        )
        assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NO_SHOW).exists()

    def test_park_return_and_transfer(self, hall):
        ticket = walk_in(hall, "A")
        stage, counter, officer = (
            hall["stages"][StageCode.DOCUMENT_CHECK],
            hall["counters"][0],
            hall["officers"][0],
        )
        call_next(officer=officer, counter=counter, stage=stage)
        ticket_start(officer=officer, counter=counter, ticket_id=ticket.pk)
        assert (
            ticket_park(
                officer=officer, counter=counter, ticket_id=ticket.pk, note="fotokopi KK"
            ).status
            == TicketStatus.PARKED
        )
        assert call_next(officer=officer, counter=counter, stage=stage) is None
        ticket_return(actor=officer, ticket=ticket)
        moved = ticket_transfer(
            actor=officer,
            ticket=ticket,
            stage=hall["stages"][StageCode.BAP],
            lane=hall["lanes"]["D"],
        )
        assert (moved.stage.code, moved.lane.prefix, moved.status) == (
            StageCode.BAP,
            "D",
            TicketStatus.WAITING,
        )

    def test_every_step_has_time_and_officer(self, hall):
        ticket = walk_in(hall, "A")
        serve(hall, 1, StageCode.DOCUMENT_CHECK)
        kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", "actor_id"))
        assert [k for k, _ in kinds] == ["check_in", "call", "start", "finish", "transfer"]
        assert all(actor is not None for _, actor in kinds)

    def test_officer_must_sign_in_to_the_counter(self, hall, make_staff):
        walk_in(hall, "A")
        stranger = make_staff(Role.INTERVIEWER, hall["office"])
        with pytest.raises(ApplicationError) as info:
            call_next(
                officer=stranger,
                counter=hall["counters"][0],
                stage=hall["stages"][StageCode.DOCUMENT_CHECK],
            )
        assert info.value.code == "not_at_counter"
        with pytest.raises(ApplicationError) as info:
            counter_open(officer=stranger, counter=hall["counters"][0])
        assert info.value.code == "counter_taken"


@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_never_hand_out_a_ticket_twice(hall):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent callers are proven on PostgreSQL (SQLite serialises writers)")
    from loket.core.tests.factories import UserFactory
    from loket.offices.models import Counter, StaffRole
    from loket.queueing.models import CounterSession

    office, stage = hall["office"], hall["stages"][StageCode.DOCUMENT_CHECK]
    QueueConfig.objects.filter(office=office).update(policy="strict_priority")
    counters = []
    for n in range(12):
        counter = Counter.objects.create(office=office, number=str(10 + n), name=f"Loket {10 + n}")
        counter.stages.set([stage])
        officer = UserFactory()
        StaffRole.objects.create(user=officer, office=office, role=Role.INTERVIEWER)
        CounterSession.objects.create(counter=counter, officer=officer)
        counters.append((counter, officer))
    for i in range(20):  # the fixture's quotas: 20 walk-in, 5 priority
        walk_in(hall, "C" if i % 5 == 0 else "A")
    called: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(counters))

    def work(counter, officer):
        barrier.wait()
        try:
            while True:
                ticket = call_next(officer=officer, counter=counter, stage=stage)
                if ticket is None:
                    return
                with lock:
                    called.append(ticket.pk)
                ticket_start(officer=officer, counter=counter, ticket_id=ticket.pk)
                ticket_finish(officer=officer, counter=counter, ticket_id=ticket.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=pair) for pair in counters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(called) == 20
    assert len(set(called)) == 20
    assert TicketEvent.objects.filter(kind=EventKind.CALL).count() == 20
