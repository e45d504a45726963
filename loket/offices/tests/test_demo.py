import pytest
from django.core.management import call_command

from loket.core.choices import Role
from loket.core.models import User
from loket.offices.models import Counter, DailyQuota, Office, StaffRole


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = [
        Office.objects.count(),
        Counter.objects.count(),
        DailyQuota.objects.count(),
        User.objects.count(),
        StaffRole.objects.count(),
    ]
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == [
        Office.objects.count(),
        Counter.objects.count(),
        DailyQuota.objects.count(),
        User.objects.count(),
        StaffRole.objects.count(),
    ]
    zones = set(Office.objects.values_list("timezone", flat=True))
    assert {"Asia/Jakarta", "Asia/Makassar"} <= zones
    assert set(StaffRole.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(kind="applicant").exists()
