"""Fit the simulator's inputs from an office's own ticket events over a period.

Everything comes from ``TicketEvent`` rows (style.md rule 5: figures are computed from
events):

- arrivals: ``check_in`` events per lane by local hour after opening, divided by the
  days on which the office recorded tickets;
- service times per stage: ``start`` -> ``finish`` durations at that stage, fitted as a
  lognormal by its moments (mean and standard deviation); the observed durations are
  kept for an empirical distribution;
- routing: the share of tickets that reached the BAP stage, per lane and overall;
- no-shows: the share of tickets with a ``no_show`` event;
- counters open per hour per stage: distinct counters calling or serving at that stage
  in that hour, averaged over the days with records;
- observed waits per stage (stage entry -> first call), to set beside the simulation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter as Tally
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from loket.core.calendar import days_off
from loket.core.errors import ApplicationError
from loket.offices.choices import StageCode
from loket.offices.models import Office, OpeningHours, Stage
from loket.queueing.choices import EventKind, ServiceClass
from loket.queueing.models import Lane, Ticket, TicketEvent
from loket.queueing.services import DEFAULT_LANES, HALL_STAGES

# The stages the live queue runs in the hall, in visit order, plus pickup.
SIM_STAGES: tuple[str, ...] = (*HALL_STAGES, StageCode.PICKUP)
# Observed durations kept per stage for the empirical distribution (evenly spaced
# order statistics, so the saved scenario stays small).
EMPIRICAL_VALUES = 200
DEFAULT_OPENS = dt.time(8)
DEFAULT_CLOSES = dt.time(16)


@dataclass(frozen=True)
class StageFit:
    """Service times (minutes) and counters of one stage over the period."""

    code: str
    label: str
    n: int
    mean: float | None
    sd: float | None
    median: float | None
    p90: float | None
    values: tuple[float, ...]
    counters_by_hour: tuple[float, ...]
    wait_n: int
    wait_mean: float | None
    wait_p90: float | None
    wait_standard: int
    sop_service: int
    visits: int


@dataclass(frozen=True)
class LaneFit:
    """Arrivals of one lane over the period (per day with records)."""

    prefix: str
    name: str
    service_class: str
    tickets: int
    per_hour: tuple[float, ...]
    walk_in_share: float
    bap_share: float
    no_show_share: float

    @property
    def per_day(self) -> float:
        return sum(self.per_hour)


@dataclass(frozen=True)
class Calibration:
    """What the office's records say about a period."""

    office_code: str
    start: dt.date
    end: dt.date
    working_days: int
    days_with_records: int
    opens: dt.time
    closing_minutes: int
    lanes: tuple[LaneFit, ...]
    stages: tuple[StageFit, ...]
    tickets: int
    bap_share: float
    no_show_share: float
    warnings: tuple[str, ...] = field(default=())

    @property
    def hours(self) -> int:
        return max(1, math.ceil(self.closing_minutes / 60))

    @property
    def hour_labels(self) -> list[str]:
        base = dt.datetime.combine(self.start, self.opens)
        return [(base + dt.timedelta(hours=h)).strftime("%H:%M") for h in range(self.hours)]


def opening_day(office: Office) -> tuple[dt.time, int]:
    """The office's usual opening time and day length in minutes (the most common
    weekday hours; 08:00-16:00 when none are set)."""
    pairs = Tally(OpeningHours.objects.filter(office=office).values_list("opens", "closes"))
    if not pairs:
        opens, closes = DEFAULT_OPENS, DEFAULT_CLOSES
    else:
        (opens, closes), _count = pairs.most_common(1)[0]
    minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
    return opens, max(60, minutes)


def sim_stages(office: Office) -> list[Stage]:
    """The office's stages the simulator models, in visit order."""
    stages = {s.code: s for s in Stage.objects.filter(office=office, code__in=SIM_STAGES)}
    return [stages[code] for code in SIM_STAGES if code in stages]


def office_lanes(office: Office) -> list[tuple[str, str, str]]:
    """(prefix, name, service_class) of the office's active lanes, or the default lanes
    when the queue is not set up yet (read only: nothing is created here)."""
    rows = list(
        Lane.objects.filter(office=office, is_active=True)
        .order_by("prefix")
        .values_list("prefix", "name", "service_class")
    )
    return rows or [(prefix, str(name), str(cls)) for prefix, name, cls in DEFAULT_LANES]


