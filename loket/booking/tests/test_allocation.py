"""Ballot allocation (drawn with a recorded seed, reproducible, returned places offered in
drawn order), rate limits with 429 and Retry-After, and the availability cache."""

import datetime as dt

import pytest

from loket.booking.ballot import ballot_draw, ballot_enter, ballot_offer_returned, ballot_order
from loket.booking.choices import BallotOutcome
from loket.booking.limits import rate_limit
from loket.booking.models import AutomationSignal, Ballot, Booking, SlotCapacity
from loket.booking.selectors import availability_cached
from loket.booking.services import booking_cancel, cancelled_places_return
from loket.booking.tests.conftest import THU, WED
from loket.booking.tests.factories import book_for, setup_booking_office, verified_application
from loket.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(office, now, time_machine):
    return Ballot.objects.create(
        office=office,
        category="regular",
        first_date=WED,
        last_date=THU,
        opens_at=dt.datetime(2025, 3, 9, 10, tzinfo=dt.UTC),
        closes_at=dt.datetime(2025, 3, 10, 2, tzinfo=dt.UTC),
    )


def enter_all(ballot, office, n):
    requests = []
    for _ in range(n):
        application = verified_application(office=office)
        requests.append(
            ballot_enter(
                ballot=ballot,
                application=application,
                account=application.account,
                choices=[(WED, "pagi"), (THU, "pagi")],
                now=dt.datetime(2025, 3, 9, 12, tzinfo=dt.UTC),
            )
        )
    return requests


class TestBallot:
    def test_direct_booking_refused_while_the_ballot_is_open(self, ballot, application):
        with pytest.raises(ApplicationError) as info:
            book_for(application, WED)
        assert info.value.code == "ballot_pending"

    def test_draw_is_reproducible_and_fills_choices_in_drawn_order(self, ballot, office):
        requests = enter_all(ballot, office, 14)  # 5 + 5 places on Wed and Thu mornings
        ballot_draw(ballot=ballot, seed=20250310)
        ballot.refresh_from_db()
        assert ballot.seed == 20250310 and ballot.drawn_at is not None
        drawn = list(ballot.requests.order_by("rank"))
        assert [r.pk for r in drawn] == ballot_order(20250310, [r.pk for r in requests])
        assert [r.outcome for r in drawn] == [BallotOutcome.WON] * 10 + [BallotOutcome.LOST] * 4
        assert [r.booking.slot.date for r in drawn[:10]] == [WED] * 5 + [THU] * 5
        # Another seed gives another order; the same seed always the same one.
        assert ballot_order(1, [r.pk for r in requests]) != ballot_order(
            2, [r.pk for r in requests]
        )
        assert ballot_order(7, [r.pk for r in requests]) == ballot_order(
            7, list(reversed([r.pk for r in requests]))
        )
        with pytest.raises(ApplicationError):
            ballot_draw(ballot=ballot, seed=1)
        # A cancelled place goes to the best-ranked request not drawn.
        winner = drawn[0].booking
        booking_cancel(booking=winner, actor=None, reason="test")
        Booking.objects.filter(pk=winner.pk).update(
            place_returns_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
        )
        cancelled_places_return()
        assert ballot_offer_returned(ballot=ballot) == 1
        offered = ballot.requests.get(outcome=BallotOutcome.OFFERED)
        assert offered.pk == drawn[10].pk and offered.booking.slot.date == WED

    def test_one_request_per_nik_and_window(self, ballot, office, application):
        enter = lambda when: ballot_enter(  # noqa: E731
            ballot=ballot,
            application=application,
            account=application.account,
            choices=[(WED, "pagi")],
            now=when,
        )
        with pytest.raises(ApplicationError) as info:
            enter(dt.datetime(2025, 3, 11, tzinfo=dt.UTC))
        assert info.value.code == "ballot_closed"
        enter(dt.datetime(2025, 3, 9, 12, tzinfo=dt.UTC))
        with pytest.raises(ApplicationError) as info:
            enter(dt.datetime(2025, 3, 9, 13, tzinfo=dt.UTC))
        assert info.value.code == "ballot_already_entered"


