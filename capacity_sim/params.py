"""Scenario parameters: plain frozen dataclasses, validated when a ``Params`` is built.

Units: times in minutes, clock times in minutes after the office opens, arrival rates
per hour, probabilities as fractions in [0, 1]. Schedules given per hour (walk-in
rates, counters) hold one value for the whole day or one value per opening hour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from loket.queueing.policy import CLASS_RANK, SERVICE_CLASSES, get_policy

from .distributions import Distribution


@dataclass(frozen=True)
class Session:
    """A booked session: ``booked`` applicants expected at ``start`` (minutes after opening)."""

    start: float
    booked: int


@dataclass(frozen=True)
class Lane:
    """One way in: online bookings, walk-ins, priority walk-ins, percepatan, pickup...

    - ``service_class``: how the queue policy ranks its tickets (priority, percepatan,
      regular, pickup).
    - ``walk_in_per_hour``: Poisson walk-in rate (arrivals per hour), one value for the
      whole day or one per opening hour. In steady state, the one constant rate.
    - ``sessions``: booked sessions; each booking shows up with probability
      ``1 - no_show``, at the session start plus a normal offset (``arrival_offset_mean``,
      ``arrival_offset_sd`` minutes; negative means early). Early birds wait for the
      doors to open.
    - ``intake_cutoff``: minutes after opening from which no ticket of this lane is
      issued (the percepatan morning cut-off); later arrivals are turned away.
    - ``daily_quota``: tickets issued per day at most; later arrivals are turned away.
    - ``routing``: per-stage probability of visiting that stage, overriding the stage's
      own ``probability`` (e.g. more BAP for walk-ins, only the pickup stage for pickup).
    """

    name: str
    service_class: str = "regular"
    walk_in_per_hour: tuple[float, ...] = ()
    sessions: tuple[Session, ...] = ()
    no_show: float = 0.0
    arrival_offset_mean: float = -10.0
    arrival_offset_sd: float = 10.0
    intake_cutoff: float | None = None
    daily_quota: int | None = None
    routing: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    """One step of the visit (check-in, document check, interview, biometrics, BAP...).

    - ``service``: service time per ticket (minutes).
    - ``counters``: counters open, one value for the whole day or one per opening hour
      (the shift schedule). A counter busy at a change of shift finishes its ticket.
    - ``probability``: share of visits that need this stage (BAP: only some do).
    - ``wait_standard``: SOP wait standard at this stage (minutes);
      ``wait_standard_by_class`` overrides it per service class.
    """

    name: str
    service: Distribution
    counters: tuple[int, ...] = (1,)
    probability: float = 1.0
    wait_standard: float = 30.0
    wait_standard_by_class: Mapping[str, float] = field(default_factory=dict)

    def standard_for(self, service_class: str) -> float:
        """The SOP wait standard (minutes) for a ticket of ``service_class``."""
        return self.wait_standard_by_class.get(service_class, self.wait_standard)


@dataclass(frozen=True)
class Params:
    """A whole scenario. Building one validates it and raises ``ValueError`` naming
    every bad parameter.

    Units: all times in minutes (clock times in minutes after the office opens),
    arrival rates per hour, probabilities as fractions.

    - ``lanes``, ``stages``: see ``Lane`` and ``Stage``; visits take the stages in order.
    - ``policy``: a queue policy name from ``loket.queueing.policy.POLICIES``.
    - ``closing``, ``days``: office-day mode, below.
    - ``steady_state``, ``warmup``, ``run_length``: steady-state mode, below.
    - ``replications``, ``seed``, ``max_events``: how the runs are made, below.

    Office-day mode (default): the office opens at minute 0; arrivals are taken until
    ``closing`` (minutes after opening), when counters stop calling tickets; tickets
    still waiting then count as not served. ``days`` days per replication.

    Steady-state mode (``steady_state=True``, for textbook validation): constant
    Poisson walk-in rates and constant counters, no closing. Figures cover the
    visitors who arrive between ``warmup`` and ``warmup + run_length`` minutes (the
    model runs on until they have all left); utilisation and queue length cover that
    stretch of time. Every stage must have utilisation < 1.

    ``replications`` independent runs, each with its own random streams spawned from
    ``seed``, give the 95 % confidence intervals. ``max_events`` bounds the work of
    one replication.
    """

    lanes: tuple[Lane, ...]
    stages: tuple[Stage, ...]
    policy: str = "strict_priority"
    closing: float = 480.0
    days: int = 1
    replications: int = 10
    seed: int = 0
    steady_state: bool = False
    warmup: float = 0.0
    run_length: float = 0.0
    max_events: int = 50_000_000

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError("invalid scenario: " + "; ".join(problems))

    @property
    def hours(self) -> int:
        """Opening hours, counting a part hour as one."""
        return max(1, math.ceil(self.closing / 60.0))

    def visit_probability(self, lane: Lane, stage: Stage) -> float:
        """Probability that a visit of ``lane`` goes through ``stage``."""
        return lane.routing.get(stage.name, stage.probability)

    def steady_utilisation(self, stage: Stage) -> float:
        """Steady-state offered load per counter at ``stage`` (lambda * E[S] / c)."""
        per_minute = sum(
            lane.walk_in_per_hour[0] / 60.0 * self.visit_probability(lane, stage)
            for lane in self.lanes
            if lane.walk_in_per_hour
        )
        counters = stage.counters[0]
        if counters == 0:
            return math.inf if per_minute > 0 else 0.0
        return per_minute * stage.service.expected() / counters

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Params:
        """Build from JSON-like data (lists for tuples, ints allowed for floats)."""
        return _from_dict(data)


# --- validation -----------------------------------------------------------------


def _finite(value: object) -> float | None:
    """``value`` as a float if it is a finite number (not a bool), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _non_negative(value: object) -> bool:
    number = _finite(value)
    return number is not None and number >= 0


