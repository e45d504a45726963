"""PNBP tariffs as dated data: the law changes, the history must not."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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
