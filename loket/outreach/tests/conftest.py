import datetime as dt

import pytest
from django.utils import timezone, translation

from loket.core.choices import Role
from loket.core.tests.factories import ApplicantFactory
from loket.outreach.choices import PartnerKind
from loket.outreach.models import MobileKit, Partner
from loket.outreach.services import offer_set
from loket.queueing.tests.conftest import hall  # noqa: F401 - a fixture shared with queueing


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def verified_applicant():
    user = ApplicantFactory()
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def make_partner(name="SMA Harapan", kind=PartnerKind.SCHOOL):
    return Partner.objects.create(
        name=name,
        kind=kind,
        address="Jl. Sekolah 1",
        contact_phone="081234567890",
        coordinator=verified_applicant(),
    )


def today(office):
    return timezone.now().astimezone(office.tz).date()


@pytest.fixture
def outreach(hall, make_staff):  # noqa: F811 - the imported fixture
    """The hall office with two offered dates, a kit, a supervisor and two partners."""
    office = hall["office"]
    supervisor = make_staff(Role.KASUBSI, office)
    soon = today(office) + dt.timedelta(days=7)
    offer = offer_set(actor=supervisor, office=office, date=soon, capacity=50)
    offer_today = offer_set(actor=supervisor, office=office, date=today(office), capacity=50)
    kit = MobileKit.objects.create(office=office, name="Kit 1")
    return {
        **hall,
        "supervisor": supervisor,
        "offer": offer,
        "offer_today": offer_today,
        "kit": kit,
        "partner": make_partner(),
        "other_partner": make_partner("PT Lain", PartnerKind.COMPANY),
    }
