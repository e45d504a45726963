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