def _moments(values: list[float]) -> tuple[float | None, float | None]:
    n = len(values)
    if n == 0:
        return None, None
    mean = math.fsum(values) / n
    if n == 1:
        return mean, 0.0
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))


def _quantile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def fit_lognormal(values: list[float]) -> tuple[float | None, float | None]:
    """Lognormal by moments: its mean and standard deviation are the sample's."""
    return _moments(values)


def _empirical(sorted_values: list[float]) -> tuple[float, ...]:
    if len(sorted_values) <= EMPIRICAL_VALUES:
        return tuple(round(v, 3) for v in sorted_values)
    step = (len(sorted_values) - 1) / (EMPIRICAL_VALUES - 1)
    return tuple(round(sorted_values[round(i * step)], 3) for i in range(EMPIRICAL_VALUES))


def calibrate(*, office: Office, start: dt.date, end: dt.date) -> Calibration:
    """Fit the office's records from ``start`` to ``end`` (local dates, inclusive).

    Raises ``ApplicationError`` (fields ``calibrate_from``/``calibrate_to``) for a
    reversed or empty period.
    """
    if end < start:
        raise ApplicationError(
            "period_reversed",
            _("The end of the period is before its start."),
            fields={"calibrate_to": _("Choose a date on or after the start of the period.")},
        )
    if (end - start).days > 366:
        raise ApplicationError(
            "period_too_long",
            _("Choose a period of at most one year."),
            fields={"calibrate_to": _("Choose a period of at most one year.")},
        )
    opens, closing = opening_day(office)
    hours = max(1, math.ceil(closing / 60))
    tz = office.tz
    stages = sim_stages(office)
    lanes = office_lanes(office)

    tickets = {
        row[0]: row
        for row in Ticket.objects.filter(office=office, day__range=(start, end)).values_list(
            "id", "day", "lane__prefix", "booking_code"
        )
    }
    if not tickets:
        message = _(
            "There are no ticket records at %(office)s from %(start)s to %(end)s, so "
            "nothing can be calibrated from that period. Choose another period."
        ) % {"office": office.code, "start": start.isoformat(), "end": end.isoformat()}
        raise ApplicationError(
            "calibration_empty", message, fields={"calibrate_from": message}, status=400
        )

    events = TicketEvent.objects.filter(ticket__office=office, ticket__day__range=(start, end))
    rows = events.order_by("ticket_id", "at", "id").values_list(
        "ticket_id", "kind", "stage__code", "at", "counter_id"
    )

    def hour_of(moment: dt.datetime) -> tuple[dt.date, int]:
        local = moment.astimezone(tz)
        minutes = (local.hour * 60 + local.minute - opens.hour * 60 - opens.minute) + (
            local.second / 60
        )
        # Early birds count in the first hour, late check-ins in the last.
        return local.date(), min(max(int(minutes // 60), 0), hours - 1)

    arrivals: dict[str, list[int]] = defaultdict(lambda: [0] * hours)
    lane_tickets: Tally[str] = Tally()
    lane_walk_ins: Tally[str] = Tally()
    lane_bap: Tally[str] = Tally()
    lane_no_show: Tally[str] = Tally()
    service: dict[str, list[float]] = defaultdict(list)
    waits: dict[str, list[float]] = defaultdict(list)
    visits: Tally[str] = Tally()
    counters_seen: dict[tuple[str, dt.date, int], set[int]] = defaultdict(set)
    days = {row[1] for row in tickets.values()}

    current: int | None = None
    started: dict[str, dt.datetime] = {}
    entered: dict[str, dt.datetime] = {}
    called: set[str] = set()
    reached: set[str] = set()
    no_show = False

    def close_ticket(ticket_id: int | None) -> None:
        if ticket_id is None:
            return
        prefix = tickets[ticket_id][2]
        lane_tickets[prefix] += 1
        if not tickets[ticket_id][3]:
            lane_walk_ins[prefix] += 1
        if StageCode.BAP in reached:
            lane_bap[prefix] += 1
        if no_show:
            lane_no_show[prefix] += 1
        for code in reached:
            visits[code] += 1

    for ticket_id, kind, stage_code, at, counter_id in rows.iterator(chunk_size=5000):
        if ticket_id != current:
            close_ticket(current)
            current, no_show = ticket_id, False
            started, entered, called, reached = {}, {}, set(), set()
        if kind == EventKind.CHECK_IN:
            day, hour = hour_of(at)
            arrivals[tickets[ticket_id][2]][hour] += 1
        if kind in (EventKind.CHECK_IN, EventKind.TRANSFER) and stage_code not in entered:
            entered[stage_code] = at
        elif kind == EventKind.CALL and stage_code not in called and stage_code in entered:
            called.add(stage_code)
            waits[stage_code].append((at - entered[stage_code]).total_seconds() / 60)
        elif kind == EventKind.START:
            started[stage_code] = at
            reached.add(stage_code)
        elif kind == EventKind.FINISH and stage_code in started:
            minutes = (at - started.pop(stage_code)).total_seconds() / 60
            if minutes > 0:
                service[stage_code].append(minutes)
        elif kind == EventKind.NO_SHOW:
            no_show = True
        if kind in (EventKind.CALL, EventKind.START) and counter_id is not None:
            day, hour = hour_of(at)
            counters_seen[(stage_code, day, hour)].add(counter_id)
    close_ticket(current)

    n_days = len(days)
    total = sum(lane_tickets.values())
    warnings: list[str] = []
    known = {prefix for prefix, _name, _cls in lanes}
    for prefix in sorted(set(lane_tickets) - known):
        warnings.append(
            _("Lane %(lane)s is inactive now; its %(n)s tickets are left out.")
            % {"lane": prefix, "n": lane_tickets[prefix]}
        )
    lane_fits = tuple(
        LaneFit(
            prefix=prefix,
            name=name,
            service_class=cls,
            tickets=lane_tickets[prefix],
            per_hour=tuple(round(c / n_days, 3) for c in arrivals[prefix]),
            walk_in_share=_share(lane_walk_ins[prefix], lane_tickets[prefix]),
            bap_share=_share(lane_bap[prefix], lane_tickets[prefix]),
            no_show_share=_share(lane_no_show[prefix], lane_tickets[prefix]),
        )
        for prefix, name, cls in lanes
    )
    stage_fits = []
    for stage in stages:
        durations = sorted(service[stage.code])
        mean, sd = fit_lognormal(durations)
        stage_waits = sorted(waits[stage.code])
        wait_mean, _wait_sd = _moments(stage_waits)
        by_hour = tuple(
            round(sum(len(counters_seen.get((stage.code, day, h), ())) for day in days) / n_days, 2)
            for h in range(hours)
        )
        if not durations and visits[stage.code]:
            warnings.append(
                _("No finished services at %(stage)s; its SOP service time is used.")
                % {"stage": stage.get_code_display()}
            )
        stage_fits.append(
            StageFit(
                code=stage.code,
                label=str(stage.get_code_display()),
                n=len(durations),
                mean=mean,
                sd=sd,
                median=_quantile(durations, 0.5),
                p90=_quantile(durations, 0.9),
                values=_empirical(durations),
                counters_by_hour=by_hour,
                wait_n=len(stage_waits),
                wait_mean=wait_mean,
                wait_p90=_quantile(stage_waits, 0.9),
                wait_standard=stage.sop_wait_minutes,
                sop_service=stage.sop_service_minutes,
                visits=visits[stage.code],
            )
        )
    non_pickup = [fit for fit in lane_fits if fit.service_class != ServiceClass.PICKUP]
    hall_tickets = sum(fit.tickets for fit in non_pickup)
    working = (end - start).days + 1 - len(days_off(office, start, end))
    return Calibration(
        office_code=office.code,
        start=start,
        end=end,
        working_days=working,
        days_with_records=n_days,
        opens=opens,
        closing_minutes=closing,
        lanes=lane_fits,
        stages=tuple(stage_fits),
        tickets=total,
        bap_share=_share(sum(lane_bap[f.prefix] for f in non_pickup), hall_tickets),
        no_show_share=_share(sum(lane_no_show.values()), total),
        warnings=tuple(warnings),
    )


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
