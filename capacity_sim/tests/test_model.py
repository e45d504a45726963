"""Office-day behaviour: reproducibility, cut-offs, closing time, priority at every stage."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from capacity_sim import Distribution, Lane, Params, Session, Stage, run
from capacity_sim.distributions import service_sampler

from .scenarios import small_office

REPO = Path(__file__).resolve().parents[2]


def test_importing_capacity_sim_loads_no_django() -> None:
    code = "import capacity_sim, sys; assert not any(m.startswith('django') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_same_seed_same_figures_other_seed_other_figures() -> None:
    first = run(small_office()).to_dict()
    assert run(small_office()).to_dict() == first
    assert run(small_office(seed=12)).to_dict() != first


def test_replications_are_independent_and_workers_do_not_change_figures() -> None:
    results = run(small_office(replications=4))
    reps = results.replications
    assert all(reps[i] != reps[j] for i in range(4) for j in range(i + 1, 4))
    assert run(small_office(replications=4), workers=2).to_dict() == results.to_dict()


def test_figures_carry_confidence_intervals() -> None:
    est = run(small_office()).get("stages", "document_check", "wait", "p90")
    assert est.n == 3
    assert est.low is not None and est.high is not None and est.mean is not None
    assert est.low <= est.mean <= est.high
    with pytest.raises(KeyError):
        run(small_office(replications=1)).get("stages", "bap")


def booked(cutoff: float | None = None, quota: int | None = None) -> Params:
    """Percepatan bookings arriving exactly on time: 20 at 60 minutes, 20 at 180."""
    lane = Lane(
        "percepatan",
        service_class="percepatan",
        sessions=(Session(60, 20), Session(180, 20)),
        arrival_offset_mean=0.0,
        arrival_offset_sd=0.0,
        intake_cutoff=cutoff,
        daily_quota=quota,
    )
    stage = Stage("desk", Distribution("deterministic", 1.0), counters=(5,))
    return Params(lanes=(lane,), stages=(stage,), days=2, replications=2)


def test_percepatan_intake_cutoff_turns_later_arrivals_away() -> None:
    lane = run(booked(cutoff=120.0)).figures["lanes"]["percepatan"]
    assert lane["tickets"].mean == 20
    assert lane["turned_away"].mean == 20
    assert lane["served"].mean == 20
    no_cutoff = run(booked()).figures["lanes"]["percepatan"]
    assert (no_cutoff["tickets"].mean, no_cutoff["turned_away"].mean) == (40, 0)


def test_daily_quota_caps_tickets_each_day() -> None:
    lane = run(booked(quota=25)).figures["lanes"]["percepatan"]
    assert (lane["tickets"].mean, lane["turned_away"].mean) == (25, 15)


def test_booked_visitors_arriving_after_closing_are_turned_away() -> None:
    lane = Lane(
        "online",
        sessions=(Session(0, 5), Session(470, 10)),
        arrival_offset_mean=20.0,
        arrival_offset_sd=0.0,
    )
    stage = Stage("desk", Distribution("deterministic", 1.0))
    figures = run(Params(lanes=(lane,), stages=(stage,), replications=1)).figures["lanes"]
    assert (figures["online"]["tickets"].mean, figures["online"]["turned_away"].mean) == (5, 10)


def test_figures_of_a_queue_worked_out_by_hand() -> None:
    # Ten applicants at the door when the office opens, one counter, six minutes each:
    # they wait 0, 6, ..., 54 minutes; the queue holds 9, 8, ..., 1 for six minutes each.
    lane = Lane(
        "online", sessions=(Session(0, 10),), arrival_offset_mean=-5.0, arrival_offset_sd=0.0
    )
    stage = Stage("desk", Distribution("deterministic", 6.0), wait_standard=30.0)
    results = run(Params(lanes=(lane,), stages=(stage,), days=2, replications=2))
    desk = results.figures["stages"]["desk"]
    waits = np.arange(0, 60, 6)
    assert desk["wait"]["mean"].mean == pytest.approx(waits.mean())
    assert desk["wait"]["median"].mean == pytest.approx(np.median(waits))
    assert desk["wait"]["p90"].mean == pytest.approx(np.percentile(waits, 90))
    assert desk["wait"]["p_wait"].mean == pytest.approx(0.9)
    assert desk["wait"]["sop_compliance"].mean == pytest.approx(0.6)  # 0, 6, ..., 30
    assert desk["wait"]["called"].mean == 10
    assert desk["utilisation"].mean == pytest.approx(60 / 480)
    assert desk["queue_max"].mean == 9
    assert desk["queue_by_hour"][0].mean == pytest.approx(6 * sum(range(10)) / 60)
    assert desk["queue_by_hour"][1].mean == 0
    assert desk["queue_mean"].mean == pytest.approx(6 * sum(range(10)) / 480)
    online = results.figures["lanes"]["online"]
    assert online["time_in_office_mean"].mean == pytest.approx(waits.mean() + 6)
    assert online["wait_total_mean"].mean == pytest.approx(waits.mean())


def test_walk_in_cutoff_keeps_the_morning_share() -> None:
    lane = run(small_office(days=10)).figures["lanes"]["percepatan"]
    # 10 walk-ins an hour until the 120-minute cut-off, and a quota of 15.
    assert lane["tickets"].mean <= 15
    assert lane["turned_away"].mean > 55


def overloaded(closing: float = 480.0) -> Params:
    """One counter with 5-minute service and 30 arrivals an hour: half cannot be served."""
    return Params(
        lanes=(Lane("walk_in", walk_in_per_hour=(30.0,)),),
        stages=(Stage("desk", Distribution("deterministic", 5.0), counters=(1,)),),
        closing=closing,
        days=3,
        replications=3,
    )


def test_counters_stop_calling_at_closing() -> None:
    results = run(overloaded())
    for rep in results.replications:
        lane = rep["lanes"]["walk_in"]
        assert lane["served"] + lane["not_served"] == pytest.approx(lane["tickets"])
        # 480 minutes hold at most 96 five-minute services, started on or before 475.
        assert 93 <= lane["served"] <= 96
        assert lane["not_served"] > 100
    desk = results.figures["stages"]["desk"]
    assert len(desk["queue_by_hour"]) == 8
    assert desk["queue_by_hour"][-1].mean > desk["queue_by_hour"][0].mean
    assert desk["utilisation"].mean == pytest.approx(1.0, abs=0.01)


def test_a_part_hour_at_closing_gets_its_own_bucket() -> None:
    desk = run(overloaded(closing=450.0)).figures["stages"]["desk"]
    assert len(desk["queue_by_hour"]) == 8


def test_ample_capacity_serves_everyone_who_comes_early_enough() -> None:
    params = small_office(days=3)
    lanes = tuple(dataclasses.replace(lane, intake_cutoff=300.0) for lane in params.lanes)
    stages = tuple(dataclasses.replace(stage, counters=(3,)) for stage in params.stages)
    figures = run(dataclasses.replace(params, lanes=lanes, stages=stages)).figures["lanes"]
    assert all(figures[name]["not_served"].mean == 0 for name in figures)
    assert all(figures[name]["served"].mean > 0 for name in figures)
    # Without a cut-off, walk-ins who come just before closing are not all served.
    figures = run(params).figures["lanes"]
    assert figures["walk_in"]["not_served"].mean > 0


def test_no_show_and_routing_shares() -> None:
    results = run(small_office(days=20, replications=2))
    online = results.figures["lanes"]["online"]
    assert online["no_show"].mean == pytest.approx(8.0, abs=1.5)  # 10 % of 80
    bap = results.figures["stages"]["bap"]["lanes"]
    lanes = results.figures["lanes"]
    # BAP: 30 % of walk-ins (lane routing), 10 % of the rest (stage probability).
    assert bap["walk_in"]["called"].mean / lanes["walk_in"]["served"].mean == pytest.approx(
        0.3, abs=0.06
    )
    assert bap["online"]["called"].mean / lanes["online"]["served"].mean == pytest.approx(
        0.1, abs=0.04
    )


def busy_office(policy: str) -> Params:
    """Every class goes through every stage, BAP and printing included, at high load."""
    lanes = (
        Lane("online", sessions=(Session(0, 60), Session(120, 60)), arrival_offset_sd=20.0),
        Lane("priority", service_class="priority", walk_in_per_hour=(5.0,)),
        Lane("percepatan", service_class="percepatan", walk_in_per_hour=(8.0,), intake_cutoff=240),
    )
    stages = (
        Stage("document_check", Distribution("lognormal", 4.0, sd=2.0), counters=(3,)),
        Stage("interview", Distribution("exponential", 3.0), counters=(2,)),
        Stage("bap", Distribution("lognormal", 6.0, sd=3.0), counters=(3,)),
        Stage("printing", Distribution("deterministic", 2.0), counters=(1,)),
    )
    return Params(lanes=lanes, stages=stages, policy=policy, days=5, replications=5, seed=3)


def test_strict_priority_keeps_priority_ahead_at_every_stage() -> None:
    results = run(busy_office("strict_priority"))
    for stage, figures in results.figures["stages"].items():
        waits = {cls: figures["classes"][cls]["mean"].mean for cls in figures["classes"]}
        assert waits["priority"] < waits["percepatan"] < waits["regular"], stage
    lanes = results.figures["lanes"]
    # Cilacap: percepatan used to be finished before priority.
    assert (
        lanes["priority"]["time_in_office_mean"].mean
        < lanes["percepatan"]["time_in_office_mean"].mean
    )


def test_fifo_gives_priority_no_head_start_at_bap() -> None:
    fifo = run(busy_office("fifo")).figures["stages"]["bap"]["classes"]
    strict = run(busy_office("strict_priority")).figures["stages"]["bap"]["classes"]
    assert fifo["priority"]["mean"].mean > 3 * strict["priority"]["mean"].mean


def test_weighted_policy_runs_and_shortens_the_regular_tail() -> None:
    weighted = run(busy_office("weighted")).figures["stages"]
    strict = run(busy_office("strict_priority")).figures["stages"]
    for stage in ("document_check", "interview"):
        assert (
            weighted[stage]["classes"]["regular"]["p95"].mean
            <= strict[stage]["classes"]["regular"]["p95"].mean * 1.05
        )
        assert (
            weighted[stage]["classes"]["priority"]["mean"].mean
            >= strict[stage]["classes"]["priority"]["mean"].mean
        )


@pytest.mark.parametrize(
    ("dist", "mean", "sd"),
    [
        (Distribution("exponential", 4.0), 4.0, 4.0),
        (Distribution("lognormal", 4.0, sd=2.0), 4.0, 2.0),
        (Distribution("deterministic", 4.0), 4.0, 0.0),
        (Distribution("empirical", values=(1.0, 2.0, 9.0)), 4.0, np.std([1.0, 2.0, 9.0])),
    ],
)
def test_service_samplers_match_their_distribution(
    dist: Distribution, mean: float, sd: float
) -> None:
    draw = service_sampler(dist, np.random.default_rng(5))
    values = np.array([draw() for _ in range(100_000)])
    assert values.mean() == pytest.approx(mean, rel=0.02)
    assert values.std() == pytest.approx(sd, rel=0.03, abs=1e-9)
    assert dist.expected() == pytest.approx(mean)
    assert dist.second_moment() == pytest.approx(sd**2 + mean**2)
