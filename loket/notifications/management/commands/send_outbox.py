import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from loket.notifications.services import outbox_send_due


class Command(BaseCommand):
    help = "Send due notifications from the outbox (idempotent; several copies may run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, polling every few seconds."
        )
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            counts = outbox_send_due()
            if any(counts.values()):
                self.stdout.write(f"outbox: {counts}")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
