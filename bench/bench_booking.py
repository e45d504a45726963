# ruff: noqa: S603, S607  -- a local benchmark starting its own fixed commands (bash, gunicorn)
"""Benchmark: a quota release under a flash crowd (issue #4), full booking path vs baseline.

Starts its own throwaway PostgreSQL (scripts/pg_throwaway.sh), migrates, creates one office
with a release of P places spread over many sessions and N applicants (a few sharing a
NIK), starts gunicorn on 127.0.0.1 with the production settings, then C concurrent clients
send the N booking attempts through the whole API path (bearer auth, admission token,
rate limits, idempotency, bill, audit). In the same server a minimal WSGI endpoint books
with one raw conditional SQL UPDATE and no middleware (the baseline), so `ratio` holds on
a noisy machine. Availability reads and waiting-room polls are measured too.

    uv run --frozen python bench/bench_booking.py [--places 1000 --attempts 5000 --clients 64]

The last line printed is one JSON object; a latency-over-time plot goes to bench/out/.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

SETUP = r"""
import datetime as dt, json
from django.conf import settings
from django.contrib.auth.hashers import get_hashers
from django.utils import timezone
from loket.applications.tests.factories import ApplicationFactory
from loket.booking.admission import admission_token_issue
from loket.booking.models import ReleaseRule, SlotCapacity
from loket.booking.selectors import availability
from loket.booking.services import capacity_materialise
from loket.core.api_auth import api_token_issue
from loket.offices.models import DailyQuota, ServiceSession
from loket.offices.tests.factories import OfficeFactory

