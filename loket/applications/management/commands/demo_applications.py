"""Demo data for the workflow (run by `load_demo`): passport blanks in stock."""

from typing import Any

from django.core.management.base import BaseCommand

from loket.applications.models import BlankStock
from loket.offices.models import Office
from loket.payments.choices import BookType


class Command(BaseCommand):
    help = "Give the demo offices passport blanks to print on."

    def handle(self, *args: Any, **options: Any) -> None:
        for office in Office.objects.filter(code__in=["KPG", "CLP", "TUL"]):
            for book_type in (BookType.NON_ELECTRONIC, BookType.ELECTRONIC):
                BlankStock.objects.get_or_create(
                    office=office, book_type=book_type, defaults={"quantity": 200}
                )
        self.stdout.write("Demo workflow: blank stock set")
