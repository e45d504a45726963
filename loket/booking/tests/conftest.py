import datetime as dt

import pytest

from loket.booking.tests.factories import book_for, setup_booking_office, verified_application

# Monday 10 March 2025, 10:00 WIB: the week of 10–16 March opened on Friday 7 March 14:00.
NOW = "2025-03-10 10:00 +07:00"
WED = dt.date(2025, 3, 12)
THU = dt.date(2025, 3, 13)
NEXT_WED = dt.date(2025, 3, 19)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def office(office_wib):
    setup_booking_office(office_wib)
    return office_wib


@pytest.fixture
def application(office, now):
    return verified_application(office=office)


@pytest.fixture
def book():
    """book(application, day=WED, session="pagi", key=None) -> Booking."""

    def _book(application, day=WED, session="pagi", key=None):
        return book_for(application, day, session, key)

    return _book
