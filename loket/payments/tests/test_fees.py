import datetime as dt

import pytest
from django.utils import translation

from loket.core.errors import ApplicationError
from loket.payments.models import Tariff
from loket.payments.selectors import age_on, fee_quote, validity_check

D = dt.date
LAST_PP28 = D(2024, 12, 16)
FIRST_PP45 = D(2024, 12, 17)


@pytest.mark.django_db
class TestTariffTable:
    @pytest.mark.parametrize(
        ("billing_date", "book_type", "validity", "expected", "regulation"),
        [
            (LAST_PP28, "non_electronic", 5, 350_000, "PP 28/2019"),
            (LAST_PP28, "non_electronic", 10, 350_000, "PP 28/2019"),
            (LAST_PP28, "electronic", 5, 650_000, "PP 28/2019"),
            (LAST_PP28, "electronic", 10, 650_000, "PP 28/2019"),
            (FIRST_PP45, "non_electronic", 5, 350_000, "PP 45/2024"),
            (FIRST_PP45, "non_electronic", 10, 650_000, "PP 45/2024"),
            (FIRST_PP45, "electronic", 5, 650_000, "PP 45/2024"),
            (FIRST_PP45, "electronic", 10, 950_000, "PP 45/2024"),
            (D(2026, 11, 25), "electronic", 10, 950_000, "PP 45/2024"),
        ],
    )
    def test_passport_fee_by_billing_date(
        self, billing_date, book_type, validity, expected, regulation
    ):
        quote = fee_quote(billing_date=billing_date, book_type=book_type, validity_years=validity)
        assert quote.total == expected
        assert quote.regulations == [regulation]

    def test_surcharges_add_up(self):
        quote = fee_quote(
            billing_date=FIRST_PP45,
            book_type="electronic",
            validity_years=10,
            percepatan=True,
            loss="lost",
        )
        assert [line.amount for line in quote.lines] == [950_000, 1_000_000, 1_000_000]
        assert quote.total == 2_950_000

    def test_damaged_charge(self):
        quote = fee_quote(
            billing_date=FIRST_PP45, book_type="non_electronic", validity_years=5, loss="damaged"
        )
        assert quote.total == 350_000 + 500_000

    def test_natural_disaster_waives_loss_and_damage_but_not_percepatan(self):
        quote = fee_quote(
            billing_date=FIRST_PP45,
            book_type="electronic",
            validity_years=5,
            loss="lost",
            force_majeure=True,
            percepatan=True,
        )
        assert quote.total == 650_000 + 1_000_000
        assert [line.item for line in quote.lines] == ["passport", "percepatan"]

    def test_unknown_combination_is_an_error_not_zero(self):
        with translation.override("en"), pytest.raises(ApplicationError) as info:
            fee_quote(billing_date=FIRST_PP45, book_type="polycarbonate", validity_years=10)
        assert info.value.code == "tariff_not_found"
        assert "Polycarbonate" in info.value.message

    def test_tariff_gap_before_the_table_is_an_error(self):
        with pytest.raises(ApplicationError) as info:
            fee_quote(billing_date=D(2010, 1, 1), book_type="electronic", validity_years=5)
        assert info.value.code == "tariff_not_found"

    def test_overlapping_tariffs_are_reported(self):
        Tariff.objects.create(
            regulation="Typo",
            item="passport",
            book_type="electronic",
            validity_years=10,
            amount=1,
            valid_from=D(2025, 1, 1),
        )
        with pytest.raises(ApplicationError) as info:
            fee_quote(billing_date=D(2025, 6, 1), book_type="electronic", validity_years=10)
        assert info.value.code == "tariff_ambiguous"

    @pytest.mark.parametrize(
        ("kwargs", "code"),
        [
            ({"book_type": "paper"}, "book_type_invalid"),
            ({"validity_years": 7}, "validity_invalid"),
            ({"loss": "stolen"}, "loss_invalid"),
        ],
    )
    def test_bad_input(self, kwargs, code):
        args = {
            "billing_date": FIRST_PP45,
            "book_type": "electronic",
            "validity_years": 5,
            **kwargs,
        }
        with pytest.raises(ApplicationError) as info:
            fee_quote(**args)
        assert info.value.code == code

    def test_clean_rejects_overlap(self):
        from django.core.exceptions import ValidationError

        row = Tariff(regulation="New", item="percepatan", amount=2, valid_from=D(2025, 1, 1))
        with pytest.raises(ValidationError):
            row.clean()


class TestValidityRule:
    today = D(2026, 11, 25)

    def test_age_counts_birthdays(self):
        assert age_on(D(2009, 11, 25), self.today) == 17
        assert age_on(D(2009, 11, 26), self.today) == 16

    def test_seventeen_may_take_ten_years(self):
        validity_check(validity_years=10, birth_date=D(2009, 11, 25), married=False, on=self.today)

    def test_sixteen_may_not_unless_married(self):
        with pytest.raises(ApplicationError) as info:
            validity_check(
                validity_years=10, birth_date=D(2009, 11, 26), married=False, on=self.today
            )
        assert info.value.code == "validity_not_allowed"
        assert "validity_years" in info.value.fields
        validity_check(validity_years=10, birth_date=D(2009, 11, 26), married=True, on=self.today)

    def test_children_may_take_five(self):
        validity_check(validity_years=5, birth_date=D(2020, 1, 1), married=False, on=self.today)

    def test_other_validity_refused(self):
        with pytest.raises(ApplicationError):
            validity_check(validity_years=3, birth_date=D(1980, 1, 1), married=False, on=self.today)
