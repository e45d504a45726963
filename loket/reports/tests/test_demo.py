import pytest
from django.core.management import call_command

from loket.offices.models import Office, Question
from loket.reports.selectors import questions_search, service_standard


@pytest.mark.django_db
def test_demo_fills_facilities_pledge_and_questions_idempotently():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    count = Question.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Question.objects.count() == count >= 4
    clp = Office.objects.get(code="CLP")
    std = service_standard(office=clp)
    assert std.pledge and std.map_url.startswith("https://www.openstreetmap.org/?mlat=")
    assert all(f.available for f in std.facilities)
    tul = Office.objects.get(code="TUL")
    assert "search?query=" in service_standard(office=tul).map_url
    assert len(questions_search(office=clp, english=True)) == 4
