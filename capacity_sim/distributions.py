"""Service-time distributions and the samplers that draw from them.

Every random source of the model (each lane's arrivals, each stage's service times
and routing) owns one ``numpy.random.Generator`` built from its own ``SeedSequence``
child, so adding a lane or changing the queue policy leaves the other streams alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

KINDS: tuple[str, ...] = ("exponential", "lognormal", "deterministic", "empirical")

# numpy is fast per array and slow per scalar, so samplers draw in batches.
_BATCH = 4096


def _finite(value: object) -> float | None:
    """``value`` as a float if it is a finite number (not a bool), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _positive(value: object) -> bool:
    number = _finite(value)
    return number is not None and number > 0


@dataclass(frozen=True)
class Distribution:
    """A service-time distribution in minutes.

    - ``exponential``: ``mean``.
    - ``lognormal``: ``mean`` and standard deviation ``sd``.
    - ``deterministic``: always ``mean``.
    - ``empirical``: ``values`` (observed service times) resampled with replacement.
    """

    kind: str
    mean: float = 0.0
    sd: float = 0.0
    values: tuple[float, ...] = ()

    def errors(self) -> list[str]:
        """What is wrong with the parameters, as ``field: reason`` phrases."""
        if self.kind not in KINDS:
            return [f"kind {self.kind!r} is unknown; valid kinds: {', '.join(KINDS)}"]
        if self.kind == "empirical":
            if not self.values:
                return ["values: an empirical distribution needs at least one value"]
            if not all(_finite(v) is not None and v >= 0 for v in self.values):
                return ["values: every value must be a finite number of minutes >= 0"]
            if max(self.values) <= 0:
                return ["values: at least one value must be > 0"]
            return []
        problems = []
        if not _positive(self.mean):
            problems.append(f"mean must be a finite number of minutes > 0, got {self.mean!r}")
        if self.kind == "lognormal" and not _positive(self.sd):
            problems.append(f"sd must be a finite number of minutes > 0, got {self.sd!r}")
        return problems

    def expected(self) -> float:
        """E[S] in minutes."""
        if self.kind == "empirical":
            return sum(self.values) / len(self.values)
        return self.mean

    def second_moment(self) -> float:
        """E[S^2] in minutes squared (for Pollaczek-Khinchine and Cobham)."""
        if self.kind == "exponential":
            return 2.0 * self.mean**2
        if self.kind == "lognormal":
            return self.sd**2 + self.mean**2
        if self.kind == "empirical":
            return sum(v * v for v in self.values) / len(self.values)
        return self.mean**2


class Sampler:
    """Hands out draws one at a time from ``draw(n)``, which returns ``n`` at once."""

    __slots__ = ("_buffer", "_draw", "_next")

    def __init__(self, draw: Callable[[int], np.ndarray]) -> None:
        self._draw = draw
        self._buffer: list[float] = []
        self._next = 0

    def __call__(self) -> float:
        if self._next == len(self._buffer):
            self._buffer = self._draw(_BATCH).tolist()
            self._next = 0
        value = self._buffer[self._next]
        self._next += 1
        return value


def service_sampler(dist: Distribution, rng: np.random.Generator) -> Sampler:
    """A sampler of ``dist`` drawing from ``rng``."""
    if dist.kind == "exponential":
        mean = dist.mean
        return Sampler(lambda n: rng.exponential(mean, n))
    if dist.kind == "lognormal":
        sigma2 = math.log1p((dist.sd / dist.mean) ** 2)
        mu = math.log(dist.mean) - sigma2 / 2.0
        sigma = math.sqrt(sigma2)
        return Sampler(lambda n: rng.lognormal(mu, sigma, n))
    if dist.kind == "empirical":
        values = np.asarray(dist.values, dtype=float)
        return Sampler(lambda n: rng.choice(values, n))
    constant = dist.mean
    return Sampler(lambda n: np.full(n, constant))


def uniform_sampler(rng: np.random.Generator) -> Sampler:
    """A sampler of U(0, 1) draws, for routing decisions."""
    return Sampler(lambda n: rng.random(n))


def exponential_sampler(mean: float, rng: np.random.Generator) -> Sampler:
    """A sampler of exponential gaps with ``mean`` minutes (Poisson arrivals)."""
    return Sampler(lambda n: rng.exponential(mean, n))
