"""Escalate overdue complaints to their office's supervisors. Idempotent: run it every
few minutes from cron or a timer; a second run (or a second copy) sends nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from loket.feedback.services import complaints_escalate_overdue


class Command(BaseCommand):
    help = "Escalate complaints past their verification or handling due date."

    def handle(self, *args: Any, **options: Any) -> None:
        count = complaints_escalate_overdue()
        self.stdout.write(f"escalated {count}")
