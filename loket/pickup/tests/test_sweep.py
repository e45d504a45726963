"""sweep_pickups is idempotent: a second run at the same moment (or a run a minute later)
sends nothing more, cancels nothing more and writes no event or audit line."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from loket.applications.choices import ApplicationStatus
from loket.applications.models import Application, ApplicationEvent
from loket.core.models import AuditEntry
from loket.notifications.models import OutboxMessage
from loket.pickup.choices import ChoiceStatus, Lane, Method
from loket.pickup.models import DriveThruSlot, PickupChoice, PickupEvent, PickupSettings
from loket.pickup.selectors import drive_thru_slots_open
from loket.pickup.services import pickup_choose, pickup_handover, pickups_sweep
from loket.pickup.tests.conftest import WED
from loket.pickup.tests.factories import ready_application

pytestmark = pytest.mark.django_db


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _state() -> dict[str, object]:
    return {
        "outbox": sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)),
        "application_events": ApplicationEvent.objects.count(),
        "pickup_events": PickupEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
        "statuses": sorted(Application.objects.values_list("id", "status")),
        "choices": sorted(PickupChoice.objects.values_list("id", "status", "holds_place")),
        "places": sorted(DriveThruSlot.objects.filter(used__gt=0).values_list("id", "used")),
    }


@pytest.fixture
def uncollected_office(office, officer):
    """Reminders on days 3 and 10, cancellation after 20 days; four passports:
    ready 3 days (reminder 3), ready 12 days (reminder 10), ready 25 days with a
    drive-thru booking (cancelled, place freed), and one already collected."""
    PickupSettings.objects.create(office=office, reminder_days="3,10", cancel_after_days=20)
    day3 = ready_application(office, status_changed_at=_ago(3))
    day12 = ready_application(office, status_changed_at=_ago(12))
    day25 = ready_application(office, status_changed_at=_ago(25))
    booked = pickup_choose(
        application=day25,
        actor=day25.account,
        method=Method.DRIVE_THRU,
        slot=drive_thru_slots_open(office=office, lane=Lane.CAR).filter(date=WED).first(),
        vehicle=Lane.CAR,
        plate="BH 25 A",
    )
    collected = ready_application(office, status_changed_at=_ago(25))
    pickup_handover(
        application=collected,
        officer=officer,
        received_by="owner",
        receiver_name=collected.full_name,
        identity_checked=True,
    )
    return {
        "day3": day3,
        "day12": day12,
        "day25": day25,
        "booked": booked,
        "collected": collected,
    }


def test_sweep_is_idempotent(uncollected_office, time_machine):
    apps = uncollected_office
    first = pickups_sweep()
    assert (first.reminded, first.cancelled, first.released) == (2, 1, 1)
    after_first = _state()
    assert {
        f"pickup-reminder:{apps['day3'].public_id}:3",
        f"pickup-reminder:{apps['day12'].public_id}:10",
    } <= set(after_first["outbox"])  # type: ignore[arg-type]
    cancelled = ApplicationEvent.objects.get(application=apps["day25"], to_status="cancelled")
    assert cancelled.reason == "not collected within 20 days" and cancelled.actor is None
    apps["booked"].refresh_from_db()
    assert apps["booked"].status == ChoiceStatus.CANCELLED
    assert apps["booked"].slot.used == 0
    apps["collected"].refresh_from_db()
    assert apps["collected"].status == ApplicationStatus.COLLECTED

    second = pickups_sweep()
    assert (second.reminded, second.cancelled, second.released) == (0, 0, 0)
    assert _state() == after_first

    # A minute later, through the management command, twice: still nothing new.
    time_machine.shift(dt.timedelta(minutes=1))
    out = io.StringIO()
    call_command("sweep_pickups", stdout=out)
    call_command("sweep_pickups", stdout=out)
    assert out.getvalue().splitlines() == ["reminded 0 cancelled 0 released 0"] * 2
    assert _state() == after_first


def test_next_reminder_day_sends_one_more_then_nothing(uncollected_office, time_machine):
    apps = uncollected_office
    pickups_sweep()
    time_machine.shift(dt.timedelta(days=7))  # day3 -> day 10; day12 -> day 19
    assert pickups_sweep().reminded == 1
    assert OutboxMessage.objects.filter(
        dedupe_key=f"pickup-reminder:{apps['day3'].public_id}:10"
    ).exists()
    assert pickups_sweep().reminded == 0
    time_machine.shift(dt.timedelta(days=1))  # day12 -> day 20: cancelled
    result = pickups_sweep()
    assert (result.reminded, result.cancelled) == (0, 1)
    apps["day12"].refresh_from_db()
    assert apps["day12"].status == ApplicationStatus.CANCELLED
    assert pickups_sweep().cancelled == 0
