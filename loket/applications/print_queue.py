"""The completion order at BAP, printing and QC (issue #6; Cilacap field study).

Default policy PRIORITY_FIRST: a priority (vulnerable) applicant is never behind a
percepatan one, then the earliest due date, then the service class, then the time the
application reached the step. The office may choose DUE_DATE instead: earliest due date
first, the service class breaking ties.

The class ranks are those of loket.queueing.policy.CLASS_RANK (applications sits below
queueing and cannot import it; tests check the two agree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from loket.applications import workflow
from loket.applications.choices import ApplicationStatus, PrintOrder, ServiceClass
from loket.applications.models import Application, BlankStock, WorkflowSettings
from loket.core.errors import ApplicationError
from loket.core.models import User
from loket.offices.models import Office

SERVICE_RANK: dict[str, int] = {
    ServiceClass.PRIORITY: 0,
    ServiceClass.PERCEPATAN: 1,
    ServiceClass.REGULAR: 2,
}
_FAR = dt.date.max


def order_key(application: Application, policy: str) -> tuple:
    rank = SERVICE_RANK.get(application.service_class or ServiceClass.REGULAR, 2)
    due = application.due_date or _FAR
    entered = application.status_changed_at or application.created_at
    if policy == PrintOrder.DUE_DATE:
        return (due, rank, entered, application.pk)
    return (0 if rank == 0 else 1, due, rank, entered, application.pk)


def office_print_order(office: Office) -> str:
    settings = WorkflowSettings.objects.filter(office=office).first()
    return settings.print_order if settings else PrintOrder.PRIORITY_FIRST


def ordered(applications: Iterable[Application], policy: str) -> list[Application]:
    return sorted(applications, key=lambda a: order_key(a, policy))


def step_queue(office: Office, status: str) -> list[Application]:
    """Applications of one office waiting at `status`, in the office's completion order."""
    rows = Application.objects.filter(office=office, status=status).select_related("office")
    return ordered(rows, office_print_order(office))


def print_next(*, office: Office, actor: User) -> Application:
    """Print the application at the head of the print queue (no cherry-picking)."""
    with transaction.atomic():
        queue = step_queue(office, ApplicationStatus.PRINTING)
        if not queue:
            raise ApplicationError("queue_empty", _("Nothing to print."), status=409)
        return workflow.application_print(application=queue[0], actor=actor)


def qc_next(*, office: Office, actor: User, passed: bool, note: str = "") -> Application:
    with transaction.atomic():
        queue = step_queue(office, ApplicationStatus.QC)
        if not queue:
            raise ApplicationError("queue_empty", _("Nothing to check."), status=409)
        return workflow.application_qc(application=queue[0], actor=actor, passed=passed, note=note)


def low_stock(office: Office) -> list[BlankStock]:
    return [s for s in BlankStock.objects.filter(office=office) if s.is_low]
