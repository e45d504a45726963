"""Targets and plans (issue #9): the services' rules, their audit lines, office scope
and the page's messages for bad input. Working days are counted by hand: February
2025 has no national holiday or joint leave day in Indonesia, so its weekdays are
3-7, 10-14, 17-21 and 24-28 (20 days)."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from loket.core.choices import Role
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.models import AuditEntry
from loket.offices.models import Counter, OfficeClosure, Target
from loket.planning.models import DutyDay, QuotaPlan
from loket.planning.selectors import target_year
from loket.planning.services import (
    duty_day_delete,
    duty_day_save,
    duty_days_bulk_save,
    quota_plan_save,
    target_year_save,
)


@pytest.fixture(autouse=True)
def in_english():
    """Messages are compared in English whatever an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def head(office_wib, make_staff):
    return make_staff(Role.HEAD_OF_OFFICE, office_wib)


def months(**given):
    values = dict.fromkeys(range(1, 13))
    values.update({int(k[1:]): v for k, v in given.items()})
    return values


def targets(office):
    return sorted(
        Target.objects.filter(office=office).values_list("year", "month", "passports"),
        key=lambda row: (row[0], row[1] or 0),
    )


@pytest.mark.django_db
class TestTarget:
    def test_year_and_some_months(self, office_wib, head):
        target_year_save(
            actor=head, office=office_wib, year=2025, passports=1000, months=months(m3=100)
        )
        assert targets(office_wib) == [(2025, None, 1000), (2025, 3, 100)]
        figures = target_year(office=office_wib, year=2025)
        # The eleven other months share 1000 - 100 = 900: 81.8 each.
        assert figures.passports == 1000 and figures.months == {3: 100}
        assert str(figures.rest_per_month) == "81.8"
        entry = AuditEntry.objects.get(action="planning.target_save")
        assert entry.actor == head and entry.office_code == "CLP"
        assert entry.changes == {
            "year": 2025,
            "passports": {"year": [None, 1000], "03": [None, 100]},
        }

    def test_all_twelve_months_must_sum_to_the_year(self, office_wib, head):
        target_year_save(actor=head, office=office_wib, year=2025, passports=1200, months=months())
        twelve = {f"m{m}": 100 for m in range(1, 13)}
        target_year_save(
            actor=head, office=office_wib, year=2025, passports=1200, months=months(**twelve)
        )
        assert target_year(office=office_wib, year=2025).rest_per_month is None
        twelve["m12"] = 50  # 1150
        with pytest.raises(ApplicationError) as caught:
            target_year_save(
                actor=head, office=office_wib, year=2025, passports=1200, months=months(**twelve)
            )
        assert caught.value.code == "months_sum_mismatch"
        assert "1150" in caught.value.message and "1200" in caught.value.message
        assert Target.objects.get(office=office_wib, year=2025, month=12).passports == 100

    def test_months_may_not_exceed_the_year_and_nothing_is_saved(self, office_wib, head):
        with pytest.raises(ApplicationError) as caught:
            target_year_save(
                actor=head,
                office=office_wib,
                year=2025,
                passports=100,
                months=months(m1=60, m2=50),
            )
        assert caught.value.code == "months_exceed_year"
        assert caught.value.fields == {"passports": "At least the sum of the months (110)."}
        assert targets(office_wib) == []
        assert not AuditEntry.objects.filter(action="planning.target_save").exists()

    def test_removing_a_month_and_no_change_no_audit(self, office_wib, head):
        target_year_save(
            actor=head, office=office_wib, year=2025, passports=500, months=months(m1=40)
        )
        target_year_save(actor=head, office=office_wib, year=2025, passports=500, months=months())
        assert targets(office_wib) == [(2025, None, 500)]
        target_year_save(actor=head, office=office_wib, year=2025, passports=500, months=months())
        assert AuditEntry.objects.filter(action="planning.target_save").count() == 2

    def test_bad_numbers(self, office_wib, head):
        for kwargs, code in (
            ({"passports": -1, "months": months()}, "negative_number"),
            ({"passports": 10, "months": months(m2=-3)}, "negative_number"),
            ({"passports": 10, "months": {13: 1}}, "month_out_of_range"),
            ({"passports": 10_000_000, "months": months()}, "number_too_large"),
        ):
            with pytest.raises(ApplicationError) as caught:
                target_year_save(actor=head, office=office_wib, year=2025, **kwargs)
            assert caught.value.code == code
        with pytest.raises(ApplicationError) as caught:
            target_year_save(actor=head, office=office_wib, year=1999, passports=1, months={})
        assert caught.value.code == "year_out_of_range"
        assert targets(office_wib) == []

    def test_scope(self, office_wib, office_wita, make_staff):
        other_head = make_staff(Role.HEAD_OF_OFFICE, office_wita)
        with pytest.raises(NotFound):
            target_year_save(actor=other_head, office=office_wib, year=2025, passports=1, months={})
        for role in (Role.FRONT_DESK, Role.NATIONAL_ANALYST):
            user = make_staff(role, None if role == Role.NATIONAL_ANALYST else office_wib)
            with pytest.raises(Forbidden):
                target_year_save(actor=user, office=office_wib, year=2025, passports=1, months={})
        for role in (Role.KASUBSI, Role.KASI):
            target_year_save(
                actor=make_staff(role, office_wib),
                office=office_wib,
                year=2025,
                passports=7,
                months={},
            )
        assert targets(office_wib) == [(2025, None, 7)]


