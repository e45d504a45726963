import datetime as dt

import pytest

from loket.booking.admission import admission_token_issue
from loket.booking.models import Booking
from loket.booking.tests.conftest import NEXT_WED, THU, WED
from loket.booking.tests.factories import verified_application
from loket.core.api_auth import api_token_issue
from loket.payments.billing import bill_mark_paid

pytestmark = pytest.mark.django_db
BASE = "/api/v1/booking"


@pytest.fixture
def api(client, application):
    token = api_token_issue(user=application.account)

    def call(method, path, body=None, key=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
            # Through the waiting room (an idle gate admits at once): test_admission.py.
            headers["HTTP_ADMISSION_TOKEN"] = admission_token_issue(
                account=application.account, office=application.office
            )
        fn = getattr(client, method)
        if body is None:
            return fn(BASE + path, **headers, **extra)
        return fn(BASE + path, body, content_type="application/json", **headers, **extra)

    return call


def body(application, day=WED, session="pagi"):
    return {
        "application_id": str(application.public_id),
        "date": day.isoformat(),
        "session": session,
    }


def error_code(response):
    return response.json()["error"]["code"]


class TestAvailability:
    def test_public_and_shows_release_times(self, client, office, now):
        r = client.get(
            f"{BASE}/availability",
            {"office": office.code, "start": "2025-03-10", "end": "2025-03-23"},
        )
        assert r.status_code == 200
        days = {d["date"]: d for d in r.json()["days"]}
        wed = days["2025-03-12"]
        assert wed["released"] and wed["working"]
        assert [(s["code"], s["free"], s["bookable"]) for s in wed["sessions"]] == [
            ("pagi", 5, True),
            ("siang", 5, True),
        ]
        assert days["2025-03-15"]["working"] is False
        nxt = days["2025-03-19"]
        assert not nxt["released"] and nxt["opens_at"] == "2025-03-14T14:00:00+07:00"

    def test_bad_inputs(self, client, office, now):
        r = client.get(
            f"{BASE}/availability", {"office": "NOPE", "start": "2025-03-10", "end": "2025-03-11"}
        )
        assert r.status_code == 404 and error_code(r) == "office_not_found"
        r = client.get(
            f"{BASE}/availability",
            {"office": office.code, "start": "2025-03-10", "end": "2025-09-11"},
        )
        assert r.status_code == 422 and error_code(r) == "date_range_too_long"
        r = client.get(
            f"{BASE}/availability",
            {"office": office.code, "start": "2025-03-10", "end": "2025-03-01"},
        )
        assert error_code(r) == "date_range_invalid"
        r = client.get(
            f"{BASE}/availability", {"office": office.code, "start": "x", "end": "2025-03-01"}
        )
        assert r.status_code == 422 and error_code(r) == "invalid_input"


class TestCreate:
    def test_book_replay_and_key_reuse(self, api, application):
        r = api("post", "/bookings", body(application), key="k-1")
        assert r.status_code == 201, r.content
        data = r.json()
        assert data["status"] == "held" and data["payment"]["status"] == "issued"
        assert len(data["payment"]["billing_code"]) == 15
        assert data["payment"]["simulator_url"].endswith(data["payment"]["billing_code"])
        again = api("post", "/bookings", body(application), key="k-1")
        assert again.status_code == 201 and again.json()["code"] == data["code"]
        assert again["Idempotent-Replayed"] == "true"
        assert Booking.objects.count() == 1
        other = api("post", "/bookings", body(application, day=THU), key="k-1")
        assert other.status_code == 422 and error_code(other) == "idempotency_key_reused"

    def test_key_required(self, api, application):
        r = api("post", "/bookings", body(application))
        assert r.status_code == 400 and error_code(r) == "idempotency_key_required"

    def test_auth_required(self, client, application, now):
        r = client.post(f"{BASE}/bookings", body(application), content_type="application/json")
        assert r.status_code == 401

    @pytest.mark.parametrize(
        ("day", "session", "status", "code"),
        [
            (NEXT_WED, "pagi", 409, "date_not_released"),
            (dt.date(2025, 3, 15), "pagi", 409, "not_working_day"),
            (dt.date(2025, 3, 10), "pagi", 409, "date_past"),
            (WED, "malam", 404, "session_not_found"),
        ],
    )
    def test_refusals(self, api, application, day, session, status, code):
        r = api("post", "/bookings", body(application, day=day, session=session), key="k")
        assert r.status_code == status and error_code(r) == code

    def test_someone_elses_application_is_not_found(self, api, office, now):
        stranger = verified_application(office=office)
        r = api("post", "/bookings", body(stranger), key="k")
        assert r.status_code == 404 and error_code(r) == "application_not_found"

    def test_second_booking_for_nik(self, api, application):
        assert api("post", "/bookings", body(application), key="a").status_code == 201
        r = api("post", "/bookings", body(application, day=THU), key="b")
        assert r.status_code == 409 and error_code(r) == "nik_has_active_booking"

    def test_full(self, api, office, application):
        Booking.objects.none()
        from loket.booking.services import slot_find

        slot = slot_find(office=office, day=WED, session_code="pagi", category="regular")
        slot.__class__.objects.filter(pk=slot.pk).update(used=5)
        r = api("post", "/bookings", body(application), key="k")
        assert r.status_code == 409 and error_code(r) == "session_full"

    def test_full_session_is_refused_early_and_keeps_the_admission(
        self, client, office, application, django_assert_max_num_queries
    ):
        from loket.booking.models import AdmissionUse
        from loket.booking.services import slot_find

        slot = slot_find(office=office, day=WED, session_code="pagi", category="regular")
        slot.__class__.objects.filter(pk=slot.pk).update(used=slot.capacity)
        admission = admission_token_issue(account=application.account, office=office)
        headers = {
            "HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=application.account)}",
            "HTTP_ADMISSION_TOKEN": admission,
        }

        def post(key):
            return client.post(
                f"{BASE}/bookings",
                body(application),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=key,
                **headers,
            )

        # Token (and its last-used mark), application, key, the three rate limits in one
        # statement, the slot with its session: the flash crowd's late majority costs a
        # handful of queries, not the whole path.
        with django_assert_max_num_queries(6):
            r = post("k1")
        assert r.status_code == 409 and error_code(r) == "session_full"
        assert not AdmissionUse.objects.exists() and not Booking.objects.exists()
        # A place frees up: the same admission still books.
        slot.__class__.objects.filter(pk=slot.pk).update(used=slot.capacity - 1)
        r = post("k2")
        assert r.status_code == 201, r.content
        assert AdmissionUse.objects.count() == 1

    def test_malformed_body(self, api, application):
        r = api(
            "post",
            "/bookings",
            {"application_id": "nope", "date": "2025-02-30", "session": "pagi"},
            key="k",
        )
        assert r.status_code == 422 and error_code(r) == "invalid_input"
        assert set(r.json()["error"]["fields"]) >= {"application_id", "date"}

    def test_unverified_account_refused(self, client, office, now):
        from loket.applications.tests.factories import ApplicationFactory

        application = ApplicationFactory(office=office)
        token = api_token_issue(user=application.account)
        r = client.post(
            f"{BASE}/bookings",
            body(application),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY="k",
        )
        assert r.status_code == 403 and error_code(r) == "email_not_verified"


class TestLifecycle:
    def test_get_pay_proof_reschedule_cancel(self, api, application):
        code = api("post", "/bookings", body(application), key="k").json()["code"]
        r = api("get", f"/bookings/{code}")
        assert r.status_code == 200 and r.json()["proof_available"] is False
        r = api("get", f"/bookings/{code}/proof.pdf")
        assert r.status_code == 409 and error_code(r) == "proof_not_available"
        r = api("get", "/bookings")
        assert r.json()["count"] == 1 and r.json()["items"][0]["code"] == code

        booking = Booking.objects.get(code=code)
        bill_mark_paid(
            billing_code=booking.bill.billing_code, amount=booking.bill.amount, ntpn="NTPN0001"
        )
        payment = api("get", f"/bookings/{code}/payment").json()
        assert payment["status"] == "paid" and payment["ntpn"] == "NTPN0001"
        r = api("get", f"/bookings/{code}/proof.pdf")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")

        r = api(
            "post", f"/bookings/{code}/reschedule", {"date": THU.isoformat(), "session": "siang"}
        )
        assert (
            r.status_code == 200
            and r.json()["date"] == THU.isoformat()
            and r.json()["reschedule_count"] == 1
        )
        r = api(
            "post", f"/bookings/{code}/reschedule", {"date": WED.isoformat(), "session": "pagi"}
        )
        assert r.status_code == 409 and error_code(r) == "reschedule_used"

        r = api("post", f"/bookings/{code}/cancel", {"reason": "sick"})
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        r = api("post", f"/bookings/{code}/cancel", {})
        assert r.status_code == 409 and error_code(r) == "not_cancellable"

    def test_payment_refresh_finds_a_timed_out_callback(self, api, application):
        from loket.payments.simulator import simulator_pay

        code = api("post", "/bookings", body(application), key="k").json()["code"]
        billing_code = Booking.objects.get(code=code).bill.billing_code
        simulator_pay(billing_code=billing_code, outcome="timeout")
        assert api("get", f"/bookings/{code}/payment").json()["status"] == "issued"
        assert api("get", f"/bookings/{code}/payment?refresh=true").json()["status"] == "paid"
        assert api("get", f"/bookings/{code}").json()["status"] == "confirmed"

    def test_other_accounts_booking_is_404_everywhere(self, api, office, book):
        other = book(verified_application(office=office))
        for method, path, payload in [
            ("get", f"/bookings/{other.code}", None),
            ("get", f"/bookings/{other.code}/payment", None),
            ("get", f"/bookings/{other.code}/proof.pdf", None),
            ("post", f"/bookings/{other.code}/cancel", {}),
            (
                "post",
                f"/bookings/{other.code}/reschedule",
                {"date": THU.isoformat(), "session": "pagi"},
            ),
        ]:
            r = api(method, path, payload)
            assert r.status_code == 404, path
            assert error_code(r) == "booking_not_found"
        other.refresh_from_db()
        assert other.status == "held"
