"""PNBP tariffs as dated data: the law changes, the history must not."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.payments.choices import VALIDITY_CHOICES, BookType, TariffItem


class Tariff(models.Model):
    """One fee line of a regulation, in force from `valid_from` to `valid_until` (inclusive).

    A passport line names its book type and, where the regulation distinguishes them,
    its validity (empty: any validity). Surcharge lines (percepatan, lost, damaged)
    name neither.
    """

    regulation = models.CharField(_("regulation"), max_length=60)
    item = models.CharField(_("item"), max_length=16, choices=TariffItem.choices)
    book_type = models.CharField(
        _("book type"), max_length=16, choices=BookType.choices, blank=True
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"), choices=VALIDITY_CHOICES, null=True, blank=True
    )
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["-valid_from", "item", "book_type", "validity_years"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="tariff_period_order",
            ),
            models.CheckConstraint(
                condition=Q(item="passport", book_type__gt="")
                | (~Q(item="passport") & Q(book_type="")),
                name="tariff_book_type_for_passport_only",
            ),
        ]

    def __str__(self) -> str:
        what = self.get_item_display()
        if self.book_type:
            what = f"{self.get_book_type_display()}"
            if self.validity_years:
                what += f" {self.validity_years}y"
        return f"{self.regulation}: {what} Rp{self.amount:,}"

    def clean(self) -> None:
        overlapping = Tariff.objects.filter(
            item=self.item, book_type=self.book_type, validity_years=self.validity_years
        ).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from)
        )
        if self.valid_until is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_until)
        if overlapping.exists():
            raise ValidationError(
                _("Another tariff for the same item is in force in part of this period: %(other)s")
                % {"other": overlapping.first()}
            )


# --- Bills (PNBP billing codes) ----------------------------------------------------------


class BillStatus(models.TextChoices):
    ISSUED = "issued", _("Waiting for payment")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired unpaid")
    CANCELLED = "cancelled", _("Cancelled")


# The one transition map of a bill. Every move is a conditional UPDATE on the old status,
# so a payment and an expiry racing for the same bill cannot both win.
BILL_TRANSITIONS: dict[str, frozenset[str]] = {
    BillStatus.ISSUED: frozenset({BillStatus.PAID, BillStatus.EXPIRED, BillStatus.CANCELLED}),
    BillStatus.PAID: frozenset(),
    BillStatus.EXPIRED: frozenset(),
    BillStatus.CANCELLED: frozenset(),
}
BILL_TERMINAL = frozenset({BillStatus.PAID, BillStatus.EXPIRED, BillStatus.CANCELLED})


class Bill(models.Model):
    """A PNBP bill with its 15-digit billing code (kode billing), issued through a gateway.

    `reference` names what the bill pays for (e.g. "booking:K7M2Q9XA") without payments
    knowing about bookings; `lines` keeps the fee lines of the quote it was issued from.
    """

    billing_code = models.CharField(_("billing code"), max_length=15, unique=True)
    gateway = models.CharField(_("gateway"), max_length=20)
    reference = models.CharField(_("pays for"), max_length=60, db_index=True)
    office_code = models.CharField(_("office"), max_length=20, blank=True)
    payer_name = models.CharField(_("payer"), max_length=150, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    lines = models.JSONField(_("fee lines"), default=list)
    billing_date = models.DateField(_("billing date"))
    status = models.CharField(
        _("status"), max_length=12, choices=BillStatus.choices, default=BillStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("pay before"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    ntpn = models.CharField(_("NTPN"), max_length=16, blank=True)
    closed_at = models.DateTimeField(_("expired or cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["ntpn"], condition=~Q(ntpn=""), name="bill_ntpn_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_at__isnull=False) & ~Q(ntpn="")),
                name="bill_paid_has_ntpn",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")), name="bill_expiry_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.billing_code} Rp{self.amount:,} ({self.get_status_display()})"


class PaymentNotification(models.Model):
    """Every payment callback received, kept whether it was accepted or not.

    `event_id` is the gateway's id of the notification: a retried delivery of the same
    event finds its row and gets the same answer (the callback is idempotent).
    """

    event_id = models.CharField(max_length=64, unique=True)
    billing_code = models.CharField(max_length=15, db_index=True)
    outcome = models.CharField(max_length=10)
    amount = models.BigIntegerField(null=True)
    ntpn = models.CharField(max_length=16, blank=True)
    result_code = models.CharField(max_length=40)
    http_status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.billing_code} {self.outcome} -> {self.result_code}"


class SimulatorPayment(models.Model):
    """The bank side of the SIMULATOR gateway: what the pretend payer did with a code.

    Only the SIMULATOR writes here; a real gateway keeps this on its own side. It answers
    the gateway status query, which is how a payment whose callback timed out is found.
    """

    billing_code = models.CharField(max_length=15, db_index=True)
    outcome = models.CharField(max_length=10)
    amount = models.PositiveBigIntegerField()
    ntpn = models.CharField(max_length=16, blank=True)
    event_id = models.CharField(max_length=64, unique=True)
    callback_delivered = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SIMULATOR payment")
        verbose_name_plural = _("SIMULATOR payments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["billing_code"], condition=Q(outcome="paid"), name="simulator_paid_once"
            )
        ]

    def __str__(self) -> str:
        return f"SIMULATOR {self.billing_code} {self.outcome}"
