"""An office set up as the public pages read it: stages with SOP times, counters, a
release rule with sessions and quotas, facilities, a pledge and questions."""

from __future__ import annotations

import datetime as dt

import pytest

from loket.booking.tests.factories import setup_booking_office
from loket.offices.choices import StageCode
from loket.offices.models import Counter, DailyQuota, Question, Stage
from loket.reports.tests.test_dashboard import (  # noqa: F401  (shared with test_periodic)
    applications,
    counters,
    officer,
    queue,
    stages,
)

# Monday 10 March 2025, 10:00 WIB: the week of 10–16 March opened on Friday 7 March 14:00
# (weekly rule, Friday 14:00, one week ahead); PP 45/2024 fees are in force.
NOW = "2025-03-10 10:00 +07:00"
TODAY = dt.date(2025, 3, 10)
TUE = dt.date(2025, 3, 11)

STAGES = [
    (StageCode.CHECKIN, 1, 7, 2),
    (StageCode.DOCUMENT_CHECK, 2, 25, 9),
    (StageCode.INTERVIEW, 3, 20, 11),
    (StageCode.BIOMETRICS, 4, 35, 4),
    (StageCode.PICKUP, 5, 12, 6),
]


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def office(office_wib):
    office = office_wib
    office.offers_polycarbonate = True
    office.lactation_room = True
    office.wheelchair = True
    office.priority_counter = True
    office.service_pledge = "Kami berjanji melayani dengan ramah, cepat dan tanpa pungutan liar."
    office.latitude, office.longitude = "-7.726700", "109.009300"
    office.phone = "(0282) 123456"
    office.save()
    sessions = setup_booking_office(office, regular=5, percepatan=2)
    DailyQuota.objects.create(
        office=office, session=sessions["pagi"], category="priority", capacity=12
    )
    for code, seq, wait, service in STAGES:
        Stage.objects.create(
            office=office,
            code=code,
            sequence=seq,
            sop_wait_minutes=wait,
            sop_service_minutes=service,
        )
    Counter.objects.create(office=office, number="1", name="Informasi", is_priority=False)
    Counter.objects.create(office=office, number="2", name="Prioritas", is_priority=True)
    return office


@pytest.fixture
def questions(office, office_wita):
    return {
        "national": Question.objects.create(
            office=None,
            sort_order=1,
            question_id="Apakah biaya dikembalikan jika ditolak?",
            answer_id="Tidak, biaya PNBP tidak dikembalikan.",
            question_en="Is the fee refunded after a refusal?",
            answer_en="No, the PNBP fee is not refunded.",
        ),
        "office": Question.objects.create(
            office=office,
            sort_order=1,
            question_id="Di mana tempat parkir kendaraan?",
            answer_id="Parkir di halaman belakang kantor.",
        ),
        "other_office": Question.objects.create(
            office=office_wita,
            sort_order=1,
            question_id="Apakah ada layanan jemput bola di Kupang?",
            answer_id="Ya, hubungi kantor.",
        ),
        "draft": Question.objects.create(
            office=None,
            sort_order=2,
            question_id="Draf paspor rahasia",
            answer_id="Belum terbit.",
            is_published=False,
        ),
    }
