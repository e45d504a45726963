"""Run Loket's periodic commands in a loop (what `make run` starts beside the web server).

Every command listed is idempotent and safe to run in several copies at once, so in
production the same list can run from cron on any app node instead.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

logger = logging.getLogger("loket.worker")

# command name -> interval in seconds
SCHEDULE: dict[str, int] = {
    "send_outbox": 5,
    "expire_holds": 30,
    "release_quotas": 300,
    "escalate_complaints": 900,
    "prune_login_failures": 3600,
    "record_no_shows": 3600,
    "sweep_applications": 300,
    "sweep_pickups": 3600,
    "generate_reports": 3600,
}


class Command(BaseCommand):
    help = "Run the periodic commands (outbox, holds, quota release, escalation) in a loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run each command once and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        available = get_commands()
        schedule = {name: every for name, every in SCHEDULE.items() if name in available}
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, every in schedule.items():
                if options["once"] or now - last_run.get(name, -every) >= every:
                    last_run[name] = now
                    try:
                        call_command(name, stdout=self.stdout, stderr=self.stderr)
                    except Exception:
                        logger.exception("periodic command %s failed", name)
            if options["once"]:
                return
            time.sleep(1)
