"""Payment at the office (walk-ins, BAP charges): a bill from the tariff table.

The bill's reference is "application:<public_id>"; when the gateway reports it paid,
`payments.signals.bill_paid` reaches `_on_bill_paid` in the payment's transaction and
the application records its payment (and its due date).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from loket.applications import workflow
from loket.applications.choices import CaseType, ServiceClass
from loket.applications.models import Application, WorkflowSettings
from loket.core.audit import audit_record
from loket.core.calendar import local_date
from loket.core.choices import Role
from loket.core.errors import ApplicationError
from loket.core.models import User
from loket.offices.selectors import office_require_role
from loket.payments.billing import bill_issue
from loket.payments.choices import TariffItem
from loket.payments.models import Bill
from loket.payments.selectors import fee_quote
from loket.payments.signals import bill_paid

REFERENCE_PREFIX = "application:"
#: The zero-amount bill line that records a waived percepatan fee and its legal basis.
WAIVER_ITEM = "percepatan_waiver"


def application_bill_issue(*, application: Application, actor: User) -> Bill:
    """Issue the PNBP bill for an application at the office, with the waiver policy."""
    office = application.office
    if office is None:
        raise ApplicationError("office_required", _("The application has no office."))
    office_require_role(user=actor, office=office, roles=[Role.FRONT_DESK])
    if application.paid_at is not None:
        raise ApplicationError("already_paid", _("This application is already paid."), status=409)
    if not application.book_type or not application.validity_years:
        raise ApplicationError("application_incomplete", _("Choose the passport type first."))
    today = local_date(office, timezone.now())
    loss = {CaseType.LOST: "lost", CaseType.DAMAGED: "damaged"}.get(application.case_type)  # type: ignore[call-overload]
    quote = fee_quote(
        billing_date=today,
        book_type=application.book_type,
        validity_years=application.validity_years,
        percepatan=application.percepatan,
        loss=loss,
    )
    lines: list[dict[str, Any]] = [
        {"item": ln.item, "label": ln.label, "amount": ln.amount, "regulation": ln.regulation}
        for ln in quote.lines
    ]
    settings = WorkflowSettings.objects.filter(office=office).first()
    waiver = ""
    waived = 0
    if (
        settings is not None
        and settings.waive_percepatan_for_vulnerable
        and application.service_class == ServiceClass.PRIORITY
        and application.percepatan
    ):
        # UU 25/2009 art. 29: vulnerable groups get special treatment free of charge. The
        # waived fee stays on the bill as a zero line naming its legal basis, so the
        # receipt and the audit log show what was not charged and why.
        waiver = settings.waiver_legal_basis
        waived = sum(int(ln["amount"]) for ln in lines if ln["item"] == TariffItem.PERCEPATAN)
        lines = [ln for ln in lines if ln["item"] != TariffItem.PERCEPATAN]
        lines.append(
            {
                "item": WAIVER_ITEM,
                "label": _("Percepatan fee waived for a vulnerable applicant (Rp%(amount)s)")
                % {"amount": number_format(waived, force_grouping=True)},
                "amount": 0,
                "regulation": waiver,
                "waived_amount": waived,
            }
        )
    amount = sum(int(ln["amount"]) for ln in lines)
    # The gateway is called outside our transaction (bill_issue keeps its own); what the
    # application records about the bill is one atomic step with its audit line.
    bill = bill_issue(
        amount=amount,
        lines=lines,
        billing_date=today,
        reference=f"{REFERENCE_PREFIX}{application.public_id}",
        office_code=office.code,
        payer_name=application.full_name,
    )
    with transaction.atomic():
        Application.objects.filter(pk=application.pk).update(
            billing_code=bill.billing_code, fee_waiver_basis=waiver
        )
        audit_record(
            actor=actor,
            action="application.bill",
            target=application,
            office_code=office.code,
            changes={
                "billing_code": bill.billing_code,
                "amount": amount,
                "items": [ln["item"] for ln in lines],
                **({"fee_waived": waived, "waiver_legal_basis": waiver} if waiver else {}),
            },
            reason=waiver,
        )
    application.refresh_from_db()
    return bill


def application_bills(application: Application) -> list[Bill]:
    """The office bills of an application, newest first (for its receipt)."""
    return list(
        Bill.objects.filter(reference=f"{REFERENCE_PREFIX}{application.public_id}").order_by(
            "-issued_at"
        )
    )


@receiver(bill_paid, dispatch_uid="applications_on_bill_paid")
def _on_bill_paid(sender: Any, bill: Bill, **kwargs: Any) -> None:
    if not bill.reference.startswith(REFERENCE_PREFIX):
        return
    public_id = bill.reference[len(REFERENCE_PREFIX) :]
    application = Application.objects.filter(public_id=public_id).first()
    if application is None:
        return
    workflow.application_record_payment(
        application=application,
        paid_at=bill.paid_at or timezone.now(),
        billing_code=bill.billing_code,
    )
