import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env


def test_sqlite_default_is_wal_immediate_with_timeout():
    db = Env({}).database("DATABASE_URL", "/tmp/x.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_postgres_url():
    db = Env({"DATABASE_URL": "postgres://u:p@127.0.0.1:5433/loket"}).database("DATABASE_URL", "x")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["PORT"], db["USER"]) == ("loket", 5433, "u")


@pytest.mark.parametrize(
    ("environ", "call", "fragment"),
    [
        (
            {"DATABASE_URL": "mysql://x/y"},
            lambda e: e.database("DATABASE_URL", "x"),
            "unsupported scheme 'mysql'",
        ),
        (
            {"DATABASE_URL": "postgres://127.0.0.1/"},
            lambda e: e.database("DATABASE_URL", "x"),
            "does not name a database",
        ),
        (
            {"DJANGO_DEBUG": "maybe"},
            lambda e: e.bool("DJANGO_DEBUG"),
            "DJANGO_DEBUG='maybe' is not a boolean",
        ),
        ({"N": "ten"}, lambda e: e.int("N", 1), "N='ten' is not a whole number"),
        (
            {"TZ": "Asia/Bogus"},
            lambda e: e.timezone("TZ", "Asia/Jakarta"),
            "not a known IANA time zone",
        ),
        ({}, lambda e: e.str("DJANGO_SECRET_KEY"), "DJANGO_SECRET_KEY is required"),
    ],
)
def test_bad_settings_name_the_problem(environ, call, fragment):
    with pytest.raises(
        ImproperlyConfigured, match=fragment.replace("(", r"\(").replace(")", r"\)")
    ):
        call(Env(environ))


def test_missing_postgres_driver_is_explained(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "psycopg":
            raise ImportError("no psycopg")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImproperlyConfigured, match="psycopg driver is not installed"):
        Env({"DATABASE_URL": "postgres://u@h/db"}).database("DATABASE_URL", "x")


def test_production_refuses_the_development_secret(monkeypatch):
    import subprocess
    import sys

    env = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
