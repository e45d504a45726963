"""``python -m capacity_sim scenario.json``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from capacity_sim.__main__ import main

from .scenarios import EXAMPLE, example_data

REPO = Path(__file__).resolve().parents[2]


def test_runs_the_example_and_prints_json() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "capacity_sim", str(EXAMPLE), "--replications", "2", "--days", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(done.stdout)
    assert (out["mode"], out["replications"], out["days"]) == ("office_day", 2, 1)
    wait = out["stages"]["bap"]["classes"]["priority"]["p90"]
    assert set(wait) == {"mean", "low", "high", "n"}
    assert out["lanes"]["percepatan"]["turned_away"]["mean"] >= 0


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as excinfo:
        main(args)
    code = excinfo.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_cli([str(tmp_path / "nope.json")], capsys)
    assert code == 2
    assert "cannot read" in err and "nope.json" in err


def test_invalid_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"lanes": [\n  {"name": "a",}\n]}')
    code, err = run_cli([str(path)], capsys)
    assert code == 2
    assert "not valid JSON" in err and "line 2" in err


def test_bad_parameter_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = example_data()
    data["stages"][2]["counters"] = [1, 2]
    data["policy"] = "vip_first"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    code, err = run_cli([str(path)], capsys)
    assert code == 2
    assert "stage 'interview': counters needs 1 value (all day) or 8" in err
    assert "unknown queue policy 'vip_first'" in err


def test_scenario_must_be_an_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    code, err = run_cli([str(path)], capsys)
    assert code == 2
    assert "must be a JSON object" in err


def test_overrides_and_compact_output(capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(EXAMPLE), "--replications", "1", "--days", "1", "--seed", "9", "--compact"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert json.loads(out)["seed"] == 9
