"""Capacity planning: turn a plan (what a supervisor edits) into simulator parameters,
run it, search for the fewest counters, and keep scenarios.

A *plan* is a JSON-ready dict, the form state of one what-if scenario::

    {"name", "policy", "service_model": "lognormal" | "empirical", "steady_state",
     "opens": "08:00", "closing": minutes, "source": text,
     "stages": [{"code", "label", "counters": [per hour], "mean", "sd", "values",
                 "wait_standard"}],
     "lanes": [{"prefix", "label", "service_class", "arrivals": [per hour],
                "walk_in_share", "daily_quota", "bap_share"}]}

``plan_params`` builds the same scenario JSON that ``python -m capacity_sim`` and
``manage.py simulate`` read.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from capacity_sim import Params, SimulationLimitError, run
from loket.core.audit import audit_record
from loket.core.calendar import days_off
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import User
from loket.offices.choices import QuotaCategory, StageCode
from loket.offices.models import Counter, DailyQuota, Office, Target
from loket.offices.selectors import office_require_role
from loket.planning.calibration import (
    Calibration,
    office_lanes,
    opening_day,
    sim_stages,
)
from loket.planning.models import DutyDay, QuotaPlan, SavedScenario, StoredReport
from loket.planning.selectors import PLAN_EDITOR_ROLES, PLANNER_ROLES
from loket.queueing.choices import ServiceClass
from loket.queueing.models import QueueConfig
from loket.queueing.policy import POLICIES

# Keep each run from the UI quick: few replications of one day, bounded work.
UI_REPLICATIONS = 5
UI_SEED = 2026
UI_MAX_EVENTS = 2_000_000
MAX_COUNTERS = 50
MAX_ARRIVALS_PER_HOUR = 500.0
STAFFING_REPLICATIONS = 3
STAFFING_MAX_RUNS = 30
# The per-hour refinement has its own budget on top of the whole-day search.
STAFFING_HOURLY_MAX_RUNS = 40
# Per-hour start: enough counters for this share of busy time at the hour's offered load.
STAFFING_START_UTILISATION = 0.8
# The per-hour answer is confirmed on independent days (another seed, more of them),
# since lowering one stage-hour at a time fits the search's own few days.
STAFFING_CONFIRM_REPLICATIONS = 10
STAFFING_CONFIRM_RESERVE = 8
# Booked applicants come within their booked hour (offset after the hour starts).
BOOKED_OFFSET_MEAN = 25.0
BOOKED_OFFSET_SD = 15.0
STEADY_WARMUP = 60.0
STEADY_RUN_LENGTH = 480.0

# Assumed BAP shares when the office has no records yet (brief §4: BAP for lost and
# damaged passports and data changes, which come as walk-ins).
_SETUP_BAP = {"booked": 0.03, "walk_in": 0.2, ServiceClass.PRIORITY: 0.1}


def _hours(closing: float) -> int:
    return max(1, math.ceil(closing / 60))


def _default_policy(office: Office) -> str:
    config = QueueConfig.objects.filter(office=office).first()
    return config.policy if config is not None and config.policy in POLICIES else "weighted"


def plan_from_calibration(*, office: Office, calibration: Calibration, name: str) -> dict[str, Any]:
    """A plan that reproduces what the records show."""
    stages = []
    for fit in calibration.stages:
        # A stage in use keeps at least one counter open every hour: counters seen
        # calling undercount a stage that is open but rarely needed (BAP).
        counters = [max(1, round(c)) for c in fit.counters_by_hour]
        if fit.visits == 0 or not any(fit.counters_by_hour):
            counters = [_counters_serving(office, fit.code)]
        elif len(set(counters)) == 1:
            counters = counters[:1]
        mean = fit.mean if fit.mean is not None else float(fit.sop_service)
        sd = fit.sd if fit.sd else mean / 2
        stages.append(
            {
                "code": fit.code,
                "label": fit.label,
                "counters": counters,
                "mean": round(mean, 3),
                "sd": round(sd, 3),
                "values": list(fit.values),
                "wait_standard": fit.wait_standard,
            }
        )
    lanes = [
        {
            "prefix": fit.prefix,
            "label": fit.name,
            "service_class": fit.service_class,
            "arrivals": list(fit.per_hour),
            "walk_in_share": fit.walk_in_share,
            "daily_quota": None,
            "bap_share": fit.bap_share,
        }
        for fit in calibration.lanes
    ]
    return {
        "name": name,
        "policy": _default_policy(office),
        "service_model": "lognormal",
        "steady_state": False,
        "opens": calibration.opens.strftime("%H:%M"),
        "closing": calibration.closing_minutes,
        "source": f"{calibration.start.isoformat()}..{calibration.end.isoformat()}",
        "stages": stages,
        "lanes": lanes,
    }


def _counters_serving(office: Office, code: str) -> int:
    return max(1, Counter.objects.filter(office=office, is_active=True, stages__code=code).count())


def plan_from_setup(*, office: Office, name: str) -> dict[str, Any]:
    """A plan from the office's set-up alone (stages, counters, daily quotas), for an
    office without records: SOP service times, quotas spread over their sessions."""
    opens, closing = opening_day(office)
    hours = _hours(closing)
    opens_minute = opens.hour * 60 + opens.minute
    stages = [
        {
            "code": stage.code,
            "label": str(stage.get_code_display()),
            "counters": [_counters_serving(office, stage.code)],
            "mean": float(stage.sop_service_minutes),
            "sd": round(stage.sop_service_minutes / 2, 3),
            "values": [],
            "wait_standard": stage.sop_wait_minutes,
        }
        for stage in sim_stages(office)
    ]
    by_category: dict[str, list[float]] = {}
    for row in DailyQuota.objects.filter(office=office).select_related("session"):
        start = row.session.starts.hour * 60 + row.session.starts.minute - opens_minute
        end = row.session.ends.hour * 60 + row.session.ends.minute - opens_minute
        first, last = max(0, start // 60), min(hours, max(start // 60 + 1, math.ceil(end / 60)))
        spread = by_category.setdefault(row.category, [0.0] * hours)
        for h in range(first, last):
            spread[h] += row.capacity / max(1, last - first)

    def rates(*categories: str) -> list[float]:
        total = [0.0] * hours
        for category in categories:
            for h, value in enumerate(by_category.get(category, [0.0] * hours)):
                total[h] += value
        return [round(v, 3) for v in total]

    lanes = []
    regular_seen = 0
    for prefix, label, cls in office_lanes(office):
        quota: int | None = None
        if cls == ServiceClass.PRIORITY:
            arrivals, share, bap = rates(QuotaCategory.PRIORITY), 1.0, _SETUP_BAP[cls]
            quota = round(sum(arrivals)) or None
        elif cls == ServiceClass.PERCEPATAN:
            arrivals, share, bap = rates(QuotaCategory.PERCEPATAN), 0.0, 0.0
        elif cls == ServiceClass.PICKUP:
            issued = sum(rates(QuotaCategory.REGULAR, QuotaCategory.PERCEPATAN))
            arrivals, share, bap = [round(issued / hours, 3)] * hours, 1.0, 0.0
        elif regular_seen == 0:
            regular_seen += 1
            arrivals, share, bap = rates(QuotaCategory.REGULAR), 0.0, _SETUP_BAP["booked"]
        else:
            regular_seen += 1
            arrivals = rates(QuotaCategory.WALK_IN) if regular_seen == 2 else [0.0] * hours
            share, bap = 1.0, _SETUP_BAP["walk_in"]
            quota = round(sum(arrivals)) or None
        lanes.append(
            {
                "prefix": prefix,
                "label": label,
                "service_class": cls,
                "arrivals": arrivals,
                "walk_in_share": share,
                "daily_quota": quota,
                "bap_share": bap,
            }
        )
    return {
        "name": name,
        "policy": _default_policy(office),
        "service_model": "lognormal",
        "steady_state": False,
        "opens": opens.strftime("%H:%M"),
        "closing": closing,
        "source": "setup",
        "stages": stages,
        "lanes": lanes,
    }


# --- plan -> simulator parameters ---------------------------------------------------


def _booked_sessions(arrivals: list[float], share: float) -> list[dict[str, Any]]:
    """Booked arrivals as one session per hour; cumulative rounding keeps the total."""
    sessions, carried, cumulative = [], 0, 0.0
    for hour, rate in enumerate(arrivals):
        cumulative += rate * (1 - share)
        booked = round(cumulative) - carried
        carried += booked
        if booked > 0:
            sessions.append({"start": hour * 60, "booked": booked})
    return sessions


def _service(stage: dict[str, Any], model: str) -> dict[str, Any]:
    mean, sd = float(stage["mean"]), float(stage["sd"])
    values = [float(v) for v in stage.get("values") or []]
    if model == "empirical" and values and sum(values) > 0:
        # The edited mean scales the observed durations.
        scale = mean / (sum(values) / len(values))
        return {"kind": "empirical", "values": [round(v * scale, 3) for v in values]}
    if sd <= 0:
        return {"kind": "deterministic", "mean": mean}
    return {"kind": "lognormal", "mean": mean, "sd": sd}


def plan_params(
    plan: dict[str, Any],
    *,
    replications: int = UI_REPLICATIONS,
    seed: int = UI_SEED,
    days: int = 1,
    max_events: int = UI_MAX_EVENTS,
) -> dict[str, Any]:
    """The capacity_sim scenario (JSON-ready) for ``plan``."""
    steady = bool(plan.get("steady_state"))
    closing = float(plan["closing"])
    hours = _hours(closing)
    stage_codes = [s["code"] for s in plan["stages"]]
    hall = [c for c in stage_codes if c != StageCode.PICKUP]
    stages = []
    for stage in plan["stages"]:
        stages.append(
            {
                "name": stage["code"],
                "service": _service(stage, plan.get("service_model", "lognormal")),
                "counters": list(stage["counters"]),
                "probability": 0.0 if stage["code"] in (StageCode.BAP, StageCode.PICKUP) else 1.0,
                "wait_standard": float(stage["wait_standard"]),
            }
        )
    lanes = []
    for lane in plan["lanes"]:
        arrivals = [float(a) for a in lane["arrivals"]]
        share = float(lane["walk_in_share"])
        if lane["service_class"] == ServiceClass.PICKUP:
            routing = dict.fromkeys(hall, 0.0)
            if StageCode.PICKUP in stage_codes:
                routing[StageCode.PICKUP] = 1.0
        else:
            routing = {}
            if StageCode.BAP in stage_codes:
                routing[StageCode.BAP] = float(lane.get("bap_share") or 0.0)
            if StageCode.PICKUP in stage_codes:
                routing[StageCode.PICKUP] = 0.0
        spec: dict[str, Any] = {
            "name": lane["prefix"],
            "service_class": lane["service_class"],
            "routing": routing,
        }
        if steady:
            spec["walk_in_per_hour"] = [round(sum(arrivals) / hours, 4)]
        else:
            sessions = _booked_sessions(arrivals, share)
            walk_ins = [round(a * share, 4) for a in arrivals]
            if sessions:
                spec.update(
                    sessions=sessions,
                    arrival_offset_mean=BOOKED_OFFSET_MEAN,
                    arrival_offset_sd=BOOKED_OFFSET_SD,
                )
            if any(walk_ins) or not sessions:
                spec["walk_in_per_hour"] = walk_ins if len(walk_ins) == hours else [0.0]
            if lane.get("daily_quota") is not None:
                spec["daily_quota"] = int(lane["daily_quota"])
        if steady and not spec["walk_in_per_hour"][0] > 0:
            continue  # a lane nobody uses has no place in a steady-state question
        lanes.append(spec)
    params: dict[str, Any] = {
        "policy": plan["policy"],
        "closing": closing,
        "days": days,
        "replications": replications,
        "seed": seed,
        "max_events": max_events,
        "lanes": lanes,
        "stages": stages,
    }
    if steady:
        params.update(steady_state=True, warmup=STEADY_WARMUP, run_length=STEADY_RUN_LENGTH)
    return params


_FIELD_PATTERNS = [
    (re.compile(r"^stage '([\w-]+)': (counters|utilisation)"), "counters_{}"),
    (re.compile(r"^stage '([\w-]+)': service"), "mean_{}"),
    (re.compile(r"^lane '([\w-]+)': daily_quota"), "quota_{}"),
    (re.compile(r"^lane '([\w-]+)': "), "arrivals_{}"),
    (re.compile(r"^(policy)"), "policy"),
]


def params_build(params: dict[str, Any]) -> Params:
    """``Params`` from scenario JSON; its problems become one ``ApplicationError`` whose
    ``fields`` name the planner's fields (``counters_bap``, ``arrivals_A``...)."""
    try:
        return Params.from_dict(params)
    except ValueError as exc:
        text = str(exc).removeprefix("invalid scenario: ")
        fields: dict[str, str] = {}
        for problem in text.split("; "):
            for pattern, name in _FIELD_PATTERNS:
                match = pattern.match(problem)
                if match:
                    key = name.format(match.group(1))
                    fields[key] = f"{fields[key]}; {problem}" if key in fields else problem
                    break
        raise ApplicationError(
            "scenario_invalid",
            _("The scenario is not valid: %(problems)s") % {"problems": text},
            fields=fields,
        ) from exc