@pytest.mark.django_db
class TestQuotaPlan:
    def test_save_change_remove(self, office_wib, head):
        quota_plan_save(
            actor=head,
            office=office_wib,
            year=2025,
            month=2,
            places={"regular": 60, "priority": 10, "walk_in": None},
        )
        quota_plan_save(
            actor=head,
            office=office_wib,
            year=2025,
            month=2,
            places={"regular": 70, "priority": None},
        )
        assert list(
            QuotaPlan.objects.filter(office=office_wib).values_list(
                "month", "category", "places_per_day"
            )
        ) == [(2, "regular", 70)]
        lines = AuditEntry.objects.filter(action="planning.quota_plan_save").order_by("id")
        assert [e.changes for e in lines] == [
            {"month": "2025-02", "places_per_day": {"priority": [None, 10], "regular": [None, 60]}},
            {"month": "2025-02", "places_per_day": {"priority": [10, None], "regular": [60, 70]}},
        ]

    def test_bad_input_saves_nothing(self, office_wib, office_wita, head, make_staff):
        for kwargs, code in (
            ({"month": 13, "places": {"regular": 1}}, "month_out_of_range"),
            ({"month": 0, "places": {"regular": 1}}, "month_out_of_range"),
            ({"month": 2, "places": {"regular": 5, "priority": -1}}, "negative_number"),
            ({"month": 2, "places": {"vip": 5}}, "unknown_category"),
        ):
            with pytest.raises(ApplicationError) as caught:
                quota_plan_save(actor=head, office=office_wib, year=2025, **kwargs)
            assert caught.value.code == code
        with pytest.raises(NotFound):
            quota_plan_save(
                actor=make_staff(Role.KASI, office_wita),
                office=office_wib,
                year=2025,
                month=2,
                places={"regular": 1},
            )
        assert not QuotaPlan.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="planning.").exists()


