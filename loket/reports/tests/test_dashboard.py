"""The evaluation dashboard: each figure against values worked out by hand on a small
office, the period rules, scope, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from loket.applications.models import ApplicationEvent
from loket.applications.tests.factories import ApplicationFactory
from loket.booking.models import Booking, SlotCapacity
from loket.core.choices import Role
from loket.core.errors import ApplicationError
from loket.feedback.models import Complaint
from loket.offices.choices import StageCode
from loket.offices.models import ServiceSession, Stage, Target
from loket.queueing.models import Lane, Ticket, TicketEvent
from loket.queueing.timing import measure_tickets
from loket.reports import selectors_dashboard as sd
from loket.reports.selectors_dashboard import DashPeriod, period_parse

WIB = ZoneInfo("Asia/Jakarta")
DAY = dt.date(2025, 3, 10)
MARCH = DashPeriod(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def at(hour: int, minute: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def stages(office_wib):
    doc = Stage.objects.create(
        office=office_wib,
        code=StageCode.DOCUMENT_CHECK,
        sequence=1,
        sop_wait_minutes=10,
        sop_service_minutes=8,
    )
    interview = Stage.objects.create(
        office=office_wib,
        code=StageCode.INTERVIEW,
        sequence=2,
        sop_wait_minutes=20,
        sop_service_minutes=10,
    )
    return doc, interview


@pytest.fixture
def officer(make_staff, office_wib):
    user = make_staff(Role.FRONT_DESK, office_wib)
    user.full_name = "Petugas Satu"
    user.save()
    return user


@pytest.fixture
def queue(office_wib, stages, officer):
    """Five regular waits at document check of 2, 4, 6, 8 and 30 minutes with services of
    5, 7, 9, 11 and 13 minutes; one priority ticket waiting 1 and served 3 minutes; the
    first regular ticket goes on to the interview, where it waits 25 minutes (SOP 20)."""
    doc, interview = stages
    regular = Lane.objects.create(
        office=office_wib, prefix="A", name="Reguler", service_class="regular"
    )
    priority = Lane.objects.create(
        office=office_wib, prefix="C", name="Prioritas", service_class="priority"
    )

    def visit(number, lane, wait, service, start_minute):
        ticket = Ticket.objects.create(
            office=office_wib, day=DAY, lane=lane, number=number, stage=doc, status="done"
        )
        t0 = at(8, start_minute)
        rows = [
            ("check_in", t0),
            ("call", t0 + dt.timedelta(minutes=wait)),
            ("start", t0 + dt.timedelta(minutes=wait, seconds=30)),
            ("finish", t0 + dt.timedelta(minutes=wait + service, seconds=30)),
        ]
        for kind, moment in rows:
            TicketEvent.objects.create(
                ticket=ticket,
                kind=kind,
                at=moment,
                stage=doc,
                actor=officer if kind == "finish" else None,
                to_status="x",
            )
        return ticket, rows[-1][1]

    tickets = []
    for i, (wait, service) in enumerate([(2, 5), (4, 7), (6, 9), (8, 11), (30, 13)]):
        tickets.append(visit(i + 1, regular, wait, service, i))
    visit(1, priority, 1, 3, 0)
    first, finished = tickets[0]
    TicketEvent.objects.create(
        ticket=first, kind="transfer", at=finished, stage=interview, to_status="waiting"
    )
    TicketEvent.objects.create(
        ticket=first,
        kind="call",
        at=finished + dt.timedelta(minutes=25),
        stage=interview,
        to_status="called",
    )
    # Another day outside the period must not count.
    other = Ticket.objects.create(
        office=office_wib, day=dt.date(2025, 4, 1), lane=regular, number=1, stage=doc
    )
    TicketEvent.objects.create(
        ticket=other,
        kind="check_in",
        at=at(8, 0, dt.date(2025, 4, 1)),
        stage=doc,
        to_status="waiting",
    )
    TicketEvent.objects.create(
        ticket=other, kind="call", at=at(9, 0, dt.date(2025, 4, 1)), stage=doc, to_status="called"
    )
    # Written by hand, not through the queue's services: measured as the migration does.
    measure_tickets(TicketEvent, list(Ticket.objects.values_list("id", flat=True)))


@pytest.fixture
def applications(office_wib):
    """Online 3 (2 with warnings), assisted 2 (none), outreach 1; one online in February
    (outside March); two reach ready in March, one in April."""
    made = []
    spec = [
        ("online", ["nik_mismatch"], "new", False),
        ("online", ["kk_mismatch", "name"], "renewal_expired", True),
        ("online", [], "new", False),
        ("assisted", [], "lost", False),
        ("assisted", [], "new", False),
        ("outreach", [], "new", False),
    ]
    for i, (channel, warnings, case, percepatan) in enumerate(spec):
        made.append(
            ApplicationFactory(
                office=office_wib,
                channel=channel,
                warnings=warnings,
                case_type=case,
                percepatan=percepatan,
                submitted_at=at(9, i, dt.date(2025, 3, 3)),
            )
        )
    ApplicationFactory(
        office=office_wib, channel="online", submitted_at=at(9, 0, dt.date(2025, 2, 28))
    )
    for app, day in [
        (made[0], dt.date(2025, 3, 20)),
        (made[3], dt.date(2025, 3, 31)),
        (made[4], dt.date(2025, 4, 1)),
    ]:
        ApplicationEvent.objects.create(
            application=app, from_status="qc", to_status="ready", at=at(10, 0, day)
        )
    return made


# ---------------------------------------------------------------- pure parts


def test_quantile_and_percent_known_values():
    assert sd.quantile([float(i) for i in range(1, 11)], 0.5) == 5.5
    assert sd.quantile([float(i) for i in range(1, 11)], 0.9) == pytest.approx(9.1)
    assert sd.quantile([], 0.5) is None
    assert sd.percent(2, 3) == Decimal("66.7")
    assert sd.percent(0, 0) is None


def test_period_presets_and_errors():
    today = dt.date(2025, 5, 14)
    assert period_parse(today=today) == DashPeriod(dt.date(2025, 5, 1), today, "this_month")
    assert period_parse(today=today, preset="last_month") == DashPeriod(
        dt.date(2025, 4, 1), dt.date(2025, 4, 30), "last_month"
    )
    assert period_parse(today=today, preset="this_quarter").start == dt.date(2025, 4, 1)
    assert period_parse(today=today, preset="this_year").start == dt.date(2025, 1, 1)
    assert period_parse(today=today, start="2025-03-01", end="2025-03-31") == MARCH
    cases = [
        ({"start": "2025-03-31", "end": "2025-03-01"}, "period_reversed", "to"),
        ({"start": "31/03/2025", "end": "2025-04-01"}, "period_invalid", "from"),
        ({"start": "2025-03-01"}, "period_incomplete", "to"),
        ({"start": "2024-01-01", "end": "2025-03-01"}, "period_too_long", "to"),
        ({"preset": "forever"}, "period_invalid", "preset"),
    ]
    for kwargs, code, field in cases:
        with pytest.raises(ApplicationError) as caught:
            period_parse(today=today, **kwargs)
        assert caught.value.code == code
        assert field in caught.value.fields


# ---------------------------------------------------------------- figures


def test_waiting_service_and_sop_compliance(office_wib, queue):
    figures = sd.time_figures(offices=[office_wib], period=MARCH)
    rows = {(r.stage, r.service_class): r for r in figures.rows}
    doc = rows[("document_check", "regular")]
    assert doc.waits == 5
    assert doc.wait_median == pytest.approx(6.0)
    assert doc.wait_p90 == pytest.approx(21.2)  # 8 + 0.6 × (30 − 8)
    assert (doc.within_sop, doc.sop_share) == (4, Decimal("80.0"))
    assert doc.services == 5
    assert doc.service_median == pytest.approx(9.0)
    assert doc.service_p90 == pytest.approx(12.2)
    interview = rows[("interview", "regular")]
    assert (interview.waits, interview.wait_median, interview.sop_share) == (
        1,
        25.0,
        Decimal("0.0"),
    )
    assert interview.services == 0 and interview.service_median is None
    pri = rows[("document_check", "priority")]
    assert (pri.wait_median, pri.service_median, pri.sop_share) == (1.0, 3.0, Decimal("100.0"))
    assert figures.priority is not None and figures.priority.waits == 1
    assert figures.others is not None and figures.others.waits == 6
    assert [r.stage for r in figures.rows] == ["document_check", "document_check", "interview"]


def test_throughput_per_officer_and_stage(office_wib, queue):
    rows = sd.counter_figures(offices=[office_wib], period=MARCH).throughput
    assert [(r.officer, r.stage, r.finished, r.days) for r in rows] == [
        ("Petugas Satu", "document_check", 6, 1)
    ]
    assert rows[0].per_day == Decimal("6.0")


def test_quantile_counted_is_quantile_of_the_repeated_values():
    import random

    rng = random.Random(9)
    for _case in range(200):
        counts = {rng.randrange(0, 50): rng.randrange(1, 4) for _ in range(rng.randrange(1, 9))}
        values = sorted(float(v) for v, n in counts.items() for _ in range(n))
        for q in (0.0, 0.1, 0.5, 0.9, 1.0):
            assert sd.quantile_counted(counts, q) == pytest.approx(sd.quantile(values, q))
    assert sd.quantile_counted({}, 0.5) is None


@pytest.fixture
def counters(office_wib, office_wita, queue, officer, make_staff):
    """The queue fixture's six services (5 + 7 + 9 + 11 + 13 + 3 = 48 min) finished at
    counter 1 by Petugas Satu, who was signed in there on 10 March 08:00–12:00 and from
    28 February 22:00 to 1 March 02:00 (a session counts until the midnight after it
    began: nothing of it in March): 4 h staffed, 20.0 % serving.
    Petugas Dua sat at counter 2 from 31 March 23:00 and is still signed in (1 h in
    March). Counter 3 was never staffed; Kupang's counter is another office's."""
    from loket.offices.models import Counter
    from loket.queueing.models import CounterSession

    one, two, three = (
        Counter.objects.create(office=office_wib, number=str(n), name=f"Loket {n}")
        for n in (1, 2, 3)
    )
    TicketEvent.objects.filter(kind="finish").update(counter=one)
    second = make_staff(Role.FRONT_DESK, office_wib)
    second.full_name = "Petugas Dua"
    second.save()
    CounterSession.objects.create(
        counter=one, officer=officer, started_at=at(8, 0), ended_at=at(12, 0)
    )
    CounterSession.objects.create(
        counter=one,
        officer=officer,
        started_at=at(22, 0, dt.date(2025, 2, 28)),
        ended_at=at(2, 0, dt.date(2025, 3, 1)),
    )
    CounterSession.objects.create(
        counter=two, officer=second, started_at=at(23, 0, dt.date(2025, 3, 31))
    )
    CounterSession.objects.create(
        counter=one,
        officer=officer,
        started_at=at(8, 0, dt.date(2025, 4, 1)),
        ended_at=at(9, 0, dt.date(2025, 4, 1)),
    )
    kupang = Counter.objects.create(office=office_wita, number="1", name="Loket 1")
    CounterSession.objects.create(
        counter=kupang, officer=second, started_at=at(8, 0), ended_at=at(16, 0)
    )
    return one, two, three


def test_counter_utilisation_per_counter_and_officer(office_wib, counters):
    figures = sd.counter_figures(
        offices=[office_wib], period=MARCH, now=at(10, 0, dt.date(2025, 4, 2))
    )
    assert [(u.staffed_seconds, u.busy_seconds, u.finished) for u in figures.counters] == [
        (4 * 3600, 48 * 60, 6),
        (3600, 0, 0),
    ]
    assert [u.label[-1] for u in figures.counters] == ["1", "2"]
    one = figures.counters[0]
    assert (one.staffed_hours, one.busy_hours, one.share) == (
        Decimal("4.0"),
        Decimal("0.8"),
        Decimal("20.0"),
    )
    assert figures.counters[1].share == Decimal("0.0")
    assert [(u.label, u.staffed_seconds, u.busy_seconds, u.share) for u in figures.officers] == [
        ("Petugas Dua", 3600, 0, Decimal("0.0")),
        ("Petugas Satu", 4 * 3600, 48 * 60, Decimal("20.0")),
    ]
    # Still signed in: counted until now when now is inside the period.
    mid = sd.counter_figures(
        offices=[office_wib], period=MARCH, now=at(23, 30, dt.date(2025, 3, 31))
    )
    assert mid.counters[1].staffed_seconds == 30 * 60
    # Another month: nothing finished, one hour staffed on 1 April. Petugas Dua never
    # signed out: the session stopped counting at midnight on the day it began.
    april = sd.counter_figures(
        offices=[office_wib],
        period=DashPeriod(dt.date(2025, 4, 1), dt.date(2025, 4, 30)),
        now=at(10, 0, dt.date(2025, 4, 2)),
    )
    assert [(u.staffed_seconds, u.busy_seconds) for u in april.counters] == [(3600, 0), (0, 0)]


def test_applications_by_channel_quality_and_target(office_wib, applications):
    Target.objects.create(office=office_wib, year=2025, month=3, passports=62)
    figures = sd.application_figures(offices=[office_wib], period=MARCH)
    assert figures.submitted == 6
    assert {r.key: r.count for r in figures.by_channel} == {
        "online": 3,
        "assisted": 2,
        "outreach": 1,
    }
    quality = {q.channel: q for q in figures.quality}
    assert (quality["online"].with_warnings, quality["online"].share) == (2, Decimal("66.7"))
    assert (quality["assisted"].with_warnings, quality["assisted"].share) == (0, Decimal("0.0"))
    services = {r.key: r.count for r in figures.by_service}
    assert services == {"priority": 0, "percepatan": 1, "regular": 5}
    cases = {r.key: r.count for r in figures.by_case_type}
    assert (cases["new"], cases["renewal_expired"], cases["lost"]) == (4, 1, 1)
    assert figures.issued == 2
    assert figures.target == Decimal("62")
    assert figures.target_share == Decimal("3.2")


def test_ready_by_the_due_date_across_the_lebaran_holidays(office_wib, office_wita):
    """Regular service is 3 working days. Paid on Thursday 27 March 2025, the due date
    skips cuti bersama (28 March, 2–4 and 7 April), Nyepi (29 March, a Saturday), Idul
    Fitri (31 March, 1 April) and two weekends: 10 April, not 30 March. Ready on 9 April
    (R1) and on 10 April (R3, ready again on the 14th after a failed QC: its first ready
    counts) are on time; R2, paid Monday 14 April (due Thursday 17), ready on the 21st is
    late; N1 has no due date. Priority (2 days) paid Tuesday 15 April is due on the 17th
    and ready at 23:30 WIB that day (16:30 UTC): on time. Kupang's ready passport is
    another office's. April: regular 4 issued, 3 with a due date, 2 by it (66.7 %);
    priority 1 of 1."""
    from loket.applications.sop import due_date_for

    def app(office, service_class, paid, readies):
        application = ApplicationFactory(
            office=office, service_class=service_class, submitted_at=at(9, 0, dt.date(2025, 3, 3))
        )
        if paid is not None:
            application.due_date = due_date_for(application=application, start=paid)
            application.save(update_fields=["due_date"])
        for moment in readies:
            ApplicationEvent.objects.create(
                application=application, from_status="qc", to_status="ready", at=moment
            )
        return application

    r1 = app(
        office_wib, "regular", at(10, 0, dt.date(2025, 3, 27)), [at(16, 0, dt.date(2025, 4, 9))]
    )
    assert r1.due_date == dt.date(2025, 4, 10)
    app(
        office_wib,
        "regular",
        at(10, 0, dt.date(2025, 3, 27)),
        [at(15, 0, dt.date(2025, 4, 10)), at(9, 0, dt.date(2025, 4, 14))],
    )
    r2 = app(
        office_wib, "regular", at(10, 0, dt.date(2025, 4, 14)), [at(10, 0, dt.date(2025, 4, 21))]
    )
    assert r2.due_date == dt.date(2025, 4, 17)
    app(office_wib, "regular", None, [at(10, 0, dt.date(2025, 4, 22))])
    p1 = app(
        office_wib, "priority", at(10, 0, dt.date(2025, 4, 15)), [at(23, 30, dt.date(2025, 4, 17))]
    )
    assert p1.due_date == dt.date(2025, 4, 17)
    app(office_wita, "regular", at(10, 0, dt.date(2025, 4, 14)), [at(10, 0, dt.date(2025, 4, 15))])

    april = DashPeriod(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    rows = {r.kind: r for r in sd.completion_by_due_date(offices=[office_wib], period=april)}
    regular, priority = rows["regular"], rows["priority"]
    assert (regular.issued, regular.with_due_date, regular.by_due_date) == (4, 3, 2)
    assert regular.share == Decimal("66.7")
    assert (priority.issued, priority.with_due_date, priority.by_due_date, priority.share) == (
        1,
        1,
        1,
        Decimal("100.0"),
    )
    assert rows["percepatan"].issued == 0 and rows["percepatan"].share is None
    assert sd.application_figures(offices=[office_wib], period=april).issued == 5
    # Both offices: Kupang's passport was ready two days before its due date.
    both = {
        r.kind: r
        for r in sd.completion_by_due_date(offices=[office_wib, office_wita], period=april)
    }
    assert (both["regular"].issued, both["regular"].by_due_date) == (5, 3)


def test_findings_at_the_document_check_online_against_assisted(office_wib):
    """The Kupang question asked where it is answered: at the document check. Online: A1
    has a mismatch note, A2 the data-match item unticked, A3 is clean, A5 was postponed
    for a missing document and passed on its second check; A4 was checked in February.
    Assisted: B1 clean, B2 postponed. March: online 3 of 4 (75.0 %), assisted 1 of 2
    (50.0 %), outreach nothing checked."""

    def checked(channel, day, to="interview", note="", data_match=True):
        application = ApplicationFactory(
            office=office_wib, channel=channel, submitted_at=at(9, 0, day)
        )
        ApplicationEvent.objects.create(
            application=application,
            from_status="document_check",
            to_status=to,
            at=at(10, 0, day),
            data={"checklist": {"identity": True, "data_match": data_match}, "mismatch_note": note},
        )
        return application

    checked("online", dt.date(2025, 3, 5), note="Nama ibu di KK berbeda dengan akta")
    checked("online", dt.date(2025, 3, 6), data_match=False)
    checked("online", dt.date(2025, 3, 6))
    checked("online", dt.date(2025, 2, 28), note="di luar periode")
    a5 = checked("online", dt.date(2025, 3, 3), to="postponed")
    ApplicationEvent.objects.create(
        application=a5,
        from_status="document_check",
        to_status="interview",
        at=at(11, 0, DAY),
        data={},
    )
    checked("assisted", dt.date(2025, 3, 7))
    checked("assisted", dt.date(2025, 3, 7), to="postponed")

    rows = {
        q.channel: q for q in sd.application_figures(offices=[office_wib], period=MARCH).quality
    }
    assert (rows["online"].checked, rows["online"].flagged, rows["online"].flagged_share) == (
        4,
        3,
        Decimal("75.0"),
    )
    assert (rows["assisted"].checked, rows["assisted"].flagged) == (2, 1)
    assert rows["assisted"].flagged_share == Decimal("50.0")
    assert (rows["outreach"].checked, rows["outreach"].flagged_share) == (0, None)


def test_empty_period_says_no_data(office_wib):
    figures = sd.application_figures(offices=[office_wib], period=MARCH)
    assert figures.submitted == 0
    assert figures.target is None and figures.target_share is None
    assert all(q.share is None for q in figures.quality)
    times = sd.time_figures(offices=[office_wib], period=MARCH)
    assert times.rows == [] and times.priority is not None and times.priority.sop_share is None


def test_target_pro_rata_and_months_sharing_the_rest(office_wib):
    Target.objects.create(office=office_wib, year=2025, month=3, passports=62)
    Target.objects.create(office=office_wib, year=2025, passports=1200)
    half = DashPeriod(dt.date(2025, 3, 1), dt.date(2025, 3, 15))
    assert sd.issuance_target(office_ids=[office_wib.pk], period=half) == Decimal(30)
    # February has no figure of its own: the eleven such months share 1200 - 62.
    two = DashPeriod(dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert sd.issuance_target(office_ids=[office_wib.pk], period=two) == Decimal(
        1138 + 62 * 11
    ) / Decimal(11)
    # The whole year adds up to the year's target, whatever the months say.
    year = DashPeriod(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert sd.issuance_target(office_ids=[office_wib.pk], period=year) == Decimal(1200)


def test_quota_per_day(office_wib, applications):
    session = ServiceSession.objects.create(
        office=office_wib, code="pagi", name="Pagi", starts=dt.time(8), ends=dt.time(12)
    )
    slot = SlotCapacity.objects.create(
        office=office_wib, date=DAY, session=session, category="regular", capacity=10, used=3
    )
    SlotCapacity.objects.create(
        office=office_wib, date=DAY, session=session, category="percepatan", capacity=5, used=0
    )
    statuses = [
        ("checked_in", True),
        ("checked_in", True),
        ("no_show", True),
        ("expired", False),
        ("cancelled", False),
    ]
    for i, (status, holds) in enumerate(statuses):
        app = applications[i]
        Booking.objects.create(
            code=f"BK{i:06d}",
            application=app,
            account=app.account,
            office=office_wib,
            slot=slot,
            category="regular",
            nik=app.nik,
            status=status,
            holds_place=holds,
            hold_expires_at=at(10, 0),
        )
    (day,) = sd.quota_days(offices=[office_wib], period=MARCH)
    assert (day.date, day.released, day.taken, day.booked) == (DAY, 15, 3, 5)
    assert (day.checked_in, day.no_show, day.lapsed, day.cancelled) == (2, 1, 1, 1)
    assert day.use_share == Decimal("13.3")


def test_complaints_by_category_with_overdue(office_wib, make_staff, time_machine):
    time_machine.move_to("2025-04-02 10:00 +07:00", tick=False)
    head = make_staff(Role.HEAD_OF_OFFICE, office_wib)
    kasubsi = make_staff(Role.KASUBSI, office_wib)

    def complaint(n, category, created, **extra):
        c = Complaint.objects.create(
            office=office_wib,
            tracking_number=f"PGD-CLP-2025-{n}",
            access_token_hash="x",
            category=category,
            restricted=category == "pungli",
            channel="web",
            summary="s",
            description="d",
            verify_due=dt.date(2025, 3, 20),
            **extra,
        )
        Complaint.objects.filter(pk=c.pk).update(created_at=created)

    complaint(
        1,
        "slow",
        at(9, 0, dt.date(2025, 3, 5)),
        status="answered",
        answered_at=at(9, 0, dt.date(2025, 3, 6)),
        answered_on_time=True,
    )
    complaint(
        2,
        "slow",
        at(9, 0, dt.date(2025, 3, 5)),
        status="answered",
        answered_at=at(9, 0, dt.date(2025, 3, 28)),
        answered_on_time=False,
    )
    complaint(3, "slow", at(9, 0, dt.date(2025, 3, 6)), status="submitted")  # verify_due passed
    complaint(4, "pungli", at(9, 0, dt.date(2025, 3, 7)), status="submitted")
    complaint(5, "slow", at(9, 0, dt.date(2025, 2, 7)), status="submitted")  # before the period
    rows = {
        r.category: r for r in sd.complaint_figures(user=head, offices=[office_wib], period=MARCH)
    }
    slow = rows["slow"]
    assert (slow.received, slow.answered, slow.on_time, slow.late, slow.overdue) == (3, 2, 1, 1, 1)
    assert slow.on_time_share == Decimal("50.0")
    assert rows["pungli"].received == 1
    assert rows["facilities"].on_time_share is None
    # Integrity reports stay with the head and the integrity officer.
    hidden = {
        r.category: r
        for r in sd.complaint_figures(user=kasubsi, offices=[office_wib], period=MARCH)
    }
    assert hidden["pungli"].received == 0


# ---------------------------------------------------------------- views and scope


def test_office_dashboard_scope(client, office_wib, office_wita, make_staff, stages):
    head = make_staff(Role.HEAD_OF_OFFICE, office_wib)
    client.force_login(head)
    assert client.get(reverse("reports:dashboard", args=["CLP"])).status_code == 200
    assert client.get(reverse("reports:dashboard", args=["KPG"])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=["NOPE"])).status_code == 404
    assert client.get(reverse("reports:dashboard_national")).status_code == 403
    desk = make_staff(Role.FRONT_DESK, office_wib)
    client.force_login(desk)
    assert client.get(reverse("reports:dashboard", args=["CLP"])).status_code == 403


def test_national_dashboard(client, office_wib, office_wita, national_admin, queue):
    client.force_login(national_admin)
    response = client.get(
        reverse("reports:dashboard_national"), {"from": "2025-03-01", "to": "2025-03-31"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="times"' in html and "Kanim Kupang" in html
    assert client.get(reverse("reports:dashboard", args=["KPG"])).status_code == 200


def test_period_error_is_a_clear_message(client, office_wib, make_staff):
    client.force_login(make_staff(Role.KASI, office_wib))
    response = client.get(
        reverse("reports:dashboard", args=["CLP"]), {"from": "2025-03-31", "to": "2025-03-01"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="period-error"' in html
    assert 'id="id_to_error"' in html


def test_htmx_poll_returns_the_fragment(client, office_wib, make_staff):
    client.force_login(make_staff(Role.KASI, office_wib))
    response = client.get(
        reverse("reports:dashboard", args=["CLP"]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-figures"')
    assert 'hx-trigger="every 30s"' in html and "<h1" not in html


def test_dashboard_queries_are_bounded(
    client, office_wib, make_staff, queue, applications, counters, django_assert_max_num_queries
):
    head = make_staff(Role.HEAD_OF_OFFICE, office_wib)
    client.force_login(head)
    url = reverse("reports:dashboard", args=["CLP"])
    with django_assert_max_num_queries(40):
        response = client.get(url, {"from": "2025-03-01", "to": "2025-03-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="chart-wait"' in html and '<title id="chart-wait-title">' in html
    assert 'data-testid="quota-empty"' in html
    assert 'data-testid="utilisation-counters"' in html and "20,0%" in html
    assert 'data-testid="utilisation-officers"' in html and "Petugas Dua" in html
    assert 'data-testid="completion"' in html and 'data-kind="priority"' in html


# ---------------------------------------------------------------- surveys


@pytest.fixture
def surveys(office_wib, office_wita):
    """IKM: March at CLP has one response of all 4s and one of all 3s (every NRR 7/2,
    IKM 25 × 7/2 = 87.50, band B), April one of all 4s (100.00, band A), February one
    outside the period, Kupang one in March. IPK in March: the first response answers
    two questions with 4 and 2, the second the first question with 3, so the NRRs are
    7/2 and 2 and the IPK 25 × (7/2 + 2) / 2 = 68.75."""
    from loket.feedback.models import IkmResponse, IpkAnswer, IpkQuestion, IpkResponse

    def ikm_response(office, day, score):
        scores = {f"u{n}": score for n in range(1, 10)}
        IkmResponse.objects.create(
            office=office,
            service_type="passport_new",
            submitted_on=day,
            sex="m",
            age_group="30_39",
            education="s1",
            occupation="private",
            **scores,
        )

    ikm_response(office_wib, dt.date(2025, 3, 3), 4)
    ikm_response(office_wib, dt.date(2025, 3, 31), 3)
    ikm_response(office_wib, dt.date(2025, 4, 1), 4)
    ikm_response(office_wib, dt.date(2025, 2, 28), 1)
    ikm_response(office_wita, dt.date(2025, 3, 5), 2)
    first, second = IpkQuestion.objects.filter(office=None).order_by("sequence", "id")[:2]
    one = IpkResponse.objects.create(
        office=office_wib, service_type="passport_new", submitted_on=dt.date(2025, 3, 4)
    )
    two = IpkResponse.objects.create(
        office=office_wib, service_type="passport_new", submitted_on=dt.date(2025, 3, 20)
    )
    IpkAnswer.objects.create(response=one, question=first, score=4)
    IpkAnswer.objects.create(response=one, question=second, score=2)
    IpkAnswer.objects.create(response=two, question=first, score=3)


def test_survey_trend_per_month_as_the_feedback_reports(office_wib, surveys):
    from loket.feedback.periods import period_make
    from loket.feedback.selectors import ikm_report, ipk_report

    march, april = sd.survey_trend(
        office=office_wib, period=DashPeriod(dt.date(2025, 3, 10), dt.date(2025, 4, 30))
    )
    assert (march.label, march.ikm.respondents, march.ikm.index, march.ikm.band.grade) == (
        "2025-03",
        2,
        Decimal("87.50"),
        "B",
    )
    assert (april.ikm.respondents, april.ikm.index, april.ikm.band.grade) == (
        1,
        Decimal("100.00"),
        "A",
    )
    assert (march.ipk.respondents, march.ipk.index) == (2, Decimal("68.75"))
    assert (april.ipk.respondents, april.ipk.index, april.ipk.band) == (0, None, None)
    for point, month in ((march, 3), (april, 4)):
        period = period_make("month", 2025, month)
        ikm, ipk = (
            ikm_report(office=office_wib, period=period),
            ipk_report(office=office_wib, period=period),
        )
        assert (point.ikm.respondents, point.ikm.index_exact, point.ikm.index) == (
            ikm.respondents,
            ikm.index_exact,
            ikm.index,
        )
        assert (point.ipk.respondents, point.ipk.index_exact, point.ipk.index) == (
            ipk.respondents,
            ipk.index_exact,
            ipk.index,
        )


def test_surveys_by_office_over_the_period(office_wib, office_wita, surveys):
    by_office = sd.survey_by_office(offices=[office_wib, office_wita], period=MARCH)
    rows = {o.code: p for o, p in by_office}
    assert (rows["CLP"].ikm.respondents, rows["CLP"].ikm.index) == (2, Decimal("87.50"))
    assert (rows["CLP"].ipk.respondents, rows["CLP"].ipk.index) == (2, Decimal("68.75"))
    # Kupang: all 2s, 25 × 2 = 50.00, band D (25.00–64.99).
    assert (rows["KPG"].ikm.respondents, rows["KPG"].ikm.index, rows["KPG"].ikm.band.grade) == (
        1,
        Decimal("50.00"),
        "D",
    )
    assert (rows["KPG"].ipk.respondents, rows["KPG"].ipk.index) == (0, None)


# ---------------------------------------------------------------- pickups


def test_pickups_by_channel_drive_thru_and_uncollected(office_wib, office_wit, officer):
    """CLP (WIB) in March: counter 2, drive-thru 1 (car), proxy 1 handed over; one
    handover on 1 April 06:30 WIB (31 March in UTC) is April's. Drive-thru car lane: 10
    offered, 4 taken; two-wheelers 8 offered, 2 taken; a slot in April does not count.
    Of three passports ready in March, one is still waiting (status ready); one ready in
    February and still waiting is not the period's. Tual (WIT) is another office."""
    from loket.applications.choices import ApplicationStatus
    from loket.pickup.models import DriveThruSlot, Handover, PickupChoice

    def handed(method, when, vehicle="", office=office_wib):
        app = ApplicationFactory(office=office, status=ApplicationStatus.COLLECTED)
        choice = PickupChoice.objects.create(
            code=f"P{app.pk:06d}",
            application=app,
            office=office,
            method=method,
            status="handed_over",
            vehicle=vehicle,
        )
        Handover.objects.create(
            application=app,
            choice=choice,
            received_by="owner",
            receiver_name="X",
            officer=officer,
            at=when,
        )

    handed("counter", at(9, 0, dt.date(2025, 3, 3)))
    handed("counter", at(23, 30, dt.date(2025, 3, 31)))
    handed("drive_thru", at(10, 0, dt.date(2025, 3, 12)), vehicle="car")
    handed("proxy", at(11, 0, dt.date(2025, 3, 14)))
    handed("counter", at(6, 30, dt.date(2025, 4, 1)))
    handed("courier", at(9, 0, dt.date(2025, 3, 3)), office=office_wit)
    for lane, capacity, used, day in [
        ("car", 6, 3, dt.date(2025, 3, 12)),
        ("car", 4, 1, dt.date(2025, 3, 13)),
        ("motorbike", 8, 2, dt.date(2025, 3, 12)),
        ("car", 5, 5, dt.date(2025, 4, 2)),
    ]:
        DriveThruSlot.objects.create(
            office=office_wib,
            date=day,
            start=dt.time(9),
            end=dt.time(10),
            lane=lane,
            capacity=capacity,
            used=used,
        )
    for status, day in [
        (ApplicationStatus.READY, dt.date(2025, 3, 5)),
        (ApplicationStatus.COLLECTED, dt.date(2025, 3, 6)),
        (ApplicationStatus.COLLECTED, dt.date(2025, 3, 7)),
        (ApplicationStatus.READY, dt.date(2025, 2, 27)),
    ]:
        app = ApplicationFactory(office=office_wib, status=status)
        ApplicationEvent.objects.create(
            application=app, from_status="qc", to_status="ready", at=at(10, 0, day)
        )

    summary = sd.pickup_summary(offices=[office_wib], period=MARCH)
    assert [(r.key, r.count, r.share) for r in summary.handed_over] == [
        ("counter", 2, Decimal("50.0")),
        ("drive_thru", 1, Decimal("25.0")),
        ("courier", 0, Decimal("0.0")),
        ("proxy", 1, Decimal("25.0")),
    ]
    assert [(u.lane, u.offered, u.taken, u.use_share, u.served) for u in summary.drive_thru] == [
        ("car", 10, 4, Decimal("40.0"), 1),
        ("motorbike", 8, 2, Decimal("25.0"), 0),
    ]
    assert summary.uncollected == 1
    national = sd.pickup_summary(offices=[office_wib, office_wit], period=MARCH)
    assert {r.key: r.count for r in national.handed_over}["courier"] == 1