def scenario_run(*, plan: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """Simulate ``plan``; return the simulator's JSON figures."""
    params = params_build(plan_params(plan, **overrides))
    try:
        return run(params).to_dict()
    except SimulationLimitError as exc:
        raise ApplicationError(
            "simulation_too_long",
            _("The scenario needs too much work for one run (%(reason)s); lower the arrivals.")
            % {"reason": exc},
        ) from exc


# --- staffing helper -----------------------------------------------------------------


@dataclass(frozen=True)
class StaffingStep:
    counters: dict[str, int]
    worst_p90: float | None
    met: bool


@dataclass(frozen=True)
class StaffingResult:
    """The fewest counters per stage (the whole day) found for the target."""

    target: float
    counters: dict[str, int]
    met: bool
    runs: int
    steps: tuple[StaffingStep, ...]
    results: dict[str, Any]


def _meets(
    results: dict[str, Any], plan: dict[str, Any], target: float
) -> tuple[bool, float | None]:
    """Every lane with visitors: p90 of its total wait within ``target``, and nearly
    everyone served by closing (those who come in the last minutes cannot be, so a
    lane may leave its last quarter hour's arrivals, 3 % or one ticket unserved)."""
    last_hour = {lane["prefix"]: float(lane["arrivals"][-1]) for lane in plan["lanes"]}
    met, worst = True, None
    for name, lane in results["lanes"].items():
        tickets = lane["tickets"]["mean"] or 0.0
        if tickets <= 0:
            continue
        p90 = lane["wait_total_p90"]["mean"]
        not_served = lane["not_served"]["mean"] or 0.0
        if p90 is not None:
            worst = p90 if worst is None else max(worst, p90)
        allowed = max(1.0, 0.03 * tickets, last_hour.get(name, 0.0) / 4)
        if (p90 is not None and p90 > target) or not_served > allowed:
            met = False
    return met, worst


def staffing_search(
    *,
    plan: dict[str, Any],
    target_p90: float,
    max_runs: int = STAFFING_MAX_RUNS,
    seed: int = UI_SEED,
) -> StaffingResult:
    """Fewest counters per stage, constant all day, so that each lane's p90 total wait
    is at most ``target_p90`` minutes.

    Starts from the daily mean load per stage (rounded up, at least 1), adds a counter
    at the stage with the longest mean queue until the target holds, then tries one
    counter fewer at each stage. At most ``max_runs`` simulation runs of
    ``STAFFING_REPLICATIONS`` office days each.
    """
    plan = copy.deepcopy(plan)
    plan["steady_state"] = False
    hours = _hours(float(plan["closing"]))
    counters: dict[str, int] = {}
    for stage in plan["stages"]:
        load = 0.0
        for lane in plan["lanes"]:
            per_hour = sum(float(a) for a in lane["arrivals"]) / hours
            load += per_hour / 60 * _visit_share(lane, stage["code"]) * float(stage["mean"])
        counters[stage["code"]] = max(1, min(MAX_COUNTERS, math.ceil(load)))

    runs = 0
    steps: list[StaffingStep] = []
    last: dict[str, Any] = {}

    def attempt(candidate: dict[str, int]) -> tuple[bool, dict[str, Any]]:
        nonlocal runs
        runs += 1
        for stage in plan["stages"]:
            stage["counters"] = [candidate[stage["code"]]]
        results = scenario_run(plan=plan, replications=STAFFING_REPLICATIONS, seed=seed)
        met, worst = _meets(results, plan, target_p90)
        steps.append(StaffingStep(counters=dict(candidate), worst_p90=worst, met=met))
        return met, results

    met, last = attempt(counters)
    while not met and runs < max_runs:
        queues = {
            code: last["stages"][code]["queue_mean"]["mean"] or 0.0
            for code in counters
            if counters[code] < MAX_COUNTERS
        }
        if not queues or max(queues.values()) < 0.01:
            break  # no queue left anywhere: more counters would not help
        busiest = max(queues, key=lambda code: queues[code])
        counters[busiest] += 1
        met, last = attempt(counters)
    best, best_results = dict(counters), last
    if met:
        for code in list(counters):
            if runs >= max_runs or best[code] <= 1:
                continue
            trial = {**best, code: best[code] - 1}
            ok, results = attempt(trial)
            if ok:
                best, best_results = trial, results
    return StaffingResult(
        target=target_p90,
        counters=best,
        met=met,
        runs=runs,
        steps=tuple(steps),
        results=best_results,
    )


@dataclass(frozen=True)
class HourlyStaffingStep:
    schedule: dict[str, tuple[int, ...]]
    worst_p90: float | None
    met: bool
    confirm: bool = False


@dataclass(frozen=True)
class HourlyStaffingResult:
    """The fewest counters per stage and opening hour found for the target.

    ``schedule[stage][h]`` is the number of counters open in opening hour ``h``;
    ``hours`` labels the hours (their start, e.g. ``"08:00"``); ``counter_hours`` and
    ``whole_day_counter_hours`` total the counter time of this schedule and of the
    whole-day answer it started from.
    """

    target: float
    schedule: dict[str, tuple[int, ...]]
    hours: tuple[str, ...]
    met: bool
    runs: int
    max_runs: int
    steps: tuple[HourlyStaffingStep, ...]
    results: dict[str, Any]
    counter_hours: int
    whole_day_counter_hours: int


def _hour_labels(plan: dict[str, Any]) -> tuple[str, ...]:
    hours = _hours(float(plan["closing"]))
    try:
        start_h, start_m = (int(part) for part in str(plan.get("opens", "")).split(":")[:2])
    except ValueError:
        return tuple(str(h + 1) for h in range(hours))
    return tuple(f"{(start_h + h) % 24:02d}:{start_m:02d}" for h in range(hours))


def _hourly_load(plan: dict[str, Any], code: str, mean: float) -> list[float]:
    """Offered load (busy counters) at stage ``code`` in each opening hour."""
    hours = _hours(float(plan["closing"]))
    load = [0.0] * hours
    for lane in plan["lanes"]:
        arrivals = [float(a) for a in lane["arrivals"]]
        if len(arrivals) != hours:
            arrivals = [sum(arrivals) / max(1, len(arrivals))] * hours
        share = _visit_share(lane, code)
        for h, rate in enumerate(arrivals):
            load[h] += rate / 60 * share * mean
    return load


def staffing_by_hour(
    *,
    plan: dict[str, Any],
    target_p90: float,
    whole_day: StaffingResult,
    max_runs: int = STAFFING_HOURLY_MAX_RUNS,
    seed: int = UI_SEED,
) -> HourlyStaffingResult:
    """Fewest counters per stage and opening hour so that each lane's p90 total wait
    is at most ``target_p90`` minutes, refining the whole-day answer ``whole_day``.

    The whole-day counters ``C`` (constant all day) meet the target, so every hour
    stays at or below ``C`` and the search can always fall back to them:

    1. start from the counters each hour's offered load needs at
       ``STAFFING_START_UTILISATION`` (at least 1, at most ``C``);
    2. while the target fails, add a counter where the queue builds: at the stage
       with the longest hourly queue, the first hour whose queue reaches half its
       peak; if the budget runs out first, fall back to ``C`` all day;
    3. lower one stage-hour at a time, the one with the most spare counters first,
       keeping each step only if the target still holds, until no stage-hour can go
       lower or the budget (less ``STAFFING_CONFIRM_RESERVE`` runs) is spent;
    4. confirm the schedule on ``STAFFING_CONFIRM_REPLICATIONS`` independent days
       (seed + 1), raising where the queue builds while it fails there (if ``C``
       itself misses the target on those days, the schedule need only do no worse
       than ``C`` there); a schedule that cannot be confirmed within the budget
       gives way to ``C`` all day.

    Search runs simulate ``STAFFING_REPLICATIONS`` office days from ``seed``, all
    runs with the UI event cap, at most ``max_runs`` runs in all, so the answer is
    the same for the same plan and seed. ``results`` are the confirming run's.
    """
    plan = copy.deepcopy(plan)
    plan["steady_state"] = False
    hours = _hours(float(plan["closing"]))
    codes = [stage["code"] for stage in plan["stages"]]
    ceiling = {code: whole_day.counters[code] for code in codes}
    whole_day_schedule = {code: (ceiling[code],) * hours for code in codes}
    whole_day_hours = sum(ceiling.values()) * hours

    def result(
        schedule: dict[str, tuple[int, ...]], met: bool, results: dict[str, Any]
    ) -> HourlyStaffingResult:
        return HourlyStaffingResult(
            target=target_p90,
            schedule=schedule,
            hours=_hour_labels(plan),
            met=met,
            runs=runs,
            max_runs=max_runs,
            steps=tuple(steps),
            results=results,
            counter_hours=sum(sum(row) for row in schedule.values()),
            whole_day_counter_hours=whole_day_hours,
        )

    runs = 0
    steps: list[HourlyStaffingStep] = []
    if not whole_day.met:
        # Nothing known to meet the target to refine from.
        return result(whole_day_schedule, False, whole_day.results)

    def attempt(
        schedule: dict[str, list[int]], *, confirm: bool = False
    ) -> tuple[bool, dict[str, Any]]:
        nonlocal runs
        runs += 1
        for stage in plan["stages"]:
            stage["counters"] = list(schedule[stage["code"]])
        results = scenario_run(
            plan=plan,
            replications=STAFFING_CONFIRM_REPLICATIONS if confirm else STAFFING_REPLICATIONS,
            seed=seed + 1 if confirm else seed,
        )
        met, worst = _meets(results, plan, target_p90)
        if confirm and baseline and not met:
            # The whole-day answer misses the target on these days too: ask no more.
            met = _no_worse(results, baseline, plan, target_p90)
        frozen = {code: tuple(row) for code, row in schedule.items()}
        steps.append(HourlyStaffingStep(schedule=frozen, worst_p90=worst, met=met, confirm=confirm))
        return met, results

    need: dict[str, list[float]] = {}
    for stage in plan["stages"]:
        load = _hourly_load(plan, stage["code"], float(stage["mean"]))
        need[stage["code"]] = [x / STAFFING_START_UTILISATION for x in load]
    current = {
        code: [max(1, min(ceiling[code], math.ceil(x))) for x in need[code]] for code in codes
    }
    search_runs = max(0, max_runs - STAFFING_CONFIRM_RESERVE)
    baseline: dict[str, Any] = {}  # the whole-day answer on the confirming days

    def raise_until_met(*, confirm: bool, limit: int) -> tuple[bool, dict[str, Any]]:
        """Add counters where the queue builds until the target holds."""
        met, results = attempt(current, confirm=confirm)
        while not met and runs < limit:
            cell = _where_queue_builds(results, current, ceiling)
            if cell is None:
                break
            code, hour = cell
            current[code][hour] += 1
            met, results = attempt(current, confirm=confirm)
        return met, results

    # 1-2: a schedule that meets the target, raising where the queue builds.
    met = runs < search_runs and raise_until_met(confirm=False, limit=search_runs)[0]
    if not met:
        current = {code: list(row) for code, row in whole_day_schedule.items()}

    # 3: lower the stage-hours with the most spare counters first.
    settled: set[tuple[str, int]] = set()
    while runs < search_runs:
        cells = [
            (current[code][h] - need[code][h], -i, -h, code, h)
            for i, code in enumerate(codes)
            for h in range(hours)
            if current[code][h] > 1 and (code, h) not in settled
        ]
        if not cells:
            break
        *_, code, hour = max(cells)
        trial = {c: list(row) for c, row in current.items()}
        trial[code][hour] -= 1
        if attempt(trial)[0]:
            current = trial
        else:
            settled.add((code, hour))

    # 4: confirm on independent days; raise where the queue builds if it fails there.
    if current == {code: list(row) for code, row in whole_day_schedule.items()}:
        return result(whole_day_schedule, True, whole_day.results)
    saved = current
    current = {code: list(row) for code, row in whole_day_schedule.items()}
    whole_day_ok, whole_day_days = attempt(current, confirm=True)
    if not whole_day_ok:
        baseline.update(whole_day_days)
    current = saved
    met, results = raise_until_met(confirm=True, limit=max_runs)
    if not met:
        return result(whole_day_schedule, True, whole_day.results)
    return result({code: tuple(row) for code, row in current.items()}, True, results)


def _no_worse(
    results: dict[str, Any], baseline: dict[str, Any], plan: dict[str, Any], target: float
) -> bool:
    """No lane waits longer (p90 above the target and above ``baseline``'s) or leaves
    more unserved (beyond ``baseline``'s plus ``_meets``' allowance) than ``baseline``."""
    last_hour = {lane["prefix"]: float(lane["arrivals"][-1]) for lane in plan["lanes"]}
    for name, lane in results["lanes"].items():
        tickets = lane["tickets"]["mean"] or 0.0
        if tickets <= 0:
            continue
        base = baseline["lanes"][name]
        p90, base_p90 = lane["wait_total_p90"]["mean"], base["wait_total_p90"]["mean"]
        if p90 is not None and p90 > max(target, base_p90 or 0.0):
            return False
        allowed = max(1.0, 0.03 * tickets, last_hour.get(name, 0.0) / 4)
        if (lane["not_served"]["mean"] or 0.0) > allowed + (base["not_served"]["mean"] or 0.0):
            return False
    return True


def _where_queue_builds(
    results: dict[str, Any], schedule: dict[str, list[int]], ceiling: dict[str, int]
) -> tuple[str, int] | None:
    """The stage-hour to add a counter to: at the stage with the longest hourly queue
    that can still grow, the first hour whose queue reaches half that stage's peak."""
    best: tuple[float, str, list[float]] | None = None
    for code, row in schedule.items():
        by_hour = [(q.get("mean") or 0.0) for q in results["stages"][code]["queue_by_hour"]]
        open_hours = [h for h in range(len(row)) if row[h] < ceiling[code]]
        if not open_hours or not by_hour:
            continue
        peak = max(by_hour[h] for h in open_hours)
        if best is None or peak > best[0]:
            best = (peak, code, by_hour)
    if best is None:
        return None
    peak, code, by_hour = best
    row = schedule[code]
    for h in range(len(row)):
        if row[h] < ceiling[code] and by_hour[h] >= peak / 2:
            return code, h
    return None


def _visit_share(lane: dict[str, Any], code: str) -> float:
    pickup = lane["service_class"] == ServiceClass.PICKUP
    if code == StageCode.PICKUP:
        return 1.0 if pickup else 0.0
    if pickup:
        return 0.0
    if code == StageCode.BAP:
        return float(lane.get("bap_share") or 0.0)
    return 1.0


# --- saved scenarios ------------------------------------------------------------------


def scenario_save(
    *,
    user: User,
    office: Office,
    name: str,
    plan: dict[str, Any],
    results: dict[str, Any] | None = None,
) -> SavedScenario:
    """Keep ``plan`` under ``name`` for the office (the same name replaces it)."""
    office_require_role(user=user, office=office, roles=PLANNER_ROLES)
    name = name.strip()[:80]
    if not name:
        raise ApplicationError(
            "scenario_name_required",
            _("Give the scenario a name."),
            fields={"name": _("Give the scenario a name.")},
        )
    params = plan_params(plan)
    params_build(params)
    with transaction.atomic():
        scenario, created = SavedScenario.objects.update_or_create(
            office=office,
            name=name,
            defaults={
                "plan": {**plan, "name": name},
                "params": params,
                "results": results,
                "created_by": user,
            },
        )
        audit_record(
            actor=user,
            action="planning.scenario_save",
            target=scenario,
            office_code=office.code,
            changes={"name": name, "created": created},
        )
    return scenario


def scenario_delete(*, user: User, scenario: SavedScenario) -> None:
    office_require_role(user=user, office=scenario.office, roles=PLANNER_ROLES)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="planning.scenario_delete",
            target=scenario,
            office_code=scenario.office.code,
            changes={"name": scenario.name},
        )
        scenario.delete()


