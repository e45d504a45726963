# ruff: noqa: S603, S607  -- a local benchmark starting its own fixed commands
"""Benchmark: a year of evaluation figures (issue #9), dashboard and periodic report.

Starts its own throwaway PostgreSQL (scripts/pg_throwaway.sh), migrates, and generates one
year of records in the database itself (INSERT … SELECT over generate_series, so a full
run takes minutes): one large office (120,000 applications with ten status events each,
their bookings and slots, queue tickets with four events per stage, complaints, IKM and
IPK responses, pickups) and 19 smaller ones (``--small`` of its volume each) for the
national view. Then, through Django's test client logged in as the office's head and as
a national admin, it times the office dashboard, the national dashboard and the yearly
periodic report (PDF and XLSX) of the office and of the nation.

The baseline, measured in the same run, is one plain SQL ``COUNT(*) … GROUP BY kind`` over
the office's queue events of that year: the ratios hold on a noisy machine. Each figure is
given as wall time (``*_s``) and as CPU time of this process plus the database's processes
(``*_cpu_s``), which is what the request costs on a machine of its own. The dashboards
are timed a second time with their selectors read one after the other on one
connection (``*_serial``) instead of on ``REPORTS_PARALLEL_QUERIES`` connections.

    uv run --frozen python bench/bench_reports.py [--scale 1.0 --small 0.1 --repeat 3]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STAGES = [  # (code, sequence, SOP wait, SOP service) as in the demo office
    ("checkin", 1, 7, 2),
    ("document_check", 2, 25, 9),
    ("interview", 3, 20, 11),
    ("biometrics", 4, 35, 4),
    ("pickup", 5, 12, 6),
]
LANES = [
    ("A", "Reguler", "regular"),
    ("B", "Percepatan", "percepatan"),
    ("C", "Prioritas", "priority"),
]
OFFICERS = 12
LARGE_APPLICATIONS = 120_000


def log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- bulk SQL


def _literal_default(field: Any) -> tuple[str, list[Any]] | None:
    """The SQL for a field's Python-side default, or None when it must be given."""
    from django.db.models.fields import NOT_PROVIDED
    from django.utils import timezone

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return "now()", []
    if field.null:
        return "NULL", []
    default = field.default
    if default is NOT_PROVIDED:
        return ("''", []) if field.blank and field.empty_strings_allowed else None
    if default is timezone.now:
        return "now()", []
    if default in (list, dict):
        return ("'[]'::jsonb" if default is list else "'{}'::jsonb"), []
    if callable(default):
        if field.get_internal_type() == "UUIDField":
            return "gen_random_uuid()", []
        return None
    return "%s", [default]


def insert_select(model: Any, values: dict[str, str], source: str, params: list[Any]) -> int:
    """INSERT INTO the model's table one row per row of ``source`` (a FROM … clause);
    ``values`` maps field names to SQL expressions, the other fields take their default."""
    from django.db import connection

    columns, exprs, args = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        name = field.name if field.name in values else field.attname
        if name in values:
            exprs.append(values[name])
        else:
            default = _literal_default(field)
            if default is None:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            exprs.append(default[0])
            args.extend(field.get_db_prep_save(v, connection) for v in default[1])
        columns.append(connection.ops.quote_name(field.column))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(exprs)} {source}"
    )
    # A modulo is written "a % b" in the expressions; "%s" is a parameter.
    sql = re.sub(r"%(?!s)", "%%", sql)
    with connection.cursor() as cur:
        cur.execute(sql, args + params)
        count = int(cur.rowcount)
        # Fresh statistics, so that the next step's joins are planned on real sizes.
        cur.execute(f"ANALYZE {model._meta.db_table}")
    return count


# ---------------------------------------------------------------- the data


