import datetime as dt

import pytest

from loket.offices.choices import StageCode
from loket.offices.models import Counter, DailyQuota, ServiceSession, Stage
from loket.planning.tests.synthetic import Truth, generate, working_days
from loket.queueing.services import queue_setup

# stage -> (standard wait, SOP service minutes, counters serving it)
STAGES = {
    StageCode.DOCUMENT_CHECK: (30, 10, 3),
    StageCode.INTERVIEW: (30, 10, 2),
    StageCode.BIOMETRICS: (30, 5, 2),
    StageCode.BAP: (60, 45, 1),
    StageCode.PICKUP: (15, 5, 1),
}
TRUTH = Truth(
    rates={
        "A": [12, 20, 15, 10, 8, 5, 3],
        "C": [3, 3, 3, 3, 3, 3, 3],
        "E": [4, 4, 4, 4, 4, 4, 4],
    },
    service={
        StageCode.DOCUMENT_CHECK: (6.0, 3.0),
        StageCode.INTERVIEW: (4.0, 2.0),
        StageCode.BIOMETRICS: (3.0, 1.0),
        StageCode.BAP: (25.0, 10.0),
        StageCode.PICKUP: (2.0, 1.0),
    },
    bap_share={"A": 0.1, "C": 0.2},
    booked_share={"A": 0.8},
    no_show=0.05,
    counters={code: spec[2] for code, spec in STAGES.items()},
)
PERIOD_START = dt.date(2025, 2, 3)


@pytest.fixture
def planning_office(office_wib):
    """Cilacap (WIB, open 08:00-15:00) with hall stages, counters per stage, lanes, quotas."""
    number = 0
    for sequence, (code, (wait, service, counters)) in enumerate(STAGES.items(), start=1):
        stage = Stage.objects.create(
            office=office_wib,
            code=code,
            sequence=sequence,
            sop_wait_minutes=wait,
            sop_service_minutes=service,
        )
        for _ in range(counters):
            number += 1
            counter = Counter.objects.create(
                office=office_wib, number=str(number), name=f"Loket {number}"
            )
            counter.stages.add(stage)
    session = ServiceSession.objects.create(
        office=office_wib, code="pagi", name="Pagi", starts=dt.time(8), ends=dt.time(12)
    )
    for category, capacity in (("regular", 60), ("priority", 12), ("walk_in", 20)):
        DailyQuota.objects.create(
            office=office_wib, session=session, category=category, capacity=capacity
        )
    queue_setup(office_wib)
    return office_wib


@pytest.fixture
def recorded(planning_office):
    """20 working days of synthetic records drawn from TRUTH."""
    days = working_days(PERIOD_START, 20)
    generate(office=planning_office, days=days, truth=TRUTH)
    return {"office": planning_office, "start": days[0], "end": days[-1], "days": days}


@pytest.fixture
def recorded_small(planning_office):
    """Three working days of synthetic records (enough for pages and the command)."""
    days = working_days(PERIOD_START, 3)
    generate(office=planning_office, days=days, truth=TRUTH)
    return {"office": planning_office, "start": days[0], "end": days[-1], "days": days}
