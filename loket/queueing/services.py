"""Queue operations. Each is atomic and writes a TicketEvent (who, when, from, to).

Call-next takes a ticket with one conditional UPDATE (WHERE status = 'waiting'), so two
counters calling at the same moment can never get the same ticket (style.md rule 6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applications.choices import ApplicationStatus, Channel
from loket.applications.models import Application
from loket.applications.workflow import application_arrive
from loket.booking.models import Booking
from loket.booking.selectors import booking_get_for_check_in
from loket.booking.services import booking_check_in
from loket.core.audit import audit_record
from loket.core.choices import Role
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import User
from loket.notifications.choices import Channel as NotifyChannel
from loket.notifications.services import notification_enqueue
from loket.offices.choices import QuotaCategory, StageCode
from loket.offices.models import Counter, DailyQuota, Office, Stage
from loket.offices.selectors import office_require_role
from loket.payments.selectors import age_on
from loket.queueing.choices import (
    TERMINAL,
    TRANSITIONS,
    EventKind,
    PriorityCategory,
    ServiceClass,
    TicketStatus,
)
from loket.queueing.models import (
    CounterLane,
    CounterSession,
    Lane,
    NumberSequence,
    QueueConfig,
    StageState,
    Ticket,
    TicketEvent,
    WalkInCount,
)
from loket.queueing.policy import PolicyState, Waiting, Weighted, get_policy
from loket.queueing.selectors import ticket_position
from loket.queueing.timing import MEASURED_KINDS, event_seconds

# The stages a visitor waits for in the hall; adjudication, printing and QC happen in
# the back office (the workflow), pickup has its own lane.
HALL_STAGES = [StageCode.DOCUMENT_CHECK, StageCode.INTERVIEW, StageCode.BIOMETRICS, StageCode.BAP]
FRONT_DESK_ROLES = [
    Role.FRONT_DESK,
    Role.INFORMATION_DESK,
    Role.KASUBSI,
    Role.KASI,
    Role.HEAD_OF_OFFICE,
]
ELDERLY_AGE = 60
COUNTER_ROLES = [
    Role.FRONT_DESK,
    Role.BIOMETRICS,
    Role.INTERVIEWER,
    Role.BAP_EXAMINER,
    Role.PICKUP,
    Role.KASUBSI,
    Role.KASI,
    Role.HEAD_OF_OFFICE,
]


DEFAULT_LANES = [
    ("A", _("Regular"), ServiceClass.REGULAR),
    ("B", _("Same-day (percepatan)"), ServiceClass.PERCEPATAN),
    ("C", _("Priority service"), ServiceClass.PRIORITY),
    ("D", _("Walk-in with examination (BAP)"), ServiceClass.REGULAR),
    ("E", _("Passport pickup"), ServiceClass.PICKUP),
]


def queue_config(office: Office) -> QueueConfig:
    config, _created = QueueConfig.objects.get_or_create(office=office)
    return config


def queue_setup(office: Office) -> QueueConfig:
    """Make sure an office has its queue settings and, if it has no lanes, the default ones."""
    config = queue_config(office)
    if not Lane.objects.filter(office=office).exists():
        for prefix, name, service_class in DEFAULT_LANES:
            Lane.objects.get_or_create(
                office=office,
                prefix=prefix,
                defaults={"name": str(name), "service_class": service_class},
            )
    return config


def _local_day(office: Office) -> dt.date:
    return timezone.now().astimezone(office.tz).date()


def _event(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    from_status: str,
    counter: Counter | None = None,
    note: str = "",
) -> None:
    at = timezone.now()
    seconds = None
    if kind in MEASURED_KINDS:
        # A call or a finish ends a wait or a service: measured now, once (timing.py), from
        # the ticket's events so far (a dozen or so).
        earlier = TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")
        seconds = event_seconds(
            [*earlier.values_list("kind", "stage_id", "at"), (kind, ticket.stage_id, at)]
        )[-1]
    TicketEvent.objects.create(
        ticket=ticket,
        at=at,
        kind=kind,
        stage_id=ticket.stage_id,
        lane_id=ticket.lane_id,
        counter=counter,
        actor=actor,
        from_status=from_status,
        to_status=ticket.status,
        note=note[:200],
        seconds=seconds,
    )


def _move(ticket: Ticket, to: str) -> str:
    before = ticket.status
    if to not in TRANSITIONS[before]:
        raise ApplicationError(
            "ticket_state",
            _("Ticket %(number)s is %(status)s; that action is not possible now.")
            % {"number": ticket.display_number, "status": ticket.get_status_display()},
            status=409,
        )
    ticket.status = to
    return before


def first_stage(office: Office, *, pickup: bool = False) -> Stage:
    code = StageCode.PICKUP if pickup else StageCode.DOCUMENT_CHECK
    stage = Stage.objects.filter(office=office, code=code).first()
    if stage is None:
        raise ApplicationError(
            "stage_missing",
            _("The office has no %(stage)s stage set up.") % {"stage": StageCode(code).label},
        )
    return stage


def _take_walk_in_place(office: Office, day: dt.date, category: str) -> None:
    capacity = (
        DailyQuota.objects.filter(office=office, category=category).aggregate(
            total=Sum("capacity")
        )["total"]
        or 0
    )
    row, _created = WalkInCount.objects.get_or_create(
        office=office, day=day, category=category, defaults={"capacity": capacity}
    )
    if row.capacity != capacity:
        WalkInCount.objects.filter(pk=row.pk).update(capacity=capacity)
    taken = WalkInCount.objects.filter(pk=row.pk, used__lt=F("capacity")).update(used=F("used") + 1)
    if not taken:
        raise ApplicationError(
            "walk_in_quota_full",
            _("Today's %(category)s quota (%(n)s) is used up.")
            % {"category": QuotaCategory(category).label, "n": capacity},
            status=409,
        )


def ticket_issue(
    *,
    office: Office,
    lane: Lane,
    actor: User | None,
    application: Application | None = None,
    booking_code: str = "",
    holder_name: str = "",
    priority_category: str = "",
    disability_type: str = "",
    assistance_note: str = "",
    companion_name: str = "",
    needs_bap: bool = False,
    appointment_at: dt.datetime | None = None,
) -> Ticket:
    """Give the visitor a ticket in `lane`, at the first hall stage (or pickup)."""
    if lane.office_id != office.id or not lane.is_active:
        raise ApplicationError("lane_invalid", _("This lane does not exist at this office."))
    if lane.service_class == ServiceClass.PRIORITY and not priority_category:
        raise ApplicationError(
            "priority_category_required",
            _("Confirm the priority category."),
            fields={"priority_category": _("Choose the category the officer has confirmed.")},
        )
    day = _local_day(office)
    stage = first_stage(office, pickup=lane.service_class == ServiceClass.PICKUP)
    with transaction.atomic():
        sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
            office=office, day=day, lane=lane
        )
        sequence.last += 1
        sequence.save(update_fields=["last"])
        ticket = Ticket.objects.create(
            office=office,
            day=day,
            lane=lane,
            number=sequence.last,
            stage=stage,
            application=application,
            booking_code=booking_code,
            holder_name=holder_name[:150],
            priority_category=priority_category,
            disability_type=disability_type,
            assistance_note=assistance_note[:200],
            companion_name=companion_name[:150],
            needs_bap=needs_bap,
            created_by=actor,
            appointment_at=appointment_at,
        )
        _event(ticket, EventKind.CHECK_IN, actor=actor, from_status="")
        audit_record(
            actor=actor,
            action="queue.check_in",
            target=ticket,
            office_code=office.code,
            changes={
                "lane": lane.prefix,
                "priority": priority_category,
                "booking": bool(booking_code),
            },
        )
    return ticket


#: Set on a ticket (not saved) when its application's workflow did not start at check-in.
ARRIVAL_NOTICE_ATTR = "arrival_notice"


def arrival_notice(ticket: Ticket) -> str:
    """Why the application linked to this ticket was not moved to the document check at
    check-in, for the officer to read ("" when it was, or when nothing was to be done)."""
    return str(getattr(ticket, ARRIVAL_NOTICE_ATTR, ""))


def _start_workflow(
    *,
    ticket: Ticket,
    application: Application | None,
    actor: User,
    paid_at: dt.datetime | None = None,
) -> Ticket:
    """An officer checked the visitor in: the application goes to the document check.

    Decision (issue #6): the ticket is the visitor's place in the hall and is always
    kept. When the workflow refuses the arrival (same-day service after the cut-off or
    on a day off, percepatan for a case that cannot have it, an officer without the
    front-desk role), the application stays where it was, the refusal is recorded in
    the audit log and handed back on the ticket (`arrival_notice`) so the officer sees
    it and can start the step on the application's screen with another service class.
    Submitted or paid applications arrive, and complete officer-assisted entries (their
    originals are checked at the counter, so they have no scans); one already at the
    office (back after a postponement) is resumed on its own screen. Pickup visits
    start nothing.
    """
    if application is None or ticket.lane.service_class == ServiceClass.PICKUP:
        return ticket
    # Officer-assisted and outreach entries have their originals checked by the officer
    # (no scans), so a draft that passed the wizard's steps arrives like a submitted one.
    arriving = application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.PAID) or (
        application.status == ApplicationStatus.DRAFT
        and application.channel in (Channel.ASSISTED, Channel.OUTREACH)
    )
    if not arriving:
        return ticket
    # A group ticket is served like a regular one; the application knows no "group" class.
    service_class = (
        ServiceClass.REGULAR
        if ticket.lane.service_class == ServiceClass.GROUP
        else ticket.lane.service_class
    )
    try:
        application_arrive(
            application=application,
            actor=actor,
            service_class=service_class,
            priority_category=ticket.priority_category,
            paid_at=paid_at,
        )
    except ApplicationError as error:
        application.refresh_from_db()
        setattr(
            ticket,
            ARRIVAL_NOTICE_ATTR,
            _(
                "Ticket %(number)s issued, but the application was not moved to the "
                "document check: %(reason)s"
            )
            % {"number": ticket.display_number, "reason": error.message},
        )
        audit_record(
            actor=actor,
            action="queue.arrival_refused",
            target=ticket,
            office_code=ticket.office.code,
            changes={"code": error.code, "lane": ticket.lane.prefix},
            reason=error.message,
        )
    return ticket


def walk_in_register(
    *,
    actor: User,
    office: Office,
    lane: Lane,
    application: Application | None = None,
    **details: Any,
) -> Ticket:
    """Front desk: a walk-in (the offline channel) within the office's walk-in quotas."""
    office_require_role(user=actor, office=office, roles=FRONT_DESK_ROLES)
    category = (
        QuotaCategory.PRIORITY
        if lane.service_class == ServiceClass.PRIORITY
        else QuotaCategory.WALK_IN
    )
    with transaction.atomic():
        if lane.service_class != ServiceClass.PICKUP:
            _take_walk_in_place(office, _local_day(office), category)
        ticket = ticket_issue(
            office=office, lane=lane, actor=actor, application=application, **details
        )
    # After the ticket's transaction: a refused arrival never takes the ticket with it.
    return _start_workflow(ticket=ticket, application=application, actor=actor)


GROUP_LANE_PREFIX = "G"


def group_lane(office: Office) -> Lane:
    """The office's lane for outreach groups, made on first use (prefix G)."""
    lane = (
        Lane.objects.filter(office=office, service_class=ServiceClass.GROUP, is_active=True)
        .order_by("prefix")
        .first()
    )
    if lane is not None:
        return lane
    lane, _created = Lane.objects.get_or_create(
        office=office,
        prefix=GROUP_LANE_PREFIX,
        defaults={"name": str(_("Outreach group")), "service_class": ServiceClass.GROUP},
    )
    if lane.service_class != ServiceClass.GROUP or not lane.is_active:
        raise ApplicationError(
            "lane_missing",
            _("Lane %(prefix)s is used for something else; set up an outreach group lane.")
            % {"prefix": GROUP_LANE_PREFIX},
            status=409,
        )
    return lane


@dataclass(frozen=True)
class GroupMember:
    """One member of a group to be given a ticket (the application may be None)."""

    holder_name: str
    application: Application | None = None


def group_tickets_issue(
    *, actor: User, office: Office, members: Sequence[GroupMember], note: str = ""
) -> list[Ticket]:
    """Tickets in the group lane for every member of an outreach visit, in the given
    order, all or none. Group visits have their own capacity, so no walk-in place is
    taken. Each application then starts its workflow as at the front desk (a refused
    arrival keeps the ticket and is told through `arrival_notice`)."""
    office_require_role(user=actor, office=office, roles=FRONT_DESK_ROLES)
    if not members:
        raise ApplicationError(
            "group_empty", _("The group has no member ready for a ticket."), status=409
        )
    queue_setup(office)
    lane = group_lane(office)
    with transaction.atomic():
        tickets = [
            ticket_issue(
                office=office,
                lane=lane,
                actor=actor,
                application=member.application,
                holder_name=member.holder_name,
            )
            for member in members
        ]
        audit_record(
            actor=actor,
            action="queue.group_check_in",
            office_code=office.code,
            changes={"lane": lane.prefix, "tickets": len(tickets)},
            reason=note,
        )
    return [
        _start_workflow(ticket=ticket, application=ticket.application, actor=actor)
        for ticket in tickets
    ]


def counter_open(*, officer: User, counter: Counter) -> CounterSession:
    office_require_role(user=officer, office=counter.office, roles=COUNTER_ROLES)
    if not counter.is_active:
        raise ApplicationError(
            "counter_closed", _("This counter is closed; a supervisor can open it."), status=409
        )
    with transaction.atomic():
        CounterSession.objects.filter(officer=officer, ended_at__isnull=True).exclude(
            counter=counter
        ).update(ended_at=timezone.now())
        current = CounterSession.objects.filter(counter=counter, ended_at__isnull=True).first()
        if current and current.officer_id != officer.id:
            raise ApplicationError(
                "counter_taken", _("Another officer is signed in at this counter."), status=409
            )
        if current:
            return current
        try:
            with transaction.atomic():
                return CounterSession.objects.create(counter=counter, officer=officer)
        except IntegrityError:
            raise ApplicationError(
                "counter_taken", _("Another officer is signed in at this counter."), status=409
            ) from None


def counter_close(*, officer: User, counter: Counter) -> None:
    CounterSession.objects.filter(counter=counter, officer=officer, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def _require_at_counter(officer: User, counter: Counter) -> None:
    office_require_role(user=officer, office=counter.office, roles=COUNTER_ROLES)
    if not CounterSession.objects.filter(
        counter=counter, officer=officer, ended_at__isnull=True
    ).exists():
        raise ApplicationError("not_at_counter", _("Sign in to this counter first."), status=409)


def counter_lanes(counter: Counter) -> list[int] | None:
    ids = list(CounterLane.objects.filter(counter=counter).values_list("lane_id", flat=True))
    return ids or None


def _policy_for(office: Office, stage_policy: str = "") -> Any:
    """The stage's own policy when it has one, else the office's."""
    config = queue_config(office)
    name = stage_policy or config.policy
    if name == "weighted":
        return Weighted(burst=config.burst, max_wait=config.max_wait_minutes * 60.0)
    return get_policy(name)


def _entered(entered: dt.datetime, appointment: dt.datetime | None, first_stage: bool) -> float:
    """When a ticket counts as having joined a stage's queue: a booked visitor who came
    early counts from their booked time at the first stage (appointments near their time)."""
    if first_stage and appointment is not None and appointment > entered:
        return appointment.timestamp()
    return entered.timestamp()


def call_next(*, officer: User, counter: Counter, stage: Stage) -> Ticket | None:
    """Call the ticket the office's policy puts first among those this counter serves."""
    _require_at_counter(officer, counter)
    if stage.office_id != counter.office_id or not counter.stages.filter(pk=stage.pk).exists():
        raise ApplicationError(
            "stage_not_served",
            _("Counter %(counter)s does not serve %(stage)s.")
            % {"counter": counter.number, "stage": stage.get_code_display()},
            status=409,
        )
    if Ticket.objects.filter(
        counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
    ).exists():
        raise ApplicationError(
            "counter_busy",
            _("Finish, skip or park the current ticket before calling the next."),
            status=409,
        )
    office = counter.office
    lanes = counter_lanes(counter)
    first = stage.code in (StageCode.DOCUMENT_CHECK, StageCode.PICKUP)
    day = _local_day(office)
    for _attempt in range(5):
        with transaction.atomic():
            state, _created = StageState.objects.select_for_update().get_or_create(stage=stage)
            policy = _policy_for(office, state.policy)
            waiting = Ticket.objects.filter(
                office=office, day=day, stage=stage, status=TicketStatus.WAITING
            )
            if lanes is not None:
                waiting = waiting.filter(lane_id__in=lanes)
            rows = list(
                waiting.values_list(
                    "id",
                    "lane__prefix",
                    "lane__service_class",
                    "arrived_at",
                    "stage_entered_at",
                    "appointment_at",
                )
            )
            if not rows:
                return None
            policy_state = PolicyState(streak=state.streak)
            chosen = policy.choose(
                [
                    Waiting(
                        r[0], r[1], r[2], _entered(r[3], r[5], first), _entered(r[4], r[5], first)
                    )
                    for r in rows
                ],
                now=timezone.now().timestamp(),
                state=policy_state,
            )
            assert chosen is not None
            # The conditional update is what makes a ticket go to one counter only.
            won = Ticket.objects.filter(pk=chosen.ticket_id, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, counter=counter, calls=F("calls") + 1
            )
            if not won:
                continue
            StageState.objects.filter(pk=state.pk).update(streak=policy_state.streak)
            ticket = Ticket.objects.select_related("lane").get(pk=chosen.ticket_id)
            _event(
                ticket,
                EventKind.CALL,
                actor=officer,
                from_status=TicketStatus.WAITING,
                counter=counter,
            )
            _notify_near_turns(office=office, stage=stage)
            return ticket
    return None


def _ticket_at(officer: User, counter: Counter, ticket_id: int) -> Ticket:
    _require_at_counter(officer, counter)
    ticket = (
        Ticket.objects.select_for_update()
        .select_related("lane", "stage")
        .filter(pk=ticket_id, office=counter.office)
        .first()
    )
    if ticket is None:
        raise NotFound("ticket_not_found", _("Ticket not found."))
    return ticket


def ticket_recall(*, officer: User, counter: Counter, ticket_id: int) -> Ticket:
    with transaction.atomic():
        ticket = _ticket_at(officer, counter, ticket_id)
        before = _move(ticket, TicketStatus.CALLED)
        ticket.calls += 1
        ticket.save(update_fields=["status", "calls"])
        _event(ticket, EventKind.RECALL, actor=officer, from_status=before, counter=counter)
    return ticket


def ticket_start(*, officer: User, counter: Counter, ticket_id: int) -> Ticket:
    with transaction.atomic():
        ticket = _ticket_at(officer, counter, ticket_id)
        before = _move(ticket, TicketStatus.SERVING)
        ticket.save(update_fields=["status"])
        _event(ticket, EventKind.START, actor=officer, from_status=before, counter=counter)
    return ticket


def ticket_skip(*, officer: User, counter: Counter, ticket_id: int) -> Ticket:
    """Nobody answered: back in the queue, or a no-show after the office's number of calls."""
    with transaction.atomic():
        ticket = _ticket_at(officer, counter, ticket_id)
        limit = queue_config(counter.office).no_show_after_calls
        if ticket.calls >= limit:
            before = _move(ticket, TicketStatus.NO_SHOW)
            kind = EventKind.NO_SHOW
        else:
            before = _move(ticket, TicketStatus.WAITING)
            kind = EventKind.SKIP
        ticket.counter = None
        ticket.save(update_fields=["status", "counter"])
        _event(ticket, kind, actor=officer, from_status=before, counter=counter)
    return ticket


def _stage_after(ticket: Ticket) -> Stage | None:
    office_stages = {s.code: s for s in Stage.objects.filter(office_id=ticket.office_id)}
    if ticket.stage.code == StageCode.PICKUP:
        return None
    order: list[str] = [code for code in HALL_STAGES if code in office_stages]
    if ticket.stage.code not in order:
        return None
    for code in order[order.index(ticket.stage.code) + 1 :]:
        if code == StageCode.BAP and not ticket.needs_bap:
            continue
        return office_stages[code]
    return None


def ticket_finish(
    *,
    officer: User,
    counter: Counter,
    ticket_id: int,
    needs_bap: bool | None = None,
    note: str = "",
) -> Ticket:
    """Finish this stage: on to the next stage of the visit, or done after the last one."""
    with transaction.atomic():
        ticket = _ticket_at(officer, counter, ticket_id)
        if ticket.status != TicketStatus.SERVING:
            raise ApplicationError(
                "ticket_state", _("Start serving the ticket before finishing it."), status=409
            )
        if needs_bap is not None:
            ticket.needs_bap = needs_bap
        _event(
            ticket,
            EventKind.FINISH,
            actor=officer,
            from_status=TicketStatus.SERVING,
            counter=counter,
            note=note,
        )
        following = _stage_after(ticket)
        if following is None:
            ticket.status = TicketStatus.DONE
            ticket.counter = None
            ticket.save(update_fields=["status", "counter", "needs_bap"])
            _event(
                ticket,
                EventKind.DONE,
                actor=officer,
                from_status=TicketStatus.SERVING,
                counter=counter,
            )
        else:
            ticket.status, ticket.counter, ticket.calls = TicketStatus.WAITING, None, 0
            ticket.stage, ticket.stage_entered_at = following, timezone.now()
            ticket.save(
                update_fields=[
                    "status",
                    "counter",
                    "calls",
                    "stage",
                    "stage_entered_at",
                    "needs_bap",
                ]
            )
            _event(
                ticket,
                EventKind.TRANSFER,
                actor=officer,
                from_status=TicketStatus.SERVING,
                counter=counter,
                note=f"-> {following.code}",
            )
    return ticket


def ticket_park(*, officer: User, counter: Counter, ticket_id: int, note: str) -> Ticket:
    """The applicant must fetch a document: keep their ticket aside until they return."""
    with transaction.atomic():
        ticket = _ticket_at(officer, counter, ticket_id)
        before = _move(ticket, TicketStatus.PARKED)
        ticket.counter = None
        ticket.save(update_fields=["status", "counter"])
        _event(
            ticket, EventKind.PARK, actor=officer, from_status=before, counter=counter, note=note
        )
    return ticket


def ticket_return(*, actor: User, ticket: Ticket) -> Ticket:
    office_require_role(user=actor, office=ticket.office, roles=COUNTER_ROLES + FRONT_DESK_ROLES)
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().select_related("lane").get(pk=ticket.pk)
        before = _move(ticket, TicketStatus.WAITING)
        # Back at the front of their class: the original stage entry time is kept.
        ticket.calls = 0
        ticket.save(update_fields=["status", "calls"])
        _event(ticket, EventKind.RETURN, actor=actor, from_status=before)
    return ticket


def ticket_transfer(
    *,
    actor: User,
    ticket: Ticket,
    stage: Stage | None = None,
    lane: Lane | None = None,
    note: str = "",
) -> Ticket:
    """Move a ticket to another stage or lane (supervisor or the serving officer)."""
    office_require_role(user=actor, office=ticket.office, roles=COUNTER_ROLES)
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update().select_related("lane", "stage").get(pk=ticket.pk)
        )
        if ticket.status in TERMINAL:
            raise ApplicationError("ticket_state", _("This ticket is finished."), status=409)
        if stage is not None and stage.office_id != ticket.office_id:
            raise NotFound("stage_not_found", _("Stage not found."))
        if lane is not None and lane.office_id != ticket.office_id:
            raise NotFound("lane_not_found", _("Lane not found."))
        before = ticket.status
        if stage is not None and stage.pk != ticket.stage_id:
            ticket.stage, ticket.stage_entered_at = stage, timezone.now()
        if lane is not None:
            ticket.lane = lane
        ticket.status, ticket.counter, ticket.calls = TicketStatus.WAITING, None, 0
        ticket.save(
            update_fields=["stage", "stage_entered_at", "lane", "status", "counter", "calls"]
        )
        _event(ticket, EventKind.TRANSFER, actor=actor, from_status=before, note=note)
        audit_record(
            actor=actor,
            action="queue.transfer",
            target=ticket,
            office_code=ticket.office.code,
            changes={"stage": ticket.stage.code, "lane": ticket.lane.prefix},
        )
    return ticket


def _derived_priority(application: Application | None, office: Office) -> str:
    """Priority that the data itself proves: elderly (60+) or a young child, by birth date."""
    if application is None or application.birth_date is None:
        return ""
    age = age_on(application.birth_date, _local_day(office))
    if age >= ELDERLY_AGE:
        return PriorityCategory.ELDERLY
    if age < queue_config(office).young_child_age:
        return PriorityCategory.YOUNG_CHILD
    return ""


def booking_check_in_ticket(*, office: Office, code: str, actor: User | None) -> Ticket:
    """Kiosk or front desk: a paid booking for today becomes a ticket (once; typing the
    code again gives the same ticket)."""
    code = code.strip().upper().replace(" ", "")[:16]
    if not code:
        raise ApplicationError(
            "booking_code_required",
            _("Type the booking code from your booking proof."),
            fields={"code": _("Required.")},
        )
    queue_setup(office)
    try:
        booking = booking_get_for_check_in(office=office, code=code)
    except NotFound:
        elsewhere = (
            Booking.objects.filter(code=code)
            .exclude(office=office)
            .select_related("office")
            .first()
        )
        if elsewhere is not None:
            raise ApplicationError(
                "booking_other_office",
                _("This booking is for %(office)s, not this office.")
                % {"office": elsewhere.office.name},
                fields={"code": _("Booked at another office.")},
                status=409,
            ) from None
        raise ApplicationError(
            "booking_not_found",
            _("No booking has the code %(code)s. Check the code on your booking proof.")
            % {"code": code},
            fields={"code": _("Unknown code.")},
            status=404,
        ) from None
    day = _local_day(office)
    existing = (
        Ticket.objects.filter(office=office, day=day, booking_code=booking.code)
        .select_related("lane")
        .first()
    )
    if existing is not None:
        # Checked in at the kiosk earlier and now at the front desk: start the workflow.
        if actor is not None:
            _start_workflow(
                ticket=existing,
                application=existing.application,
                actor=actor,
                paid_at=booking.confirmed_at,
            )
        return existing
    application = booking.application
    priority = _derived_priority(application, office)
    if priority:
        service_class = ServiceClass.PRIORITY
    elif booking.category == QuotaCategory.PERCEPATAN:
        service_class = ServiceClass.PERCEPATAN
    else:
        service_class = ServiceClass.REGULAR
    lane = (
        Lane.objects.filter(office=office, service_class=service_class, is_active=True)
        .order_by("prefix")
        .first()
    )
    if lane is None:
        raise ApplicationError(
            "lane_missing", _("The office has no open lane for this visit; ask at the front desk.")
        )
    try:
        with transaction.atomic():
            booking_check_in(booking=booking, actor=actor)
            ticket = ticket_issue(
                office=office,
                lane=lane,
                actor=actor,
                application=application,
                booking_code=booking.code,
                holder_name=application.full_name,
                priority_category=priority,
                appointment_at=dt.datetime.combine(
                    booking.slot.date, booking.slot.session.starts, tzinfo=office.tz
                ),
            )
    except IntegrityError:
        # The same code checked in at two kiosks at once: the other one won.
        return Ticket.objects.get(office=office, day=day, booking_code=booking.code)
    if actor is None:
        # The kiosk: no officer has seen the visitor; the front desk starts the workflow
        # (typing the code again, or on the application's screen).
        return ticket
    return _start_workflow(
        ticket=ticket, application=application, actor=actor, paid_at=booking.confirmed_at
    )


SUPERVISOR_ROLES = [Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE]


def counter_set_active(*, actor: User, counter: Counter, active: bool) -> Counter:
    """A supervisor opens or closes a counter; closing signs its officer out."""
    office_require_role(user=actor, office=counter.office, roles=SUPERVISOR_ROLES)
    with transaction.atomic():
        if (
            not active
            and Ticket.objects.filter(
                counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
            ).exists()
        ):
            raise ApplicationError(
                "counter_busy",
                _("The counter is serving a ticket; close it when that ticket is finished."),
                status=409,
            )
        Counter.objects.filter(pk=counter.pk).update(is_active=active)
        if not active:
            CounterSession.objects.filter(counter=counter, ended_at__isnull=True).update(
                ended_at=timezone.now()
            )
        counter.is_active = active
        audit_record(
            actor=actor,
            action="queue.counter_open" if active else "queue.counter_close",
            target=counter,
            office_code=counter.office.code,
        )
    return counter


def _notify_near_turns(*, office: Office, stage: Stage) -> None:
    """Tell visitors who asked for it that their turn is near (once per ticket).

    Only tickets that asked are looked at, so a call stays cheap."""
    asking = Ticket.objects.filter(
        office=office,
        stage=stage,
        status=TicketStatus.WAITING,
        notify_when_ahead__isnull=False,
        notified_at__isnull=True,
    ).select_related("lane", "stage", "office")
    for ticket in asking:
        ahead = ticket_position(ticket).ahead
        if ticket.notify_when_ahead is not None and ahead <= ticket.notify_when_ahead:
            channel = NotifyChannel.EMAIL if "@" in ticket.notify_to else NotifyChannel.SMS
            notification_enqueue(
                channel=channel,
                recipient=ticket.notify_to,
                office_code=office.code,
                subject=_("Your turn is near: %(number)s") % {"number": ticket.display_number},
                body=_(
                    "%(number)s at %(office)s: %(n)s ahead of you. Please come to the waiting hall."
                )
                % {"number": ticket.display_number, "office": office.name, "n": ahead},
                dedupe_key=f"queue-near:{ticket.pk}",
            )
            Ticket.objects.filter(pk=ticket.pk).update(notified_at=timezone.now())


def ticket_notify_request(*, ticket: Ticket, contact: str, when_ahead: int = 3) -> Ticket:
    """The visitor asks, on their status page, to be told when `when_ahead` are left."""
    contact = contact.strip()
    if not (1 <= when_ahead <= 20):
        raise ApplicationError(
            "when_ahead_invalid", _("Choose between 1 and 20."), fields={"when_ahead": _("1–20.")}
        )
    is_email = "@" in contact and "." in contact.split("@")[-1]
    is_phone = contact.replace("+", "").isdigit() and 9 <= len(contact) <= 15
    if not (is_email or is_phone):
        raise ApplicationError(
            "contact_invalid",
            _("Enter a mobile number (e.g. 081234567890) or an email address."),
            fields={"contact": _("Not a phone number or email.")},
        )
    if ticket.status in TERMINAL:
        raise ApplicationError("ticket_state", _("This ticket is finished."), status=409)
    Ticket.objects.filter(pk=ticket.pk).update(
        notify_when_ahead=when_ahead, notify_to=contact[:254], notified_at=None
    )
    ticket.refresh_from_db()
    return ticket
