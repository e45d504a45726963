"""The fit recovers the parameters that synthetic records were drawn from."""

import datetime as dt
import math

import pytest

from capacity_sim import Params
from loket.core.errors import ApplicationError
from loket.planning.calibration import calibrate, fit_lognormal
from loket.planning.services import plan_from_calibration, plan_params, scenario_run
from loket.planning.tests.conftest import TRUTH


@pytest.mark.django_db
class TestCalibration:
    def test_recovers_known_parameters(self, recorded):
        fit = calibrate(office=recorded["office"], start=recorded["start"], end=recorded["end"])
        assert fit.days_with_records == 20
        assert fit.hours == 7 and fit.opens == dt.time(8)
        lanes = {lane.prefix: lane for lane in fit.lanes}
        for prefix, rates in TRUTH.rates.items():
            lane = lanes[prefix]
            # Daily totals: about 1,500 A tickets, so the Poisson error is ~3 %.
            assert lane.per_day == pytest.approx(sum(rates), rel=0.08)
            for hour, rate in enumerate(rates):
                assert lane.per_hour[hour] == pytest.approx(rate, rel=0.35), (prefix, hour)
        assert lanes["B"].tickets == 0 and lanes["B"].per_day == 0
        assert lanes["A"].bap_share == pytest.approx(0.1 * 0.95, abs=0.03)
        assert lanes["C"].bap_share == pytest.approx(0.2 * 0.95, abs=0.06)
        assert lanes["A"].walk_in_share == pytest.approx(0.2, abs=0.04)
        assert lanes["C"].walk_in_share == 1.0
        assert fit.no_show_share == pytest.approx(0.05, abs=0.02)

        stages = {stage.code: stage for stage in fit.stages}
        for code, (mean, sd) in TRUTH.service.items():
            stage = stages[code]
            assert stage.n > 150, code
            assert stage.mean == pytest.approx(mean, rel=0.08), code
            assert stage.sd == pytest.approx(sd, rel=0.2), code
            assert len(stage.values) == 200
        # Busy hours: every counter of the pool takes calls.
        assert stages["document_check"].counters_by_hour[1] == pytest.approx(3, abs=0.2)
        assert stages["interview"].counters_by_hour[1] == pytest.approx(2, abs=0.2)
        assert stages["bap"].counters_by_hour[1] <= 1

    def test_calibrated_plan_runs_in_the_simulator(self, recorded):
        office = recorded["office"]
        fit = calibrate(office=office, start=recorded["start"], end=recorded["end"])
        plan = plan_from_calibration(office=office, calibration=fit, name="now")
        params = Params.from_dict(plan_params(plan))
        assert {lane.name for lane in params.lanes} == {"A", "B", "C", "D", "E"}
        interview = next(s for s in params.stages if s.name == "interview")
        assert interview.service.kind == "lognormal"
        assert interview.service.mean == pytest.approx(4.0, rel=0.08)
        results = scenario_run(plan=plan, replications=2)
        # The simulated day sees about as many A tickets as the records.
        assert results["lanes"]["A"]["tickets"]["mean"] == pytest.approx(73, rel=0.2)

        empirical = plan_params({**plan, "service_model": "empirical"})
        assert {s["service"]["kind"] for s in empirical["stages"]} == {"empirical"}

    def test_empty_period_names_it(self, planning_office):
        with pytest.raises(ApplicationError) as caught:
            calibrate(office=planning_office, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
        error = caught.value
        assert error.code == "calibration_empty"
        assert "2024-01-01" in error.message and "2024-01-31" in error.message
        assert "CLP" in error.message and "calibrate_from" in error.fields

    def test_reversed_period(self, planning_office):
        with pytest.raises(ApplicationError) as caught:
            calibrate(office=planning_office, start=dt.date(2024, 2, 1), end=dt.date(2024, 1, 1))
        assert "calibrate_to" in caught.value.fields


def test_lognormal_fit_by_moments():
    import numpy as np

    mean, sd = 8.0, 4.0
    sigma = math.sqrt(math.log1p((sd / mean) ** 2))
    mu = math.log(mean) - sigma**2 / 2
    sample = np.random.default_rng(3).lognormal(mu, sigma, 20_000).tolist()
    fitted_mean, fitted_sd = fit_lognormal(sample)
    assert fitted_mean == pytest.approx(mean, rel=0.02)
    assert fitted_sd == pytest.approx(sd, rel=0.05)
    assert fit_lognormal([]) == (None, None)
