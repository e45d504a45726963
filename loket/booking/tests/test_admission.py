"""The waiting room: admission tokens (expired, reused, forged, someone else's), the line
with its rate, the pre-queue drawn at release, and the pages and API that use them."""

import datetime as dt

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse

from loket.booking import admission
from loket.booking.admission import (
    admission_check,
    admission_consume,
    admission_join,
    admission_token_issue,
    prequeue_order,
)
from loket.booking.models import Booking, PrequeueDraw, WaitingEntry
from loket.booking.tests.conftest import WED
from loket.booking.tests.factories import verified_application
from loket.core.api_auth import api_token_issue
from loket.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
BASE = "/api/v1/booking"


def code_of(call):
    with pytest.raises(ApplicationError) as info:
        call()
    return info.value.code


class TestTokens:
    def test_genuine_token_is_accepted_once(self, application):
        account, office = application.account, application.office
        token = admission_token_issue(account=account, office=office)
        assert admission_check(token=token, account=account, office=office)
        admission_consume(token=token, account=account, office=office)
        assert (
            code_of(lambda: admission_consume(token=token, account=account, office=office))
            == "admission_used"
        )

    def test_expired(self, application, time_machine):
        account, office = application.account, application.office
        token = admission_token_issue(account=account, office=office)
        time_machine.shift(dt.timedelta(seconds=301))
        assert (
            code_of(lambda: admission_check(token=token, account=account, office=office))
            == "admission_expired"
        )

    def test_forged_and_tampered(self, application):
        account, office = application.account, application.office
        forged = signing.dumps(
            {"a": account.pk, "o": office.pk, "n": "x"}, key="not-our-key", salt=admission.SALT
        )
        token = admission_token_issue(account=account, office=office)
        for bad in (forged, token[:-2] + "xx", "garbage", token.replace(":", ";", 1)):
            assert (
                code_of(lambda bad=bad: admission_check(token=bad, account=account, office=office))
                == "admission_invalid"
            )
        assert code_of(lambda: admission_check(token="", account=account, office=office)) == (
            "admission_required"
        )

    def test_bound_to_applicant_and_office(self, application, office_wita):
        other = verified_application(office=application.office)
        token = admission_token_issue(account=application.account, office=application.office)
        assert (
            code_of(
                lambda: admission_check(
                    token=token, account=other.account, office=application.office
                )
            )
            == "admission_invalid"
        )
        assert (
            code_of(
                lambda: admission_check(
                    token=token, account=application.account, office=office_wita
                )
            )
            == "admission_invalid"
        )


class TestLine:
    @override_settings(LOKET_ADMISSION_RATE_PER_SECOND=2, LOKET_ADMISSION_BURST_SECONDS=1)
    def test_rate_position_and_wait(self, office, now, time_machine):
        apps = [verified_application(office=office) for _ in range(6)]
        states = [admission_join(account=a.account, office=office) for a in apps]
        # An idle gate admits one second's worth (2) at once; the rest wait in order.
        assert [s.admitted for s in states] == [True, True, False, False, False, False]
        assert [s.position for s in states[2:]] == [1, 2, 3, 4]
        assert states[5].wait_seconds == 2 and states[5].retry_after >= 1
        assert states[0].token and states[0].token != states[1].token
        time_machine.shift(dt.timedelta(seconds=1))
        again = [admission_join(account=a.account, office=office) for a in apps[2:]]
        assert [s.admitted for s in again] == [True, True, False, False]
        assert again[3].position == 2

    def test_prequeue_is_drawn_at_release_from_a_recorded_seed(self, office, time_machine):
        # Friday 7 March 2025, 13:50 WIB: the release at 14:00 has a 15-minute pre-queue.
        time_machine.move_to("2025-03-07 13:50 +07:00", tick=False)
        apps = [verified_application(office=office) for _ in range(8)]
        for a in apps:
            state = admission_join(account=a.account, office=office)
            assert not state.admitted and state.position is None
            assert state.release_at is not None and state.wait_seconds == 600
        time_machine.move_to("2025-03-07 14:00:00.5 +07:00", tick=False)
        first = admission_join(account=apps[0].account, office=office)
        draw = PrequeueDraw.objects.get(office=office)
        entries = list(WaitingEntry.objects.filter(office=office).order_by("rank"))
        expected = prequeue_order(draw.seed, [e.pk for e in entries])
        assert draw.entries == expected == [e.pk for e in entries] or first.admitted
        # Re-running the draw from the recorded seed gives the same order.
        assert prequeue_order(draw.seed, sorted(draw.entries)) == draw.entries
        # Arrival order before release gives no edge: the order is the seed's, not the ids'.
        assert draw.entries != sorted(draw.entries) or len(draw.entries) < 3

    def test_rejoin_after_admission_goes_to_the_back(self, application, now):
        first = admission_join(account=application.account, office=application.office)
        assert first.admitted
        assert not WaitingEntry.objects.filter(account=application.account).exists()