@pytest.mark.django_db
class TestDutyDays:
    def test_one_day_and_its_rules(self, office_wib, head):
        duty_day_save(
            actor=head, office=office_wib, date=dt.date(2025, 2, 3), officers=5, counters=4
        )
        duty_day_save(
            actor=head, office=office_wib, date=dt.date(2025, 2, 3), officers=6, counters=4
        )
        assert list(DutyDay.objects.values_list("date", "officers", "counters")) == [
            (dt.date(2025, 2, 3), 6, 4)
        ]
        with pytest.raises(ApplicationError) as caught:
            duty_day_save(
                actor=head, office=office_wib, date=dt.date(2025, 2, 4), officers=2, counters=3
            )
        assert caught.value.code == "counters_exceed_officers"
        assert caught.value.fields == {"counters": "At most the number of officers on duty (2)."}
        with pytest.raises(ApplicationError) as caught:  # a Saturday
            duty_day_save(
                actor=head, office=office_wib, date=dt.date(2025, 2, 8), officers=2, counters=1
            )
        assert caught.value.code == "not_a_working_day"
        with pytest.raises(ApplicationError) as caught:
            duty_day_save(
                actor=head, office=office_wib, date=dt.date(2025, 2, 4), officers=-1, counters=0
            )
        assert caught.value.code == "negative_number"
        assert DutyDay.objects.count() == 1
        duty_day_delete(actor=head, office=office_wib, date=dt.date(2025, 2, 3))
        assert not DutyDay.objects.exists()
        actions = list(
            AuditEntry.objects.filter(action__startswith="planning.duty")
            .order_by("id")
            .values_list("action", "changes")
        )
        assert actions == [
            ("planning.duty_day_save", {"days": {"2025-02-03": [None, [5, 4]]}}),
            ("planning.duty_day_save", {"days": {"2025-02-03": [[5, 4], [6, 4]]}}),
            ("planning.duty_day_delete", {"days": {"2025-02-03": [[6, 4], None]}}),
        ]

    def test_counters_not_above_the_office_counters(self, office_wib, head):
        for number in ("1", "2"):
            Counter.objects.create(office=office_wib, number=number, name=f"Loket {number}")
        Counter.objects.create(office=office_wib, number="3", name="Loket 3", is_active=False)
        with pytest.raises(ApplicationError) as caught:
            duty_day_save(
                actor=head, office=office_wib, date=dt.date(2025, 2, 3), officers=5, counters=3
            )
        assert caught.value.code == "counters_exceed_office"
        duty_day_save(
            actor=head, office=office_wib, date=dt.date(2025, 2, 3), officers=5, counters=2
        )

    def test_range_skips_weekends_and_closures(self, office_wib, head):
        OfficeClosure.objects.create(office=office_wib, date=dt.date(2025, 2, 14), reason="Rapat")
        duty_day_save(
            actor=head, office=office_wib, date=dt.date(2025, 2, 3), officers=9, counters=9
        )
        days = duty_days_bulk_save(
            actor=head,
            office=office_wib,
            start=dt.date(2025, 2, 1),
            end=dt.date(2025, 2, 16),
            officers=4,
            counters=3,
        )
        expected = [dt.date(2025, 2, d) for d in (3, 4, 5, 6, 7, 10, 11, 12, 13)]
        assert days == expected
        assert list(DutyDay.objects.values_list("date", flat=True)) == expected
        assert set(DutyDay.objects.values_list("officers", "counters")) == {(4, 3)}
        entry = AuditEntry.objects.get(action="planning.duty_days_bulk")
        assert entry.changes["days"]["2025-02-03"] == [[9, 9], [4, 3]]
        assert entry.changes["days"]["2025-02-13"] == [None, [4, 3]]
        assert len(entry.changes["days"]) == 9

    def test_range_errors(self, office_wib, head):
        for start, end, officers, counters, code in (
            (dt.date(2025, 2, 10), dt.date(2025, 2, 7), 2, 1, "range_reversed"),
            (dt.date(2025, 2, 8), dt.date(2025, 2, 9), 2, 1, "no_working_days"),
            (dt.date(2025, 1, 1), dt.date(2025, 6, 1), 2, 1, "range_too_long"),
            (dt.date(2025, 2, 3), dt.date(2025, 2, 7), 1, 2, "counters_exceed_officers"),
        ):
            with pytest.raises(ApplicationError) as caught:
                duty_days_bulk_save(
                    actor=head,
                    office=office_wib,
                    start=start,
                    end=end,
                    officers=officers,
                    counters=counters,
                )
            assert caught.value.code == code
        assert not DutyDay.objects.exists()

    def test_saved_by_someone_else_at_the_same_moment(self, office_wib, head):
        with (
            mock.patch.object(DutyDay.objects, "create", side_effect=IntegrityError),
            pytest.raises(ApplicationError) as caught,
        ):
            duty_days_bulk_save(
                actor=head,
                office=office_wib,
                start=dt.date(2025, 2, 3),
                end=dt.date(2025, 2, 7),
                officers=2,
                counters=1,
            )
        assert caught.value.code == "plan_saved_meanwhile" and caught.value.status == 409
        assert not DutyDay.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="planning.").exists()

    def test_scope(self, office_wib, office_wita, make_staff):
        DutyDay.objects.create(office=office_wib, date=dt.date(2025, 2, 3), officers=2, counters=2)
        other = make_staff(Role.HEAD_OF_OFFICE, office_wita)
        with pytest.raises(NotFound):
            duty_day_delete(actor=other, office=office_wib, date=dt.date(2025, 2, 3))
        with pytest.raises(NotFound):
            duty_days_bulk_save(
                actor=other,
                office=office_wib,
                start=dt.date(2025, 2, 3),
                end=dt.date(2025, 2, 7),
                officers=1,
                counters=1,
            )
        with pytest.raises(Forbidden):
            duty_day_save(
                actor=make_staff(Role.INTERVIEWER, office_wib),
                office=office_wib,
                date=dt.date(2025, 2, 4),
                officers=1,
                counters=1,
            )
        assert list(DutyDay.objects.values_list("officers", flat=True)) == [2]


