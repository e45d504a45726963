"""The office model on SimPy: one replication, made of office days or one steady-state run.

A visit takes a ticket in its lane, then goes through its stages in order. At each
stage it waits until a counter is free and the queue policy
(``loket.queueing.policy``) calls it, is served for a drawn service time, and moves
on. Service completions drive the model through SimPy event callbacks rather than
one process per visit: the theory tests and the office-year benchmark simulate
millions of services, and callbacks are several times cheaper.

Time is in minutes after opening; the policy receives seconds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar, cast

import numpy as np
import simpy

from loket.queueing.policy import Policy, PolicyState, Waiting, get_policy

from .distributions import Sampler, exponential_sampler, service_sampler, uniform_sampler
from .params import Lane, Params, Stage

_T = TypeVar("_T")
_SECONDS = 60.0  # the policy works in seconds, the model in minutes
_HOUR = 60.0


class SimulationLimitError(RuntimeError):
    """A replication needed more than ``Params.max_events`` events."""


def _per_hour(schedule: tuple[_T, ...], hour: int) -> _T:
    """The schedule's value for ``hour``: one value holds all day."""
    return schedule[hour] if len(schedule) > 1 else schedule[0]


class _Visit:
    """One applicant's ticket on its way through the stages."""

    __slots__ = (
        "arrived_at",
        "entered_at",
        "lane",
        "measured",
        "route",
        "service_class",
        "step",
        "ticket_id",
        "waited",
    )

    def __init__(
        self,
        ticket_id: int,
        lane: str,
        service_class: str,
        route: list[_StageRun],
        arrived_at: float,
        measured: bool,
    ) -> None:
        self.ticket_id = ticket_id
        self.lane = lane
        self.service_class = service_class
        self.route = route
        self.step = 0
        self.arrived_at = arrived_at
        self.entered_at = arrived_at
        self.waited = 0.0
        self.measured = measured


class _LaneTally:
    """What one lane measured over a replication."""

    def __init__(self) -> None:
        self.tickets = 0
        self.served = 0
        self.turned_away = 0
        self.no_show = 0
        self.total_wait: list[float] = []
        self.time_in_office: list[float] = []


class _StageTally:
    """What one stage measured over a replication."""

    def __init__(self, lanes: tuple[Lane, ...], buckets: int) -> None:
        self.waits: dict[str, list[float]] = {lane.name: [] for lane in lanes}
        self.busy_time = 0.0
        self.available_time = 0.0
        self.queue_area = [0.0] * buckets
        self.queue_max = 0


class _Window:
    """The stretch of simulated time that figures cover, cut into buckets."""

    def __init__(self, start: float, end: float, width: float, buckets: int) -> None:
        self.start = start
        self.end = end
        self.width = width
        self.buckets = buckets

    def bucket_lengths(self) -> list[float]:
        return [
            min(self.width, self.end - self.start - i * self.width) for i in range(self.buckets)
        ]


