"""IKM and IPK arithmetic, exactly as PermenPANRB 14/2017 prescribes, in pure Python.

* NRR of an element = the mean of its scores, kept as an exact Fraction.
* IKM = 25 × Σ (NRR_i × 1/9): the weight is exactly 1/9, never 0.111 (the rounded weight
  the regulation's worked example prints would give 0.999 × the index and can move a
  unit across a band boundary; a test proves it).
* Only the final index is rounded: to 2 decimals, ROUND HALF UP (88.315 -> 88.32), the
  rounding people learn at school and the one the regulation's tables use; banker's
  rounding would report 88.31... as a different band edge on ties.
* Bands: 88.31–100 A Sangat Baik, 76.61–88.30 B Baik, 65.00–76.60 C Kurang Baik,
  25.00–64.99 D Tidak Baik — compared on the rounded figure, so no value falls between.
* Sample size: Krejcie & Morgan (1970), s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)) with
  χ² = 3.841, P = 0.5, d = 0.05, rounded up (a sample may not be smaller than needed).
  Their printed table rounds to the nearest whole number instead, so it says 217 for
  N = 500 where the formula gives 217.5 -> 218; we follow the formula.

This module imports no Django model so the figures can be checked in isolation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCORE_MIN = 1
SCORE_MAX = 4
IKM_FACTOR = 25


@dataclass(frozen=True)
class Element:
    code: str
    name: Promise
    question: Promise
    labels: tuple[Promise, Promise, Promise, Promise]


# The nine elements of PermenPANRB 14/2017 with the sample questionnaire's wording.
IKM_ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1",
        _("Requirements"),
        # Translators: official wording (PermenPANRB 14/2017): "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"
        _("How well do the service requirements match the type of service?"),
        (_("Not appropriate"), _("Less appropriate"), _("Appropriate"), _("Very appropriate")),
    ),
    Element(
        "u2",
        _("System, mechanism and procedure"),
        # Translators: official wording: "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?"
        _("How easy is the service procedure at this unit?"),
        (_("Not easy"), _("Less easy"), _("Easy"), _("Very easy")),
    ),
    Element(
        "u3",
        _("Completion time"),
        # Translators: official wording: "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?"
        _("How fast was the service delivered?"),
        (_("Not fast"), _("Less fast"), _("Fast"), _("Very fast")),
    ),
    Element(
        "u4",
        _("Cost / tariff"),
        # Translators: official wording: "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?"
        _("How reasonable is the cost or tariff of the service?"),
        (_("Very expensive"), _("Fairly expensive"), _("Cheap"), _("Free")),
    ),
    Element(
        "u5",
        _("Service product"),
        # Translators: official wording: "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?"
        _("How well does the product you received match what the service standard promises?"),
        (_("Not appropriate"), _("Less appropriate"), _("Appropriate"), _("Very appropriate")),
    ),
    Element(
        "u6",
        _("Officer competence"),
        # Translators: official wording: "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?"
        _("How competent were the officers who served you?"),
        (_("Not competent"), _("Less competent"), _("Competent"), _("Very competent")),
    ),
    Element(
        "u7",
        _("Officer behaviour"),
        # Translators: official wording: "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"
        _("How polite and friendly were the officers?"),
        (
            _("Not polite and friendly"),
            _("Less polite and friendly"),
            _("Polite and friendly"),
            _("Very polite and friendly"),
        ),
    ),
    Element(
        "u8",
        _("Handling of complaints, suggestions and input"),
        # Translators: official wording: "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?"
        _("How are complaints from service users handled?"),
        (
            _("Not available"),
            _("Available but not working"),
            _("Working, but not fully"),
            _("Well managed"),
        ),
    ),
    Element(
        "u9",
        _("Facilities and infrastructure"),
        # Translators: official wording: "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?"
        _("What is the quality of the facilities and infrastructure?"),
        (_("Poor"), _("Adequate"), _("Good"), _("Very good")),
    ),
)
ELEMENT_CODES: tuple[str, ...] = tuple(e.code for e in IKM_ELEMENTS)
IKM_WEIGHT = Fraction(1, len(IKM_ELEMENTS))


@dataclass(frozen=True)
class Band:
    grade: str
    label: Promise
    low: Decimal
    high: Decimal


BANDS: tuple[Band, ...] = (
    Band("A", _("Very good (Sangat Baik)"), Decimal("88.31"), Decimal("100.00")),
    Band("B", _("Good (Baik)"), Decimal("76.61"), Decimal("88.30")),
    Band("C", _("Less good (Kurang Baik)"), Decimal("65.00"), Decimal("76.60")),
    Band("D", _("Not good (Tidak Baik)"), Decimal("25.00"), Decimal("64.99")),
)


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact Fraction once, half up, to `places` decimals."""
    scale = 10**places
    scaled = value * scale
    # floor(x + 1/2) is half up for positive and negative values alike.
    rounded = math.floor(scaled + Fraction(1, 2))
    return Decimal(rounded).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def band_for(index: Decimal) -> Band | None:
    for band in BANDS:
        if band.low <= index <= band.high:
            return band
    return None


def nrr(scores: Iterable[int]) -> Fraction | None:
    """Mean score as an exact Fraction; None when there is no score."""
    values = list(scores)
    for value in values:
        if not SCORE_MIN <= value <= SCORE_MAX:
            raise ValueError(f"Score {value} is outside {SCORE_MIN}–{SCORE_MAX}.")
    if not values:
        return None
    return Fraction(sum(values), len(values))


def ikm_exact(nrrs: Sequence[Fraction]) -> Fraction:
    """25 × Σ(NRR_i × 1/9) with the nine NRRs, exact."""
    if len(nrrs) != len(IKM_ELEMENTS):
        raise ValueError("IKM needs the NRR of all nine elements.")
    return IKM_FACTOR * sum((value * IKM_WEIGHT for value in nrrs), Fraction(0))


def mean_index_exact(nrrs: Sequence[Fraction]) -> Fraction:
    """25 × the mean of the question NRRs (IPK: every question weighs the same)."""
    if not nrrs:
        raise ValueError("No question has an answer.")
    return IKM_FACTOR * sum(nrrs, Fraction(0)) / len(nrrs)


# Krejcie & Morgan (1970) with the constants of PermenPANRB 14/2017.
KM_CHI_SQUARE = Fraction("3.841")
KM_P = Fraction(1, 2)
KM_D = Fraction(5, 100)


def krejcie_morgan(population: int) -> int:
    """The minimum sample for a population of `population` served, rounded up."""
    if population <= 0:
        return 0
    n = Fraction(population)
    pq = KM_P * (1 - KM_P)
    s = KM_CHI_SQUARE * n * pq / (KM_D**2 * (n - 1) + KM_CHI_SQUARE * pq)
    return math.ceil(s)
