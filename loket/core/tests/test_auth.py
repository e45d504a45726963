import pytest
from django.conf import settings
from django.urls import reverse

from loket.core.models import LoginFailure
from loket.core.tests.factories import PASSWORD, ApplicantFactory, UserFactory


def sign_in(client, url_name, email, password):
    return client.post(reverse(url_name), {"email": email, "password": password})


@pytest.mark.django_db
class TestSignIn:
    def test_staff_signs_in_on_the_staff_page(self, client):
        user = UserFactory()
        response = sign_in(client, "core:staff_login", user.email, PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == reverse("offices:staff_home")

    def test_applicant_cannot_use_the_staff_page(self, client):
        user = ApplicantFactory()
        response = sign_in(client, "core:staff_login", user.email, PASSWORD)
        assert response.status_code == 400
        assert "_auth_user_id" not in client.session

    def test_staff_cannot_use_the_applicant_page(self, client):
        user = UserFactory()
        response = sign_in(client, "core:applicant_login", user.email, PASSWORD)
        assert response.status_code == 400
        assert "_auth_user_id" not in client.session

    def test_wrong_password_message_is_in_indonesian_by_default(self, client):
        user = UserFactory()
        response = sign_in(client, "core:staff_login", user.email, "wrong-password")
        assert response.status_code == 400
        assert "Email atau kata sandi tidak benar" in response.content.decode()

    def test_next_must_stay_on_this_site(self, client):
        user = ApplicantFactory()
        response = client.post(
            reverse("core:applicant_login") + "?next=https://evil.example/",
            {"email": user.email, "password": PASSWORD, "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("applications:list")


@pytest.mark.django_db
class TestThrottle:
    def test_account_locked_after_max_failures_even_with_right_password(self, client):
        user = UserFactory()
        for _ in range(settings.LOGIN_MAX_FAILURES):
            assert sign_in(client, "core:staff_login", user.email, "nope").status_code == 400
        response = sign_in(client, "core:staff_login", user.email, PASSWORD)
        assert response.status_code == 400
        assert "Terlalu banyak" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_failures_expire_after_the_window(self, client, time_machine):
        user = UserFactory()
        time_machine.move_to("2026-11-25 08:00 +07:00")
        for _ in range(settings.LOGIN_MAX_FAILURES):
            sign_in(client, "core:staff_login", user.email, "nope")
        time_machine.shift(settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
        assert sign_in(client, "core:staff_login", user.email, PASSWORD).status_code == 302

    def test_success_clears_the_accounts_failures(self, client):
        user = UserFactory()
        sign_in(client, "core:staff_login", user.email, "nope")
        assert LoginFailure.objects.filter(username=user.email).count() == 1
        sign_in(client, "core:staff_login", user.email, PASSWORD)
        assert not LoginFailure.objects.filter(username=user.email).exists()

    def test_one_address_guessing_many_accounts_is_stopped(self, client):
        victims = [UserFactory() for _ in range(3)]
        for i in range(settings.LOGIN_MAX_FAILURES * 4):
            sign_in(client, "core:staff_login", f"nobody{i}@example.test", "nope")
        response = sign_in(client, "core:staff_login", victims[0].email, PASSWORD)
        assert response.status_code == 400


def test_production_hashes_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_argon2_hash_round_trip(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory()
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_prune_and_worker_once(time_machine):
    from django.core.management import call_command

    time_machine.move_to("2026-11-25 08:00 +07:00")
    LoginFailure.objects.create(username="a@example.test")
    time_machine.shift(settings.LOGIN_FAILURE_WINDOW_SECONDS + 5)
    LoginFailure.objects.create(username="b@example.test")
    call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["b@example.test"]


def test_every_scheduled_command_exists():
    from django.core.management import get_commands

    from loket.core.management.commands.worker import SCHEDULE

    missing = sorted(set(SCHEDULE) - set(get_commands()))
    assert missing == []
