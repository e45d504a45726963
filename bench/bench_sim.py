"""Benchmark: one office-year in the capacity simulator, against bare event loops.

Simulates 250 working days of an office with about 500 visits a day through five
stages, then runs two baselines with the same number of events in the same process:
a bare SimPy loop (timeouts with an empty callback) and a pure-Python heapq loop. The
ratios say how much the model itself costs per event on top of the event loop.

    uv run --frozen python bench/bench_sim.py [--days 250] [--seed 1]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy

# Run as a script from anywhere: the repository root holds capacity_sim and loket.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from capacity_sim import Distribution, Lane, Params, Session, Stage, run


def office_year(days: int, seed: int) -> Params:
    """About 500 visits a day (booked, walk-in, priority, percepatan), five stages."""
    lanes = (
        Lane(
            "online",
            sessions=tuple(Session(hour * 60.0, 45) for hour in range(7)),
            no_show=0.1,
            arrival_offset_mean=-10.0,
            arrival_offset_sd=15.0,
        ),
        Lane("walk_in", walk_in_per_hour=(20.0,), intake_cutoff=360.0, daily_quota=120),
        Lane("priority", service_class="priority", walk_in_per_hour=(8.0,), daily_quota=50),
        Lane(
            "percepatan",
            service_class="percepatan",
            walk_in_per_hour=(30.0, 30.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
            intake_cutoff=120.0,
            daily_quota=50,
        ),
    )
    stages = (
        Stage("check_in", Distribution("lognormal", 1.0, sd=0.3), counters=(2,)),
        Stage("document_check", Distribution("lognormal", 4.0, sd=2.0), counters=(6,)),
        Stage("interview", Distribution("exponential", 3.0), counters=(5,)),
        Stage(
            "biometrics", Distribution("empirical", values=(2.0, 2.5, 3.0, 3.5, 4.5)), counters=(4,)
        ),
        Stage("adjudication", Distribution("lognormal", 2.0, sd=1.0), counters=(3,)),
    )
    return Params(
        lanes=lanes,
        stages=stages,
        policy="strict_priority",
        days=days,
        replications=1,
        seed=seed,
    )


def bare_simpy(events: int, seed: int) -> float:
    """Seconds for SimPy to process ``events`` timeouts whose callback does nothing."""
    delays = np.random.default_rng(seed).exponential(1.0, events).tolist()
    env = simpy.Environment()
    chains = 50  # timeouts pending at once, about as many as busy counters and arrivals

    def noop(event: simpy.Event) -> None:
        pass

    start = time.perf_counter()
    pending = 0
    for delay in delays:
        env.timeout(delay).callbacks.append(noop)
        pending += 1
        if pending >= chains:
            env.step()
            pending -= 1
    while env.peek() < float("inf"):
        env.step()
    return time.perf_counter() - start


def bare_heapq(events: int, seed: int) -> float:
    """Seconds for a pure-Python heapq loop to schedule and pop ``events`` events."""
    delays = np.random.default_rng(seed).exponential(1.0, events).tolist()
    queue: list[tuple[float, int, Callable[[], None]]] = []
    now = 0.0

    def noop() -> None:
        pass

    start = time.perf_counter()
    for i, delay in enumerate(delays):
        heapq.heappush(queue, (now + delay, i, noop))
        if len(queue) >= 50:
            now, _, callback = heapq.heappop(queue)
            callback()
    while queue:
        now, _, callback = heapq.heappop(queue)
        callback()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    params = office_year(args.days, args.seed)
    start = time.perf_counter()
    results = run(params)
    seconds = time.perf_counter() - start
    lanes = results.figures["lanes"]
    visits = round(sum(lane["tickets"].mean for lane in lanes.values()) * args.days)
    services = round(
        sum(s["wait"]["called"].mean for s in results.figures["stages"].values()) * args.days
    )
    events = results.events

    simpy_seconds = bare_simpy(events, args.seed)
    heapq_seconds = bare_heapq(events, args.seed)

    print(f"python {platform.python_version()}, simpy {simpy.__version__}, {os.cpu_count()} cpus")
    print(f"office-year: {args.days} days, {visits} visits, {services} stage services")
    print(f"model:       {seconds:.2f} s, {events} events, {events / seconds:,.0f} events/s")
    print(f"bare simpy:  {simpy_seconds:.2f} s, {events / simpy_seconds:,.0f} events/s")
    print(f"bare heapq:  {heapq_seconds:.2f} s, {events / heapq_seconds:,.0f} events/s")
    print(f"model / bare simpy = {seconds / simpy_seconds:.1f}x")
    figures = {
        "days": args.days,
        "visits": visits,
        "visits_per_day": round(visits / args.days, 1),
        "stage_services": services,
        "events": events,
        "seconds": round(seconds, 3),
        "events_per_second": round(events / seconds),
        "visits_per_second": round(visits / seconds),
        "baseline_simpy_seconds": round(simpy_seconds, 3),
        "baseline_simpy_events_per_second": round(events / simpy_seconds),
        "baseline_heapq_seconds": round(heapq_seconds, 3),
        "baseline_heapq_events_per_second": round(events / heapq_seconds),
        "ratio_vs_simpy": round(seconds / simpy_seconds, 2),
        "ratio_vs_heapq": round(seconds / heapq_seconds, 2),
        "python": platform.python_version(),
        "simpy": simpy.__version__,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