def _positive(value: object) -> bool:
    number = _finite(value)
    return number is not None and number > 0


def _fraction(value: object) -> bool:
    number = _finite(value)
    return number is not None and 0 <= number <= 1


def _schedule_problem(name: str, values: tuple[Any, ...], p: Params) -> str | None:
    if p.steady_state and len(values) != 1:
        return f"{name} needs exactly 1 value in steady state, got {len(values)}"
    if len(values) not in (1, p.hours):
        return (
            f"{name} needs 1 value (all day) or {p.hours} (one per opening hour), got {len(values)}"
        )
    return None


def _problems(p: Params) -> list[str]:
    problems: list[str] = []
    bad = problems.append

    if not isinstance(p.policy, str):
        bad(f"policy must be a policy name, got {p.policy!r}")
    else:
        try:
            get_policy(p.policy)
        except ValueError as exc:
            bad(f"policy: {exc}")
    if not (_is_int(p.days) and p.days >= 1):
        bad(f"days must be an integer >= 1, got {p.days!r}")
    if not (_is_int(p.replications) and p.replications >= 1):
        bad(f"replications must be an integer >= 1, got {p.replications!r}")
    if not (_is_int(p.seed) and p.seed >= 0):
        bad(f"seed must be an integer >= 0, got {p.seed!r}")
    if not (_is_int(p.max_events) and p.max_events >= 1):
        bad(f"max_events must be an integer >= 1, got {p.max_events!r}")

    # The lane and stage checks below need these.
    prerequisites: list[str] = []
    if not _positive(p.closing):
        prerequisites.append(f"closing must be a number of minutes > 0, got {p.closing!r}")
    if not isinstance(p.steady_state, bool):
        prerequisites.append(f"steady_state must be true or false, got {p.steady_state!r}")
    if not p.lanes:
        prerequisites.append("lanes: give at least one lane")
    if not p.stages:
        prerequisites.append("stages: give at least one stage")
    if prerequisites:
        return problems + prerequisites

    stage_names = [s.name for s in p.stages]
    for i, stage in enumerate(p.stages):
        where = f"stage {stage.name!r}" if stage.name else f"stages[{i}]"
        if not (isinstance(stage.name, str) and stage.name):
            bad(f"{where}: name must be a non-empty string")
        elif stage_names.count(stage.name) > 1:
            bad(f"{where}: name is used by more than one stage")
        if not isinstance(stage.service, Distribution):
            bad(f"{where}: service must be a Distribution")
        else:
            problems.extend(f"{where}: service {e}" for e in stage.service.errors())
        if not stage.counters or not all(_is_int(c) and c >= 0 for c in stage.counters):
            bad(f"{where}: counters must be integers >= 0, got {stage.counters!r}")
        elif max(stage.counters) == 0:
            bad(f"{where}: counters are 0 all day, so nobody could be served")
        elif (problem := _schedule_problem("counters", stage.counters, p)) is not None:
            bad(f"{where}: {problem}")
        if not _fraction(stage.probability):
            bad(f"{where}: probability must be between 0 and 1, got {stage.probability!r}")
        if not _non_negative(stage.wait_standard):
            bad(f"{where}: wait_standard must be minutes >= 0, got {stage.wait_standard!r}")
        for cls, minutes in stage.wait_standard_by_class.items():
            if cls not in CLASS_RANK:
                bad(
                    f"{where}: wait_standard_by_class has unknown class {cls!r}; "
                    f"valid classes: {', '.join(SERVICE_CLASSES)}"
                )
            elif not _non_negative(minutes):
                bad(f"{where}: wait_standard_by_class[{cls!r}] must be minutes >= 0")

    lane_names = [lane.name for lane in p.lanes]
    for i, lane in enumerate(p.lanes):
        where = f"lane {lane.name!r}" if lane.name else f"lanes[{i}]"
        if not (isinstance(lane.name, str) and lane.name):
            bad(f"{where}: name must be a non-empty string")
        elif lane_names.count(lane.name) > 1:
            bad(f"{where}: name is used by more than one lane")
        if lane.service_class not in CLASS_RANK:
            bad(
                f"{where}: service_class {lane.service_class!r} is unknown; "
                f"valid classes: {', '.join(SERVICE_CLASSES)}"
            )
        if not all(_non_negative(r) for r in lane.walk_in_per_hour):
            bad(f"{where}: walk_in_per_hour must be arrivals per hour >= 0")
        elif lane.walk_in_per_hour and (
            problem := _schedule_problem("walk_in_per_hour", lane.walk_in_per_hour, p)
        ):
            bad(f"{where}: {problem}")
        for j, session in enumerate(lane.sessions):
            if not (_non_negative(session.start) and session.start < p.closing):
                bad(
                    f"{where}: sessions[{j}].start must be minutes in [0, closing), "
                    f"got {session.start!r}"
                )
            if not (_is_int(session.booked) and session.booked >= 0):
                bad(f"{where}: sessions[{j}].booked must be an integer >= 0")
        if not lane.walk_in_per_hour and not lane.sessions:
            bad(f"{where}: no arrivals; give walk_in_per_hour or sessions")
        if not _fraction(lane.no_show):
            bad(f"{where}: no_show must be between 0 and 1, got {lane.no_show!r}")
        if _finite(lane.arrival_offset_mean) is None:
            bad(f"{where}: arrival_offset_mean must be a number of minutes")
        if not _non_negative(lane.arrival_offset_sd):
            bad(f"{where}: arrival_offset_sd must be minutes >= 0")
        if lane.intake_cutoff is not None and not _non_negative(lane.intake_cutoff):
            bad(f"{where}: intake_cutoff must be minutes >= 0, got {lane.intake_cutoff!r}")
        if lane.daily_quota is not None and not (
            _is_int(lane.daily_quota) and lane.daily_quota >= 0
        ):
            bad(f"{where}: daily_quota must be an integer >= 0, got {lane.daily_quota!r}")
        for stage_name, prob in lane.routing.items():
            if stage_name not in stage_names:
                bad(
                    f"{where}: routing names unknown stage {stage_name!r}; "
                    f"stages: {', '.join(stage_names)}"
                )
            elif not _fraction(prob):
                bad(f"{where}: routing[{stage_name!r}] must be between 0 and 1, got {prob!r}")

    if p.steady_state:
        problems.extend(_steady_state_problems(p))
    elif p.warmup or p.run_length:
        bad("warmup and run_length apply only with steady_state=true")
    return problems


