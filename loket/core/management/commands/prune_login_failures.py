from typing import Any

from django.core.management.base import BaseCommand

from loket.core.throttle import login_failures_prune


class Command(BaseCommand):
    help = "Delete sign-in failures older than the throttling window (safe to run concurrently)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = login_failures_prune()
        self.stdout.write(f"Deleted {deleted} old sign-in failure(s).")
