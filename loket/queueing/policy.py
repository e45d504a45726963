"""Queue ordering policy: which waiting ticket a free counter calls next.

Shared by the live queue (the Django app around this module) and by the capacity
simulator (``capacity_sim``), so both order tickets by the same rules. It therefore
imports nothing but the standard library and works on plain dataclasses.

Times are seconds on any clock the caller likes (epoch seconds in the live queue,
simulated seconds in the simulator); only differences and order matter.

Service classes, most urgent first:

- ``priority``: vulnerable groups (kelompok rentan): elderly 60+, young children,
  pregnant and breastfeeding women, people with disabilities, the sick, disaster
  victims (UU 25/2009 art. 29).
- ``percepatan``: same-day express service.
- ``regular``, ``pickup`` and ``group``: everyone else; equal rank. ``group`` is the
  lane of an outreach (jemput bola) visit: a partner's members served together, in
  the same order rules as regular visitors.

Lane codes (``Waiting.lane``) are configured per office and never affect the order:
the class does. The policies apply unchanged at every stage, including BAP and
printing: the Cilacap field study found that priority used to stop at the BAP step
and that percepatan overtook priority at completion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

#: Rank of each service class; a lower rank is called first.
CLASS_RANK: dict[str, int] = {
    "priority": 0,
    "percepatan": 1,
    "regular": 2,
    "pickup": 2,
    "group": 2,
}
SERVICE_CLASSES: tuple[str, ...] = tuple(CLASS_RANK)
_REGULAR_RANK = CLASS_RANK["regular"]


@dataclass(frozen=True, slots=True)
class Waiting:
    """One ticket waiting at one stage.

    ``lane`` is the office's lane code (display only); ``service_class`` decides the
    rank. ``arrived_at`` is when the applicant took the ticket at the office;
    ``stage_entered_at`` is when the ticket joined this stage's queue (seconds).
    """

    ticket_id: int
    lane: str
    service_class: str
    arrived_at: float
    stage_entered_at: float

    def __post_init__(self) -> None:
        # A typo in a class would otherwise rank the ticket silently wrong.
        if self.service_class not in CLASS_RANK:
            raise ValueError(
                f"unknown service_class {self.service_class!r}; "
                f"valid classes: {', '.join(SERVICE_CLASSES)}"
            )


@dataclass(slots=True)
class PolicyState:
    """What a policy remembers between calls for one queue (one stage of one office).

    ``streak`` counts priority/percepatan tickets called since the last regular one;
    only the weighted policy uses it. The live queue stores it per stage.
    """

    streak: int = 0


class Policy(Protocol):
    """A queue ordering rule. ``choose`` is deterministic and makes one pass."""

    @property
    def name(self) -> str: ...

    def choose(
        self, waiting: Iterable[Waiting], *, now: float, state: PolicyState
    ) -> Waiting | None: ...


def _class_key(w: Waiting) -> tuple[int, float, float, int]:
    # ticket_id last so that ties never depend on the order of the input.
    return (CLASS_RANK[w.service_class], w.stage_entered_at, w.arrived_at, w.ticket_id)


@dataclass(frozen=True)
class Fifo:
    """Arrival order only: the ticket taken first at the office is called first."""

    name: str = "fifo"

    def choose(
        self, waiting: Iterable[Waiting], *, now: float, state: PolicyState
    ) -> Waiting | None:
        return min(waiting, key=lambda w: (w.arrived_at, w.ticket_id), default=None)


@dataclass(frozen=True)
class StrictPriority:
    """priority > percepatan > regular at every stage; FIFO by stage entry within a class.

    Non-preemptive: a ticket already at a counter is finished first. A regular ticket
    can wait without bound while higher classes keep coming (see ``Weighted``).
    """

    name: str = "strict_priority"

    def choose(
        self, waiting: Iterable[Waiting], *, now: float, state: PolicyState
    ) -> Waiting | None:
        return min(waiting, key=_class_key, default=None)


@dataclass(frozen=True)
class Weighted:
    """Strict priority with two guards against starving regular tickets.

    - After ``burst`` priority/percepatan tickets in a row, the oldest regular ticket
      is called.
    - A ticket that has waited ``max_wait`` seconds or more at this stage is called
      before anything else (the oldest such ticket first), whatever its class.
    """

    name: str = "weighted"
    burst: int = 3
    max_wait: float = 1800.0

    def choose(
        self, waiting: Iterable[Waiting], *, now: float, state: PolicyState
    ) -> Waiting | None:
        # One pass: the strict-priority pick, the oldest ticket, the oldest regular one.
        best: Waiting | None = None
        oldest: Waiting | None = None
        oldest_regular: Waiting | None = None
        best_key: tuple[int, float, float, int] | None = None
        oldest_key: tuple[float, float, int] | None = None
        regular_key: tuple[float, float, int] | None = None
        for w in waiting:
            class_key = _class_key(w)
            fifo_key = class_key[1:]
            if best_key is None or class_key < best_key:
                best, best_key = w, class_key
            if oldest_key is None or fifo_key < oldest_key:
                oldest, oldest_key = w, fifo_key
            if class_key[0] >= _REGULAR_RANK and (regular_key is None or fifo_key < regular_key):
                oldest_regular, regular_key = w, fifo_key
        if best is None or oldest is None:
            return None
        if now - oldest.stage_entered_at >= self.max_wait:
            chosen = oldest
        elif state.streak >= self.burst and oldest_regular is not None:
            chosen = oldest_regular
        else:
            chosen = best
        if CLASS_RANK[chosen.service_class] >= _REGULAR_RANK:
            state.streak = 0
        else:
            state.streak += 1
        return chosen


POLICIES: dict[str, Policy] = {p.name: p for p in (StrictPriority(), Fifo(), Weighted())}


def get_policy(name: str) -> Policy:
    """Return the registered policy called ``name``, or raise ``ValueError`` naming it."""
    try:
        return POLICIES[name]
    except KeyError:
        raise ValueError(
            f"unknown queue policy {name!r}; valid policies: {', '.join(sorted(POLICIES))}"
        ) from None


def choose_next(
    policy_name: str, waiting: Iterable[Waiting], *, now: float, state: PolicyState
) -> Waiting | None:
    """The ticket a free counter should call now, or ``None`` when nobody waits."""
    return get_policy(policy_name).choose(waiting, now=now, state=state)