def stored_report_save(
    *, office: Office | None, kind: str, year: int, index: int, label: str, pdf: bytes, xlsx: bytes
) -> tuple[StoredReport, bool]:
    """Keep a scheduled report once: ``(report, created)``. A second copy of the command
    running at the same time loses on the unique constraint and gets the first's row."""
    try:
        with transaction.atomic():
            report = StoredReport.objects.create(
                office=office, kind=kind, year=year, index=index, label=label, pdf=pdf, xlsx=xlsx
            )
            audit_record(
                actor=None,
                action="report.generated",
                target=report,
                office_code=office.code if office is not None else "",
                changes={"kind": kind, "period": label},
            )
    except IntegrityError:
        existing = StoredReport.objects.get(office=office, kind=kind, year=year, index=index)
        return existing, False
    return report, True


# --- Targets and plans (issue #9) ---------------------------------------------------------

MAX_PASSPORTS_PER_YEAR = 1_000_000
MAX_PLACES_PER_DAY = 5_000
MAX_OFFICERS_PER_DAY = 500
# A bulk entry covers at most about a quarter; longer plans are entered in steps.
MAX_DUTY_RANGE_DAYS = 93
YEARS = (2000, 2100)


def _saved_meanwhile() -> ApplicationError:
    # Two editors creating the same month or day at once: the unique constraint lets one
    # through and the other gets this, with nothing of theirs saved.
    return ApplicationError(
        "plan_saved_meanwhile",
        _("Someone else saved this plan at the same moment. Reload the page and try again."),
        status=409,
    )


