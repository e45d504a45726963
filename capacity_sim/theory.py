"""Textbook steady-state results the simulator is checked against.

Rates are per minute and times in minutes here (any consistent unit works).

- Erlang C: probability of waiting and mean wait in M/M/c (first come, first served).
- Cobham (1954): mean wait per class in M/G/1 with non-preemptive priority classes.
- The M/M/c form of Cobham's result, for classes sharing one exponential service rate.
"""

from __future__ import annotations

from collections.abc import Sequence


def _check_load(rho: float, what: str) -> None:
    if rho >= 1:
        raise ValueError(f"{what}: utilisation {rho:.3f} >= 1, there is no steady state")


def erlang_c(servers: int, offered_load: float) -> float:
    """P(wait > 0) in M/M/c with ``servers`` counters and load ``a = lambda / mu``."""
    if servers < 1:
        raise ValueError(f"servers must be >= 1, got {servers}")
    _check_load(offered_load / servers, "erlang_c")
    # Erlang B by its recursion (stable for large c), then C from B.
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    rho = offered_load / servers
    return b / (1 - rho * (1 - b))


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue E[Wq] in M/M/c, first come, first served."""
    c = erlang_c(servers, arrival_rate / service_rate)
    return c / (servers * service_rate - arrival_rate)


def cobham_mg1(
    arrival_rates: Sequence[float],
    mean_service: Sequence[float],
    second_moments: Sequence[float],
) -> list[float]:
    """Mean wait in queue per class, M/G/1, non-preemptive priority (class 0 first).

    W_k = W0 / ((1 - s_{k-1}) (1 - s_k)), W0 = sum(lambda_i E[S_i^2]) / 2,
    s_k = sum of rho_i over classes 0..k.
    """
    w0 = sum(lam * m2 for lam, m2 in zip(arrival_rates, second_moments, strict=True)) / 2
    return _priority_waits(
        w0, [lam * m for lam, m in zip(arrival_rates, mean_service, strict=True)], "cobham_mg1"
    )


def mmc_priority_waits(
    arrival_rates: Sequence[float], service_rate: float, servers: int
) -> list[float]:
    """Mean wait in queue per class, M/M/c, non-preemptive priority, one service rate.

    W_k = C(c, a) / (c mu) / ((1 - s_{k-1}) (1 - s_k)), s_k = sum of lambda_i / (c mu)
    over classes 0..k (e.g. Gross & Harris, Fundamentals of Queueing Theory, 3.4).
    """
    total = sum(arrival_rates)
    w0 = erlang_c(servers, total / service_rate) / (servers * service_rate)
    loads = [lam / (servers * service_rate) for lam in arrival_rates]
    return _priority_waits(w0, loads, "mmc_priority_waits")


def _priority_waits(w0: float, loads: Sequence[float], what: str) -> list[float]:
    _check_load(sum(loads), what)
    waits = []
    above = 0.0
    for load in loads:
        waits.append(w0 / ((1 - above) * (1 - above - load)))
        above += load
    return waits
