"""Structure checks for Indonesian identity numbers (brief §5).

NIK: 16 digits = province(2) regency(2) district(2) + birth date DDMMYY (day + 40 for
women) + serial(4, not 0000). There is no check digit. The century is not in the
number: it is resolved from the declared birth date, or else from today.
KK number: 16 digits = region(6) + date DDMMYY + serial(4).

Region codes come from the official list (data/README.md). The Papua provinces were
split in 2022 and older KTPs keep their former codes, so an unknown regency in 91–96,
or an unknown district anywhere, is a warning for the officer, never a rejection.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parent / "data"
PAPUA_PROVINCES = frozenset({"91", "92", "93", "94", "95", "96"})


@dataclass(frozen=True)
class Regions:
    provinces: dict[str, str]
    regencies: dict[str, str]
    districts: frozenset[str]


@lru_cache(maxsize=1)
def regions() -> Regions:
    def read(name: str) -> list[dict[str, str]]:
        with open(DATA / name, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    return Regions(
        provinces={row["code"]: row["name"] for row in read("provinces.csv")},
        regencies={row["code"].replace(".", ""): row["name"] for row in read("regencies.csv")},
        districts=frozenset(row["code"].replace(".", "") for row in read("districts.csv")),
    )


@dataclass
class Finding:
    """Errors block the step; warnings are shown and left for the officer to decide."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    birth_date: dt.date | None = None
    sex: str | None = None
    region: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def _region(code: str, finding: Finding, label: str) -> None:
    data = regions()
    province, regency, district = code[:2], code[:4], code[:6]
    if province not in data.provinces:
        finding.errors.append(
            _(
                "The first two digits of the %(label)s (%(code)s) are not a province code. Check the number on your card."
            )
            % {"label": label, "code": province}
        )
        return
    if regency not in data.regencies:
        if province in PAPUA_PROVINCES:
            finding.warnings.append(
                _(
                    "Regency code %(code)s is not in the current list (Papua provinces were re-coded in 2022); the officer will check it."
                )
                % {"code": regency}
            )
        else:
            finding.errors.append(
                _(
                    "Digits 3–4 of the %(label)s (%(code)s) are not a regency or city code in %(province)s. Check the number on your card."
                )
                % {"label": label, "code": regency[2:], "province": data.provinces[province]}
            )
            return
    else:
        finding.region = data.regencies[regency]
    if district not in data.districts and regency in data.regencies:
        finding.warnings.append(
            _("District code %(code)s is not in the current list; the officer will check it.")
            % {"code": district}
        )


def _resolve_century(
    two_digits: int, month: int, day: int, declared: dt.date | None, today: dt.date
) -> dt.date | None:
    candidates = []
    for century in (1900, 2000):
        try:
            candidates.append(dt.date(century + two_digits, month, day))
        except ValueError:
            continue
    if declared is not None:
        for candidate in candidates:
            if candidate.year == declared.year:
                return candidate
    past = [c for c in candidates if c <= today]
    return max(past) if past else None


def nik_check(
    nik: str,
    *,
    declared_birth_date: dt.date | None = None,
    declared_sex: str | None = None,
    today: dt.date | None = None,
) -> Finding:
    """Check a NIK's structure and its agreement with the declared birth date and sex."""
    today = today or dt.date.today()
    finding = Finding()
    nik = nik.strip().replace(" ", "")
    if len(nik) != 16 or not nik.isdigit():
        finding.errors.append(
            _(
                "A NIK has exactly 16 digits (you entered %(n)s characters). Copy it from your e-KTP or family card."
            )
            % {"n": len(nik)}
        )
        return finding
    _region(nik[:6], finding, "NIK")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > 40 else "M"
    if sex == "F":
        day -= 40
    if not (1 <= month <= 12 and 1 <= day <= 31):
        finding.errors.append(
            _(
                "Digits 7–12 of a NIK are the birth date (DDMMYY, with 40 added to the day for women); %(part)s is not a date."
            )
            % {"part": nik[6:12]}
        )
        return finding
    birth = _resolve_century(year, month, day, declared_birth_date, today)
    if birth is None:
        finding.errors.append(
            _("Digits 7–12 of the NIK (%(part)s) do not form a real date of birth.")
            % {"part": nik[6:12]}
        )
        return finding
    if nik[12:] == "0000":
        finding.errors.append(
            _("The last four digits of a NIK are never 0000. Check the number on your card.")
        )
    finding.birth_date, finding.sex = birth, sex
    if declared_birth_date is not None and declared_birth_date != birth:
        finding.errors.append(
            _(
                "The NIK says you were born on %(nik_date)s, but you entered %(date)s. One of them is wrong: check your e-KTP."
            )
            % {
                "nik_date": birth.strftime("%d-%m-%Y"),
                "date": declared_birth_date.strftime("%d-%m-%Y"),
            }
        )
    if declared_sex and declared_sex != sex:
        finding.errors.append(
            _("The NIK belongs to a woman (day of birth + 40), but you chose male.")
            if sex == "F"
            else _(
                "The NIK belongs to a man, but you chose female (a woman's NIK has 40 added to the day of birth)."
            )
        )
    return finding


def kk_check(kk: str, *, today: dt.date | None = None) -> Finding:
    """Check a family card (KK) number's structure."""
    today = today or dt.date.today()
    finding = Finding()
    kk = kk.strip().replace(" ", "")
    if len(kk) != 16 or not kk.isdigit():
        finding.errors.append(
            _("A family card number has exactly 16 digits (you entered %(n)s characters).")
            % {"n": len(kk)}
        )
        return finding
    _region(kk[:6], finding, _("family card number"))
    day, month, year = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    if _resolve_century(year, month, day, None, today) is None:
        finding.errors.append(
            _("Digits 7–12 of the family card number (%(part)s) are not a date (DDMMYY).")
            % {"part": kk[6:12]}
        )
    if kk[12:] == "0000":
        finding.errors.append(_("The last four digits of a family card number are never 0000."))
    return finding