def _check_year(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise ApplicationError(
            "year_out_of_range",
            _("The year must be between %(low)d and %(high)d.")
            % {"low": YEARS[0], "high": YEARS[1]},
            fields={
                "year": _("Between %(low)d and %(high)d.") % {"low": YEARS[0], "high": YEARS[1]}
            },
        )


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ApplicationError(
            "month_out_of_range",
            _("The month must be between 1 and 12."),
            fields={"month": _("Between 1 and 12.")},
        )


def _check_count(value: int, *, field: str, limit: int) -> None:
    if value < 0:
        raise ApplicationError(
            "negative_number",
            _("A number cannot be negative."),
            fields={field: _("Cannot be negative.")},
        )
    if value > limit:
        raise ApplicationError(
            "number_too_large",
            _("%(value)d is more than the highest allowed, %(limit)d.")
            % {"value": value, "limit": limit},
            fields={field: _("At most %(limit)d.") % {"limit": limit}},
        )


def target_year_save(
    *, actor: User, office: Office, year: int, passports: int, months: dict[int, int | None]
) -> None:
    """Set the office's issuance target for ``year`` and, optionally, per month.

    Monthly figures may not contradict the year: when all twelve are given they must add
    up to the yearly figure, and fewer may not add up to more than it (the months left
    out share the rest). A month given as None loses its own figure.
    """
    office_require_role(user=actor, office=office, roles=PLAN_EDITOR_ROLES)
    _check_year(year)
    _check_count(passports, field="passports", limit=MAX_PASSPORTS_PER_YEAR)
    given: dict[int, int] = {}
    for month, value in sorted(months.items()):
        _check_month(month)
        if value is not None:
            _check_count(value, field=f"month_{month}", limit=MAX_PASSPORTS_PER_YEAR)
            given[month] = value
    total = sum(given.values())
    if len(given) == 12 and total != passports:
        raise ApplicationError(
            "months_sum_mismatch",
            _(
                "The twelve months add up to %(total)d but the year's target is %(year)d; "
                "make them equal or leave some months empty."
            )
            % {"total": total, "year": passports},
            fields={
                "passports": _("Must equal the sum of the months (%(total)d).") % {"total": total}
            },
        )
    if total > passports:
        raise ApplicationError(
            "months_exceed_year",
            _("The months add up to %(total)d, more than the year's target of %(year)d.")
            % {"total": total, "year": passports},
            fields={
                "passports": _("At least the sum of the months (%(total)d).") % {"total": total}
            },
        )
    try:
        with transaction.atomic():
            existing = {
                t.month: t
                for t in Target.objects.select_for_update().filter(office=office, year=year)
            }
            changes: dict[str, list[int | None]] = {}
            for month in [None, *range(1, 13)]:
                new = passports if month is None else given.get(month)
                row = existing.get(month)
                old = row.passports if row is not None else None
                if old == new:
                    continue
                changes["year" if month is None else f"{month:02d}"] = [old, new]
                if new is None:
                    assert row is not None
                    row.delete()
                elif row is None:
                    Target.objects.create(office=office, year=year, month=month, passports=new)
                else:
                    row.passports = new
                    row.save(update_fields=["passports"])
            if changes:
                yearly = Target.objects.get(office=office, year=year, month__isnull=True)
                audit_record(
                    actor=actor,
                    action="planning.target_save",
                    target=yearly,
                    office_code=office.code,
                    changes={"year": year, "passports": changes},
                )
    except IntegrityError:
        raise _saved_meanwhile() from None


def quota_plan_save(
    *, actor: User, office: Office, year: int, month: int, places: dict[str, int | None]
) -> None:
    """Set the planned places per working day of each quota category for one month;
    a category given as None loses its plan."""
    office_require_role(user=actor, office=office, roles=PLAN_EDITOR_ROLES)
    _check_year(year)
    _check_month(month)
    for category, value in places.items():
        if category not in QuotaCategory.values:
            raise ApplicationError(
                "unknown_category",
                _("Unknown quota category %(category)s.") % {"category": category[:20]},
            )
        if value is not None:
            _check_count(value, field=category, limit=MAX_PLACES_PER_DAY)
    try:
        with transaction.atomic():
            existing = {
                p.category: p
                for p in QuotaPlan.objects.select_for_update().filter(
                    office=office, year=year, month=month
                )
            }
            changes: dict[str, list[int | None]] = {}
            for category, new in sorted(places.items()):
                row = existing.get(category)
                old = row.places_per_day if row is not None else None
                if old == new:
                    continue
                changes[category] = [old, new]
                if new is None:
                    assert row is not None
                    row.delete()
                elif row is None:
                    QuotaPlan.objects.create(
                        office=office, year=year, month=month, category=category, places_per_day=new
                    )
                else:
                    row.places_per_day = new
                    row.save(update_fields=["places_per_day"])
            if changes:
                audit_record(
                    actor=actor,
                    action="planning.quota_plan_save",
                    target=office,
                    office_code=office.code,
                    changes={"month": f"{year}-{month:02d}", "places_per_day": changes},
                )
    except IntegrityError:
        raise _saved_meanwhile() from None


def _check_staffing(office: Office, officers: int, counters: int) -> None:
    _check_count(officers, field="officers", limit=MAX_OFFICERS_PER_DAY)
    _check_count(counters, field="counters", limit=MAX_OFFICERS_PER_DAY)
    if counters > officers:
        raise ApplicationError(
            "counters_exceed_officers",
            _(
                "%(counters)d counters cannot be open with %(officers)d officers on duty: "
                "each open counter needs an officer."
            )
            % {"counters": counters, "officers": officers},
            fields={
                "counters": _("At most the number of officers on duty (%(officers)d).")
                % {"officers": officers}
            },
        )
    available = Counter.objects.filter(office=office, is_active=True).count()
    if available and counters > available:
        raise ApplicationError(
            "counters_exceed_office",
            _("The office has %(available)d active counters; %(counters)d cannot be open.")
            % {"available": available, "counters": counters},
            fields={"counters": _("At most %(available)d.") % {"available": available}},
        )


def _duty_upsert(
    *, office: Office, days: list[dt.date], officers: int, counters: int
) -> dict[str, list[Any]]:
    existing = {
        d.date: d for d in DutyDay.objects.select_for_update().filter(office=office, date__in=days)
    }
    changes: dict[str, list[Any]] = {}
    for day in days:
        row = existing.get(day)
        before = [row.officers, row.counters] if row is not None else None
        if before == [officers, counters]:
            continue
        changes[day.isoformat()] = [before, [officers, counters]]
        if row is None:
            DutyDay.objects.create(office=office, date=day, officers=officers, counters=counters)
        else:
            row.officers, row.counters = officers, counters
            row.save(update_fields=["officers", "counters"])
    return changes


def duty_day_save(
    *, actor: User, office: Office, date: dt.date, officers: int, counters: int
) -> None:
    """Plan the officers on duty and counters open for one working day of the office."""
    office_require_role(user=actor, office=office, roles=PLAN_EDITOR_ROLES)
    _check_year(date.year)
    _check_staffing(office, officers, counters)
    if date in days_off(office, date, date):
        raise ApplicationError(
            "not_a_working_day",
            _("%(date)s is not a working day at this office (weekend, holiday or closure).")
            % {"date": date.isoformat()},
            fields={"date": _("Not a working day.")},
        )
    try:
        with transaction.atomic():
            changes = _duty_upsert(office=office, days=[date], officers=officers, counters=counters)
            if changes:
                audit_record(
                    actor=actor,
                    action="planning.duty_day_save",
                    target=office,
                    office_code=office.code,
                    changes={"days": changes},
                )
    except IntegrityError:
        raise _saved_meanwhile() from None


def duty_days_bulk_save(
    *, actor: User, office: Office, start: dt.date, end: dt.date, officers: int, counters: int
) -> list[dt.date]:
    """Plan the same staffing for every working day from ``start`` to ``end`` (weekends,
    national holidays, joint leave and office closures skipped); the days set, in order."""
    office_require_role(user=actor, office=office, roles=PLAN_EDITOR_ROLES)
    _check_year(start.year)
    _check_year(end.year)
    if end < start:
        raise ApplicationError(
            "range_reversed",
            _("The last day is before the first day."),
            fields={"end": _("On or after the first day.")},
        )
    if (end - start).days + 1 > MAX_DUTY_RANGE_DAYS:
        raise ApplicationError(
            "range_too_long",
            _("Enter at most %(days)d days at once.") % {"days": MAX_DUTY_RANGE_DAYS},
            fields={
                "end": _("At most %(days)d days after the first day.")
                % {"days": MAX_DUTY_RANGE_DAYS}
            },
        )
    _check_staffing(office, officers, counters)
    off = days_off(office, start, end)
    days = [
        start + dt.timedelta(days=i)
        for i in range((end - start).days + 1)
        if start + dt.timedelta(days=i) not in off
    ]
    if not days:
        raise ApplicationError(
            "no_working_days",
            _("There is no working day between these dates."),
            fields={"start": _("No working day in this range.")},
        )
    try:
        with transaction.atomic():
            changes = _duty_upsert(office=office, days=days, officers=officers, counters=counters)
            if changes:
                audit_record(
                    actor=actor,
                    action="planning.duty_days_bulk",
                    target=office,
                    office_code=office.code,
                    changes={"from": start.isoformat(), "to": end.isoformat(), "days": changes},
                )
    except IntegrityError:
        raise _saved_meanwhile() from None
    return days


def duty_day_delete(*, actor: User, office: Office, date: dt.date) -> None:
    office_require_role(user=actor, office=office, roles=PLAN_EDITOR_ROLES)
    with transaction.atomic():
        row = DutyDay.objects.select_for_update().filter(office=office, date=date).first()
        if row is None:
            raise NotFound("duty_day_not_found", _("No duty plan for that day."))
        audit_record(
            actor=actor,
            action="planning.duty_day_delete",
            target=office,
            office_code=office.code,
            changes={"days": {date.isoformat(): [[row.officers, row.counters], None]}},
        )
        row.delete()
