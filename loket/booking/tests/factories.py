"""Test set-up for booking: an office with sessions, quotas and a release rule."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from loket.applications.tests.factories import ApplicationFactory
from loket.booking.models import ReleaseRule
from loket.offices.models import DailyQuota, Office, ServiceSession


def setup_booking_office(
    office: Office,
    *,
    regular: int = 5,
    percepatan: int = 2,
    kind: str = "weekly",
    weekday: int = 4,
    time: dt.time = dt.time(14),
    periods_ahead: int = 1,
) -> dict[str, ServiceSession]:
    """Morning and afternoon sessions with regular and percepatan quotas, and a release rule
    (default: every Friday 14:00 local time, the next week)."""
    sessions = {
        "pagi": ServiceSession.objects.create(
            office=office, code="pagi", name="Pagi", starts=dt.time(8), ends=dt.time(12)
        ),
        "siang": ServiceSession.objects.create(
            office=office, code="siang", name="Siang", starts=dt.time(13), ends=dt.time(15)
        ),
    }
    for session in sessions.values():
        DailyQuota.objects.create(
            office=office, session=session, category="regular", capacity=regular
        )
        DailyQuota.objects.create(
            office=office, session=session, category="percepatan", capacity=percepatan
        )
    ReleaseRule.objects.create(
        office=office, kind=kind, weekday=weekday, time=time, periods_ahead=periods_ahead
    )
    return sessions


def verified_application(**kwargs):
    application = ApplicationFactory(**kwargs)
    account = application.account
    if account.email_verified_at is None:
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
    return application


def book_for(application, day: dt.date, session: str = "pagi", key: str | None = None):
    """Book `day`/`session` for `application` through the services, with a fresh key."""
    from loket.booking.services import booking_create, category_for, request_hash_of, slot_find

    slot = slot_find(
        office=application.office, day=day, session_code=session, category=category_for(application)
    )
    return booking_create(
        application=application,
        slot=slot,
        account=application.account,
        idempotency_key=key or uuid.uuid4().hex,
        request_hash=request_hash_of({"slot": slot.pk, "application": str(application.public_id)}),
    )
