"""Scale-out (issue #4): two real server processes (gunicorn, as in production) share one
PostgreSQL; a crowd of concurrent bookings through the full API path (token auth, waiting
room token, rate limits, idempotency, bill, audit) keeps the invariants: no session over
capacity, `used` == bookings holding a place, one active booking per NIK."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from loket.booking.admission import admission_token_issue
from loket.booking.choices import ACTIVE
from loket.booking.models import Booking, SlotCapacity
from loket.booking.selectors import availability
from loket.booking.tests.factories import setup_booking_office, verified_application
from loket.core.api_auth import api_token_issue

ROOT = Path(__file__).resolve().parents[3]
SERVERS = 2
CLIENTS = 40
DUPLICATE_NIKS = 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _start(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "LOKET_RATE_ACCOUNT_PER_MINUTE": "1000",
        "LOKET_RATE_IP_PER_MINUTE": "100000",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    return subprocess.Popen(
        [str(gunicorn), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "8"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request(
                "GET", "/api/v1/booking/availability?office=X&start=2025-01-01&end=2025-01-01"
            )
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server on {port} did not start")


@pytest.mark.django_db(transaction=True)
def test_two_server_processes_keep_the_invariants(office_wib):
    if connection.vendor != "postgresql":
        pytest.skip("several server processes on one database need PostgreSQL (SQLite is embedded)")
    from loket.booking.tests.test_concurrency import _require_postgres

    _require_postgres()
    assert settings.SECRET_KEY  # the servers use the same test settings, so tokens verify
    setup_booking_office(office_wib, regular=3, percepatan=0, periods_ahead=2)
    now = timezone.now()
    today = now.astimezone(office_wib.tz).date()
    days = availability(office=office_wib, start=today, end=today + dt.timedelta(days=20), now=now)
    targets = [(d.date, s.code) for d in days for s in d.sessions if s.bookable and s.free][:4]
    if len(targets) < 2:
        pytest.skip("fewer than two released sessions at this moment of the week")
    applications = [
        verified_application(office=office_wib) for _ in range(CLIENTS - DUPLICATE_NIKS)
    ]
    applications += [
        verified_application(office=office_wib, nik=applications[i].nik)
        for i in range(DUPLICATE_NIKS)
    ]
    jobs = []
    for i, application in enumerate(applications):
        day, session = targets[i % len(targets)]
        jobs.append(
            {
                "bearer": api_token_issue(user=application.account),
                "admission": admission_token_issue(account=application.account, office=office_wib),
                "body": json.dumps(
                    {
                        "application_id": str(application.public_id),
                        "date": day.isoformat(),
                        "session": session,
                    }
                ),
            }
        )
    ports = [_free_port() for _ in range(SERVERS)]
    servers = [_start(port) for port in ports]
    try:
        deadline = time.monotonic() + 30
        for port in ports:
            _wait_ready(port, deadline)
        barrier = threading.Barrier(len(jobs))
        statuses: list[int] = [0] * len(jobs)

        def send(i: int) -> None:
            job = jobs[i]
            conn = http.client.HTTPConnection("127.0.0.1", ports[i % SERVERS], timeout=30)
            barrier.wait()
            conn.request(
                "POST",
                "/api/v1/booking/bookings",
                body=job["body"],
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {job['bearer']}",
                    "Idempotency-Key": f"mp-{i}",
                    "Admission-Token": job["admission"],
                },
            )
            statuses[i] = conn.getresponse().status

        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
    counts = Counter(statuses)
    assert set(counts) <= {201, 409}, counts
    places = 3 * len(targets)
    assert counts[201] == min(places, CLIENTS - DUPLICATE_NIKS) == Booking.objects.count()
    for slot in SlotCapacity.objects.filter(office=office_wib):
        assert slot.used <= slot.capacity
        assert slot.used == Booking.objects.filter(slot=slot, holds_place=True).count()
    active = Counter(Booking.objects.filter(status__in=ACTIVE).values_list("nik", flat=True))
    assert all(n == 1 for n in active.values())
