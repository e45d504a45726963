"""Confidence intervals: Student t quantiles and the estimates built on them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from capacity_sim.stats import Estimate, combine, estimate, t975


def t_cdf(x: float, df: int, steps: int = 4000) -> float:
    """Student t CDF by Simpson's rule on the density (independent of the table)."""
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def pdf(t: float) -> float:
        return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))

    h = x / steps
    total = pdf(0.0) + pdf(x)
    total += sum((4 if i % 2 else 2) * pdf(i * h) for i in range(1, steps))
    return 0.5 + total * h / 3


@pytest.mark.parametrize("df", [1, 2, 3, 5, 9, 10, 19, 29, 30, 31, 40, 60, 120, 1000])
def test_t975_is_the_0975_quantile(df: int) -> None:
    assert t_cdf(t975(df), df) == pytest.approx(0.975, abs=2e-7)


def test_t975_rejects_zero_degrees_of_freedom() -> None:
    with pytest.raises(ValueError, match="df must be >= 1"):
        t975(0)


def test_estimate_of_known_values() -> None:
    est = estimate([1.0, 2.0, 3.0, 4.0, 5.0])
    half = 2.776445105 * math.sqrt(2.5) / math.sqrt(5)
    assert est.mean == pytest.approx(3.0)
    assert est.half_width == pytest.approx(half)
    assert (est.low, est.high, est.n) == (pytest.approx(3 - half), pytest.approx(3 + half), 5)


def test_estimate_skips_missing_values_and_handles_few() -> None:
    assert estimate([None, None]) == Estimate(None, None, None, 0)
    assert estimate([None, 2.0]) == Estimate(2.0, None, None, 1)
    assert estimate([2.0, None, 4.0]).n == 2


def test_confidence_interval_covers_the_mean_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(2024)
    samples = rng.normal(10.0, 3.0, size=(4000, 10))
    covered = 0
    for sample in samples:
        est = estimate(sample.tolist())
        assert est.low is not None and est.high is not None
        covered += est.low <= 10.0 <= est.high
    # 4000 trials: the standard error of the coverage is 0.34 percentage points.
    assert covered / 4000 == pytest.approx(0.95, abs=0.015)


def test_combine_keeps_the_shape() -> None:
    reps = [
        {"a": 1.0, "b": {"c": [1.0, 2.0], "d": None}},
        {"a": 3.0, "b": {"c": [3.0, 4.0], "d": None}},
    ]
    out = combine(reps)
    assert out["a"].mean == 2.0
    assert [e.mean for e in out["b"]["c"]] == [2.0, 3.0]
    assert out["b"]["d"].n == 0
    assert out["a"].to_dict() == {
        "mean": 2.0,
        "low": pytest.approx(-10.7062),
        "high": 14.7062,
        "n": 2,
    }
