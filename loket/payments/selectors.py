"""The fee calculator: what an application costs on its billing date (brief §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from loket.core.errors import ApplicationError
from loket.payments.choices import BookType, LossKind, TariffItem
from loket.payments.models import Tariff

ADULT_AGE = 17


@dataclass(frozen=True)
class FeeLine:
    item: str
    label: str
    amount: int
    regulation: str


@dataclass(frozen=True)
class FeeQuote:
    billing_date: dt.date
    lines: list[FeeLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def regulations(self) -> list[str]:
        return sorted({line.regulation for line in self.lines})


def age_on(birth_date: dt.date, on: dt.date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def validity_check(*, validity_years: int, birth_date: dt.date, married: bool, on: dt.date) -> None:
    """10-year validity only for applicants aged 17+ or married; everyone may take 5."""
    if validity_years not in (5, 10):
        raise ApplicationError(
            "validity_invalid",
            _("Validity must be 5 or 10 years."),
            fields={"validity_years": _("Choose 5 or 10 years.")},
        )
    if validity_years == 10 and not married and age_on(birth_date, on) < ADULT_AGE:
        raise ApplicationError(
            "validity_not_allowed",
            _(
                "A 10-year passport is only for applicants aged 17 or over or married; choose 5 years."
            ),
            fields={"validity_years": _("Only 5 years is possible for this applicant.")},
        )


def _in_force(billing_date: dt.date) -> Q:
    return Q(valid_from__lte=billing_date) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=billing_date)
    )


def _one(rows: list[Tariff], what: str, billing_date: dt.date) -> Tariff:
    if not rows:
        raise ApplicationError(
            "tariff_not_found",
            _("No tariff is in force on %(date)s for %(what)s; the fee table needs this entry.")
            % {"date": billing_date.isoformat(), "what": what},
        )
    if len(rows) > 1:
        raise ApplicationError(
            "tariff_ambiguous",
            _(
                "More than one tariff is in force on %(date)s for %(what)s; the fee table must be corrected."
            )
            % {"date": billing_date.isoformat(), "what": what},
        )
    return rows[0]


def fee_quote(
    *,
    billing_date: dt.date,
    book_type: str,
    validity_years: int,
    percepatan: bool = False,
    loss: str | None = None,
    force_majeure: bool = False,
) -> FeeQuote:
    """The PNBP lines and total for one application, with the tariffs in force on `billing_date`.

    `loss` is "lost" or "damaged" when the old passport is replaced for that reason; in a
    natural disaster (keadaan kahar) no loss or damage charge applies.
    """
    if book_type not in BookType.values:
        raise ApplicationError(
            "book_type_invalid",
            _("Unknown passport type %(value)s.") % {"value": book_type[:30]},
            fields={"book_type": _("Choose a passport type from the list.")},
        )
    if validity_years not in (5, 10):
        raise ApplicationError(
            "validity_invalid",
            _("Validity must be 5 or 10 years."),
            fields={"validity_years": _("Choose 5 or 10 years.")},
        )
    if loss is not None and loss not in LossKind.values:
        raise ApplicationError("loss_invalid", _("Loss must be 'lost' or 'damaged'."))
    tariffs = list(Tariff.objects.filter(_in_force(billing_date)))

    passport_rows = [
        t
        for t in tariffs
        if t.item == TariffItem.PASSPORT
        and t.book_type == book_type
        and t.validity_years in (validity_years, None)
    ]
    # A line for the exact validity wins over one for any validity.
    exact = [t for t in passport_rows if t.validity_years == validity_years]
    label = f"{BookType(book_type).label} {validity_years} " + _("years")
    passport = _one(exact or passport_rows, label, billing_date)
    lines = [FeeLine(TariffItem.PASSPORT, label, passport.amount, passport.regulation)]

    extras: list[str] = []
    if percepatan:
        extras.append(TariffItem.PERCEPATAN)
    if loss and not force_majeure:
        extras.append(loss)
    for item in extras:
        row = _one(
            [t for t in tariffs if t.item == item], str(TariffItem(item).label), billing_date
        )
        lines.append(FeeLine(item, str(TariffItem(item).label), row.amount, row.regulation))
    return FeeQuote(billing_date=billing_date, lines=lines)
