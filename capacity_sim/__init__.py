"""Loket capacity planning: a discrete-event simulator of an immigration office (SimPy).

Pure Python: imports no Django and no Loket app except ``loket.queueing.policy``,
the queue ordering shared with the live queue.

    from capacity_sim import Params, run
    results = run(Params.from_dict(scenario))
    results.get("stages", "interview", "wait", "p90")
"""

from .distributions import Distribution
from .model import SimulationLimitError
from .params import Lane, Params, Session, Stage
from .runner import Results, run
from .stats import Estimate

__all__ = [
    "Distribution",
    "Estimate",
    "Lane",
    "Params",
    "Results",
    "Session",
    "SimulationLimitError",
    "Stage",
    "run",
]
