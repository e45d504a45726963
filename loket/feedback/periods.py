"""Reporting periods: month, quarter, semester, year (calendar-aligned, local dates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from loket.feedback.choices import PeriodKind

_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.SEMESTER: 6, PeriodKind.YEAR: 12}
_PER_YEAR = {
    PeriodKind.MONTH: 12,
    PeriodKind.QUARTER: 4,
    PeriodKind.SEMESTER: 2,
    PeriodKind.YEAR: 1,
}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    index: int  # 1-based: month 1–12, quarter 1–4, semester 1–2, year 1
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return str(self.year)
        prefix = {PeriodKind.MONTH: "M", PeriodKind.QUARTER: "Q", PeriodKind.SEMESTER: "S"}
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        return f"{self.year}-{prefix[PeriodKind(self.kind)]}{self.index}"


def periods_per_year(kind: str) -> int:
    return _PER_YEAR[PeriodKind(kind)]


def period_make(kind: str, year: int, index: int) -> Period:
    kind = PeriodKind(kind)
    if not 1 <= index <= _PER_YEAR[kind]:
        raise ValueError(f"{kind} {index} does not exist.")
    months = _MONTHS[kind]
    first_month = (index - 1) * months + 1
    start = dt.date(year, first_month, 1)
    last_month = first_month + months - 1
    after = dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
    return Period(kind, year, index, start, after - dt.timedelta(days=1))


def period_containing(kind: str, day: dt.date) -> Period:
    months = _MONTHS[PeriodKind(kind)]
    return period_make(kind, day.year, (day.month - 1) // months + 1)
