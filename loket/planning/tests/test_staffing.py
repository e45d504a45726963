"""The staffing helper per opening hour, on a small scenario whose answer can be
checked: a busy morning and a quiet afternoon at one stage."""

import pytest

from loket.planning.services import (
    STAFFING_CONFIRM_REPLICATIONS,
    _meets,
    scenario_run,
    staffing_by_hour,
    staffing_search,
)

TARGET = 10.0
MAX_RUNS = 20


def small_plan():
    """One stage, walk-ins only: 30 an hour in the morning, 6 in the afternoon,
    6 minutes of service each (3 busy counters in the morning, 0.6 after)."""
    return {
        "name": "morning rush",
        "policy": "weighted",
        "service_model": "lognormal",
        "steady_state": False,
        "opens": "08:00",
        "closing": 360,
        "source": "test",
        "stages": [
            {
                "code": "document_check",
                "label": "Document check",
                "counters": [1],
                "mean": 6.0,
                "sd": 3.0,
                "values": [],
                "wait_standard": 30,
            }
        ],
        "lanes": [
            {
                "prefix": "A",
                "label": "Regular",
                "service_class": "regular",
                "arrivals": [30, 30, 30, 6, 6, 6],
                "walk_in_share": 1.0,
                "daily_quota": None,
                "bap_share": 0.0,
            }
        ],
    }


@pytest.fixture(scope="module")
def answer():
    plan = small_plan()
    whole_day = staffing_search(plan=plan, target_p90=TARGET)
    return (
        plan,
        whole_day,
        staffing_by_hour(plan=plan, target_p90=TARGET, whole_day=whole_day, max_runs=MAX_RUNS),
    )


class TestStaffingByHour:
    def test_quiet_afternoon_needs_fewer_counters(self, answer):
        _plan, whole_day, hourly = answer
        assert whole_day.met and hourly.met
        row = hourly.schedule["document_check"]
        assert hourly.hours == ("08:00", "09:00", "10:00", "11:00", "12:00", "13:00")
        assert len(row) == 6
        assert all(1 <= c <= whole_day.counters["document_check"] for c in row)
        # The morning needs more than its offered load of 3; the afternoon (0.6) less.
        assert min(row[:3]) >= 3
        assert max(row[3:]) < min(row[:3])
        assert hourly.counter_hours == sum(row) < hourly.whole_day_counter_hours

    def test_runs_stay_within_the_bound_and_repeat(self, answer):
        plan, whole_day, hourly = answer
        assert 1 <= hourly.runs <= MAX_RUNS
        assert len(hourly.steps) == hourly.runs
        again = staffing_by_hour(
            plan=plan, target_p90=TARGET, whole_day=whole_day, max_runs=MAX_RUNS
        )
        assert again.schedule == hourly.schedule and again.runs == hourly.runs

    def test_meets_the_target_when_simulated_again(self, answer):
        plan, _whole_day, hourly = answer
        plan["stages"][0]["counters"] = list(hourly.schedule["document_check"])
        # On days the search never saw (its own seeds are 2026 and 2027).
        results = scenario_run(plan=plan, replications=STAFFING_CONFIRM_REPLICATIONS, seed=7)
        met, worst = _meets(results, plan, TARGET)
        assert met, worst
        # Just the offered load in the morning (3 counters for 3 busy) breaks it.
        tighter = [3, 3, 3, *hourly.schedule["document_check"][3:]]
        plan["stages"][0]["counters"] = tighter
        results = scenario_run(plan=plan, replications=STAFFING_CONFIRM_REPLICATIONS, seed=7)
        assert not _meets(results, plan, TARGET)[0]

    def test_no_whole_day_answer_means_no_runs(self, answer):
        plan, whole_day, _hourly = answer
        failed = type(whole_day)(
            target=1.0,
            counters=whole_day.counters,
            met=False,
            runs=whole_day.runs,
            steps=(),
            results=whole_day.results,
        )
        hourly = staffing_by_hour(plan=plan, target_p90=1.0, whole_day=failed)
        assert not hourly.met and hourly.runs == 0
        assert hourly.schedule == {"document_check": (whole_day.counters["document_check"],) * 6}