def page_url(office, **query):
    base = reverse("planning:plans", args=[office.code])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
class TestPage:
    def test_scope_without_leaking(self, english, office_wib, office_wita, make_staff):
        client = english
        url = page_url(office_wib, year=2025, month=2)
        assert client.get(url).status_code == 302
        Target.objects.create(office=office_wib, year=2025, passports=4321)
        client.force_login(make_staff(Role.FRONT_DESK, office_wita))
        response = client.get(url)
        assert response.status_code == 404 and b"4321" not in response.content
        response = client.post(
            url, {"action": "target", "target-year": 2025, "target-passports": 1}
        )
        assert response.status_code == 404
        missing = client.get(page_url(office_wib).replace("CLP", "NOPE"))
        assert missing.status_code == 404
        assert response.content.count(b"Office not found") == missing.content.count(
            b"Office not found"
        )

        client.force_login(make_staff(Role.FRONT_DESK, office_wib))
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and "4321" in html
        assert 'data-testid="read-only"' in html and 'id="target-form"' not in html
        assert 'id="planner-link"' not in html  # the planner is for supervisors
        response = client.post(
            url, {"action": "target", "target-year": 2025, "target-passports": 1}
        )
        assert response.status_code == 403
        client.force_login(make_staff(Role.NATIONAL_ANALYST, None))
        assert client.get(url).status_code == 200
        assert (
            client.post(url, {"action": "duty_delete", "duty-date": "2025-02-03"}).status_code
            == 403
        )
        assert Target.objects.get(office=office_wib).passports == 4321

    def test_head_enters_everything(self, english, office_wib, head):
        client = english
        client.force_login(head)
        url = page_url(office_wib, year=2025, month=2)
        page = client.get(url)
        assert page.status_code == 200
        assert 'id="target-form"' in page.content.decode()
        assert 'id="planner-link"' in page.content.decode()
        response = client.post(
            url,
            {
                "action": "target",
                "target-year": 2025,
                "target-passports": 1200,
                "target-month_2": 90,
            },
        )
        assert response.status_code == 302 and response.url == url
        response = client.post(
            url,
            {"action": "quota", "quota-year": 2025, "quota-month": 2, "quota-regular": 60},
        )
        assert response.status_code == 302
        response = client.post(
            url,
            {
                "action": "duty_range",
                "range-start": "2025-02-03",
                "range-end": "2025-02-07",
                "range-officers": 6,
                "range-counters": 4,
            },
        )
        assert response.status_code == 302
        page = client.get(url)
        html = page.content.decode()
        assert "Duty plan saved for 5 working days." in html
        # 60 places a day x 20 working days in February 2025.
        assert [(r.category, r.planned) for r in page.context["quota_rows"]] == [("regular", 1200)]
        rows = {r.date: r for r in page.context["duty_rows"]}
        assert rows[dt.date(2025, 2, 5)].planned == 4 and rows[dt.date(2025, 2, 5)].officers == 6
        assert rows[dt.date(2025, 2, 10)].planned is None
        assert page.context["target"].months == {2: 90}
        response = client.post(url, {"action": "duty_delete", "duty-date": "2025-02-05"})
        assert response.status_code == 302
        assert DutyDay.objects.filter(office=office_wib).count() == 4
        response = client.post(url, {"action": "duty_delete", "duty-date": "2025-02-05"})
        assert response.status_code == 400
        assert "No duty plan for that day." in response.content.decode()
        response = client.post(url, {"action": "duty_delete", "duty-date": "5 Feb"})
        assert response.status_code == 400
        assert response.context["duty_form"].errors == {"date": ["Enter a valid date."]}
        assert DutyDay.objects.filter(office=office_wib).count() == 4

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {
                    "action": "duty_day",
                    "duty-date": "2025-02-04",
                    "duty-officers": 2,
                    "duty-counters": 3,
                },
                "3 counters cannot be open with 2 officers on duty",
            ),
            (
                {
                    "action": "duty_day",
                    "duty-date": "2025-02-04",
                    "duty-officers": -2,
                    "duty-counters": 0,
                },
                "Cannot be negative.",
            ),
            (
                {
                    "action": "duty_day",
                    "duty-date": "2025-02-08",
                    "duty-officers": 2,
                    "duty-counters": 1,
                },
                "2025-02-08 is not a working day at this office",
            ),
            (
                {"action": "quota", "quota-year": 2025, "quota-month": 13, "quota-regular": 5},
                "The month must be between 1 and 12.",
            ),
            (
                {"action": "quota", "quota-year": 2025, "quota-month": 2, "quota-regular": -5},
                "Cannot be negative.",
            ),
            (
                {
                    "action": "target",
                    "target-year": 2025,
                    "target-passports": 100,
                    "target-month_1": 150,
                },
                "The months add up to 150, more than the year&#x27;s target of 100.",
            ),
            (
                {
                    "action": "duty_range",
                    "range-start": "2025-02-10",
                    "range-end": "2025-02-03",
                    "range-officers": 1,
                    "range-counters": 1,
                },
                "The last day is before the first day.",
            ),
        ],
    )
    def test_bad_input_shows_message_and_saves_nothing(
        self, english, office_wib, head, data, message
    ):
        english.force_login(head)
        response = english.post(page_url(office_wib, year=2025, month=2), data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not DutyDay.objects.exists()
        assert not QuotaPlan.objects.exists()
        assert not Target.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="planning.").exists()

    def test_bad_period_in_the_address(self, english, office_wib, head):
        english.force_login(head)
        response = english.get(page_url(office_wib, year=2025, month=13))
        assert response.status_code == 400
        assert "The month must be between 1 and 12." in response.content.decode()
        response = english.get(page_url(office_wib, year="abc", month=2))
        assert response.status_code == 400
        assert "Enter a year such as 2026." in response.content.decode()


@pytest.mark.django_db
def test_admin_lists_plans_read_only(client, office_wib, office_wita, make_staff):
    DutyDay.objects.create(office=office_wib, date=dt.date(2025, 2, 3), officers=3, counters=2)
    DutyDay.objects.create(office=office_wita, date=dt.date(2025, 2, 3), officers=9, counters=8)
    client.force_login(make_staff(Role.OFFICE_ADMIN, office_wita))
    listing = client.get(reverse("admin:planning_dutyday_changelist"))
    assert listing.status_code == 200
    assert [d.office_id for d in listing.context["cl"].result_list] == [office_wita.pk]
    assert client.get(reverse("admin:planning_dutyday_add")).status_code == 403
    assert client.get(reverse("admin:planning_quotaplan_changelist")).status_code == 200