def generate(
    *, scale: float, small: float, offices: int, year: int, started: float
) -> dict[str, Any]:
    """One year of records for ``offices`` offices; returns codes, users and row counts."""
    from django.db import connection

    from loket.applications.models import Application, ApplicationEvent
    from loket.booking.models import Booking, SlotCapacity
    from loket.booking.tests.factories import setup_booking_office
    from loket.core.choices import Role
    from loket.core.tests.factories import ApplicantFactory, UserFactory
    from loket.feedback.models import Complaint, IkmResponse, IpkAnswer, IpkQuestion, IpkResponse
    from loket.offices.models import Counter, Stage, Target
    from loket.offices.tests.factories import OfficeFactory, staff_with_role
    from loket.pickup.models import DriveThruSlot, Handover, PickupChoice
    from loket.queueing.models import CounterSession, Lane, Ticket, TicketEvent

    zones = ["Asia/Jakarta"] * 12 + ["Asia/Makassar"] * 5 + ["Asia/Jayapura"] * 3
    account = ApplicantFactory()
    national = staff_with_role(Role.NATIONAL_ADMIN, None)
    plan: list[tuple[int, int, str]] = []  # (office id, applications, time zone)
    head = None
    large_code = "BNCH"
    for i in range(offices):
        code = large_code if i == 0 else f"K{i:03d}"
        office = OfficeFactory(
            code=code, name=f"Kanim Bench {code}", timezone=zones[i % len(zones)]
        )
        setup_booking_office(office, regular=400, percepatan=40)
        for s_code, seq, wait, service in STAGES:
            Stage.objects.create(
                office=office,
                code=s_code,
                sequence=seq,
                sop_wait_minutes=wait,
                sop_service_minutes=service,
            )
        for prefix, name, service_class in LANES:
            Lane.objects.create(
                office=office, prefix=prefix, name=name, service_class=service_class
            )
        for n in range(1, 9):
            Counter.objects.create(
                office=office, number=str(n), name=f"Loket {n}", is_priority=n == 1
            )
        for n in range(OFFICERS):
            staff_with_role(Role.FRONT_DESK, office, UserFactory(full_name=f"Petugas {code} {n}"))
        if i == 0:
            head = staff_with_role(Role.HEAD_OF_OFFICE, office)
        apps = int(LARGE_APPLICATIONS * scale * (1 if i == 0 else small))
        Target.objects.create(office=office, year=year, passports=int(apps * 1.05))
        plan.append((office.pk, max(apps, 1), office.timezone))
    log(f"{offices} offices set up", started)

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = [first + dt.timedelta(n) for n in range((last - first).days + 1)]
    working = [d for d in days if d.weekday() < 5]
    rows: dict[str, int] = {}
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_office (office_id int, apps int, tz text)")
        cur.executemany("INSERT INTO bench_office VALUES (%s, %s, %s)", plan)
        cur.execute("CREATE TEMP TABLE bench_day (i int, d date)")
        cur.executemany("INSERT INTO bench_day VALUES (%s, %s)", list(enumerate(working)))
        cur.execute(
            "CREATE TEMP TABLE bench_officer AS SELECT r.office_id, r.user_id, "
            "row_number() OVER (PARTITION BY r.office_id ORDER BY r.user_id) - 1 AS idx "
            "FROM offices_staffrole r WHERE r.role = %s",
            [Role.FRONT_DESK],
        )
    n_days = len(working)

    # Applications: 70 % online, 22 % assisted, 8 % outreach; one in nine online and one
    # in thirty assisted carry a warning; 8 % percepatan, 4 % priority.
    channel = "(CASE WHEN g % 100 < 70 THEN 'online' WHEN g % 100 < 92 THEN 'assisted' ELSE 'outreach' END)"
    rows["applications"] = insert_select(
        Application,
        {
            "account": str(account.pk),
            "office": "o.office_id",
            "status": "'collected'",
            "channel": channel,
            "applicant_type": "'adult'",
            "case_type": "(CASE WHEN g % 20 < 11 THEN 'new' WHEN g % 20 < 17 THEN 'renewal_expired' "
            "WHEN g % 20 = 17 THEN 'renewal_full' WHEN g % 20 = 18 THEN 'lost' ELSE 'damaged' END)",
            "book_type": "'electronic'",
            "purpose": "'tourism'",
            "percepatan": "(g % 25 = 3)",
            "nik": "lpad((o.office_id * 10000000 + g)::text, 16, '0')",
            "full_name": "'Pemohon ' || g",
            "sex": "(CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END)",
            "warnings": "(CASE WHEN g % 100 < 70 AND g % 9 = 0 THEN '[\"nik_mismatch\"]'::jsonb "
            "WHEN g % 100 >= 70 AND g % 100 < 92 AND g % 30 = 1 THEN '[\"kk_mismatch\"]'::jsonb "
            "ELSE '[]'::jsonb END)",
            "submitted_at": "((d.d + interval '8 hours' + ((g * 37) % 420) * interval '1 minute') AT TIME ZONE o.tz)",
            "service_class": "(CASE WHEN g % 25 = 7 THEN 'priority' WHEN g % 25 = 3 THEN 'percepatan' ELSE 'regular' END)",
            # Ready three days after submission: one in ten is due after two (late).
            "due_date": "(d.d + CASE WHEN g % 10 = 0 THEN 2 ELSE 6 END)",
            "status_changed_at": "now()",
            "created_at": "((d.d + interval '8 hours') AT TIME ZONE o.tz)",
        },
        "FROM bench_office o CROSS JOIN LATERAL generate_series(1, o.apps) g "
        "JOIN bench_day d ON d.i = (g * 7919) % %s",
        [n_days],
    )
    log(f"{rows['applications']} applications", started)

    # Ten status events each; one in ten passports is still uncollected.
    steps = [
        ("draft", "submitted", 0),
        ("submitted", "paid", 30),
        ("paid", "document_check", 60),
        ("document_check", "interview", 120),
        ("interview", "biometrics", 180),
        ("biometrics", "adjudication", 240),
        ("adjudication", "printing", 1440),
        ("printing", "qc", 2880),
        ("qc", "ready", 4320),
        ("ready", "collected", 10080),
    ]
    step_values = ", ".join(f"('{a}', '{b}', {m})" for a, b, m in steps)
    rows["application_events"] = insert_select(
        ApplicationEvent,
        {
            "application": "a.id",
            "from_status": "s.f",
            "to_status": "s.t",
            "at": "a.submitted_at + s.m * interval '1 minute'",
            # The document check's checklist; one in fifteen with a mismatch found.
            "data": "(CASE WHEN s.t = 'interview' THEN jsonb_build_object('checklist', "
            "jsonb_build_object('identity', true, 'data_match', a.id % 15 <> 0), "
            "'mismatch_note', CASE WHEN a.id % 15 = 0 THEN 'Nama di KK berbeda' ELSE '' END) "
            "ELSE '{}'::jsonb END)",
        },
        f"FROM applications_application a JOIN bench_office o ON o.office_id = a.office_id "
        f"CROSS JOIN (VALUES {step_values}) s(f, t, m) WHERE s.t <> 'collected' OR a.id % 10 <> 0",
        [],
    )
    log(f"{rows['application_events']} application events", started)

    rows["slots"] = insert_select(
        SlotCapacity,
        {
            "office": "o.office_id",
            "date": "d.d",
            "session": "s.id",
            "category": "c.c",
            "capacity": "100000",
            "created_at": "now()",
        },
        "FROM bench_office o CROSS JOIN bench_day d JOIN offices_servicesession s "
        "ON s.office_id = o.office_id CROSS JOIN (VALUES ('regular'), ('percepatan')) c(c)",
        [],
    )
    # Online applications book: 86 % checked in, 7 % no-show, 4 % lapsed, 3 % cancelled.
    status = (
        "(CASE WHEN a.id % 100 < 86 THEN 'checked_in' WHEN a.id % 100 < 93 THEN 'no_show' "
        "WHEN a.id % 100 < 97 THEN 'expired' ELSE 'cancelled' END)"
    )
    rows["bookings"] = insert_select(
        Booking,
        {
            "code": "'B' || lpad(to_hex(a.id), 7, '0')",
            "application": "a.id",
            "account": "a.account_id",
            "office": "a.office_id",
            "slot": "sl.id",
            "category": "sl.category",
            "nik": "a.nik",
            "status": status,
            "holds_place": f"({status} = 'checked_in')",
            "hold_expires_at": "a.submitted_at - interval '1 day'",
            "confirmed_at": "a.submitted_at - interval '2 days'",
            "created_at": "a.submitted_at - interval '3 days'",
        },
        "FROM applications_application a JOIN bench_office o ON o.office_id = a.office_id "
        "JOIN offices_servicesession se ON se.office_id = a.office_id "
        "AND se.code = (CASE WHEN a.id % 3 = 0 THEN 'siang' ELSE 'pagi' END) "
        "JOIN booking_slotcapacity sl ON sl.office_id = a.office_id AND sl.session_id = se.id "
        "AND sl.date = (a.submitted_at AT TIME ZONE o.tz)::date "
        "AND sl.category = (CASE WHEN a.percepatan THEN 'percepatan' ELSE 'regular' END) "
        "WHERE a.channel = 'online'",
        [],
    )
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE booking_slotcapacity s SET used = b.n, capacity = b.n + b.n / 8 + 2 "
            "FROM (SELECT sl.id, count(bk.id) FILTER (WHERE bk.holds_place) AS n "
            "FROM booking_slotcapacity sl LEFT JOIN booking_booking bk ON bk.slot_id = sl.id "
            "JOIN bench_office o ON o.office_id = sl.office_id GROUP BY sl.id) b WHERE b.id = s.id"
        )
    log(f"{rows['slots']} slots, {rows['bookings']} bookings", started)

    rows["tickets"] = insert_select(
        Ticket,
        {
            "office": "a.office_id",
            "day": "(a.submitted_at AT TIME ZONE o.tz)::date",
            "lane": "l.id",
            "number": "a.id",
            "status": "'done'",
            "stage": "st.id",
            "stage_entered_at": "a.submitted_at",
            "arrived_at": "a.submitted_at",
            "calls": "1",
            "needs_bap": "false",
            "application": "a.id",
            "booking_code": "''",
            "status_token": "'bench-' || a.id",
        },
        "FROM applications_application a JOIN bench_office o ON o.office_id = a.office_id "
        "JOIN queueing_lane l ON l.office_id = a.office_id AND l.service_class = a.service_class "
        "JOIN offices_stage st ON st.office_id = a.office_id AND st.code = 'biometrics' "
        "LEFT JOIN booking_booking b ON b.application_id = a.id "
        "WHERE b.id IS NULL OR b.status = 'checked_in'",
        [],
    )
    # Per ticket, three stages an hour apart, each: entered (check-in, then transfer),
    # called after 0–40 min (priority 0–10), started 30 s later, finished after 4–15 min,
    # to the second. The call and the finish carry the seconds waited and served, as
    # the queue's services write them. Officer n works at counter n % 8 + 1.
    wait = "(CASE WHEN l.service_class = 'priority' THEN (t.id * 31 + k * 17) % 600 ELSE (t.id * 31 + k * 17) % 2400 END)"
    serve = "(240 + (t.id * 13 + k * 7) % 660)"
    rows["ticket_events"] = insert_select(
        TicketEvent,
        {
            "ticket": "t.id",
            "at": f"t.arrived_at + (k * 3600 + CASE v.n WHEN 0 THEN 0 WHEN 1 THEN {wait} "
            f"WHEN 2 THEN {wait} + 30 ELSE {wait} + 30 + {serve} END) * interval '1 second'",
            "kind": "(CASE WHEN v.n = 0 AND k = 0 THEN 'check_in' WHEN v.n = 0 THEN 'transfer' ELSE v.kind END)",
            "stage": "st.id",
            "lane": "t.lane_id",
            "actor": "(CASE WHEN v.n = 3 THEN ofr.user_id END)",
            "counter": "(CASE WHEN v.n > 0 THEN c.id END)",
            "to_status": "v.to_status",
            "seconds": f"(CASE v.n WHEN 1 THEN {wait} WHEN 3 THEN {serve} END)",
        },
        "FROM queueing_ticket t JOIN bench_office o ON o.office_id = t.office_id "
        "JOIN queueing_lane l ON l.id = t.lane_id CROSS JOIN generate_series(0, 2) k "
        "CROSS JOIN (VALUES (0, '', 'waiting'), (1, 'call', 'called'), (2, 'start', 'serving'), "
        "(3, 'finish', 'waiting')) v(n, kind, to_status) "
        "JOIN offices_stage st ON st.office_id = t.office_id AND st.sequence = k + 2 "
        f"JOIN bench_officer ofr ON ofr.office_id = t.office_id AND ofr.idx = (t.id + k) % {OFFICERS} "
        "JOIN offices_counter c ON c.office_id = t.office_id AND c.number = (ofr.idx % 8 + 1)::text",
        [],
    )
    # Counter sessions: officers 0–7 at counters 1–8 from 08:00 to 12:00, officers 8–11
    # at counters 1–4 from 12:00 to 16:00, every working day.
    rows["counter_sessions"] = insert_select(
        CounterSession,
        {
            "counter": "c.id",
            "officer": "ofr.user_id",
            "started_at": "(d.d + interval '8 hours' + (ofr.idx / 8) * interval '4 hours') AT TIME ZONE o.tz",
            "ended_at": "(d.d + interval '12 hours' + (ofr.idx / 8) * interval '4 hours') AT TIME ZONE o.tz",
        },
        "FROM bench_office o CROSS JOIN bench_day d "
        "JOIN bench_officer ofr ON ofr.office_id = o.office_id "
        "JOIN offices_counter c ON c.office_id = o.office_id AND c.number = (ofr.idx % 8 + 1)::text",
        [],
    )
    log(f"{rows['tickets']} tickets, {rows['ticket_events']} ticket events", started)

    # One complaint per 400 applications, one in twenty an integrity report.
    rows["complaints"] = insert_select(
        Complaint,
        {
            "office": "o.office_id",
            "tracking_number": "'ADU-' || o.office_id || '-' || g",
            "access_token_hash": "md5(g::text)",
            "category": "(ARRAY['pungli','calo','discrimination','procedure','slow','behaviour',"
            "'facilities','information','other'])[1 + g % 9]",
            "restricted": "(g % 20 = 0)",
            "channel": "'web'",
            "status": "(CASE WHEN g % 10 = 0 THEN 'in_progress' ELSE 'closed' END)",
            "summary": "'Keluhan ' || g",
            "description": "'Uraian keluhan'",
            "verify_due": "d.d + 3",
            "due_date": "d.d + 14",
            "answered_at": "(CASE WHEN g % 10 <> 0 THEN (d.d + 5 + interval '10 hours') AT TIME ZONE o.tz END)",
            "answered_on_time": "(CASE WHEN g % 10 <> 0 THEN g % 7 <> 0 END)",
            "created_at": "((d.d + interval '9 hours') AT TIME ZONE o.tz)",
        },
        "FROM bench_office o CROSS JOIN LATERAL generate_series(1, greatest(1, o.apps / 400)) g "
        "JOIN bench_day d ON d.i = (g * 53) % %s",
        [n_days],
    )
    # IKM and IPK: one response per 20 applications.
    scores = {f"u{n}": f"(3 + (g + {n}) % 2)" for n in range(1, 10)}
    rows["ikm_responses"] = insert_select(
        IkmResponse,
        {
            "office": "o.office_id",
            "service_type": "'passport_new'",
            "submitted_on": "d.d",
            **scores,
            "sex": "(CASE WHEN g % 2 = 0 THEN 'm' ELSE 'f' END)",
            "age_group": "(ARRAY['u20','20_29','30_39','40_49','50_59','60p'])[1 + g % 6]",
            "education": "(ARRAY['sd','smp','sma','diploma','s1','s2'])[1 + g % 6]",
            "occupation": "(ARRAY['pns','private','entrepreneur','student','other'])[1 + g % 5]",
            "comment": "(CASE WHEN g % 10 = 0 THEN 'Pelayanan cepat' ELSE '' END)",
        },
        "FROM bench_office o CROSS JOIN LATERAL generate_series(1, greatest(1, o.apps / 20)) g "
        "JOIN bench_day d ON d.i = (g * 31) % %s",
        [n_days],
    )
    rows["ipk_responses"] = insert_select(
        IpkResponse,
        {"office": "o.office_id", "service_type": "'passport_new'", "submitted_on": "d.d"},
        "FROM bench_office o CROSS JOIN LATERAL generate_series(1, greatest(1, o.apps / 20)) g "
        "JOIN bench_day d ON d.i = (g * 31) % %s",
        [n_days],
    )
    questions = list(IpkQuestion.objects.filter(is_active=True).values_list("id", flat=True))
    rows["ipk_answers"] = insert_select(
        IpkAnswer,
        {"response": "r.id", "question": "q.id", "score": "(3 + (r.id + q.id) % 2)"},
        "FROM feedback_ipkresponse r JOIN bench_office o ON o.office_id = r.office_id "
        "JOIN feedback_ipkquestion q ON q.id = ANY(%s)",
        [questions],
    )
    # Pickups of the collected passports: 70 % counter, 15 % drive-thru, 10 % courier, 5 % proxy.
    rows["pickups"] = insert_select(
        PickupChoice,
        {
            "code": "'P' || lpad(to_hex(a.id), 7, '0')",
            "application": "a.id",
            "office": "a.office_id",
            "method": "(CASE WHEN a.id % 20 < 14 THEN 'counter' WHEN a.id % 20 < 17 THEN 'drive_thru' "
            "WHEN a.id % 20 < 19 THEN 'courier' ELSE 'proxy' END)",
            "status": "'handed_over'",
            "holds_place": "false",
            "vehicle": "(CASE WHEN a.id % 20 BETWEEN 14 AND 16 THEN 'car' ELSE '' END)",
            "created_at": "a.submitted_at + interval '3 days'",
        },
        "FROM applications_application a JOIN bench_office o ON o.office_id = a.office_id "
        "WHERE a.id % 10 <> 0",
        [],
    )
    rows["handovers"] = insert_select(
        Handover,
        {
            "application": "c.application_id",
            "choice": "c.id",
            "received_by": "(CASE c.method WHEN 'proxy' THEN 'proxy' WHEN 'courier' THEN 'courier' "
            "ELSE 'owner' END)",
            "receiver_name": "'Pemohon'",
            "identity_checked": "true",
            "officer": "ofr.user_id",
            "at": "c.created_at + interval '2 days'",
        },
        "FROM pickup_pickupchoice c JOIN bench_office o ON o.office_id = c.office_id "
        "JOIN bench_officer ofr ON ofr.office_id = c.office_id AND ofr.idx = 0",
        [],
    )
    rows["drive_thru_slots"] = insert_select(
        DriveThruSlot,
        {
            "office": "o.office_id",
            "date": "d.d",
            "start": "time '09:00'",
            "end": "time '15:00'",
            "lane": "v.lane",
            "capacity": "10",
            "used": "(d.i * 7 + o.office_id) % 11",
        },
        "FROM bench_office o CROSS JOIN bench_day d "
        "CROSS JOIN (VALUES ('car'), ('motorbike')) v(lane)",
        [],
    )
    log(f"complaints, surveys and pickups: {rows}", started)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    log("vacuumed and analysed", started)
    return {"code": large_code, "head": head, "national": national, "rows": rows}