class TestEdges:
    def test_api_without_token_is_refused_with_a_clear_code(self, client, application):
        token = api_token_issue(user=application.account)
        body = {
            "application_id": str(application.public_id),
            "date": WED.isoformat(),
            "session": "pagi",
        }
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": "k1"}
        r = client.post(f"{BASE}/bookings", body, content_type="application/json", **headers)
        assert r.status_code == 428 and r.json()["error"]["code"] == "admission_required"
        r = client.post(
            f"{BASE}/admission",
            {"office": application.office.code},
            content_type="application/json",
            **headers,
        )
        assert r.status_code == 200 and r.json()["admitted"]
        ticket = r.json()["token"]
        r = client.post(
            f"{BASE}/bookings",
            body,
            content_type="application/json",
            HTTP_ADMISSION_TOKEN=ticket,
            **headers,
        )
        assert r.status_code == 201
        # The same token for a new request (another key) is spent.
        Booking.objects.update(status="cancelled", holds_place=False)
        headers["HTTP_IDEMPOTENCY_KEY"] = "k2"
        r = client.post(
            f"{BASE}/bookings",
            body,
            content_type="application/json",
            HTTP_ADMISSION_TOKEN=ticket,
            **headers,
        )
        assert r.status_code == 403 and r.json()["error"]["code"] == "admission_used"

    @override_settings(LOKET_ADMISSION_RATE_PER_SECOND=1, LOKET_ADMISSION_BURST_SECONDS=1)
    def test_api_line_answers_202_with_retry_after(self, client, office, now):
        first, second = verified_application(office=office), verified_application(office=office)
        assert admission_join(account=first.account, office=office).admitted
        token = api_token_issue(user=second.account)
        r = client.post(
            f"{BASE}/admission",
            {"office": office.code},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert r.status_code == 202
        assert r.json()["position"] == 1 and int(r["Retry-After"]) >= 1

    @override_settings(LOKET_ADMISSION_RATE_PER_SECOND=1, LOKET_ADMISSION_BURST_SECONDS=1)
    def test_page_waits_then_moves_on_by_itself(self, client, office, now, time_machine):
        first, second = verified_application(office=office), verified_application(office=office)
        assert admission_join(account=first.account, office=office).admitted
        client.force_login(second.account)
        confirm = reverse("booking:confirm", args=[second.public_id])
        r = client.get(confirm, {"date": WED.isoformat(), "session": "pagi"})
        assert r.status_code == 302 and "/antre/" in r["Location"]
        r = client.get(r["Location"])
        assert r.status_code == 200 and int(r["Retry-After"]) >= 1
        html = r.content.decode()
        assert 'data-testid="position"' in html and 'hx-trigger="every 1s"' in html
        time_machine.shift(dt.timedelta(seconds=2))
        url = (
            reverse("booking:wait", args=[second.public_id])
            + "?next=%3Fdate%3D2025-03-12%26session%3Dpagi"
        )
        r = client.get(url, HTTP_HX_REQUEST="true")
        assert r.status_code == 204 and r["HX-Redirect"].startswith(confirm)
        assert "date=2025-03-12" in r["HX-Redirect"]
        r = client.get(r["HX-Redirect"])
        assert r.status_code == 200 and b'id="confirm-booking"' in r.content
