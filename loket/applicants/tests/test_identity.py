import datetime as dt

import pytest
from django.utils import translation

from loket.applicants.identity import kk_check, nik_check, regions

TODAY = dt.date(2026, 11, 25)


def test_region_data_is_loaded():
    data = regions()
    assert data.provinces["53"] == "Nusa Tenggara Timur"
    assert "5371" in data.regencies  # Kota Kupang
    assert len(data.districts) > 7000


class TestNik:
    def test_man_born_1990(self):
        finding = nik_check("3273011705900001", today=TODAY)
        assert finding.ok, finding.errors
        assert (finding.birth_date, finding.sex) == (dt.date(1990, 5, 17), "M")

    def test_woman_has_day_plus_forty(self):
        finding = nik_check(
            "5371015708020003",
            declared_birth_date=dt.date(2002, 8, 17),
            declared_sex="F",
            today=TODAY,
        )
        assert finding.ok, finding.errors
        assert (finding.birth_date, finding.sex) == (dt.date(2002, 8, 17), "F")

    def test_century_follows_the_declared_date(self):
        # "050505" could be 1905 or 2005; the declared date decides.
        old = nik_check("3273010505050001", declared_birth_date=dt.date(1905, 5, 5), today=TODAY)
        young = nik_check("3273010505050001", declared_birth_date=dt.date(2005, 5, 5), today=TODAY)
        assert old.birth_date == dt.date(1905, 5, 5) and young.birth_date == dt.date(2005, 5, 5)

    def test_century_without_declaration_is_the_latest_past_date(self):
        assert nik_check("3273010505300001", today=TODAY).birth_date == dt.date(1930, 5, 5)
        assert nik_check("3273010505200001", today=TODAY).birth_date == dt.date(2020, 5, 5)

    @pytest.mark.parametrize(
        ("nik", "fragment"),
        [
            ("327301170590001", "exactly 16 digits"),
            ("32730117059000A1", "exactly 16 digits"),
            ("9973011705900001", "province"),
            ("3299011705900001", "regency"),
            ("3273013205900001", "not a date"),
            ("3273011713900001", "not a date"),
            ("3273013102900001", "real date"),
            ("3273011705900000", "never 0000"),
        ],
    )
    def test_structure_errors_say_what_is_wrong(self, nik, fragment):
        with translation.override("en"):
            finding = nik_check(nik, today=TODAY)
        assert not finding.ok
        assert any(fragment in e for e in finding.errors), finding.errors

    def test_declared_birth_date_must_agree(self):
        finding = nik_check(
            "3273011705900001", declared_birth_date=dt.date(1990, 5, 18), today=TODAY
        )
        assert any("17-05-1990" in e and "18-05-1990" in e for e in finding.errors)

    def test_declared_sex_must_agree(self):
        assert not nik_check("3273011705900001", declared_sex="F", today=TODAY).ok
        assert not nik_check("3273015705900001", declared_sex="M", today=TODAY).ok

    def test_unknown_district_is_only_a_warning(self):
        finding = nik_check("3273991705900001", today=TODAY)
        assert finding.ok
        assert finding.warnings

    def test_old_papua_regency_is_a_warning(self):
        finding = nik_check("9499011705900001", today=TODAY)
        assert finding.ok, finding.errors
        assert finding.warnings


class TestKk:
    def test_valid(self):
        assert kk_check("5371012003150007", today=TODAY).ok

    @pytest.mark.parametrize(
        "kk", ["53710120031500", "5371013203150007", "5371012003150000", "0071012003150007"]
    )
    def test_invalid(self, kk):
        assert not kk_check(kk, today=TODAY).ok
