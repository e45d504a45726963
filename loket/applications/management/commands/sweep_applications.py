from typing import Any

from django.core.management.base import BaseCommand

from loket.applications.sweep import applications_sweep


class Command(BaseCommand):
    help = (
        "Flag at-risk and overdue applications, notify supervisors (also of overdue central "
        "approvals), cancel abandoned and unpaid ones."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = applications_sweep()
        self.stdout.write(
            f"sweep_applications: at_risk={result.at_risk} overdue={result.overdue} "
            f"cleared={result.cleared} cancelled={result.cancelled} "
            f"central_overdue={result.central_overdue}"
        )
