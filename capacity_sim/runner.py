"""Running a scenario: independent replications, combined into estimates with 95 % CIs."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import run_replication
from .params import Params
from .stats import Estimate, combine


@dataclass(frozen=True)
class Results:
    """Figures of a run.

    ``figures`` has the shape of one replication's figures (see ``run``) with an
    ``Estimate`` (mean and 95 % CI over replications) at every leaf;
    ``replications`` keeps each replication's raw figures; ``events`` is the number
    of SimPy events over all replications.
    """

    params: Params
    figures: dict[str, Any]
    replications: list[dict[str, Any]]
    events: int

    def get(self, *path: str | int) -> Estimate:
        """The estimate at ``path``, e.g. ``get("stages", "bap", "wait", "p90")``."""
        node: Any = self.figures
        for key in path:
            node = node[key]
        if not isinstance(node, Estimate):
            raise KeyError(f"{'/'.join(map(str, path))} is not a single figure")
        return node

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures, each as ``{"mean", "low", "high", "n"}``."""

        def plain(node: Any) -> Any:
            if isinstance(node, Estimate):
                return node.to_dict()
            if isinstance(node, dict):
                return {key: plain(value) for key, value in node.items()}
            return [plain(value) for value in node]

        p = self.params
        return {
            "mode": "steady_state" if p.steady_state else "office_day",
            "policy": p.policy,
            "seed": p.seed,
            "replications": p.replications,
            "days": 1 if p.steady_state else p.days,
            "events": self.events,
            **plain(self.figures),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def run(params: Params, *, workers: int = 1) -> Results:
    """Simulate ``params.replications`` independent replications of the scenario.

    Replication ``i`` draws from the ``i``-th child of ``SeedSequence(params.seed)``,
    so the same seed gives the same figures. Per replication (counts per day, waits
    and times in minutes):

    - ``lanes[lane]``: ``tickets`` issued, ``served`` (all stages done),
      ``not_served`` (still waiting at closing), ``turned_away`` (after the intake
      cut-off, over the daily quota, or after closing), ``no_show``,
      ``wait_total_mean``/``_p90`` (summed over stages), ``time_in_office_mean``/``_p90``,
      ``sop_compliance`` (share of stage waits within the stage's standard).
    - ``stages[stage]``: ``utilisation`` (busy share of open counter time),
      ``queue_mean`` and ``queue_by_hour`` (time-average queue length over the day and
      per opening hour), ``queue_max`` (longest queue in the replication), and wait
      figures ``called``, ``mean``, ``median``, ``p90``,
      ``p95``, ``p_wait`` (share that waited at all), ``sop_compliance`` for all
      tickets (``wait``), per lane (``lanes``) and per service class (``classes``).

    Waits count tickets a counter called; tickets never called are in ``not_served``.

    ``workers > 1`` runs replications in that many processes; the figures are the
    same as with one, since each replication owns its seed.
    """
    seeds = np.random.SeedSequence(params.seed).spawn(params.replications)
    if workers > 1 and params.replications > 1:
        with ProcessPoolExecutor(min(workers, params.replications)) as pool:
            outcomes = list(pool.map(run_replication, [params] * len(seeds), seeds))
    else:
        outcomes = [run_replication(params, seed) for seed in seeds]
    figures = [rep_figures for rep_figures, _ in outcomes]
    events = sum(rep_events for _, rep_events in outcomes)
    return Results(params=params, figures=combine(figures), replications=figures, events=events)
