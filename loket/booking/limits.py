"""Abuse limits of the booking path: per account, per NIK and per IP, in fixed windows
counted in the database (so they hold across every app process and machine), and
automation signals written for review (issue #4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.booking import conf
from loket.booking.models import AutomationSignal, RateCounter
from loket.core.errors import ApplicationError
from loket.core.models import User

logger = logging.getLogger("loket.booking.abuse")


def signal_record(
    *,
    kind: str,
    account: User | None = None,
    nik: str = "",
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Log a hint of automation for a person to review; never blocks by itself."""
    AutomationSignal.objects.create(
        kind=kind[:32],
        account=account if account is not None and account.pk else None,
        nik=nik[:16],
        ip=ip or None,
        detail=detail or {},
    )
    logger.warning("automation signal %s account=%s ip=%s", kind, account and account.pk, ip)


def _hit(key: str, window: int, now: dt.datetime) -> tuple[int, dt.datetime]:
    start = dt.datetime.fromtimestamp(math.floor(now.timestamp() / window) * window, tz=dt.UTC)
    updated = RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, window_start=start, count=1)
        except IntegrityError:  # another process created the window first
            RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
    count = RateCounter.objects.values_list("count", flat=True).get(key=key, window_start=start)
    return count, start + dt.timedelta(seconds=window)


def rate_limit(
    *,
    account: User | None = None,
    nik: str = "",
    ip: str | None = None,
    action: str = "book",
    now: dt.datetime | None = None,
) -> None:
    """Count one request against each limit that applies; over a limit -> 429 with
    `retry_after` (seconds) in the error, and an automation signal."""
    now = now or timezone.now()
    limits = conf.rate_limits()
    idents = {"account": account.pk if account is not None else None, "nik": nik, "ip": ip}
    for scope, ident in idents.items():
        if not ident or scope not in limits:
            continue
        allowed, window = limits[scope]
        # NIKs are personal data: the counter key holds a hash, not the number.
        shown = hashlib.sha256(str(ident).encode()).hexdigest()[:24] if scope == "nik" else ident
        count, ends = _hit(f"{action}:{scope}:{shown}", window, now)
        if count > allowed:
            retry = max(1, math.ceil((ends - now).total_seconds()))
            if count == allowed + 1:  # one signal per window, not one per refused request
                signal_record(
                    kind=f"rate_{scope}",
                    account=account,
                    nik=nik,
                    ip=ip,
                    detail={"action": action, "limit": allowed, "window": window},
                )
            raise ApplicationError(
                "rate_limited",
                _("Too many requests; try again in %(n)s seconds.") % {"n": retry},
                status=429,
                extra={"retry_after": retry, "scope": scope},
            )


def rate_counters_prune(*, now: dt.datetime | None = None) -> int:
    """Delete windows older than a day (run by expire_holds' periodic work)."""
    now = now or timezone.now()
    deleted, _rows = RateCounter.objects.filter(
        window_start__lt=now - dt.timedelta(days=1)
    ).delete()
    return deleted