# ---------------------------------------------------------------- timing


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name: state, ppid, … utime (11),
    stime (12), cutime (13), cstime (14), in clock ticks."""
    return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()


def postgres_cpu(postmaster: int) -> float:
    """CPU seconds the cluster has used: its live processes (backends, parallel workers)
    and the children the postmaster has already reaped."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(entry.name)
        except OSError:
            continue
        if int(entry.name) == postmaster:
            ticks += sum(int(f) for f in fields[13:15])
        elif int(fields[1]) == postmaster:
            ticks += sum(int(f) for f in fields[11:13])
    return ticks / os.sysconf("SC_CLK_TCK")


def timed(fn: Callable[[], Any], repeat: int, postmaster: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (this process and the database's) of
    ``repeat`` runs after one warm-up run. CPU time hardly depends on what else the
    machine runs: it is what one request costs on a machine of its own."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        t, c, p = time.perf_counter(), time.process_time(), postgres_cpu(postmaster)
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c + postgres_cpu(postmaster) - p)
    return statistics.median(walls), statistics.median(cpus)


def measure(data: dict[str, Any], *, year: int, repeat: int) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from loket.offices.models import Office

    office = Office.objects.get(code=data["code"])
    head, national = Client(), Client()
    head.force_login(data["head"])
    national.force_login(data["national"])
    period = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    report = {"kind": "year", "year": str(year)}

    def get(client: Client, url: str, query: dict[str, str]) -> Callable[[], None]:
        def run() -> None:
            response = client.get(url, query)
            assert response.status_code == 200, (url, response.status_code)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)

        return run

    def baseline() -> None:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT e.kind, count(*) FROM queueing_ticketevent e "
                "JOIN queueing_ticket t ON t.id = e.ticket_id "
                "WHERE t.office_id = %s AND t.day BETWEEN %s AND %s GROUP BY e.kind",
                [office.pk, dt.date(year, 1, 1), dt.date(year, 12, 31)],
            )
            cur.fetchall()

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        postmaster = int(_stat(cur.fetchone()[0])[1])

    def timed_(fn: Callable[[], Any]) -> tuple[float, float]:
        return timed(fn, repeat, postmaster)

    runs = {
        "baseline": timed_(baseline),
        "office_dashboard": timed_(
            get(head, reverse("reports:dashboard", args=[office.code]), period)
        ),
        "national_dashboard": timed_(get(national, reverse("reports:dashboard_national"), period)),
        "office_report_pdf": timed_(
            get(head, reverse("reports:report_file", args=[office.code, "pdf"]), report)
        ),
        "office_report_xlsx": timed_(
            get(head, reverse("reports:report_file", args=[office.code, "xlsx"]), report)
        ),
        "national_report_pdf": timed_(
            get(national, reverse("reports:report_national_file", args=["pdf"]), report)
        ),
        "national_report_xlsx": timed_(
            get(national, reverse("reports:report_national_file", args=["xlsx"]), report)
        ),
    }
    # The same dashboards read one selector after the other on one connection: what
    # the parallel reads (REPORTS_PARALLEL_QUERIES, default 2) save on this machine.
    from django.conf import settings

    parallel = settings.REPORTS_PARALLEL_QUERIES
    settings.REPORTS_PARALLEL_QUERIES = 1
    try:
        runs["office_dashboard_serial"] = timed_(
            get(head, reverse("reports:dashboard", args=[office.code]), period)
        )
        runs["national_dashboard_serial"] = timed_(
            get(national, reverse("reports:dashboard_national"), period)
        )
    finally:
        settings.REPORTS_PARALLEL_QUERIES = parallel
    for name in ("office_report", "national_report"):
        pdf, xlsx = runs[f"{name}_pdf"], runs[f"{name}_xlsx"]
        runs[name] = (pdf[0] + xlsx[0], pdf[1] + xlsx[1])
    figures = {f"{name}_s": wall for name, (wall, _cpu) in runs.items()}
    figures.update({f"{name}_cpu_s": cpu for name, (_wall, cpu) in runs.items()})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 120,000 applications")
    parser.add_argument("--small", type=float, default=0.1, help="volume of each other office")
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median)")
    args = parser.parse_args()
    started = time.perf_counter()
    out = subprocess.run(
        ["bash", "scripts/pg_throwaway.sh", "start"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pg = dict(
        line.removeprefix("export ").split("=", 1)
        for line in out.splitlines()
        if line.startswith("export ")
    )
    try:
        os.environ.update(pg)
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.local",
                "DJANGO_DEBUG": "0",
                "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
                "LOKET_LOG_LEVEL": "WARNING",
            }
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=os.environ
        )
        log("migrated", started)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings
        from django.contrib.auth.hashers import get_hashers

        # Staff accounts are made by the hundred here; Argon2 would take minutes.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        get_hashers.cache_clear()
        from django.utils import timezone

        year = timezone.now().year - 1
        data = generate(
            scale=args.scale, small=args.small, offices=args.offices, year=year, started=started
        )
        figures = measure(data, year=year, repeat=args.repeat)
        log("measured", started)
        result: dict[str, Any] = {k: round(v, 3) for k, v in figures.items()}
        # Each time over the baseline's of the same run; CPU time over CPU time.
        result["ratios"] = {}
        for key, value in figures.items():
            if key.startswith("baseline"):
                continue
            base = figures["baseline_cpu_s" if key.endswith("_cpu_s") else "baseline_s"]
            result["ratios"][key.removesuffix("_s")] = round(value / base, 1) if base else None
        result["rows"] = data["rows"]
        result["scale"] = args.scale
        result["small"] = args.small
        result["offices"] = args.offices
        result["year"] = year
        print(json.dumps(result))
    finally:
        if "PG_THROWAWAY_DIR" in pg:
            subprocess.run(
                ["bash", "scripts/pg_throwaway.sh", "stop", pg["PG_THROWAWAY_DIR"]],
                cwd=ROOT,
                check=False,
                capture_output=True,
            )


if __name__ == "__main__":
    main()
