"""Booking settings: Django settings first, then the environment (config.env), then a default."""

from __future__ import annotations

from django.conf import settings

from config.env import env


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else env.int(name, default)


def cancel_return_delay_minutes() -> int:
    """A cancelled place goes back to the quota only after this delay (against slot trading:
    a broker cannot cancel and hand the place to a paying client the same second)."""
    return _int("LOKET_CANCEL_RETURN_DELAY_MINUTES", 60)


def reschedule_cutoff_days() -> int:
    """A booking may be moved until this many days before its date (1: the day before)."""
    return _int("LOKET_RESCHEDULE_CUTOFF_DAYS", 1)


def max_reschedules() -> int:
    return _int("LOKET_MAX_RESCHEDULES", 1)


def expiry_grace_minutes() -> int:
    """expire_holds waits this long after a deadline for a late callback of an in-time payment."""
    return _int("LOKET_PAYMENT_EXPIRY_GRACE_MINUTES", 2)


def booking_horizon_days() -> int:
    """The furthest date ahead that release_quotas materialises, whatever the rule says."""
    return _int("LOKET_BOOKING_HORIZON_DAYS", 62)


def site_url() -> str:
    value = getattr(settings, "LOKET_SITE_URL", None)
    return str(value if value is not None else env.str("LOKET_SITE_URL", "http://localhost:8000"))


def _float(name: str, default: float) -> float:
    value = getattr(settings, name, None)
    return float(value) if value is not None else float(env.str(name, str(default)))


def admission_rate() -> float:
    """Admissions per second per office. Start near 75% of the booking rate the benchmark
    measures on the production machine (`make bench-booking`, docs/performance.md)."""
    return _float("LOKET_ADMISSION_RATE_PER_SECOND", 45.0)


def admission_burst_seconds() -> float:
    """An idle gate saves up at most this many seconds of admissions (the burst)."""
    return _float("LOKET_ADMISSION_BURST_SECONDS", 1.0)


def admission_token_seconds() -> int:
    """How long an admission token stays valid once issued."""
    return _int("LOKET_ADMISSION_TOKEN_SECONDS", 300)


def admission_required() -> bool:
    """Booking through the API and the pages needs an admission token (the waiting room)."""
    value = getattr(settings, "LOKET_ADMISSION_REQUIRED", None)
    return bool(value) if value is not None else env.bool("LOKET_ADMISSION_REQUIRED", True)


def rate_limits() -> dict[str, tuple[int, int]]:
    """(requests, window seconds) per scope of the booking path's abuse limits."""
    value = getattr(settings, "LOKET_BOOKING_RATE_LIMITS", None)
    if value is not None:
        return dict(value)
    return {
        "account": (_int("LOKET_RATE_ACCOUNT_PER_MINUTE", 20), 60),
        "nik": (_int("LOKET_RATE_NIK_PER_MINUTE", 10), 60),
        "ip": (_int("LOKET_RATE_IP_PER_MINUTE", 300), 60),
    }


def availability_cache_seconds() -> int:
    """Availability answers are cached this long at most (invalidated when places change)."""
    return _int("LOKET_AVAILABILITY_CACHE_SECONDS", 2)
