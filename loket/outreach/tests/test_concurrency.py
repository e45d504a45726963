"""Races proven with real threads on PostgreSQL (SQLite serialises writers): places on
an offered date, a group's size, and the group's tickets issued from two desks."""

import datetime as dt

import pytest
from django.db import connection

from loket.core.tests.concurrency import run_at_once
from loket.outreach.choices import EntryMode
from loket.outreach.models import Member, OutreachOffer, Visit
from loket.outreach.services import (
    member_add,
    offer_set,
    outreach_settings_update,
    visit_accept,
    visit_issue_tickets,
    visit_request,
    visit_schedule,
)
from loket.outreach.tests.conftest import make_partner, today
from loket.queueing.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _race(jobs):
    """Run every job at once; return (results, error codes)."""
    outcomes = run_at_once(jobs)
    # A job returns a model or a tuple; a plain string is a refusal's code (or the repr of
    # an unexpected exception, which then fails the test's expectations).
    codes = [o for o in outcomes if isinstance(o, str)]
    return [o for o in outcomes if not isinstance(o, str)], codes


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests are proven on PostgreSQL (SQLite serialises writers)")


def test_concurrent_requests_never_overbook_a_date(outreach):
    o = outreach
    offer = offer_set(
        actor=o["supervisor"],
        office=o["office"],
        date=today(o["office"]) + dt.timedelta(9),
        capacity=50,
    )
    partners = [make_partner(f"Sekolah {n}") for n in range(6)]
    jobs = [
        (
            lambda p=p: visit_request(
                coordinator=p.coordinator, office=o["office"], date=offer.date, group_size=20
            )
        )
        for p in partners
    ]
    results, codes = _race(jobs)
    assert len(results) == 2 and codes == ["date_full"] * 4
    assert OutreachOffer.objects.get(pk=offer.pk).used == 40
    assert Visit.objects.filter(offer=offer).count() == 2


def test_concurrent_member_adds_stop_at_the_group_size(outreach):
    o = outreach
    outreach_settings_update(actor=o["supervisor"], office=o["office"], min_group_size=3)
    visit = visit_request(
        coordinator=o["partner"].coordinator, office=o["office"], date=o["offer"].date, group_size=3
    )
    jobs = [
        (
            lambda n=n: member_add(
                coordinator=o["partner"].coordinator,
                visit=Visit.objects.get(pk=visit.pk),
                full_name=f"Anggota {n}",
                mode=EntryMode.SELF,
                email=f"anggota{n}@example.test",
            )
        )
        for n in range(8)
    ]
    results, codes = _race(jobs)
    assert len(results) == 3 and codes == ["group_full"] * 5
    assert Member.objects.filter(visit=visit).count() == 3


def test_two_desks_issue_the_group_tickets_once(outreach, make_staff):
    from loket.core.choices import Role

    o = outreach
    outreach_settings_update(actor=o["supervisor"], office=o["office"], min_group_size=1)
    visit = visit_request(
        coordinator=o["partner"].coordinator,
        office=o["office"],
        date=o["offer_today"].date,
        group_size=1,
    )
    visit_accept(actor=o["supervisor"], visit=visit)
    visit_schedule(
        actor=o["supervisor"],
        visit=visit,
        date=o["offer_today"].date,
        starts_at=dt.time(9),
        place="Aula",
        officers=[o["desk"]],
        kit=o["kit"],
    )
    from loket.outreach.tests.test_services import _ready_member

    _ready_member(o, visit, "Ani", 51)
    other_desk = make_staff(Role.FRONT_DESK, o["office"])
    jobs = [
        (lambda desk=desk: visit_issue_tickets(actor=desk, visit=Visit.objects.get(pk=visit.pk)))
        for desk in (o["desk"], other_desk)
    ]
    results, codes = _race(jobs)
    assert len(results) == 1 and codes == ["group_empty"]
    assert Ticket.objects.count() == 1
    assert Member.objects.get(visit=visit).ticket is not None


def test_one_kit_is_not_sent_to_two_groups_on_the_same_day(outreach):
    o = outreach
    visits = []
    for partner in (o["partner"], o["other_partner"]):
        visit = visit_request(
            coordinator=partner.coordinator, office=o["office"], date=o["offer"].date, group_size=20
        )
        visit_accept(actor=o["supervisor"], visit=visit)
        visits.append(visit)
    jobs = [
        (
            lambda v=v: visit_schedule(
                actor=o["supervisor"],
                visit=Visit.objects.get(pk=v.pk),
                date=o["offer"].date,
                starts_at=dt.time(9),
                place="Aula",
                officers=[o["desk"]],
                kit=o["kit"],
            )
        )
        for v in visits
    ]
    results, codes = _race(jobs)
    assert len(results) == 1 and codes == ["schedule_invalid"]
    assert Visit.objects.filter(kit=o["kit"], status="scheduled").count() == 1
