"""Officer-assisted entry uses the same validation as the online wizard: the same input
gets the same field errors through both channels, and a valid one the same saved data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from loket.applications.models import Application
from loket.applications.tests.test_services import STEP1, STEP2
from loket.core.models import AuditEntry
from loket.core.tests.factories import ApplicantFactory
from loket.queueing.models import Ticket

BAD_INPUTS = [
    {"nik": "3273011705900012"},  # a man's NIK for a woman
    {"nik": "9973015705900012"},  # no such province
    {"kk_number": "123"},
    {"birth_date": "1990-02-30"},
    {"phone": "12345"},
]


def errors_in(response) -> set[str]:
    return set(response.context["form"].errors)


def online_step2(client, data):
    user = ApplicantFactory(email_verified_at=timezone.now())
    client.force_login(user)
    client.post(reverse("applications:new"))
    application = Application.objects.get(account=user)
    client.post(
        reverse("applications:step", args=[application.public_id, 1]), {**STEP1, "office": "CLP"}
    )
    return client.post(reverse("applications:step", args=[application.public_id, 2]), data)


def assisted_step2(client, hall, data):
    client.force_login(hall["desk"])
    response = client.post(reverse("queueing:assisted_new", args=[hall["office"].code]))
    public_id = response["Location"].split("/")[-4]
    client.post(reverse("queueing:assisted_step", args=[public_id, 1]), STEP1)
    return client.post(reverse("queueing:assisted_step", args=[public_id, 2]), data), public_id


@pytest.mark.django_db
@pytest.mark.parametrize("change", BAD_INPUTS)
def test_same_errors_through_both_channels(client, hall, change):
    data = {**STEP2, **change}
    online = online_step2(client, data)
    assisted, _public_id = assisted_step2(client, hall, data)
    assert online.status_code == assisted.status_code == 400
    assert errors_in(online) == errors_in(assisted) != set()
    field = next(iter(change))
    assert online.context["form"].errors[field] == assisted.context["form"].errors[field]


@pytest.mark.django_db
def test_assisted_entry_to_ticket(client, hall):
    response, public_id = assisted_step2(client, hall, STEP2)
    assert response.status_code == 302
    application = Application.objects.get(public_id=public_id)
    assert (application.channel, application.account, application.created_by) == (
        "assisted",
        None,
        hall["desk"],
    )
    assert application.nik == STEP2["nik"]
    page = client.get(reverse("queueing:assisted_step", args=[public_id, 2]))
    assert page.status_code == 200
    assert AuditEntry.objects.filter(
        action="personal_data.view", target_id=str(application.pk)
    ).exists()
    ticket_url = reverse("queueing:assisted_ticket", args=[public_id])
    issued = client.post(ticket_url, {"lane": hall["lanes"]["A"].pk, "holder_name": ""})
    assert issued.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.application_id, ticket.holder_name) == (application.pk, "Siti Aminah")


@pytest.mark.django_db
def test_other_office_cannot_open_an_assisted_application(client, hall, make_staff):
    from loket.core.choices import Role
    from loket.offices.tests.factories import OfficeFactory

    _response, public_id = assisted_step2(client, hall, STEP2)
    client.force_login(make_staff(Role.FRONT_DESK, OfficeFactory(code="ZZZ")))
    assert client.get(reverse("queueing:assisted_step", args=[public_id, 2])).status_code == 404
