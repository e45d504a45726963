"""Parameter validation: every bad value is named in a ValueError."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from capacity_sim import Distribution, Lane, Params, SimulationLimitError, Stage, run

from .scenarios import example_data, small_office


def one_stage(**overrides: Any) -> Params:
    fields: dict[str, Any] = {
        "lanes": (Lane("a", walk_in_per_hour=(30.0,)),),
        "stages": (Stage("desk", Distribution("exponential", 1.0), counters=(1,)),),
    }
    fields.update(overrides)
    return Params(**fields)


def test_example_scenario_is_valid() -> None:
    params = Params.from_dict(example_data())
    assert params.policy == "strict_priority"
    assert {lane.service_class for lane in params.lanes} == {
        "regular",
        "priority",
        "percepatan",
        "pickup",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"policy": "lifo"}, r"policy.*'lifo'.*fifo, strict_priority, weighted"),
        ({"closing": -5}, r"closing must be a number of minutes > 0, got -5"),
        ({"days": 0}, r"days must be an integer >= 1"),
        ({"replications": 2.5}, r"replications must be an integer"),
        ({"seed": -1}, r"seed must be an integer >= 0"),
        ({"lanes": ()}, r"lanes: give at least one lane"),
        ({"warmup": 10.0}, r"warmup and run_length apply only with steady_state"),
    ],
)
def test_bad_scenario_values_are_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        one_stage(**change)


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        (
            Stage("desk", Distribution("exponential", -2.0)),
            r"stage 'desk': service mean must be a finite number of minutes > 0, got -2.0",
        ),
        (
            Stage("desk", Distribution("lognormal", 2.0)),
            r"stage 'desk': service sd must be",
        ),
        (Stage("desk", Distribution("gamma", 2.0)), r"kind 'gamma' is unknown; valid kinds"),
        (Stage("desk", Distribution("empirical")), r"needs at least one value"),
        (Stage("desk", Distribution("exponential", 1.0), counters=(0,)), r"counters are 0"),
        (
            Stage("desk", Distribution("exponential", 1.0), counters=(1, 2, 3)),
            r"counters needs 1 value \(all day\) or 8 \(one per opening hour\), got 3",
        ),
        (
            Stage("desk", Distribution("exponential", 1.0), probability=1.5),
            r"stage 'desk': probability must be between 0 and 1, got 1.5",
        ),
        (
            Stage("desk", Distribution("exponential", 1.0), wait_standard_by_class={"vip": 5}),
            r"wait_standard_by_class has unknown class 'vip'",
        ),
    ],
)
def test_bad_stage_values_are_named(stage: Stage, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        one_stage(stages=(stage,))


@pytest.mark.parametrize(
    ("lane", "message"),
    [
        (Lane("a", walk_in_per_hour=(-1.0,)), r"lane 'a': walk_in_per_hour must be"),
        (Lane("a"), r"lane 'a': no arrivals"),
        (Lane("a", walk_in_per_hour=(1.0,), no_show=2.0), r"no_show must be between 0 and 1"),
        (Lane("a", walk_in_per_hour=(1.0,), service_class="vip"), r"service_class 'vip'"),
        (Lane("a", walk_in_per_hour=(1.0,), daily_quota=-3), r"daily_quota must be"),
        (Lane("a", walk_in_per_hour=(1.0,), intake_cutoff=-3.0), r"intake_cutoff must be"),
        (
            Lane("a", walk_in_per_hour=(1.0,), routing={"bap": 0.5}),
            r"routing names unknown stage 'bap'; stages: desk",
        ),
    ],
)
def test_bad_lane_values_are_named(lane: Lane, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        one_stage(lanes=(lane,))


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ValueError) as excinfo:
        one_stage(
            lanes=(Lane("a", walk_in_per_hour=(1.0,), no_show=-1.0),),
            stages=(Stage("desk", Distribution("exponential", 0.0)),),
        )
    assert "no_show" in str(excinfo.value)
    assert "service mean" in str(excinfo.value)


def test_steady_state_rejects_utilisation_of_one_or_more() -> None:
    with pytest.raises(ValueError, match=r"stage 'desk': utilisation 1.000 >= 1"):
        one_stage(
            lanes=(Lane("a", walk_in_per_hour=(60.0,)),),
            steady_state=True,
            run_length=1000.0,
        )


def test_steady_state_needs_a_run_length_and_constant_rates() -> None:
    with pytest.raises(ValueError, match="run_length must be minutes > 0"):
        one_stage(steady_state=True)
    with pytest.raises(ValueError, match="walk_in_per_hour needs exactly 1 value"):
        one_stage(
            lanes=(Lane("a", walk_in_per_hour=(1.0, 2.0)),), steady_state=True, run_length=10.0
        )


def test_from_dict_names_missing_and_unknown_fields() -> None:
    data = example_data()
    del data["stages"][0]["service"]
    with pytest.raises(ValueError, match=r"scenario.stages\[0\]: missing field\(s\) service"):
        Params.from_dict(data)
    data = example_data()
    data["lanes"][1]["walkin_per_hour"] = [1]
    with pytest.raises(
        ValueError, match=r"scenario.lanes\[1\]: unknown field\(s\) walkin_per_hour"
    ):
        Params.from_dict(data)
    with pytest.raises(ValueError, match=r"scenario: missing field\(s\) lanes, stages"):
        Params.from_dict({})


def test_from_dict_rejects_wrong_types_with_a_message() -> None:
    data = example_data()
    data["stages"][0]["service"]["mean"] = "fast"
    with pytest.raises(ValueError, match=r"stage 'check_in': service mean"):
        Params.from_dict(data)
    data = example_data()
    data["lanes"] = {"online": {}}
    with pytest.raises(ValueError, match=r"scenario.lanes: expected a list, got dict"):
        Params.from_dict(data)


def test_params_are_frozen() -> None:
    params = small_office()
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.days = 3  # type: ignore[misc]


def test_event_budget_stops_a_run_instead_of_hanging() -> None:
    with pytest.raises(SimulationLimitError, match="max_events=100"):
        run(small_office(max_events=100, replications=1))
