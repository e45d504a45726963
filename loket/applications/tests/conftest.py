"""Shared by the workflow tests: a Tuesday morning in WIB with no holiday near it, and
every officer role of an office."""

import datetime as dt
import zoneinfo

import pytest

from loket.core.choices import Role

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2025, 2, 4, 8, 30, tzinfo=WIB)  # Tuesday
OFFICE_ROLES = [
    Role.FRONT_DESK,
    Role.INTERVIEWER,
    Role.BIOMETRICS,
    Role.BAP_EXAMINER,
    Role.ADJUDICATOR,
    Role.PRINTING,
    Role.QC,
    Role.KASUBSI,
    Role.KASI,
    Role.HEAD_OF_OFFICE,
]


@pytest.fixture
def now(time_machine):
    """Time stands still at NOW (a test file may define its own `now`)."""
    time_machine.move_to(NOW, tick=False)
    return NOW
