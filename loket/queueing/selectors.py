"""Reads of the queue: position and wait for the applicant, the display board, the
supervisor's overview. All for one office and its local day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core.errors import NotFound
from loket.offices.models import Counter, Office, Stage
from loket.queueing.announce import announcement
from loket.queueing.choices import AT_COUNTER, EventKind, TicketStatus
from loket.queueing.models import CounterSession, Lane, Ticket, TicketEvent
from loket.queueing.policy import CLASS_RANK

DEFAULT_SERVICE_MINUTES = 8.0


def local_day(office: Office) -> dt.date:
    return timezone.now().astimezone(office.tz).date()


def ticket_by_token(token: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("lane", "stage", "office", "counter")
        .filter(status_token=token)
        .first()
    )
    if ticket is None:
        raise NotFound("ticket_not_found", _("Ticket not found."))
    return ticket


@dataclass(frozen=True)
class Position:
    ahead: int
    minutes: int
    counters_open: int


def ticket_position(ticket: Ticket) -> Position:
    """Tickets ranked ahead at the same stage (higher class, or same class and earlier),
    and an estimate from the stage's recent service time and the counters open for it."""
    if ticket.status != TicketStatus.WAITING:
        return Position(0, 0, 0)
    rank = CLASS_RANK[ticket.lane.service_class]
    waiting = (
        Ticket.objects.filter(
            office_id=ticket.office_id,
            day=ticket.day,
            stage_id=ticket.stage_id,
            status=TicketStatus.WAITING,
        )
        .exclude(pk=ticket.pk)
        .values_list("lane__service_class", "stage_entered_at")
    )
    ahead = sum(
        1
        for service_class, entered in waiting
        if CLASS_RANK[service_class] < rank
        or (CLASS_RANK[service_class] == rank and entered < ticket.stage_entered_at)
    )
    counters_open = CounterSession.objects.filter(
        ended_at__isnull=True, counter__stages=ticket.stage_id
    ).count()
    minutes_each = stage_service_minutes(ticket.stage)
    minutes = round((ahead + 1) * minutes_each / max(counters_open, 1))
    return Position(ahead=ahead, minutes=minutes, counters_open=counters_open)


def stage_service_minutes(stage: Stage) -> float:
    """Mean minutes from start to finish at this stage over the last 50 services."""
    starts = dict(
        TicketEvent.objects.filter(stage=stage, kind=EventKind.START)
        .order_by("-at")
        .values_list("ticket_id", "at")[:50]
    )
    if not starts:
        return float(stage.sop_service_minutes or DEFAULT_SERVICE_MINUTES)
    finishes = TicketEvent.objects.filter(
        stage=stage, kind=EventKind.FINISH, ticket_id__in=starts
    ).values_list("ticket_id", "at")
    durations = [
        (at - starts[tid]).total_seconds() / 60 for tid, at in finishes if at >= starts[tid]
    ]
    if not durations:
        return float(stage.sop_service_minutes or DEFAULT_SERVICE_MINUTES)
    return max(1.0, sum(durations) / len(durations))


@dataclass(frozen=True)
class Called:
    number: str
    counter: str
    stage: str
    text: str
    event_id: int


def display_board(office: Office, *, last: int = 8) -> list[Called]:
    """The latest calls of the day, newest first (what the hall TV shows and says)."""
    events = (
        TicketEvent.objects.filter(
            ticket__office=office,
            ticket__day=local_day(office),
            kind__in=[EventKind.CALL, EventKind.RECALL],
        )
        .select_related("ticket__lane", "counter", "stage")
        .order_by("-at", "-id")[:last]
    )
    return [
        Called(
            number=e.ticket.display_number,
            counter=e.counter.number if e.counter else "",
            stage=e.stage.get_code_display(),
            text=announcement(e.ticket.display_number, e.counter.number if e.counter else ""),
            event_id=e.pk,
        )
        for e in events
    ]


def current_ticket(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.select_related("lane", "stage", "application")
        .filter(counter=counter, status__in=list(AT_COUNTER))
        .first()
    )


def waiting_tickets(office: Office, stage: Stage | None = None) -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(
        office=office, day=local_day(office), status=TicketStatus.WAITING
    )
    if stage is not None:
        tickets = tickets.filter(stage=stage)
    return tickets.select_related("lane", "stage").order_by("stage_entered_at")


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    lanes: list[tuple[Lane, int, int]]  # lane, waiting, longest wait (minutes)
    counters_open: int


def supervisor_overview(office: Office) -> dict[str, object]:
    now = timezone.now()
    day = local_day(office)
    waiting = (
        Ticket.objects.filter(office=office, day=day, status=TicketStatus.WAITING)
        .values("stage_id", "lane_id")
        .annotate(n=Count("id"), oldest=Min("stage_entered_at"))
    )
    by_stage: dict[int, list[tuple[int, int, int]]] = {}
    for row in waiting:
        minutes = int((now - row["oldest"]).total_seconds() // 60)
        by_stage.setdefault(row["stage_id"], []).append((row["lane_id"], row["n"], minutes))
    lanes = {lane.pk: lane for lane in Lane.objects.filter(office=office)}
    sessions = {
        s.counter_id: s
        for s in CounterSession.objects.filter(
            counter__office=office, ended_at__isnull=True
        ).select_related("officer")
    }
    busy = set(
        Ticket.objects.filter(office=office, status__in=list(AT_COUNTER)).values_list(
            "counter_id", flat=True
        )
    )
    rows = []
    for stage in Stage.objects.filter(office=office).order_by("sequence"):
        open_here = Counter.objects.filter(
            office=office, stages=stage, pk__in=list(sessions)
        ).count()
        lane_rows = [
            (lanes[lane_id], n, minutes) for lane_id, n, minutes in by_stage.get(stage.pk, [])
        ]
        if lane_rows or open_here:
            rows.append(
                StageRow(
                    stage=stage,
                    lanes=sorted(lane_rows, key=lambda r: CLASS_RANK[r[0].service_class]),
                    counters_open=open_here,
                )
            )
    counters = [
        {"counter": c, "session": sessions.get(c.pk), "busy": c.pk in busy}
        for c in Counter.objects.filter(office=office).order_by("number")
    ]
    longest = list(
        Ticket.objects.filter(office=office, day=day, status=TicketStatus.WAITING)
        .select_related("lane", "stage")
        .order_by("stage_entered_at")[:10]
    )
    served = Ticket.objects.filter(office=office, day=day, status=TicketStatus.DONE).count()
    return {"rows": rows, "counters": counters, "longest": longest, "served": served, "now": now}
