"""Materialise released quota dates into capacity rows. Idempotent; run every minute."""

from typing import Any

from django.core.management.base import BaseCommand

from loket.booking.services import quotas_release


class Command(BaseCommand):
    help = (
        "Create capacity rows for every released working date (safe to run twice or concurrently)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = quotas_release()
        self.stdout.write(f"release_quotas: {counts['dates']} dates in {counts['offices']} offices")
