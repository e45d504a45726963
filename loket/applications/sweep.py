"""The periodic sweep: flag at-risk and overdue applications, cancel the abandoned.

Cancelled: postponed for missing documents beyond 7 days, and walk-ins whose office bill
lapsed unpaid (the day after its billing date, when no bill is still payable and the
gateway confirms no late payment). Ready passports that are not collected are pickup's:
`sweep_pickups` reminds their holders and cancels after each office's own limit.

Idempotent and safe when two copies run at once (style rule 7): each flag change is a
conditional UPDATE on the old flag with a row-count check, the supervisors' email
carries a dedupe key per application, flag and due date, a bill is closed by a
conditional UPDATE, and a cancellation is one locked transition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applications import workflow
from loket.applications.choices import ApplicationStatus, BapStatus, RiskFlag
from loket.applications.models import Application, Bap
from loket.applications.office_payment import application_bills
from loket.applications.sop import risk_for
from loket.core.audit import audit_record
from loket.core.calendar import local_date
from loket.core.choices import Role
from loket.core.errors import ApplicationError
from loket.core.outbox import send_email
from loket.offices.models import StaffRole
from loket.payments.billing import bill_close, bill_reconcile
from loket.payments.models import Bill, BillStatus

SUPERVISORS_NOTIFIED = (Role.KASUBSI, Role.KASI)


@dataclass
class SweepResult:
    at_risk: int = 0
    overdue: int = 0
    cleared: int = 0
    cancelled: int = 0
    central_overdue: int = 0


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _notify(application: Application, flag: str) -> None:
    office = application.office
    if office is None:
        return
    emails = sorted(
        set(
            StaffRole.objects.filter(office=office, role__in=SUPERVISORS_NOTIFIED).values_list(
                "user__email", flat=True
            )
        )
    )
    label = RiskFlag(flag).label
    for email in emails:
        send_email(
            to=email,
            subject=_("%(flag)s: passport application due %(due)s")
            % {"flag": label, "due": application.due_date},
            body=_(
                "The application of %(name)s (%(service)s) is %(flag)s: due %(due)s, now at "
                "%(status)s.\n\nLoket — passport service"
            )
            % {
                "name": application.full_name,
                "service": application.get_service_class_display(),
                "flag": str(label).lower(),
                "due": application.due_date,
                "status": application.get_status_display(),
            },
            dedupe_key=f"sla:{application.public_id}:{flag}:{application.due_date}:{_short(email)}",
            office_code=office.code,
        )


def applications_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    running = Application.objects.filter(
        status__in=workflow.SLA_RUNNING, due_date__isnull=False
    ).select_related("office")
    for application in running.iterator():
        flag = risk_for(application, now=now)
        if flag == application.risk_flag:
            continue
        with transaction.atomic():
            won = Application.objects.filter(
                pk=application.pk, risk_flag=application.risk_flag, status=application.status
            ).update(risk_flag=flag)
            if won != 1:
                continue  # another sweep (or a transition) got there first
            audit_record(
                actor=None,
                action="application.risk",
                target=application,
                office_code=application.office.code if application.office else "",
                changes={"risk_flag": [application.risk_flag, flag]},
            )
            application.risk_flag = flag
            if flag == RiskFlag.NONE:
                result.cleared += 1
            else:
                _notify(application, flag)
                if flag == RiskFlag.OVERDUE:
                    result.overdue += 1
                else:
                    result.at_risk += 1
    # Postponed for missing documents beyond 7 days. (Uncollected passports are left to
    # pickup's sweep, which follows each office's own limit and reminder days.)
    rows = Application.objects.filter(
        status=ApplicationStatus.POSTPONED,
        status_changed_at__lt=now - dt.timedelta(days=workflow.DOCUMENTS_DEADLINE_DAYS),
        outcome__resume_to=ApplicationStatus.DOCUMENT_CHECK,
    )
    for application in rows:
        try:
            workflow.application_cancel_office(
                application=application,
                actor=None,
                reason="documents not completed within 7 days",
            )
            result.cancelled += 1
        except ApplicationError:
            continue  # moved on meanwhile (resumed, or another sweep)
    result.cancelled += _cancel_unpaid(now)
    result.central_overdue = _central_overdue(now)
    return result


def _central_overdue(now: dt.datetime) -> int:
    """Data-change BAPs still waiting for central approval after its working days: the
    supervisors are told once per BAP and due date (the email's dedupe key)."""
    overdue = 0
    waiting = Bap.objects.filter(
        status=BapStatus.CENTRAL, central_due__isnull=False
    ).select_related("application__office")
    for bap in waiting:
        application = bap.application
        office = application.office
        if office is None or bap.central_due is None:
            continue
        if local_date(office, now) <= bap.central_due:
            continue
        overdue += 1
        emails = sorted(
            set(
                StaffRole.objects.filter(office=office, role__in=SUPERVISORS_NOTIFIED).values_list(
                    "user__email", flat=True
                )
            )
        )
        with transaction.atomic():
            for email in emails:
                send_email(
                    to=email,
                    subject=_("Central approval overdue: data change of %(name)s")
                    % {"name": application.full_name},
                    body=_(
                        "The central approval of the data change of %(name)s was due on "
                        "%(due)s and has not been recorded. Follow it up with the "
                        "directorate general.\n\nLoket — passport service"
                    )
                    % {"name": application.full_name, "due": bap.central_due},
                    dedupe_key=f"central:{application.public_id}:{bap.central_due}:{_short(email)}",
                    office_code=office.code,
                )
    return overdue


def _lapsed_unpaid(application: Application, bills: list[Bill], now: dt.datetime) -> bool:
    if not bills or application.office is None:
        return False
    if any(b.status == BillStatus.PAID for b in bills):
        return False  # the payment is being recorded
    if any(b.status == BillStatus.ISSUED and b.expires_at > now for b in bills):
        return False  # a (re-issued) code can still be paid
    # The applicant keeps the rest of the billing day to pay at the bank or have the
    # counter issue a new code.
    return local_date(application.office, now) > bills[0].billing_date


def _cancel_unpaid(now: dt.datetime) -> int:
    cancelled = 0
    rows = (
        Application.objects.filter(status__in=workflow.UNPAID_CANCELLABLE, paid_at__isnull=True)
        .exclude(billing_code="")
        .select_related("office")
    )
    for application in rows:
        bills = application_bills(application)
        if not _lapsed_unpaid(application, bills, now):
            continue
        # A lost callback: ask the gateway first (outside our transaction, like booking).
        if any(bill_reconcile(bill=b) for b in bills if b.status == BillStatus.ISSUED):
            continue
        with transaction.atomic():
            paid = False
            for bill in bills:
                if bill.status == BillStatus.ISSUED and not bill_close(
                    bill=bill, to=BillStatus.EXPIRED
                ):
                    bill.refresh_from_db()
                    paid = paid or bill.status == BillStatus.PAID
            if paid:
                continue
            try:
                workflow.application_cancel_office(
                    application=application, actor=None, reason="not paid"
                )
            except ApplicationError:
                continue  # paid, moved on or cancelled by another sweep meanwhile
            cancelled += 1
    return cancelled
