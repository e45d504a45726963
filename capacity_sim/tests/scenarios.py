"""Small scenarios shared by the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from capacity_sim import Distribution, Lane, Params, Session, Stage

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "office_day.json"


def example_data() -> dict[str, Any]:
    """The shipped example scenario as JSON data."""
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return data


def small_office(**overrides: Any) -> Params:
    """A quick office day: booked, walk-in, priority and percepatan lanes, four stages."""
    lanes = (
        Lane(
            "online",
            sessions=(Session(0, 30), Session(120, 30), Session(240, 20)),
            no_show=0.1,
        ),
        Lane("walk_in", walk_in_per_hour=(6.0,), routing={"bap": 0.3}),
        Lane("priority", service_class="priority", walk_in_per_hour=(4.0,), daily_quota=30),
        Lane(
            "percepatan",
            service_class="percepatan",
            walk_in_per_hour=(10.0,),
            intake_cutoff=120.0,
            daily_quota=15,
        ),
    )
    stages = (
        Stage("check_in", Distribution("deterministic", 1.0), counters=(1,)),
        Stage("document_check", Distribution("lognormal", 4.0, sd=2.0), counters=(2,)),
        Stage("bap", Distribution("exponential", 15.0), counters=(1,), probability=0.1),
        Stage("biometrics", Distribution("empirical", values=(2.0, 3.0, 4.0)), counters=(2,)),
    )
    fields: dict[str, Any] = {
        "lanes": lanes,
        "stages": stages,
        "days": 2,
        "replications": 3,
        "seed": 11,
    }
    fields.update(overrides)
    return Params(**fields)
