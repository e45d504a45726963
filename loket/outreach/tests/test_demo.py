"""demo_outreach (run by load_demo) gives the same demo however often it runs, also on a
later day, and without an office it says so and changes nothing."""

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from loket.notifications.models import OutboxMessage
from loket.outreach.choices import VisitStatus
from loket.outreach.management.commands.demo_outreach import COORDINATOR, DEMO_PASSWORD
from loket.outreach.models import MobileKit, OutreachOffer, Partner, Visit, VisitEvent

pytestmark = pytest.mark.django_db


def _counts():
    return [
        Partner.objects.count(),
        Visit.objects.count(),
        VisitEvent.objects.count(),
        OutreachOffer.objects.count(),
        MobileKit.objects.count(),
        OutboxMessage.objects.count(),
    ]


def test_without_the_demo_office_nothing_is_made():
    out = io.StringIO()
    call_command("demo_outreach", stdout=out)
    assert "no KPG office" in out.getvalue()
    assert _counts() == [0, 0, 0, 0, 0, 0]


def test_demo_outreach_is_idempotent(time_machine):
    call_command("load_demo", stdout=io.StringIO())  # runs demo_outreach once
    partner = Partner.objects.get(coordinator__email=COORDINATOR)
    visit = Visit.objects.get(partner=partner)
    assert visit.status == VisitStatus.ACCEPTED and visit.office.code == "KPG"
    assert authenticate(email=COORDINATOR, password=DEMO_PASSWORD) == partner.coordinator
    counts = _counts()
    out = io.StringIO()
    call_command("demo_outreach", stdout=out)
    assert _counts() == counts
    assert COORDINATOR in out.getvalue()
    # A week later: the dates offered move on (new ones are added), nothing else changes.
    time_machine.move_to(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=7), tick=False)
    call_command("demo_outreach", stdout=io.StringIO())
    after = _counts()
    assert after[:3] == counts[:3] and after[4:] == counts[4:]
    assert after[3] == counts[3] + 1  # the date four weeks out is new; the others existed
    assert Visit.objects.get(partner=partner).status == VisitStatus.ACCEPTED
