"""Tests of the queue ordering policy shared by the live queue and the simulator."""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest

from loket.queueing import policy
from loket.queueing.policy import (
    POLICIES,
    PolicyState,
    Waiting,
    Weighted,
    choose_next,
    get_policy,
)

REPO = Path(__file__).resolve().parents[2]


def ticket(
    ticket_id: int, service_class: str, entered: float, arrived: float | None = None
) -> Waiting:
    return Waiting(
        ticket_id=ticket_id,
        service_class=service_class,
        arrived_at=entered if arrived is None else arrived,
        stage_entered_at=entered,
        lane=service_class[:1].upper(),
    )


def call_order(name: str, waiting: list[Waiting], now: float = 0.0) -> list[int]:
    """Ticket ids in the order a single counter would call them, nobody new arriving."""
    state = PolicyState()
    left = list(waiting)
    order = []
    while left:
        chosen = choose_next(name, left, now=now, state=state)
        assert chosen is not None
        order.append(chosen.ticket_id)
        left.remove(chosen)
    return order


def test_strict_priority_ranks_priority_then_percepatan_then_regular() -> None:
    waiting = [
        ticket(1, "regular", 0),
        ticket(2, "percepatan", 10),
        ticket(3, "priority", 20),
        ticket(4, "pickup", 5),
        ticket(5, "priority", 15),
    ]
    assert call_order("strict_priority", waiting) == [5, 3, 2, 1, 4]


def test_priority_stays_ahead_at_bap_although_percepatan_came_first() -> None:
    # The Cilacap study: priority used to stop at BAP and percepatan overtook it.
    # A priority applicant who reaches BAP after a percepatan one is still called first.
    bap_queue = [
        ticket(7, "percepatan", entered=100.0, arrived=0.0),
        ticket(8, "priority", entered=400.0, arrived=50.0),
    ]
    chosen = choose_next("strict_priority", bap_queue, now=400.0, state=PolicyState())
    assert chosen is not None
    assert chosen.ticket_id == 8


def test_strict_priority_is_fifo_by_stage_entry_within_a_class() -> None:
    # Ticket 1 arrived at the office first but reached this stage last.
    waiting = [ticket(1, "regular", 30, arrived=0), ticket(2, "regular", 10, arrived=5)]
    assert call_order("strict_priority", waiting) == [2, 1]


def test_ties_do_not_depend_on_input_order() -> None:
    waiting = [ticket(i, "regular", 10.0, arrived=0.0) for i in range(1, 9)]
    waiting += [ticket(i, "priority", 10.0, arrived=0.0) for i in range(9, 12)]
    expected = call_order("strict_priority", waiting)
    rng = random.Random(4)
    for _ in range(20):
        rng.shuffle(waiting)
        assert call_order("strict_priority", waiting) == expected
    assert expected == [9, 10, 11, 1, 2, 3, 4, 5, 6, 7, 8]


def test_fifo_uses_arrival_order_only() -> None:
    waiting = [
        ticket(1, "regular", entered=50, arrived=0),
        ticket(2, "priority", entered=10, arrived=20),
        ticket(3, "percepatan", entered=5, arrived=10),
    ]
    assert call_order("fifo", waiting) == [1, 3, 2]


def test_weighted_calls_a_regular_after_burst_higher_class_tickets() -> None:
    waiting = [ticket(i, "priority", float(i)) for i in range(1, 6)]
    waiting += [ticket(10, "regular", 0.0), ticket(11, "regular", 0.5)]
    weighted = Weighted(burst=2, max_wait=10_000)
    state = PolicyState()
    left = list(waiting)
    order = []
    while left:
        chosen = weighted.choose(left, now=10.0, state=state)
        assert chosen is not None
        order.append(chosen.ticket_id)
        left.remove(chosen)
    assert order == [1, 2, 10, 3, 4, 11, 5]


def test_weighted_aging_guard_calls_a_ticket_that_waited_too_long() -> None:
    weighted = Weighted(burst=100, max_wait=1800)
    waiting = [ticket(1, "regular", 0.0), ticket(2, "priority", 1000.0)]
    state = PolicyState()
    young = weighted.choose(waiting, now=1799.0, state=state)
    old = weighted.choose(waiting, now=1800.0, state=state)
    assert young is not None and young.ticket_id == 2
    assert old is not None and old.ticket_id == 1
    assert state.streak == 0  # a regular ticket was called


def test_registered_weighted_policy_bounds_regular_starvation() -> None:
    waiting = [ticket(i, "percepatan", float(i)) for i in range(1, 20)]
    waiting.append(ticket(99, "regular", 0.0))
    order = call_order("weighted", waiting, now=100.0)
    burst = POLICIES["weighted"].burst  # type: ignore[attr-defined]
    assert order.index(99) == burst


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_every_policy_returns_none_when_nobody_waits(name: str) -> None:
    assert choose_next(name, [], now=0.0, state=PolicyState()) is None


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_every_policy_makes_a_single_pass(name: str) -> None:
    # A one-shot iterator can be read once only: O(n), no sorting, no second look.
    waiting = [ticket(3, "regular", 1.0), ticket(4, "priority", 2.0)]
    chosen = get_policy(name).choose(iter(waiting), now=5.0, state=PolicyState())
    assert chosen is not None


def test_unknown_policy_is_named_with_the_valid_names() -> None:
    with pytest.raises(ValueError, match="'lifo'") as excinfo:
        get_policy("lifo")
    for name in ("fifo", "strict_priority", "weighted"):
        assert name in str(excinfo.value)
    with pytest.raises(ValueError, match="lifo"):
        choose_next("lifo", [], now=0.0, state=PolicyState())


def test_unknown_service_class_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"'vip'.*priority, percepatan, regular, pickup"):
        ticket(1, "vip", 0.0)


def test_policy_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(policy.__file__).read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add((node.module or "").split(".")[0])
    assert imported <= set(sys.stdlib_module_names)


def test_policy_module_loads_no_django() -> None:
    code = (
        "import sys, loket.queueing.policy; "
        "assert not any(m.startswith('django') for m in sys.modules), 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
