import pytest

from loket.core.choices import Role
from loket.offices.choices import StageCode
from loket.offices.models import Counter, DailyQuota, ServiceSession, Stage
from loket.queueing.models import Lane
from loket.queueing.services import counter_open, queue_setup

STAGES = [
    StageCode.DOCUMENT_CHECK,
    StageCode.INTERVIEW,
    StageCode.BIOMETRICS,
    StageCode.BAP,
    StageCode.PICKUP,
]


@pytest.fixture
def hall(office_wib, make_staff):
    """An office with stages, three counters serving everything, quotas and default lanes."""
    import datetime as dt

    stages = {}
    for seq, code in enumerate(STAGES, start=1):
        stages[code] = Stage.objects.create(
            office=office_wib, code=code, sequence=seq, sop_wait_minutes=30, sop_service_minutes=10
        )
    counters = []
    for number in ("1", "2", "3"):
        counter = Counter.objects.create(office=office_wib, number=number, name=f"Loket {number}")
        counter.stages.set(stages.values())
        counters.append(counter)
    session = ServiceSession.objects.create(
        office=office_wib, code="pagi", name="Pagi", starts=dt.time(8), ends=dt.time(12)
    )
    DailyQuota.objects.create(office=office_wib, session=session, category="walk_in", capacity=20)
    DailyQuota.objects.create(office=office_wib, session=session, category="priority", capacity=5)
    queue_setup(office_wib)
    officers = []
    for counter in counters:
        officer = make_staff(Role.INTERVIEWER, office_wib)
        counter_open(officer=officer, counter=counter)
        officers.append(officer)
    desk = make_staff(Role.FRONT_DESK, office_wib)
    lanes = {lane.prefix: lane for lane in Lane.objects.filter(office=office_wib)}
    return {
        "office": office_wib,
        "stages": stages,
        "counters": counters,
        "officers": officers,
        "desk": desk,
        "lanes": lanes,
    }