@pytest.fixture(autouse=False)
def limits(settings):
    settings.LOKET_BOOKING_RATE_LIMITS = {"account": (3, 60), "nik": (2, 60), "ip": (5, 60)}


@pytest.mark.usefixtures("limits")
class TestRateLimits:
    def test_per_nik_account_and_ip_with_retry_after(self, application, now):
        account = application.account
        rate_limit(account=account, nik="3301011201900001", ip="10.0.0.1")
        rate_limit(account=account, nik="3301011201900001", ip="10.0.0.1")
        with pytest.raises(ApplicationError) as info:
            rate_limit(account=account, nik="3301011201900001", ip="10.0.0.1")
        assert info.value.status == 429 and info.value.extra["scope"] == "nik"
        assert 1 <= info.value.extra["retry_after"] <= 60
        assert AutomationSignal.objects.filter(kind="rate_nik", account=account).count() == 1
        with pytest.raises(ApplicationError) as info:
            rate_limit(account=account, nik="3301011201900002", ip="10.0.0.1")
        assert info.value.extra["scope"] == "account"
        # Every request counts against each of its limits in one statement, refused ones
        # too: the address has 4 of its 5 already.
        rate_limit(ip="10.0.0.1")
        with pytest.raises(ApplicationError) as info:
            rate_limit(ip="10.0.0.1")
        assert info.value.extra["scope"] == "ip"
        rate_limit(ip="10.0.0.2")  # another address has its own counter

    def test_window_passes(self, application, now, time_machine):
        for _ in range(3):
            rate_limit(account=application.account)
        with pytest.raises(ApplicationError):
            rate_limit(account=application.account)
        time_machine.shift(dt.timedelta(seconds=61))
        rate_limit(account=application.account)

    def test_api_answers_429_with_retry_after(self, client, application):
        from loket.booking.admission import admission_token_issue
        from loket.core.api_auth import api_token_issue

        token = api_token_issue(user=application.account)
        body = {
            "application_id": str(application.public_id),
            "date": WED.isoformat(),
            "session": "pagi",
        }
        codes = []
        for i in range(4):
            r = client.post(
                "/api/v1/booking/bookings",
                body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY=f"k{i}",
                HTTP_ADMISSION_TOKEN=admission_token_issue(
                    account=application.account, office=application.office
                ),
            )
            codes.append(r.status_code)
        assert codes[0] == 201 and codes[1] == 409 and codes[3] == 429
        assert int(r["Retry-After"]) >= 1 and r.json()["error"]["code"] == "rate_limited"


def test_availability_cache_is_dropped_when_places_change(
    office, application, django_capture_on_commit_callbacks
):
    first = availability_cached(office=office, start=WED, end=WED)
    assert first[0].sessions[0].free == 5
    slot_rows = SlotCapacity.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        book_for(application, WED)
    assert SlotCapacity.objects.count() >= slot_rows
    again = availability_cached(office=office, start=WED, end=WED)
    assert again[0].sessions[0].free == 4
    # Served from the cache: a change behind its back is not seen until invalidated.
    SlotCapacity.objects.filter(office=office, date=WED).update(used=0)
    assert availability_cached(office=office, start=WED, end=WED)[0].sessions[0].free == 4


def test_availability_api_serves_its_body_from_the_cache(
    client, office, application, django_capture_on_commit_callbacks, django_assert_num_queries
):
    url = "/api/v1/booking/availability"
    params = {"office": office.code, "start": WED.isoformat(), "end": WED.isoformat()}

    def free():
        r = client.get(url, params)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
        return r.json()["days"][0]["sessions"][0]["free"]

    assert free() == 5
    # A hit is the office lookup only: no availability query, no serialisation.
    with django_assert_num_queries(1):
        assert free() == 5
    with django_capture_on_commit_callbacks(execute=True):
        book_for(application, WED)
    assert free() == 4
    # Another range or category is another entry; a bad range is still refused.
    r = client.get(url, {**params, "category": "percepatan"})
    assert r.status_code == 200 and r.json()["category"] == "percepatan"
    r = client.get(url, {**params, "end": "2025-03-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "date_range_invalid"


__all__ = ["setup_booking_office"]
