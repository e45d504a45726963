"""Outreach report figures against values counted by hand."""

import datetime as dt

import pytest

from loket.applications.tests.test_services import STEP1, STEP2
from loket.core.choices import Role
from loket.offices.tests.factories import OfficeFactory
from loket.outreach.choices import EntryMode, PartnerKind
from loket.outreach.models import MobileKit
from loket.outreach.selectors import visit_figures
from loket.outreach.services import (
    member_add,
    member_save_step,
    offer_set,
    outreach_settings_update,
    visit_accept,
    visit_decline,
    visit_issue_tickets,
    visit_request,
    visit_schedule,
)
from loket.outreach.tests.conftest import make_partner, today
from loket.queueing.choices import TicketStatus
from loket.queueing.models import Ticket

pytestmark = pytest.mark.django_db


def _ready(coordinator, visit, name, seq):
    from loket.applications.tests.factories import nik_for

    member, _code = member_add(
        coordinator=coordinator,
        visit=visit,
        full_name=name,
        mode=EntryMode.COORDINATOR,
        consent=True,
    )
    member_save_step(coordinator=coordinator, member=member, step=1, data=STEP1)
    data = {**STEP2, "full_name": name, "nik": nik_for(dt.date(1990, 5, 17), "F", seq)}
    member_save_step(coordinator=coordinator, member=member, step=2, data=data)
    return member


def test_visit_figures_by_hand(outreach, make_staff, time_machine):
    o = outreach
    office = o["office"]
    day = today(office)
    outreach_settings_update(actor=o["supervisor"], office=office, min_group_size=1)
    school, company = o["partner"], o["other_partner"]
    village = make_partner("Desa Oesao", PartnerKind.VILLAGE)

    # Yesterday (outside the period): the village asks for a visit at the same office.
    time_machine.move_to(dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=1), tick=False)
    visit_request(
        coordinator=village.coordinator, office=office, date=o["offer"].date, group_size=5
    )
    time_machine.move_to(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=1), tick=False)

    # Today: the school's visit is accepted, scheduled today and held: 3 members, 2 ready
    # (tickets), 1 who has not joined; one ticket is served to the end.
    held = visit_request(
        coordinator=school.coordinator, office=office, date=o["offer_today"].date, group_size=3
    )
    visit_accept(actor=o["supervisor"], visit=held)
    visit_schedule(
        actor=o["supervisor"],
        visit=held,
        date=day,
        starts_at=dt.time(9),
        place="Aula",
        officers=[o["desk"]],
        kit=o["kit"],
    )
    first = _ready(school.coordinator, held, "Ani", 31)
    _ready(school.coordinator, held, "Budi", 32)
    member_add(
        coordinator=school.coordinator,
        visit=held,
        full_name="Citra",
        mode=EntryMode.SELF,
        email="citra@example.test",
    )
    tickets, waiting = visit_issue_tickets(actor=o["desk"], visit=held)
    assert (len(tickets), len(waiting)) == (2, 1)
    first.refresh_from_db()
    Ticket.objects.filter(pk=first.ticket_id).update(status=TicketStatus.DONE)
    # The company's request is declined today.
    declined = visit_request(
        coordinator=company.coordinator, office=office, date=o["offer"].date, group_size=20
    )
    visit_decline(actor=o["supervisor"], visit=declined, reason="No officers free")
    # Another office: a request today, accepted, not held.
    other_office = OfficeFactory()
    boss = make_staff(Role.KASUBSI, other_office)
    offer_set(actor=boss, office=other_office, date=day + dt.timedelta(days=3), capacity=40)
    MobileKit.objects.create(office=other_office, name="Kit B")
    elsewhere = visit_request(
        coordinator=village.coordinator,
        office=other_office,
        date=day + dt.timedelta(days=3),
        group_size=25,
    )
    visit_accept(actor=boss, visit=elsewhere)

    figures = visit_figures(offices=[office], start=day, end=day)
    assert (figures.requested, figures.accepted, figures.declined, figures.held) == (2, 1, 1, 1)
    assert (figures.members, figures.members_served) == (2, 1)
    assert figures.applications_by_partner_kind == {
        "company": 0,
        "school": 2,
        "pesantren": 0,
        "parish": 0,
        "village": 0,
    }

    everywhere = visit_figures(offices=None, start=day, end=day)
    assert (everywhere.requested, everywhere.accepted, everywhere.declined) == (3, 2, 1)
    assert (everywhere.held, everywhere.members) == (1, 2)

    with_yesterday = visit_figures(offices=[office], start=day - dt.timedelta(days=1), end=day)
    assert with_yesterday.requested == 3

    nothing = visit_figures(offices=[other_office], start=day, end=day)
    assert (nothing.requested, nothing.accepted, nothing.held, nothing.members) == (1, 1, 0, 0)
    assert sum(nothing.applications_by_partner_kind.values()) == 0
    tomorrow = visit_figures(
        offices=None, start=day + dt.timedelta(days=1), end=day + dt.timedelta(days=1)
    )
    assert (tomorrow.requested, tomorrow.accepted, tomorrow.held) == (0, 0, 0)

    # The office's dashboard shows the same figures as a channel of its own.
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(o["supervisor"])
    page = client.get(
        reverse("reports:dashboard", args=[office.code]),
        {"from": day.isoformat(), "to": day.isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    html = page.content.decode()
    for testid, value in (
        ("outreach-requested", 2),
        ("outreach-accepted", 1),
        ("outreach-declined", 1),
        ("outreach-held", 1),
        ("outreach-members", 2),
        ("outreach-served", 1),
    ):
        assert f'data-testid="{testid}">{value}</dd>' in html, testid
    assert '<tr data-kind="school"><th scope="row">' in html
    row = html.split('<tr data-kind="school">', 1)[1].split("</tr>", 1)[0]
    assert row.endswith('<td class="num">2</td>')
