"""manage.py simulate: a scenario file, optionally calibrated from an office first."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

EXAMPLE = Path(__file__).resolve().parents[3] / "capacity_sim" / "examples" / "office_day.json"


def simulate(*args):
    out = io.StringIO()
    call_command("simulate", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


def write(tmp_path, data, name="scenario.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.django_db
class TestSimulate:
    def test_scenario_file(self):
        figures = simulate(EXAMPLE, "--replications", 2, "--days", 1, "--compact")
        assert figures["replications"] == 2 and figures["days"] == 1
        assert set(figures["lanes"]) == {"online", "walk_in", "priority", "percepatan", "pickup"}
        assert figures["stages"]["interview"]["utilisation"]["mean"] > 0

    def test_calibrated_from_an_office(self, recorded_small, tmp_path):
        path = write(
            tmp_path, {"replications": 2, "stages": [{"name": "interview", "counters": 5}]}
        )
        figures = simulate(
            path,
            "--office",
            "clp",
            "--calibrate-from",
            recorded_small["start"],
            "--calibrate-to",
            recorded_small["end"],
        )
        assert set(figures["lanes"]) == {"A", "B", "C", "D", "E"}
        assert figures["lanes"]["A"]["tickets"]["mean"] > 40
        assert figures["stages"]["interview"]["utilisation"]["mean"] < 0.5

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["missing.json"], "cannot read"),
            (["{bad"], "not valid JSON"),
            (["[]"], "JSON object"),
            (['{"policy": "random", "lanes": [], "stages": []}'], "policy"),
            (["{}", "--calibrate-from", "2025-01-01"], "--office"),
            (["{}", "--office", "NOPE"], "no office"),
            (
                [
                    "{}",
                    "--office",
                    "CLP",
                    "--calibrate-from",
                    "2024-01-01",
                    "--calibrate-to",
                    "2024-01-31",
                ],
                "2024-01-01",
            ),
        ],
    )
    def test_bad_input(self, planning_office, tmp_path, args, message):
        first, *rest = args
        path = tmp_path / "missing.json" if first == "missing.json" else write(tmp_path, first)
        with pytest.raises(CommandError) as caught:
            simulate(path, *rest)
        assert message in str(caught.value)
        assert caught.value.returncode == 2

    def test_exit_code_from_the_shell(self, tmp_path):
        import subprocess
        import sys

        path = write(tmp_path, '{"policy": "random", "lanes": [], "stages": []}')
        done = subprocess.run(
            [sys.executable, "manage.py", "simulate", str(path)],
            cwd=EXAMPLE.parents[2],
            capture_output=True,
            text=True,
            env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
            timeout=60,
        )
        assert done.returncode == 2
        assert "policy" in done.stderr and not done.stdout
