"""The service standard, directory and Q&A selectors read the same rows the booking,
the fee calculator and the workflow use."""

from __future__ import annotations

import datetime as dt

import pytest

from loket.applications.choices import ApplicantType, CaseType
from loket.applications.requirements import group_label, requirements_for
from loket.booking.models import SlotCapacity
from loket.booking.services import capacity_materialise
from loket.core.errors import ApplicationError
from loket.offices.models import Stage
from loket.payments.models import Tariff
from loket.payments.selectors import fee_quote
from loket.reports.selectors import (
    REGULAR_COMPLETION_WORKING_DAYS,
    completion_date,
    directory_entry,
    directory_search,
    map_url,
    next_free_dates,
    questions_search,
    service_standard,
)
from loket.reports.tests.conftest import TODAY, TUE

pytestmark = pytest.mark.django_db


class TestServiceStandard:
    def test_fees_are_fee_quote_for_every_offered_book_type_and_validity(self, office, now):
        std = service_standard(office=office)
        assert std.on == TODAY
        got = {(f.book_type, f.validity_years): (f.amount, f.regulation) for f in std.fees}
        expected, missing = {}, 0
        for book_type in ("non_electronic", "electronic", "polycarbonate"):
            for years in (5, 10):
                try:
                    quote = fee_quote(billing_date=TODAY, book_type=book_type, validity_years=years)
                except ApplicationError:
                    missing += 1
                    continue
                expected[(book_type, years)] = (quote.total, quote.lines[0].regulation)
        assert got == expected
        assert ("electronic", 10) in got and ("non_electronic", 5) in got
        assert len(std.fees_missing) == missing
        assert "PP 45/2024" in std.regulations

    def test_a_tariff_added_for_polycarbonate_appears(self, office, now):
        Tariff.objects.create(
            regulation="PP 99/2025",
            item="passport",
            book_type="polycarbonate",
            validity_years=None,
            amount=1_234_000,
            valid_from=dt.date(2025, 1, 1),
        )
        std = service_standard(office=office)
        poly = [
            (f.validity_years, f.amount, f.regulation)
            for f in std.fees
            if f.book_type == "polycarbonate"
        ]
        assert poly == [(5, 1_234_000, "PP 99/2025"), (10, 1_234_000, "PP 99/2025")]
        assert std.fees_missing == []

    def test_surcharges_are_the_lines_fee_quote_adds(self, office, now):
        std = service_standard(office=office)
        base = fee_quote(billing_date=TODAY, book_type="non_electronic", validity_years=5)
        for item, kwargs in (
            ("percepatan", {"percepatan": True}),
            ("lost", {"loss": "lost"}),
            ("damaged", {"loss": "damaged"}),
        ):
            quote = fee_quote(
                billing_date=TODAY, book_type="non_electronic", validity_years=5, **kwargs
            )
            surcharge = next(s for s in std.surcharges if s.item == item)
            assert surcharge.amount == quote.total - base.total
        # Keadaan kahar: fee_quote drops the loss line, which the page states as a rule.
        kahar = fee_quote(
            billing_date=TODAY,
            book_type="non_electronic",
            validity_years=5,
            loss="lost",
            force_majeure=True,
        )
        assert kahar.total == base.total

    def test_office_without_percepatan_or_polycarbonate(self, office, now):
        office.offers_percepatan = False
        office.offers_polycarbonate = False
        std = service_standard(office=office)
        assert {f.book_type for f in std.fees} == {"non_electronic", "electronic"}
        assert "percepatan" not in {s.item for s in std.surcharges}
        assert not std.percepatan_offered

    def test_fee_table_gap_is_named_not_guessed(self, office):
        # Before PP 28/2019 the fee table holds nothing.
        std = service_standard(office=office, on=dt.date(2010, 1, 1))
        assert std.fees == []
        assert len(std.fees_missing) == 6

    def test_stages_are_the_office_stage_rows_in_order(self, office, now):
        std = service_standard(office=office)
        rows = list(Stage.objects.filter(office=office).order_by("sequence"))
        assert [(s.code, s.wait_minutes, s.service_minutes) for s in std.stages] == [
            (r.code, r.sop_wait_minutes, r.sop_service_minutes) for r in rows
        ]
        assert std.sop_total_minutes == sum(
            r.sop_wait_minutes + r.sop_service_minutes for r in rows
        )

    def test_requirements_for_adult_and_child_in_every_case(self, office, now):
        std = service_standard(office=office)
        assert len(std.requirements) == len(ApplicantType) * len(CaseType)
        lost_child = next(
            c for c in std.requirements if c.applicant_type == "child" and c.case_type == "lost"
        )
        req = requirements_for(applicant_type="child", case_type="lost")
        assert lost_child.documents == [group_label(g) for g in req.groups]
        assert lost_child.walk_in_only and lost_child.bap

    def test_facilities_counters_quota_pledge_and_complaint_clock(self, office, now):
        std = service_standard(office=office)
        facilities = {f.code: f.available for f in std.facilities}
        assert facilities["lactation_room"] and facilities["wheelchair"]
        assert not facilities["play_area"]
        assert (std.counters, std.priority_counters) == (2, 1)
        assert std.priority_quota_per_day == 12
        assert std.pledge.startswith("Kami berjanji")
        assert std.complaint_verify_days == 3
        assert [h.weekday for h in std.hours] == [0, 1, 2, 3, 4]

    def test_completion_date_follows_working_days(self, office):
        # Paid Friday 14 March 2025: three working days later is Wednesday 19 March.
        friday = dt.date(2025, 3, 14)
        assert REGULAR_COMPLETION_WORKING_DAYS == 3
        assert completion_date(office=office, paid_at=friday, percepatan=False) == dt.date(
            2025, 3, 19
        )
        assert completion_date(office=office, paid_at=friday, percepatan=True) == friday