P, N, SESSIONS = {places}, {attempts}, {sessions}
# The applicants sign in with API tokens and their passwords are never checked: hash them
# with the fast test hasher here instead of the production PBKDF2 rounds (setup time only).
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
get_hashers.cache_clear()
now = timezone.now()
offices = {{}}
for code in ("BNCH", "BASE"):
    office = OfficeFactory(code=code, name="Bench " + code, timezone="Asia/Jakarta")
    sessions = [
        ServiceSession.objects.create(office=office, code=f"s{{i}}", name=f"S{{i}}",
                                      starts=dt.time(7 + i // 4, (i % 4) * 15),
                                      ends=dt.time(7 + i // 4, (i % 4) * 15 + 14))
        for i in range(SESSIONS)
    ]
    for s in sessions:
        DailyQuota.objects.create(office=office, session=s, category="regular", capacity=1)
    ReleaseRule.objects.create(office=office, kind="weekly", weekday=0, time=dt.time(0, 1),
                               periods_ahead=3)
    offices[code] = office
office = offices["BNCH"]
today = now.astimezone(office.tz).date()
days = [d.date for d in availability(office=office, start=today + dt.timedelta(days=1),
        end=today + dt.timedelta(days=21), now=now) if d.released and d.sessions]
per_day = max(1, -(-P // (len(days) * SESSIONS)))
targets, slots_base = [], []
for code, o in offices.items():
    DailyQuota.objects.filter(office=o).update(capacity=per_day)
    for day in days:
        capacity_materialise(office=o, day=day)
for slot in SlotCapacity.objects.filter(office=office).select_related("session").order_by("date", "session__starts"):
    targets.append((slot.date.isoformat(), slot.session.code))
for o in offices.values():  # trim the last slots so each release is exactly P places
    extra = per_day * len(targets) - P
    for slot in SlotCapacity.objects.filter(office=o).order_by("-date", "-session__starts"):
        if extra <= 0:
            break
        take = min(extra, slot.capacity)
        SlotCapacity.objects.filter(pk=slot.pk).update(capacity=slot.capacity - take)
        extra -= take
slots_base = list(SlotCapacity.objects.filter(office=offices["BASE"], capacity__gt=0).values_list("id", flat=True))
dupes = max(1, N // 50)
jobs, apps = [], []
for i in range(N):
    kw = {{"office": office}}
    if i >= N - dupes:
        kw["nik"] = apps[i - (N - dupes)].nik
    a = ApplicationFactory(**kw)
    a.account.email_verified_at = now
    a.account.save(update_fields=["email_verified_at"])
    apps.append(a)
    day, session = targets[i % len(targets)]
    jobs.append({{"bearer": api_token_issue(user=a.account),
                 "body": json.dumps({{"application_id": str(a.public_id), "date": day, "session": session}})}})
# Admission tokens live LOKET_ADMISSION_TOKEN_SECONDS (5 min): issue them last, in one quick
# pass, so a long setup does not leave the first applicants with expired ones.
for a, job in zip(apps, jobs):
    job["admission"] = admission_token_issue(account=a.account, office=office)
json.dump({{"jobs": jobs, "base_slots": slots_base, "start": today.isoformat(),
           "end": (today + dt.timedelta(days=13)).isoformat()}}, open("{path}", "w"))
"""

CHECK = r"""
import json
from collections import Counter
from django.db.models import F
from loket.booking.choices import ACTIVE
from loket.booking.models import Booking, SlotCapacity
over = SlotCapacity.objects.filter(office__code="BNCH", used__gt=F("capacity")).count()
mismatch = sum(1 for s in SlotCapacity.objects.filter(office__code="BNCH")
               if s.used != Booking.objects.filter(slot=s, holds_place=True).count())
nik = Counter(Booking.objects.filter(status__in=ACTIVE).values_list("nik", flat=True))
print(json.dumps({"overbooked": over + mismatch, "double_booked_nik": sum(1 for n in nik.values() if n > 1),
                  "booked": Booking.objects.filter(office__code="BNCH").count()}))
"""

WSGI = '''
"""gunicorn entry for the benchmark: the Loket app plus a bare baseline endpoint."""
from django.db import connection
from config.wsgi import application as loket

def application(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/baseline":
        slot = int(environ.get("QUERY_STRING", "slot=0").split("=")[1])
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE booking_slotcapacity SET used = used + 1 WHERE id = %s AND used < capacity",
                [slot],
            )
            ok = cur.rowcount == 1
        start_response("201 Created" if ok else "409 Conflict", [("Content-Type", "text/plain")])
        return [b"ok" if ok else b"full"]
    return loket(environ, start_response)
'''


def sh(cmd: list[str], env: dict[str, str], **kw: object) -> str:
    return subprocess.run(
        cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kw
    ).stdout  # type: ignore[call-overload, no-any-return]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(
    port: int,
    requests: list[tuple[str, str, str | None, dict[str, str]]],
    clients: int,
    timeout: float,
) -> list[tuple[float, float, int]]:
    """Send (method, path, body, headers) from `clients` threads; (start, seconds, status)."""
    work: queue.Queue[tuple[str, str, str | None, dict[str, str]]] = queue.Queue()
    for r in requests:
        work.put(r)
    results: list[tuple[float, float, int]] = []
    lock = threading.Lock()

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while True:
            try:
                method, path, body, headers = work.get_nowait()
            except queue.Empty:
                return
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except TimeoutError:
                status = -1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            except (OSError, http.client.HTTPException):
                status = -2
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            with lock:
                results.append((t0, time.perf_counter() - t0, status))

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def rps(results: list[tuple[float, float, int]]) -> float:
    start = min(r[0] for r in results)
    end = max(r[0] + r[1] for r in results)
    return len(results) / (end - start)


def plot(results: list[tuple[float, float, int]], path: Path) -> None:
    """A dependency-free SVG scatter of latency (ms) over time (s)."""
    t0 = min(r[0] for r in results)
    width, height = 800, 400
    tmax = max(r[0] - t0 for r in results) or 1
    lmax = max(r[1] for r in results) * 1000 or 1
    dots = "".join(
        f'<circle cx="{40 + (r[0] - t0) / tmax * (width - 60):.1f}" cy="{height - 30 - r[1] * 1000 / lmax * (height - 50):.1f}" r="1.2" fill="{"#c00" if r[2] >= 500 or r[2] < 0 else "#036"}"/>'
        for r in results
    )
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<text x="40" y="15" font-size="12">booking latency (ms, max {lmax:.0f}) over time (s, {tmax:.1f})</text>'
        f'<line x1="40" y1="{height - 30}" x2="{width - 20}" y2="{height - 30}" stroke="#000"/>'
        f'<line x1="40" y1="20" x2="40" y2="{height - 30}" stroke="#000"/>{dots}</svg>'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--sessions", type=int, default=20, help="sessions per day")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    started = subprocess.run(
        ["bash", "scripts/pg_throwaway.sh", "start"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pg = dict(
        line.removeprefix("export ").split("=", 1)
        for line in started.splitlines()
        if line.startswith("export ")
    )
    server = None
    try:
        env = {
            **os.environ,
            **pg,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # All load comes from one address here; behind the balancer each client has its own.
            "LOKET_RATE_IP_PER_MINUTE": str(10**9),
            "LOKET_PAYMENT_GATEWAY": "simulator",
            "PYTHONPATH": str(ROOT),
        }
        python = sys.executable
        sh([python, "manage.py", "migrate", "-v0"], env)
        # As in production: the manifest of hashed static files exists before the server.
        sh([python, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        jobs_file = OUT / "booking_jobs.json"
        t = time.perf_counter()
        sh(
            [
                python,
                "manage.py",
                "shell",
                "-c",
                SETUP.format(
                    places=args.places,
                    attempts=args.attempts,
                    sessions=args.sessions,
                    path=jobs_file,
                ),
            ],
            env,
        )
        print(
            f"setup: {args.attempts} applicants in {time.perf_counter() - t:.0f} s", file=sys.stderr
        )
        data = json.loads(jobs_file.read_text())
        (OUT / "bench_wsgi.py").write_text(WSGI)
        port = free_port()
        gunicorn = str(Path(python).parent / "gunicorn")
        server = subprocess.Popen(
            [
                gunicorn,
                "bench_wsgi:application",
                "--chdir",
                str(OUT),
                "--pythonpath",
                str(ROOT),
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(args.workers),
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/bench/none")
                c.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        avail_path = (
            f"/api/v1/booking/availability?office=BNCH&start={data['start']}&end={data['end']}"
        )
        load(port, [("GET", avail_path, None, {})] * 50, 8, args.timeout)  # warm-up
        booking = load(
            port,
            [
                (
                    "POST",
                    "/api/v1/booking/bookings",
                    j["body"],
                    {
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {j['bearer']}",
                        "Idempotency-Key": f"bench-{i}",
                        "Admission-Token": j["admission"],
                    },
                )
                for i, j in enumerate(data["jobs"])
            ],
            args.clients,
            args.timeout,
        )
        base_slots = data["base_slots"]
        baseline = load(
            port,
            [
                ("POST", f"/bench/baseline?slot={base_slots[i % len(base_slots)]}", "", {})
                for i in range(args.attempts)
            ],
            args.clients,
            args.timeout,
        )
        reads = load(
            port,
            [("GET", avail_path, None, {})] * max(2000, args.attempts),
            args.clients,
            args.timeout,
        )
        # The waiting room: every applicant joins the line, then asks again for their
        # place (the poll an applicant held in line makes every few seconds).
        admission = [
            (
                "POST",
                "/api/v1/booking/admission",
                '{"office": "BNCH"}',
                {"Content-Type": "application/json", "Authorization": f"Bearer {j['bearer']}"},
            )
            for j in data["jobs"]
        ]
        load(port, admission, args.clients, args.timeout)
        polls = load(port, admission, args.clients, args.timeout)
        poll_lat = sorted(r[1] * 1000 for r in polls)
        check = json.loads(
            sh([python, "manage.py", "shell", "-c", CHECK], env).strip().splitlines()[-1]
        )
        plot(booking, OUT / "booking_latency.svg")
        lat = sorted(r[1] * 1000 for r in booking)
        booking_rps = rps(booking)
        baseline_rps = rps(baseline)
        result = {
            "places": args.places,
            "attempts": args.attempts,
            "booked": check["booked"],
            "overbooked": check["overbooked"],
            "double_booked_nik": check["double_booked_nik"],
            "errors_5xx": sum(1 for r in booking if r[2] >= 500 or r[2] == -2),
            "timeouts": sum(1 for r in booking if r[2] == -1),
            "booking_rps": round(booking_rps, 1),
            "baseline_rps": round(baseline_rps, 1),
            "ratio": round(booking_rps / baseline_rps, 3),
            "p50_ms": round(statistics.median(lat), 1),
            "p99_ms": round(lat[int(0.99 * (len(lat) - 1))], 1),
            "availability_rps": round(rps(reads), 1),
            "admission_poll_p50_ms": round(statistics.median(poll_lat), 1),
            "admission_poll_p99_ms": round(poll_lat[int(0.99 * (len(poll_lat) - 1))], 1),
            "admission_poll_errors": sum(1 for r in polls if r[2] not in (200, 202)),
        }
        statuses = Counter(r[2] for r in booking)
        print(f"booking answers by status: {dict(sorted(statuses.items()))}", file=sys.stderr)
        print(json.dumps(result))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if "PG_THROWAWAY_DIR" in pg:
            subprocess.run(
                ["bash", "scripts/pg_throwaway.sh", "stop", pg["PG_THROWAWAY_DIR"]],
                cwd=ROOT,
                check=False,
                capture_output=True,
            )


if __name__ == "__main__":
    main()
