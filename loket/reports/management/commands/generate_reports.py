"""Generate and keep the periodic reports of the last complete month, quarter, semester
and year, for each active office and for the nation. Idempotent: a period already kept
is skipped, and two copies running at once store each report once (unique constraint)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from loket.offices.models import Office
from loket.planning.selectors import stored_report_exists
from loket.planning.services import stored_report_save
from loket.reports.periodic import KINDS, last_complete_period, periodic_report
from loket.reports.report_files import report_pdf, report_xlsx

# The nation's day ends last in WIB; a national period is complete once it has there.
NATIONAL_TZ = ZoneInfo("Asia/Jakarta")


class Command(BaseCommand):
    help = (
        "Store the PDF and XLSX reports of the last complete month, quarter, semester and "
        "year of each active office and of the nation, once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind", action="append", choices=[str(k) for k in KINDS], help="Only this kind."
        )
        parser.add_argument(
            "--today", help="Act as if today were this date (YYYY-MM-DD), e.g. to catch up."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = options["kind"] or [str(k) for k in KINDS]
        fixed: dt.date | None = None
        if options["today"]:
            try:
                fixed = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date as YYYY-MM-DD.") from None
        now = timezone.now()
        offices = list(Office.objects.filter(is_active=True).order_by("code"))
        created = skipped = 0
        scopes: list[tuple[Office | None, list[Office], dt.date]] = [
            (o, [o], fixed or now.astimezone(o.tz).date()) for o in offices
        ]
        if offices:
            scopes.append((None, offices, fixed or now.astimezone(NATIONAL_TZ).date()))
        for office, members, today in scopes:
            for kind in kinds:
                period = last_complete_period(kind, today)
                if stored_report_exists(
                    office=office, kind=kind, year=period.year, index=period.index
                ):
                    skipped += 1
                    continue
                report = periodic_report(
                    user=None, offices=members, office=office, period=period, today=today
                )
                _row, made = stored_report_save(
                    office=office,
                    kind=kind,
                    year=period.year,
                    index=period.index,
                    label=period.label,
                    pdf=report_pdf(report),
                    xlsx=report_xlsx(report),
                )
                created += made
                skipped += not made
        self.stdout.write(f"reports stored: {created}, already kept: {skipped}")
