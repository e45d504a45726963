"""Shared fixtures: offices in three time zones and staff with roles."""

from __future__ import annotations

import socket

import pytest

from loket.core.choices import Role


@pytest.fixture
def office_wib(db):
    from loket.offices.tests.factories import OfficeFactory

    return OfficeFactory(code="CLP", name="Kanim Cilacap", timezone="Asia/Jakarta")


@pytest.fixture
def office_wita(db):
    from loket.offices.tests.factories import OfficeFactory

    return OfficeFactory(code="KPG", name="Kanim Kupang", timezone="Asia/Makassar")


@pytest.fixture
def office_wit(db):
    from loket.offices.tests.factories import OfficeFactory

    return OfficeFactory(code="TUL", name="Kanim Tual", timezone="Asia/Jayapura")


@pytest.fixture
def make_staff(db):
    from loket.offices.tests.factories import staff_with_role

    return staff_with_role


@pytest.fixture
def national_admin(make_staff):
    return make_staff(Role.NATIONAL_ADMIN, None)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd); Django sends to it; yields its inbox."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


def pytest_configure(config):
    """Transactional tests end with a flush, which the audit log's append-only triggers
    refuse; lift the triggers for the flush only, and put them back right after."""
    import importlib
    from contextlib import contextmanager

    from django.db import connections
    from django.test import TransactionTestCase

    triggers = importlib.import_module("loket.core.migrations.0002_audit_append_only")

    class _Editor:
        def __init__(self, connection):
            self.connection = connection

        def execute(self, sql):
            with self.connection.cursor() as cursor:
                cursor.execute(sql)

    @contextmanager
    def audit_triggers_lifted():
        editors = [_Editor(connections[alias]) for alias in connections]
        for editor in editors:
            triggers.backwards(None, editor)
        try:
            yield
        finally:
            for editor in editors:
                triggers.forwards(None, editor)

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        with audit_triggers_lifted():
            original(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (availability, rate limits) is per process: start every test empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
