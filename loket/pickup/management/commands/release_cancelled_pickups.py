"""Free the drive-thru places of issuances cancelled as uncollected.

The 30-day cancellation itself is the applications sweep's (`applications_sweep`); this
command only tidies the pickup side and is idempotent, safe when two copies run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from loket.pickup.services import pickups_release_cancelled


class Command(BaseCommand):
    help = "Cancel open pickups of cancelled issuances and free their drive-thru places."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"released {pickups_release_cancelled()}")