def test_dashboard_page_shows_pickups(client, office_wib, make_staff):
    client.force_login(make_staff(Role.HEAD_OF_OFFICE, office_wib))
    html = client.get(
        reverse("reports:dashboard", args=["CLP"]), {"from": "2025-03-01", "to": "2025-03-31"}
    ).content.decode()
    assert 'data-testid="pickups"' in html and 'data-testid="drive-thru"' in html
    assert 'data-testid="uncollected"' in html


# ---------------------------------------------------------------- parallel reads


@pytest.mark.django_db(transaction=True)
def test_parallel_selectors_share_one_snapshot_and_give_the_same_figures(
    office_wib, queue, applications, counters, settings
):
    """On PostgreSQL the dashboard reads on two connections at once, both in the snapshot
    the request exported; the figures are the ones read one after the other."""
    from django.db import connection
    from django.utils import translation

    from loket.core.tests.concurrency import require_postgres

    require_postgres()

    def probe() -> tuple[int, str, str]:
        with connection.cursor() as cursor:
            # Long enough that the second worker has connected and taken a task too.
            cursor.execute("SELECT pg_sleep(0.3)")
            cursor.execute("SELECT pg_backend_pid(), pg_current_snapshot()::text")
            pid, snapshot = cursor.fetchone()
        return pid, snapshot, translation.get_language()

    settings.REPORTS_PARALLEL_QUERIES = 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    with translation.override("en"):
        seen = sd.run_selectors({"a": probe, "b": probe, "c": probe, "d": probe})
    pids = {pid for pid, _snap, _lang in seen.values()}
    assert own not in pids and len(pids) == 2
    assert len({snap for _pid, snap, _lang in seen.values()}) == 1
    assert {lang for _pid, _snap, lang in seen.values()} == {"en"}
    # Every worker closed its connection.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [sorted(pids)])
        assert cursor.fetchone()[0] == 0

    parallel = sd.dashboard(user=None, offices=[office_wib], period=MARCH, office=office_wib)
    settings.REPORTS_PARALLEL_QUERIES = 1
    serial = sd.dashboard(user=None, offices=[office_wib], period=MARCH, office=office_wib)
    for name in ("applications", "quota", "times", "counter_use", "complaints", "pickups"):
        assert getattr(parallel, name) == getattr(serial, name), name
    assert parallel.times.rows and parallel.counter_use.counters


