"""Demo data for the queue (run by `load_demo`): default lanes and queue settings."""

from typing import Any

from django.core.management.base import BaseCommand

from loket.offices.models import Office
from loket.queueing.models import QueueConfig
from loket.queueing.services import queue_setup


class Command(BaseCommand):
    help = "Give the demo offices their lanes and queue settings, and print the display links."

    def handle(self, *args: Any, **options: Any) -> None:
        for office in Office.objects.filter(code__in=["KPG", "CLP", "TUL"]):
            queue_setup(office)
            key = QueueConfig.objects.get(office=office).display_key
            self.stdout.write(
                f"  {office.code}: hall display /layar/{office.code}/?key={key}  kiosk /kios/{office.code}/?key={key}"
            )
