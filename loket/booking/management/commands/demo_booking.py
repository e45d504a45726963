"""Demo data for booking (run by `load_demo`): weekly release rules and released dates."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from loket.booking.models import ReleaseRule
from loket.booking.services import quotas_release
from loket.offices.models import Office


class Command(BaseCommand):
    help = (
        "Give the demo offices a weekly quota release (Friday 14:00 local) and release dates now."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for office in Office.objects.filter(code__in=["KPG", "CLP", "TUL"]):
            ReleaseRule.objects.get_or_create(
                office=office,
                defaults={"kind": "weekly", "weekday": 4, "time": dt.time(14), "periods_ahead": 2},
            )
        released = quotas_release()
        self.stdout.write(f"Demo booking: release rules set, {released}")
