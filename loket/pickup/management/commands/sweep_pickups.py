"""Uncollected passports: reminders at each office's reminder days, cancellation of the
issuance after its limit (through the applications workflow), places freed.

Idempotent and safe when two copies run at once; meant for the worker's schedule."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from loket.pickup.services import pickups_sweep


class Command(BaseCommand):
    help = "Remind holders of uncollected passports and cancel the issuance after the limit."

    def handle(self, *args: Any, **options: Any) -> None:
        result = pickups_sweep()
        self.stdout.write(
            f"reminded {result.reminded} cancelled {result.cancelled} released {result.released}"
        )