def _steady_state_problems(p: Params) -> list[str]:
    problems: list[str] = []
    bad = problems.append
    if not _non_negative(p.warmup):
        bad(f"warmup must be minutes >= 0, got {p.warmup!r}")
    if not _positive(p.run_length):
        bad(f"run_length must be minutes > 0 in steady state, got {p.run_length!r}")
    for lane in p.lanes:
        if lane.sessions:
            bad(f"lane {lane.name!r}: sessions are not allowed in steady state")
        if not lane.walk_in_per_hour or not lane.walk_in_per_hour[0] > 0:
            bad(f"lane {lane.name!r}: steady state needs a walk_in_per_hour rate > 0")
        if lane.intake_cutoff is not None or lane.daily_quota is not None:
            bad(f"lane {lane.name!r}: intake_cutoff and daily_quota need an office day")
    if problems:
        return problems
    for stage in p.stages:
        rho = p.steady_utilisation(stage)
        if rho >= 1:
            bad(
                f"stage {stage.name!r}: utilisation {rho:.3f} >= 1, so its queue grows "
                "without bound and has no steady state; add counters or lower arrivals"
            )
    return problems


# --- from JSON --------------------------------------------------------------------


def _build(kind: type, data: Any, where: str, convert: Mapping[str, Any]) -> Any:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
    names = {f.name for f in fields(kind)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(
            f"{where}: unknown field(s) {', '.join(unknown)}; "
            f"valid fields: {', '.join(sorted(names))}"
        )
    required = {
        f.name for f in fields(kind) if f.default is MISSING and f.default_factory is MISSING
    }
    missing = sorted(required - set(data))
    if missing:
        raise ValueError(f"{where}: missing field(s) {', '.join(missing)}")
    values = {}
    for key, value in data.items():
        values[key] = convert[key](value, f"{where}.{key}") if key in convert else value
    return kind(**values)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{where}: expected a list, got {type(value).__name__}")
    return list(value)


def _schedule(value: Any, where: str) -> tuple[Any, ...]:
    # A bare number means the same value all day.
    if _finite(value) is not None:
        return (value,)
    return tuple(_list(value, where))


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: expected an object, got {type(value).__name__}")
    return dict(value)


def _distribution(value: Any, where: str) -> Distribution:
    convert = {"values": lambda v, w: tuple(_list(v, w))}
    return _build(Distribution, value, where, convert)


def _sessions(value: Any, where: str) -> tuple[Session, ...]:
    return tuple(
        _build(Session, item, f"{where}[{i}]", {}) for i, item in enumerate(_list(value, where))
    )


_LANE = {
    "walk_in_per_hour": _schedule,
    "sessions": _sessions,
    "routing": _mapping,
}
_STAGE = {
    "service": _distribution,
    "counters": _schedule,
    "wait_standard_by_class": _mapping,
}


def _from_dict(data: Mapping[str, Any]) -> Params:
    def lanes(value: Any, where: str) -> tuple[Lane, ...]:
        return tuple(
            _build(Lane, item, f"{where}[{i}]", _LANE) for i, item in enumerate(_list(value, where))
        )

    def stages(value: Any, where: str) -> tuple[Stage, ...]:
        return tuple(
            _build(Stage, item, f"{where}[{i}]", _STAGE)
            for i, item in enumerate(_list(value, where))
        )

    return _build(Params, data, "scenario", {"lanes": lanes, "stages": stages})