class TestMapUrl:
    def test_coordinates_give_an_openstreetmap_pin(self, office):
        assert map_url(office) == (
            "https://www.openstreetmap.org/?mlat=-7.7267&mlon=109.0093#map=17/-7.7267/109.0093"
        )

    def test_without_coordinates_a_search_for_the_address(self, office_wita):
        url = map_url(office_wita)
        assert url.startswith("https://www.openstreetmap.org/search?query=")
        assert "Merdeka" in url


class TestDirectory:
    def test_search_by_name_and_region_case_insensitive_and_partial(
        self, office_wib, office_wita, office_wit
    ):
        office_wita.city, office_wita.province = "Kota Kupang", "Nusa Tenggara Timur"
        office_wita.save()
        assert list(directory_search(name="kupang")) == [office_wita]
        assert list(directory_search(name="KUP")) == [office_wita]
        assert list(directory_search(name="tul")) == [office_wit]
        assert list(directory_search(region="tenggara")) == [office_wita]
        assert list(directory_search(region="NUSA", name="cilacap")) == []
        assert set(directory_search()) == {office_wib, office_wita, office_wit}

    def test_inactive_offices_are_not_listed(self, office_wib, office_wita):
        office_wita.is_active = False
        office_wita.save()
        assert list(directory_search()) == [office_wib]

    def test_next_free_dates_are_released_dates_with_places(self, office, now):
        capacity_materialise(office=office, day=TUE)
        SlotCapacity.objects.filter(office=office, date=TUE, category="regular").update(used=5)
        dates = next_free_dates(office=office)
        # Today only the afternoon is still bookable (5); Tuesday is full; Wednesday has 10.
        assert [(d.date, d.free) for d in dates] == [
            (TODAY, 5),
            (dt.date(2025, 3, 12), 10),
            (dt.date(2025, 3, 13), 10),
        ]

    def test_unreleased_dates_are_not_offered(self, office, time_machine):
        # Friday 14 March 13:30: both sessions today have started, the weekend is off and
        # next week opens at 14:00; nothing can be booked until then.
        time_machine.move_to("2025-03-14 13:30 +07:00", tick=False)
        assert next_free_dates(office=office) == []
        entry = directory_entry(office=office)
        assert entry.next_release == dt.datetime(2025, 3, 14, 14, tzinfo=office.tz)
        time_machine.move_to("2025-03-14 14:00 +07:00", tick=False)
        assert next_free_dates(office=office)[0].date == dt.date(2025, 3, 17)

    def test_entry_lists_services(self, office, now):
        entry = directory_entry(office=office)
        assert [code for code, _label in entry.services] == [
            "electronic",
            "polycarbonate",
            "percepatan",
        ]
        assert entry.next_release == dt.datetime(2025, 3, 14, 14, tzinfo=office.tz)

    def test_office_without_release_rule(self, office_wita, now):
        entry = directory_entry(office=office_wita)
        assert entry.next_release is None
        assert entry.free_dates == []


class TestQuestions:
    def test_national_and_own_office_published_only(self, office, questions):
        found = questions_search(office=office, english=False)
        assert [q.id for q in found] == [questions["national"].pk, questions["office"].pk]
        assert [q.id for q in questions_search(english=False)] == [questions["national"].pk]

    def test_search_in_indonesian(self, office, questions):
        found = questions_search(q="PARKIR", office=office, english=False)
        assert [q.id for q in found] == [questions["office"].pk]
        assert questions_search(q="refunded", office=office, english=False) == []

    def test_search_in_english_falls_back_to_indonesian_text(self, office, questions):
        found = questions_search(q="refunded", office=office, english=True)
        assert [(q.id, q.question) for q in found] == [
            (questions["national"].pk, "Is the fee refunded after a refusal?")
        ]
        # No English text for the office question: the Indonesian text is shown and searched.
        found = questions_search(q="parkir", office=office, english=True)
        assert [q.question for q in found] == ["Di mana tempat parkir kendaraan?"]
        # Indonesian words of an English-translated question are not matched in English.
        assert questions_search(q="dikembalikan", office=office, english=True) == []
