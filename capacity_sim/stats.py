"""Confidence intervals across replications (Student t, 95 %), without scipy."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Two-sided 95 % quantiles t(0.975, df) for df = 1..30.
_T975 = (
    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836,
    2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852,
    2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546,
    2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447,
    2.079613845, 2.073873068, 2.068657610, 2.063898562, 2.059538553,
    2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
)  # fmt: skip
_Z975 = 1.959963984540054


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError(f"df must be >= 1, got {df}")
    if df <= len(_T975):
        return _T975[df - 1]
    # Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5); error < 1e-6 for df > 30.
    z = _Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@dataclass(frozen=True)
class Estimate:
    """The mean of one figure over replications, with its 95 % confidence interval.

    ``n`` is the number of replications that produced the figure (a lane with no
    visitor at a stage has no wait figure). ``low``/``high`` are ``None`` when
    ``n < 2``; ``mean`` is ``None`` when ``n == 0``.
    """

    mean: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def half_width(self) -> float | None:
        """Half the width of the confidence interval."""
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2

    def to_dict(self, digits: int = 4) -> dict[str, Any]:
        """JSON-ready form, rounded to ``digits`` decimals."""

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, digits)

        return {"mean": r(self.mean), "low": r(self.low), "high": r(self.high), "n": self.n}


def estimate(values: Sequence[float | None]) -> Estimate:
    """Mean and t-based 95 % confidence interval of the non-``None`` ``values``."""
    xs = [float(v) for v in values if v is not None]
    n = len(xs)
    if n == 0:
        return Estimate(None, None, None, 0)
    mean = math.fsum(xs) / n
    if n == 1:
        return Estimate(mean, None, None, 1)
    var = math.fsum((x - mean) ** 2 for x in xs) / (n - 1)
    half = t975(n - 1) * math.sqrt(var / n)
    return Estimate(mean, mean - half, mean + half, n)


def combine(replications: Sequence[Any]) -> Any:
    """Turn same-shaped nested figures (dicts, lists, numbers or ``None``), one per
    replication, into the same shape with an ``Estimate`` at every leaf."""
    first = replications[0]
    if isinstance(first, dict):
        return {key: combine([rep[key] for rep in replications]) for key in first}
    if isinstance(first, list):
        return [combine([rep[i] for rep in replications]) for i in range(len(first))]
    return estimate(replications)
