"""Login throttling: too many failures for an account or from an address lock it out
for the rest of the window. Kept in the database so every app node sees the same count."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from loket.core.models import LoginFailure


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_blocked(*, username: str, ip: str | None) -> bool:
    """True when this account or this address has used up its failures in the window."""
    since = _window_start()
    limit = settings.LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    # An address gets more room than an account: an office NATs many counters behind one IP.
    return bool(ip) and recent.filter(ip_address=ip).count() >= limit * 4


def login_failure_record(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:254], ip_address=ip or None)


def login_failures_clear(*, username: str) -> None:
    """A successful sign-in forgives the account's earlier failures (not the address's)."""
    LoginFailure.objects.filter(username=username.lower()).delete()


def login_failures_prune() -> int:
    """Drop failures older than the window (idempotent; run from `manage.py prune`)."""
    deleted, _ = LoginFailure.objects.filter(~Q(at__gte=_window_start())).delete()
    return deleted