class _StageRun:
    """One stage during one simulated day: its queue, its counters, its measurements."""

    def __init__(
        self,
        env: simpy.Environment,
        spec: Stage,
        policy: Policy,
        service: Sampler,
        routing: Sampler,
        tally: _StageTally,
        window: _Window,
        advance: Callable[[_Visit], None],
    ) -> None:
        self.env = env
        self.spec = spec
        self.choose = policy.choose
        self.service = service
        self.routing = routing
        self.tally = tally
        self.window = window
        self.advance = advance
        self.state = PolicyState()
        self.waiting: dict[int, Waiting] = {}
        self.visits: dict[int, _Visit] = {}
        self.busy = 0
        self.open = 0

    def join(self, visit: _Visit) -> None:
        now = self.env.now
        visit.entered_at = now
        ticket = visit.ticket_id
        self.waiting[ticket] = Waiting(
            ticket_id=ticket,
            service_class=visit.service_class,
            arrived_at=visit.arrived_at * _SECONDS,
            stage_entered_at=now * _SECONDS,
            lane=visit.lane,
        )
        self.visits[ticket] = visit
        self.dispatch()
        if len(self.waiting) > self.tally.queue_max and self.window.start <= now < self.window.end:
            self.tally.queue_max = len(self.waiting)

    def set_counters(self, count: int) -> None:
        self.open = count
        self.dispatch()

    def dispatch(self) -> None:
        """Call tickets while a counter is free."""
        if self.busy >= self.open or not self.waiting:
            return
        env = self.env
        now = env.now
        tally = self.tally
        start, end = self.window.start, self.window.end
        while self.busy < self.open and self.waiting:
            chosen = self.choose(self.waiting.values(), now=now * _SECONDS, state=self.state)
            assert chosen is not None
            del self.waiting[chosen.ticket_id]
            visit = self.visits.pop(chosen.ticket_id)
            wait = now - visit.entered_at
            visit.waited += wait
            if visit.measured:
                tally.waits[visit.lane].append(wait)
            if wait > 0:
                self.add_queue_time(visit.entered_at, now)
            duration = self.service()
            self.busy += 1
            if start <= now and now + duration <= end:
                tally.busy_time += duration
            else:
                # Only counter time inside the window counts towards utilisation.
                tally.busy_time += max(0.0, min(now + duration, end) - max(now, start))
            env.timeout(duration, visit).callbacks.append(self._finish)

    def _finish(self, event: simpy.Event) -> None:
        self.busy -= 1
        self.advance(cast(_Visit, event.value))
        self.dispatch()

    def add_queue_time(self, since: float, until: float) -> None:
        """Add one ticket's wait from ``since`` to ``until`` to the queue-length buckets.

        The time integral of the queue length is the sum of the tickets' waits, so the
        queue is measured ticket by ticket rather than at every change of its length.
        """
        window = self.window
        start = since if since > window.start else window.start
        end = until if until < window.end else window.end
        area = self.tally.queue_area
        while start < end:
            bucket = min(int((start - window.start) // window.width), window.buckets - 1)
            edge = min(end, window.start + (bucket + 1) * window.width)
            area[bucket] += edge - start
            start = edge

    def close(self, now: float) -> None:
        """Count the waits of tickets never called into the queue-length buckets."""
        for visit in self.visits.values():
            self.add_queue_time(visit.entered_at, now)


class _LaneRun:
    """One lane during one simulated day."""

    def __init__(
        self,
        spec: Lane,
        routes: list[tuple[_StageRun, float]],
        tally: _LaneTally,
        intake_end: float,
    ) -> None:
        self.spec = spec
        self.routes = routes
        self.tally = tally
        # No ticket from this time on (closing or the lane's cut-off), nor past the quota.
        self.intake_end = intake_end
        self.quota = math.inf if spec.daily_quota is None else spec.daily_quota
        self.issued = 0
        self.times: Iterator[float] = iter(())


def _poisson_times(gap: Sampler, until: float) -> Iterator[float]:
    """Arrival times of a Poisson stream up to ``until``."""
    t = gap()
    while t < until:
        yield t
        t += gap()


class _Streams:
    """One random stream per source, spawned in a fixed order from the replication's seed.

    Arrivals: one generator per lane. Service times and routing: one stream each per
    stage. Streams carry on from one day to the next.
    """

    def __init__(self, params: Params, seed: np.random.SeedSequence) -> None:
        children = iter(seed.spawn(len(params.lanes) + 2 * len(params.stages)))
        self.arrivals = {lane.name: np.random.default_rng(next(children)) for lane in params.lanes}
        self.service: dict[str, Sampler] = {}
        self.routing: dict[str, Sampler] = {}
        for stage in params.stages:
            self.service[stage.name] = service_sampler(
                stage.service, np.random.default_rng(next(children))
            )
            self.routing[stage.name] = uniform_sampler(np.random.default_rng(next(children)))


class _Day:
    """One simulated office day (or the one steady-state run) in its own SimPy environment."""

    def __init__(
        self,
        params: Params,
        streams: _Streams,
        lane_tallies: dict[str, _LaneTally],
        stage_tallies: dict[str, _StageTally],
        window: _Window,
        tickets: Iterator[int],
    ) -> None:
        self.params = params
        self.env = simpy.Environment()
        self.streams = streams
        self.window = window
        self.tickets = tickets
        self.lane_tallies = lane_tallies
        # Steady state ends once every visit that arrived in the window has left; an
        # office day ends when nothing is left to happen.
        self.outstanding = 0
        self.finished = False
        policy = get_policy(params.policy)
        self.stages = [
            _StageRun(
                self.env,
                stage,
                policy,
                streams.service[stage.name],
                streams.routing[stage.name],
                stage_tallies[stage.name],
                window,
                self.advance,
            )
            for stage in params.stages
        ]
        self.lanes = [
            _LaneRun(
                lane,
                [(run, params.visit_probability(lane, run.spec)) for run in self.stages],
                lane_tallies[lane.name],
                min(
                    math.inf if params.steady_state else params.closing,
                    math.inf if lane.intake_cutoff is None else lane.intake_cutoff,
                ),
            )
            for lane in params.lanes
        ]

    # -- the visit ----------------------------------------------------------------

    def arrive(self, lane: _LaneRun) -> None:
        now = self.env.now
        if now >= lane.intake_end or lane.issued >= lane.quota:
            lane.tally.turned_away += 1
            return
        lane.issued += 1
        # Stages certain either way draw nothing, so their routing streams stay put.
        route = [
            stage
            for stage, probability in lane.routes
            if probability >= 1.0 or (probability > 0.0 and stage.routing() < probability)
        ]
        measured = self.window.start <= now < self.window.end
        if measured:
            lane.tally.tickets += 1
            self.outstanding += 1
        spec = lane.spec
        visit = _Visit(next(self.tickets), spec.name, spec.service_class, route, now, measured)
        self.advance(visit)

    def advance(self, visit: _Visit) -> None:
        """Send the visit to its next stage, or out of the office."""
        if visit.step < len(visit.route):
            stage = visit.route[visit.step]
            visit.step += 1
            stage.join(visit)
            return
        if visit.measured:
            tally = self.lane_tallies[visit.lane]
            tally.served += 1
            tally.total_wait.append(visit.waited)
            tally.time_in_office.append(self.env.now - visit.arrived_at)
            self.outstanding -= 1
            if (
                self.params.steady_state
                and self.outstanding == 0
                and self.env.now >= self.window.end
            ):
                self.finished = True

    # -- arrivals and shifts -------------------------------------------------------

    def _start_arrivals(self, lane: _LaneRun, times: Iterator[float]) -> None:
        lane.times = times
        self._schedule_arrival(lane)

    def _schedule_arrival(self, lane: _LaneRun) -> None:
        at = next(lane.times, None)
        if at is not None:
            self.env.timeout(max(at - self.env.now, 0.0), lane).callbacks.append(self._on_arrival)

    def _on_arrival(self, event: simpy.Event) -> None:
        lane = cast(_LaneRun, event.value)
        self.arrive(lane)
        self._schedule_arrival(lane)

    def _shifts(self, stage: _StageRun) -> Generator[simpy.Event, None, None]:
        env = self.env
        closing = self.params.closing
        counters = stage.spec.counters
        for hour in range(self.params.hours):
            start = hour * _HOUR
            if start > env.now:
                yield env.timeout(start - env.now)
            stage.set_counters(_per_hour(counters, hour))
        yield env.timeout(closing - env.now)
        stage.set_counters(0)

    # -- running -------------------------------------------------------------------

    def run_office_day(self, max_events: int) -> int:
        """Simulate one day; return the number of events it took."""
        for stage in self.stages:
            stage.tally.available_time += sum(
                length * _per_hour(stage.spec.counters, hour)
                for hour, length in enumerate(self.window.bucket_lengths())
            )
            self.env.process(self._shifts(stage))
        for lane in self.lanes:
            self._start_arrivals(lane, iter(self._arrival_times(lane)))
        return self._run(math.inf, max_events)

    def run_steady_state(self, max_events: int) -> int:
        """Simulate warm-up and the measured stretch, then carry on (arrivals included,
        so the last visitors see the same traffic) until the visitors who arrived in
        the window have all left; return the event count."""
        params = self.params
        for stage in self.stages:
            stage.tally.available_time += stage.spec.counters[0] * params.run_length
            stage.set_counters(stage.spec.counters[0])
        for lane in self.lanes:
            rng = self.streams.arrivals[lane.spec.name]
            gap = exponential_sampler(_HOUR / lane.spec.walk_in_per_hour[0], rng)
            self._start_arrivals(lane, _poisson_times(gap, math.inf))
        self.env.timeout(self.window.end).callbacks.append(self._window_closed)
        return self._run(math.inf, max_events)

    def _window_closed(self, event: simpy.Event) -> None:
        if self.outstanding == 0:
            self.finished = True

    def _run(self, until: float, max_events: int) -> int:
        env = self.env
        step = env.step
        peek = env.peek
        events = 0
        while not self.finished and peek() < until:
            if events == max_events:
                raise SimulationLimitError(
                    f"a replication needed more than max_events={self.params.max_events} "
                    "events; shorten the run or raise max_events"
                )
            step()
            events += 1
        for stage in self.stages:
            stage.close(env.now)
        return events

    def _arrival_times(self, lane: _LaneRun) -> list[float]:
        """All of the day's arrival times for the lane, drawn from its own stream."""
        spec = lane.spec
        rng = self.streams.arrivals[spec.name]
        closing = self.params.closing
        times: list[float] = []
        rates = spec.walk_in_per_hour
        if rates:
            for hour in range(self.params.hours):
                rate = _per_hour(rates, hour)
                start = hour * _HOUR
                length = min(_HOUR, closing - start)
                count = rng.poisson(rate * length / _HOUR)
                times.extend((start + length * rng.random(count)).tolist())
        for session in spec.sessions:
            shows = rng.random(session.booked) >= spec.no_show
            offsets = rng.normal(spec.arrival_offset_mean, spec.arrival_offset_sd, session.booked)
            lane.tally.no_show += int(session.booked - shows.sum())
            # Early birds wait outside until the doors open.
            times.extend(np.maximum(session.start + offsets[shows], 0.0).tolist())
        times.sort()
        return times


def run_replication(params: Params, seed: np.random.SeedSequence) -> tuple[dict[str, Any], int]:
    """Simulate one replication; return its figures and the number of events."""
    streams = _Streams(params, seed)
    if params.steady_state:
        window = _Window(params.warmup, params.warmup + params.run_length, params.run_length, 1)
    else:
        window = _Window(0.0, params.closing, _HOUR, params.hours)
    lane_tallies = {lane.name: _LaneTally() for lane in params.lanes}
    stage_tallies = {
        stage.name: _StageTally(params.lanes, window.buckets) for stage in params.stages
    }
    tickets = itertools.count(1)
    events = 0
    for _ in range(1 if params.steady_state else params.days):
        day = _Day(params, streams, lane_tallies, stage_tallies, window, tickets)
        budget = params.max_events - events
        if params.steady_state:
            events += day.run_steady_state(budget)
        else:
            events += day.run_office_day(budget)
    return _figures(params, lane_tallies, stage_tallies, window), events


# --- figures of one replication -------------------------------------------------


def _wait_figures(waits: np.ndarray, compliant: int, days: int) -> dict[str, float | None]:
    n = len(waits)
    if n == 0:
        empty: dict[str, float | None] = dict.fromkeys(
            ("mean", "median", "p90", "p95", "p_wait", "sop_compliance")
        )
        return {"called": 0.0, **empty}
    median, p90, p95 = np.percentile(waits, [50, 90, 95]).tolist()
    return {
        "called": n / days,
        "mean": float(waits.mean()),
        "median": median,
        "p90": p90,
        "p95": p95,
        "p_wait": float(np.count_nonzero(waits > 0)) / n,
        "sop_compliance": compliant / n,
    }


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _p90(values: list[float]) -> float | None:
    return float(np.percentile(values, 90)) if values else None


def _figures(
    params: Params,
    lane_tallies: dict[str, _LaneTally],
    stage_tallies: dict[str, _StageTally],
    window: _Window,
) -> dict[str, Any]:
    days = 1 if params.steady_state else params.days
    lengths = window.bucket_lengths()
    classes = sorted({lane.service_class for lane in params.lanes})
    # Per lane over all stages: stage waits within the standard, and stage waits.
    within = dict.fromkeys(lane_tallies, 0)
    called = dict.fromkeys(lane_tallies, 0)
    stages: dict[str, Any] = {}
    for stage in params.stages:
        tally = stage_tallies[stage.name]
        waits = {name: np.asarray(w, dtype=float) for name, w in tally.waits.items()}
        compliant = {
            lane.name: int(
                np.count_nonzero(waits[lane.name] <= stage.standard_for(lane.service_class))
            )
            for lane in params.lanes
        }
        for name in lane_tallies:
            within[name] += compliant[name]
            called[name] += len(waits[name])

        def pooled(
            names: list[str],
            waits: dict[str, np.ndarray] = waits,
            compliant: dict[str, int] = compliant,
        ) -> dict[str, float | None]:
            return _wait_figures(
                np.concatenate([waits[n] for n in names]), sum(compliant[n] for n in names), days
            )

        stages[stage.name] = {
            "utilisation": tally.busy_time / tally.available_time if tally.available_time else None,
            "queue_mean": sum(tally.queue_area) / (sum(lengths) * days),
            "queue_max": float(tally.queue_max),
            "queue_by_hour": (
                []
                if params.steady_state
                else [
                    area / (length * days)
                    for area, length in zip(tally.queue_area, lengths, strict=True)
                ]
            ),
            "wait": pooled([lane.name for lane in params.lanes]),
            "lanes": {lane.name: pooled([lane.name]) for lane in params.lanes},
            "classes": {
                cls: pooled([lane.name for lane in params.lanes if lane.service_class == cls])
                for cls in classes
            },
        }
    lanes: dict[str, Any] = {}
    for name, lane_tally in lane_tallies.items():
        lanes[name] = {
            "tickets": lane_tally.tickets / days,
            "served": lane_tally.served / days,
            "not_served": (lane_tally.tickets - lane_tally.served) / days,
            "turned_away": lane_tally.turned_away / days,
            "no_show": lane_tally.no_show / days,
            "wait_total_mean": _mean(lane_tally.total_wait),
            "wait_total_p90": _p90(lane_tally.total_wait),
            "time_in_office_mean": _mean(lane_tally.time_in_office),
            "time_in_office_p90": _p90(lane_tally.time_in_office),
            "sop_compliance": within[name] / called[name] if called[name] else None,
        }
    return {"lanes": lanes, "stages": stages}
