import datetime as dt

import pytest

from loket.core.choices import Role
from loket.pickup.tests.factories import drive_thru_office, ready_application

# Monday 10 March 2025, 08:00 WIB; Wednesday 12 March is a working day.
NOW = "2025-03-10 08:00 +07:00"
WED = dt.date(2025, 3, 12)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def office(office_wib, now):
    return drive_thru_office(office_wib)


@pytest.fixture
def application(office):
    return ready_application(office)


@pytest.fixture
def officer(office, make_staff):
    return make_staff(Role.PICKUP, office)
