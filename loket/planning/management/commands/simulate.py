"""``manage.py simulate scenario.json [--office CODE --calibrate-from D --calibrate-to D]``.

Runs a scenario file (the same JSON as ``python -m capacity_sim``) and prints the
figures as JSON. With ``--office`` the office is first calibrated from its ticket
records of the period (default: the last 30 days), and the file's values are applied
on top: top-level keys replace the calibrated ones, stages and lanes are matched by
name and merged field by field (a lane that gives ``walk_in_per_hour`` or
``sessions`` replaces the calibrated arrivals), others are added. A file holding
``{}`` runs the calibrated office as recorded.

Bad input ends with exit code 2 and a message naming the problem; a run that would
exceed ``max_events`` ends with exit code 1.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from capacity_sim import Params, SimulationLimitError, run
from loket.core.errors import ApplicationError
from loket.offices.models import Office
from loket.planning.calibration import calibrate
from loket.planning.services import plan_from_calibration, plan_params

_ARRIVAL_KEYS = ("walk_in_per_hour", "sessions", "arrival_offset_mean", "arrival_offset_sd")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; use YYYY-MM-DD", returncode=2) from None


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` applied on top of ``base`` (see the module docstring)."""
    merged = {key: value for key, value in base.items() if key not in ("stages", "lanes")}
    merged.update({k: v for k, v in changes.items() if k not in ("stages", "lanes")})
    for key in ("stages", "lanes"):
        items = [dict(item) for item in base.get(key, [])]
        extra = changes.get(key, [])
        if not isinstance(extra, list):
            raise CommandError(f"scenario.{key}: expected a list", returncode=2)
        by_name = {item["name"]: item for item in items}
        for change in extra:
            if not isinstance(change, dict):
                raise CommandError(f"scenario.{key}: expected objects", returncode=2)
            target = by_name.get(change.get("name"))
            if target is None:
                items.append(dict(change))
                continue
            if key == "lanes" and any(k in change for k in ("walk_in_per_hour", "sessions")):
                for arrival_key in _ARRIVAL_KEYS:
                    target.pop(arrival_key, None)
            target.update(change)
        merged[key] = items
    return merged


class Command(BaseCommand):
    help = (
        "Simulate a scenario file (capacity_sim JSON) and print the figures as JSON; "
        "optionally calibrated from an office's ticket records first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenario", type=Path, help="scenario JSON file")
        parser.add_argument("--office", help="office code to calibrate from (e.g. KPG)")
        parser.add_argument("--calibrate-from", dest="calibrate_from", type=_date)
        parser.add_argument("--calibrate-to", dest="calibrate_to", type=_date)
        parser.add_argument("--seed", type=int, help="override the scenario's seed")
        parser.add_argument("--replications", type=int, help="override the replications")
        parser.add_argument("--days", type=int, help="override the days per replication")
        parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
        parser.add_argument("--compact", action="store_true", help="print JSON on one line")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["scenario"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}", returncode=2) from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                returncode=2,
            ) from exc
        if not isinstance(data, dict):
            raise CommandError(f"{path}: the scenario must be a JSON object", returncode=2)

        if options["office"]:
            data = merge(self._calibrated(options), data)
        elif options["calibrate_from"] or options["calibrate_to"]:
            raise CommandError(
                "--calibrate-from and --calibrate-to need --office CODE", returncode=2
            )
        for name in ("seed", "replications", "days"):
            if options[name] is not None:
                data[name] = options[name]
        try:
            params = Params.from_dict(data)
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        try:
            results = run(params, workers=options["workers"])
        except SimulationLimitError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(results.to_json(indent=None if options["compact"] else 2))

    def _calibrated(self, options: dict[str, Any]) -> dict[str, Any]:
        code = options["office"].upper()
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise CommandError(f"--office: there is no office with the code {code}", returncode=2)
        today = timezone.now().astimezone(office.tz).date()
        end = options["calibrate_to"] or today - dt.timedelta(days=1)
        start = options["calibrate_from"] or end - dt.timedelta(days=29)
        try:
            calibration = calibrate(office=office, start=start, end=end)
        except ApplicationError as exc:
            option = "--calibrate-to" if "calibrate_to" in exc.fields else "--calibrate-from"
            raise CommandError(f"{option}: {exc.message}", returncode=2) from exc
        plan = plan_from_calibration(office=office, calibration=calibration, name=code)
        return plan_params(plan, replications=10, seed=0, max_events=50_000_000)
