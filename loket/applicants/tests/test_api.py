import re

import pytest
from django.core import mail

from loket.core.models import User
from loket.notifications.services import outbox_send_due

API = "/api/v1/account"
SIGNUP = {
    "email": "Rina@Example.test",
    "password": "kopi-susu-pagi-2026",
    "full_name": "Rina Wati",
    "consent": True,
}


def _code() -> str:
    outbox_send_due()
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.django_db
class TestAccountApi:
    def test_signup_verify_token_and_profile(self, client):
        response = client.post(f"{API}/signup", SIGNUP, content_type="application/json")
        assert response.status_code == 201
        token = response.json()["token"]
        assert response.json()["account"] == {
            "email": "rina@example.test",
            "full_name": "Rina Wati",
            "email_verified": False,
            "preferred_language": "id",
            "phone": "",
        }
        wrong = client.post(
            f"{API}/verify", {"code": "000000"}, content_type="application/json", **bearer(token)
        )
        assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "code_wrong"
        ok = client.post(
            f"{API}/verify", {"code": _code()}, content_type="application/json", **bearer(token)
        )
        assert ok.status_code == 200 and ok.json()["email_verified"] is True
        signed_in = client.post(
            f"{API}/token",
            {"email": "rina@example.test", "password": SIGNUP["password"]},
            content_type="application/json",
        )
        assert signed_in.status_code == 200
        token2 = signed_in.json()["token"]
        updated = client.put(
            f"{API}/me",
            {"full_name": "Rina Wati", "phone": "081311112222"},
            content_type="application/json",
            **bearer(token2),
        )
        assert updated.json()["phone"] == "081311112222"
        assert client.delete(f"{API}/token", **bearer(token2)).status_code == 204
        assert client.get(f"{API}/me", **bearer(token2)).status_code == 401

    def test_duplicate_email(self, client):
        client.post(f"{API}/signup", SIGNUP, content_type="application/json")
        again = client.post(f"{API}/signup", SIGNUP, content_type="application/json")
        assert again.status_code == 409 and again.json()["error"]["code"] == "email_taken"
        assert User.objects.count() == 1

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"consent": False}, "consent_required"),
            ({"password": "1234567890"}, "password_weak"),
            ({"email": "not-an-email"}, "invalid_input"),
        ],
    )
    def test_bad_signup(self, client, change, code):
        response = client.post(
            f"{API}/signup", {**SIGNUP, **change}, content_type="application/json"
        )
        assert response.status_code in (400, 422)
        assert response.json()["error"]["code"] == code
        assert not User.objects.exists()

    def test_wrong_password_and_throttle(self, client, settings):
        client.post(f"{API}/signup", SIGNUP, content_type="application/json")
        for _ in range(settings.LOGIN_MAX_FAILURES):
            bad = client.post(
                f"{API}/token",
                {"email": SIGNUP["email"], "password": "x"},
                content_type="application/json",
            )
            assert bad.status_code == 401
        blocked = client.post(
            f"{API}/token",
            {"email": SIGNUP["email"], "password": SIGNUP["password"]},
            content_type="application/json",
        )
        assert blocked.status_code == 429

    def test_password_reset_mail_goes_through_the_outbox(self, client):
        client.post(f"{API}/signup", SIGNUP, content_type="application/json")
        outbox_send_due()
        mail.outbox.clear()
        assert (
            client.post(
                f"{API}/password-reset",
                {"email": "rina@example.test"},
                content_type="application/json",
            ).status_code
            == 202
        )
        assert (
            client.post(
                f"{API}/password-reset",
                {"email": "nobody@example.test"},
                content_type="application/json",
            ).status_code
            == 202
        )
        outbox_send_due()
        assert len(mail.outbox) == 1
        assert "/akun/lupa-sandi/" in mail.outbox[0].body
