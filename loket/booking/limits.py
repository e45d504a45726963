"""Abuse limits of the booking path: per account, per NIK and per IP, in fixed windows
counted in the database (so they hold across every app process and machine), and
automation signals written for review (issue #4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from typing import Any

from django.db import connection
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


def _window_start(now: dt.datetime, window: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(math.floor(now.timestamp() / window) * window, tz=dt.UTC)


def _hit_all(hits: list[tuple[str, dt.datetime]]) -> dict[str, int]:
    """Count one request against each (key, window start) in ONE statement and return the
    counts after it: an upsert (PostgreSQL and SQLite >= 3.35 both speak ON CONFLICT ...
    RETURNING), rows in key order so concurrent requests lock them in the same order."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    hits = sorted(hits)
    values = ", ".join(["(%s, %s, 1)"] * len(hits))
    params: list[Any] = []
    for key, start in hits:
        params += [key, start]
    # Only the table name (from the model) and placeholders are interpolated.
    upsert = f'ON CONFLICT ("key", "window_start") DO UPDATE SET "count" = {table}."count" + 1'
    sql = f'INSERT INTO {table} ("key", "window_start", "count") VALUES {values} {upsert} RETURNING "key", "count"'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {str(key): int(count) for key, count in cursor.fetchall()}


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
    applying: list[tuple[str, str, int, int, dt.datetime]] = []
    for scope, ident in idents.items():
        if not ident or scope not in limits:
            continue
        allowed, window = limits[scope]
        # NIKs are personal data: the counter key holds a hash, not the number.
        shown = hashlib.sha256(str(ident).encode()).hexdigest()[:24] if scope == "nik" else ident
        applying.append(
            (scope, f"{action}:{scope}:{shown}", allowed, window, _window_start(now, window))
        )
    if not applying:
        return
    counts = _hit_all([(key, start) for _scope, key, _allowed, _window, start in applying])
    for scope, key, allowed, window, start in applying:
        count = counts[key]
        if count > allowed:
            ends = start + dt.timedelta(seconds=window)
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
