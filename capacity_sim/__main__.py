"""``python -m capacity_sim scenario.json``: run a scenario file and print its figures as JSON.

Bad input (unreadable file, invalid JSON, invalid parameters) ends with exit code 2
and a message on stderr that names the problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .model import SimulationLimitError
from .params import Params
from .runner import run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m capacity_sim",
        description="Simulate an immigration office scenario and print JSON figures "
        "(means with 95%% confidence intervals over replications).",
    )
    parser.add_argument("scenario", type=Path, help="scenario JSON file")
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--replications", type=int, help="override the replications")
    parser.add_argument("--days", type=int, help="override the days per replication")
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--compact", action="store_true", help="print JSON on one line")
    args = parser.parse_args(argv)

    try:
        text = args.scenario.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        parser.error(f"cannot read {args.scenario}: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        parser.error(
            f"{args.scenario} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        )
    if not isinstance(data, dict):
        parser.error(f"{args.scenario}: the scenario must be a JSON object")
    for name in ("seed", "replications", "days"):
        if getattr(args, name) is not None:
            data[name] = getattr(args, name)
    try:
        params = Params.from_dict(data)
    except ValueError as exc:
        parser.error(f"{args.scenario}: {exc}")
    try:
        results = run(params, workers=args.workers)
    except SimulationLimitError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 1
    print(results.to_json(indent=None if args.compact else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
