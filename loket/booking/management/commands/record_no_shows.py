"""Record confirmed bookings whose visit day is over without a check-in. Idempotent; run nightly."""

from typing import Any

from django.core.management.base import BaseCommand

from loket.booking.services import no_shows_record


class Command(BaseCommand):
    help = "Mark confirmed bookings of past days (office-local) that were never checked in as no-shows."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"record_no_shows: {no_shows_record()} recorded")
