"""The one place that reads settings from the environment.

Every value is parsed here and a malformed one stops start-up with a message that
names the variable and says what was expected, instead of a stack trace later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeAlias
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

# Aliases: the methods below are named after the types they return.
_str: TypeAlias = str
_bool: TypeAlias = bool
_int: TypeAlias = int
_list: TypeAlias = list

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Typed access to environment variables; `environ` is injectable for tests."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self.environ: Mapping[_str, _str] = os.environ if environ is None else environ

    def str(self, name: _str, default: _str | None = None) -> _str:
        value = self.environ.get(name)
        if value is None:
            if default is None:
                raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
            return default
        return value

    def bool(self, name: _str, default: _bool = False) -> _bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is not a boolean; use one of 1/0, true/false, "
            "yes/no, on/off."
        )

    def int(self, name: _str, default: _int) -> _int:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            return _int(raw)
        except ValueError:
            raise ImproperlyConfigured(
                f"Environment variable {name}={raw!r} is not a whole number."
            ) from None

    def list(self, name: _str, default: _list[_str] | None = None) -> _list[_str]:
        raw = self.environ.get(name)
        if raw is None:
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def timezone(self, name: _str, default: _str) -> _str:
        value = self.str(name, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ImproperlyConfigured(
                f"Environment variable {name}={value!r} is not a known IANA time zone "
                "(for example Asia/Jakarta, Asia/Makassar, Asia/Jayapura)."
            ) from None
        return value

    def database(self, name: _str, default_sqlite_path: _str) -> dict[_str, Any]:
        """Database settings from a URL; SQLite in WAL mode when the variable is unset."""
        url = self.environ.get(name, "").strip()
        if not url:
            return sqlite_database(default_sqlite_path)
        scheme = urlsplit(url).scheme
        if scheme in {"sqlite", "sqlite3"}:
            path = urlsplit(url).path
            # sqlite:////abs/path -> /abs/path ; sqlite:///rel -> rel
            path = path[1:] if path.startswith("//") else path.lstrip("/") or default_sqlite_path
            return sqlite_database(path)
        if scheme not in {"postgres", "postgresql", "pgsql"}:
            raise ImproperlyConfigured(
                f"Environment variable {name} has the unsupported scheme {scheme!r}; "
                "use postgres://user:password@host:port/name or sqlite:///path."
            )
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ImproperlyConfigured(
                f"{name} points to PostgreSQL but the psycopg driver is not installed; "
                "run `uv sync` (it installs psycopg[binary])."
            ) from None
        import dj_database_url

        try:
            config = dj_database_url.parse(url, conn_max_age=self.int("DB_CONN_MAX_AGE", 60))
        except ValueError as exc:
            raise ImproperlyConfigured(f"Environment variable {name} is malformed: {exc}") from None
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"Environment variable {name} does not name a database.")
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})
        return {**config}


def sqlite_database(path: str) -> dict[str, Any]:
    """SQLite for `make run`: WAL, IMMEDIATE transactions and a busy timeout.

    IMMEDIATE takes the write lock when a transaction starts, so two writers queue
    on the busy timeout instead of failing with "database is locked" halfway through.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


env = Env()
