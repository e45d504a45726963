"""Payment settings: Django settings first, then the environment (config.env), then a default.

The names are the same in both places, so an operator sets LOKET_PAYMENT_HOLD_MINUTES=90 in
the environment or in a settings module and gets the same result.
"""

from __future__ import annotations

import logging

from django.conf import settings

from config.env import env

logger = logging.getLogger("loket.payments")

# A development secret, refused nowhere but logged loudly when DEBUG is off.
DEV_CALLBACK_SECRET = "loket-dev-callback-secret-SIMULATOR-only"  # noqa: S105


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else env.int(name, default)


def _str(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else env.str(name, default)


def hold_minutes() -> int:
    """How long a billing code may be paid (brief §3: 2 hours)."""
    return _int("LOKET_PAYMENT_HOLD_MINUTES", 120)


def callback_secret() -> bytes:
    secret = _str("LOKET_PAYMENT_CALLBACK_SECRET", DEV_CALLBACK_SECRET)
    if secret == DEV_CALLBACK_SECRET and not settings.DEBUG:
        logger.warning("LOKET_PAYMENT_CALLBACK_SECRET is the development default; set it.")
    return secret.encode()


def callback_max_age_seconds() -> int:
    """A signed callback older (or newer) than this is refused as a possible replay."""
    return _int("LOKET_PAYMENT_CALLBACK_MAX_AGE_SECONDS", 600)


def gateway_name() -> str:
    return _str("LOKET_PAYMENT_GATEWAY", "simulator")


def simulator_mode() -> str:
    """SIMULATOR behaviour forced for every payment: "normal", "fail" or "timeout"."""
    return _str("LOKET_PAYMENT_SIMULATOR_MODE", "normal")


def simulator_callback_url() -> str:
    """Empty: the SIMULATOR hands its signed callback to our handler in-process."""
    return _str("LOKET_PAYMENT_SIMULATOR_CALLBACK_URL", "")
