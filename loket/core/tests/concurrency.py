"""Helpers for the concurrency tests: real threads on PostgreSQL, released together."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from loket.core.errors import ApplicationError


def require_postgres() -> None:
    """Skip on SQLite (it serialises every writer, so a race proves nothing there)."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL; SQLite serialises every writer")
    # A transactional test before this one flushed the tariffs the data migration loaded.
    from django.apps import apps

    from loket.payments.models import Tariff

    if not Tariff.objects.exists():
        importlib.import_module(
            "loket.payments.migrations.0002_tariffs_pp28_2019_pp45_2024"
        ).forwards(apps, None)


def run_at_once(jobs: list[Callable[[], object]], timeout: float = 120) -> list[object]:
    """Run each job in its own thread (own database connection), all released together
    by a barrier. Each result is what the job returned, the code of the ApplicationError
    it raised, or the repr of any other exception (so a test sees it and fails)."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def work(i: int, job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[i] = job()
        except ApplicationError as error:
            results[i] = error.code
        except Exception as error:
            results[i] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
