"""The group lane of an outreach (jemput bola) visit: made on first use, all tickets or
none, ranked like regular visitors, no walk-in place taken."""

import pytest

from loket.core.choices import Role
from loket.core.errors import ApplicationError, Forbidden
from loket.core.models import AuditEntry
from loket.offices.choices import StageCode
from loket.queueing.choices import ServiceClass
from loket.queueing.models import Lane, Ticket, WalkInCount
from loket.queueing.policy import CLASS_RANK
from loket.queueing.services import (
    GroupMember,
    call_next,
    group_lane,
    group_tickets_issue,
    walk_in_register,
)

pytestmark = pytest.mark.django_db


def _group(hall, *names):
    return group_tickets_issue(
        actor=hall["desk"],
        office=hall["office"],
        members=[GroupMember(holder_name=n) for n in names],
        note="outreach visit 1",
    )


def test_group_lane_is_made_once_with_prefix_g(hall):
    lane = group_lane(hall["office"])
    assert (lane.prefix, lane.service_class) == ("G", ServiceClass.GROUP)
    assert group_lane(hall["office"]) == lane
    assert Lane.objects.filter(office=hall["office"], service_class=ServiceClass.GROUP).count() == 1


def test_an_office_may_name_its_own_group_lane(hall):
    own = Lane.objects.create(
        office=hall["office"], prefix="J", name="Jemput bola", service_class=ServiceClass.GROUP
    )
    (ticket,) = _group(hall, "Ani")
    assert ticket.lane == own and ticket.display_number == "J001"


def test_prefix_g_used_for_something_else_is_a_clear_refusal(hall):
    Lane.objects.create(
        office=hall["office"], prefix="G", name="Lain", service_class=ServiceClass.REGULAR
    )
    with pytest.raises(ApplicationError) as error:
        _group(hall, "Ani")
    assert error.value.code == "lane_missing" and error.value.status == 409
    assert not Ticket.objects.exists()


def test_group_tickets_in_order_without_walk_in_places(hall):
    tickets = _group(hall, "Ani", "Budi", "Citra")
    assert [t.display_number for t in tickets] == ["G001", "G002", "G003"]
    assert [t.holder_name for t in tickets] == ["Ani", "Budi", "Citra"]
    assert {t.stage.code for t in tickets} == {StageCode.DOCUMENT_CHECK}
    assert not WalkInCount.objects.filter(used__gt=0).exists()
    walk_in_register(actor=hall["desk"], office=hall["office"], lane=hall["lanes"]["A"])
    assert list(WalkInCount.objects.values_list("used", flat=True)) == [1]  # the walk-in only
    entry = AuditEntry.objects.get(action="queue.group_check_in")
    assert entry.changes == {"lane": "G", "tickets": 3} and entry.reason == "outreach visit 1"


def test_refusals_change_nothing(hall, make_staff):
    with pytest.raises(ApplicationError) as error:
        _group(hall)
    assert error.value.code == "group_empty"
    biometrics = make_staff(Role.BIOMETRICS, hall["office"])
    with pytest.raises(Forbidden):
        group_tickets_issue(
            actor=biometrics, office=hall["office"], members=[GroupMember(holder_name="Ani")]
        )
    assert not Ticket.objects.exists()


def test_group_ranks_with_regular_visitors(hall):
    assert CLASS_RANK["group"] == CLASS_RANK["regular"]
    desk, office = hall["desk"], hall["office"]
    regular_first = walk_in_register(actor=desk, office=office, lane=hall["lanes"]["A"])
    (group,) = _group(hall, "Ani")
    elder = walk_in_register(
        actor=desk, office=office, lane=hall["lanes"]["C"], priority_category="elderly"
    )
    stage = hall["stages"][StageCode.DOCUMENT_CHECK]
    called = []
    for counter, officer in zip(hall["counters"], hall["officers"], strict=True):
        called.append(call_next(officer=officer, counter=counter, stage=stage).pk)
    # Priority first, then regular and group in order of arrival.
    assert called == [elder.pk, regular_first.pk, group.pk]
