"""Lapse unpaid holds and return cancelled places after their delay. Idempotent; run every minute."""

from typing import Any

from django.core.management.base import BaseCommand

from loket.booking.services import cancelled_places_return, holds_expire


class Command(BaseCommand):
    help = (
        "Lapse held bookings whose payment deadline passed and return their places; return "
        "the places of cancellations whose delay is over. Safe to run concurrently."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = holds_expire()
        returned = cancelled_places_return()
        self.stdout.write(
            f"expire_holds: {lapsed} holds lapsed, {returned} cancelled places returned"
        )