def test_raw_sql_figures_cut_the_period_at_the_offices_own_midnight(office_wit, make_staff):
    """Tual is on WIT (UTC+9), so 08:30 on 1 March there is 23:30 on 28 February in UTC,
    and 08:30 on 1 April is still 31 March in UTC. Finishes and readies at those moments
    belong to March and April respectively, on SQLite as on PostgreSQL. Each service
    takes 10 minutes at counter 1, staffed on 1 March 08:00–09:00 WIT."""
    from loket.offices.models import Counter
    from loket.queueing.models import CounterSession

    wit = ZoneInfo("Asia/Jayapura")

    def moment(day, hour, minute):
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=wit)

    stage = Stage.objects.create(
        office=office_wit,
        code=StageCode.DOCUMENT_CHECK,
        sequence=1,
        sop_wait_minutes=10,
        sop_service_minutes=10,
    )
    lane = Lane.objects.create(
        office=office_wit, prefix="A", name="Reguler", service_class="regular"
    )
    counter = Counter.objects.create(office=office_wit, number="1", name="Loket 1")
    officer = make_staff(Role.FRONT_DESK, office_wit)
    CounterSession.objects.create(
        counter=counter,
        officer=officer,
        started_at=moment(dt.date(2025, 3, 1), 8, 0),
        ended_at=moment(dt.date(2025, 3, 1), 9, 0),
    )
    finishes = [
        moment(dt.date(2025, 3, 1), 8, 30),
        moment(dt.date(2025, 3, 31), 23, 30),
        moment(dt.date(2025, 4, 1), 8, 30),
    ]
    for number, finished in enumerate(finishes, start=1):
        ticket = Ticket.objects.create(
            office=office_wit, day=finished.date(), lane=lane, number=number, stage=stage
        )
        for kind, when in [
            ("check_in", finished - dt.timedelta(minutes=20)),
            ("call", finished - dt.timedelta(minutes=11)),
            ("start", finished - dt.timedelta(minutes=10)),
            ("finish", finished),
        ]:
            TicketEvent.objects.create(
                ticket=ticket,
                kind=kind,
                at=when,
                stage=stage,
                counter=counter,
                actor=officer,
                to_status="x",
            )
        measure_tickets(TicketEvent, [ticket.pk])
        application = ApplicationFactory(office=office_wit, submitted_at=finished)
        ApplicationEvent.objects.create(
            application=application, from_status="qc", to_status="ready", at=finished
        )

    figures = sd.counter_figures(offices=[office_wit], period=MARCH, now=finishes[-1])
    assert [(t.finished, t.days) for t in figures.throughput] == [(2, 2)]
    assert [(u.staffed_seconds, u.busy_seconds, u.finished) for u in figures.counters] == [
        (3600, 1200, 2)
    ]
    assert sum(r.issued for r in sd.completion_by_due_date(offices=[office_wit], period=MARCH)) == 2
    april = DashPeriod(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    assert sum(r.issued for r in sd.completion_by_due_date(offices=[office_wit], period=april)) == 1
    assert [
        t.finished for t in sd.counter_figures(offices=[office_wit], period=april).throughput
    ] == [1]
    times = sd.time_figures(offices=[office_wit], period=MARCH)
    assert (times.rows[0].waits, times.rows[0].services) == (2, 2)
