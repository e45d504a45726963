"""Authentication for the REST API: bearer tokens for the mobile app, or the browser's
session (with Django's CSRF check) for pages that call the API."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from loket.core.models import ApiToken, User
from loket.core.queries import one_or_none

TOKEN_DAYS = 90


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, user: User, name: str = "") -> str:
    """Create a token for `user` and return it (the only time it is readable)."""
    token = "lkt_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=_hash(token),
        prefix=token[4:10],
        name=name[:80],
        expires_at=timezone.now() + dt.timedelta(days=TOKEN_DAYS),
    )
    return token


def api_token_revoke(*, token: str) -> None:
    ApiToken.objects.filter(key_hash=_hash(token)).delete()


def user_for_token(token: str) -> User | None:
    row = one_or_none(ApiToken.objects.select_related("user").filter(key_hash=_hash(token)))
    now = timezone.now()
    if row is None or row.expires_at <= now or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


class _Bearer(HttpBearer):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        return user if user is not None and user.kind == self.kind else None


class _Session(APIKeyCookie):
    """The signed-in browser session (CSRF-checked by Ninja for unsafe methods)."""

    param_name = "sessionid"

    def __init__(self, kind: str) -> None:
        super().__init__(csrf=True)
        self.kind = kind

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if isinstance(user, User) and user.is_active and user.kind == self.kind:
            return user
        return None


applicant_auth = [_Bearer("applicant"), _Session("applicant")]
staff_auth = [_Bearer("staff"), _Session("staff")]


def verified_applicant(request: HttpRequest) -> User:
    """The applicant behind an API request, who must have confirmed their email."""
    from django.utils.translation import gettext as _

    from loket.core.errors import Forbidden

    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise Forbidden("unauthenticated", _("Sign in first."))
    if user.email_verified_at is None:
        raise Forbidden("email_not_verified", _("Confirm your email address first."))
    return user
