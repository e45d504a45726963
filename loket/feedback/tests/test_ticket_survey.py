"""The IKM survey offered from a finished ticket's status page: one answer per visit."""

import pytest
from django.urls import reverse

from loket.offices.models import Stage
from loket.queueing.models import Lane, Ticket
from loket.queueing.services import queue_setup


@pytest.fixture
def ticket(office_wib):
    queue_setup(office_wib)
    stage = Stage.objects.create(
        office=office_wib,
        code="document_check",
        sequence=1,
        sop_wait_minutes=30,
        sop_service_minutes=10,
    )
    lane = Lane.objects.get(office=office_wib, prefix="A")
    return Ticket.objects.create(
        office=office_wib, day="2026-11-25", lane=lane, number=1, stage=stage
    )


@pytest.mark.django_db
def test_survey_opens_only_after_the_visit(client, ticket):
    url = reverse("feedback:survey_for_ticket", args=[ticket.status_token])
    assert client.get(url).status_code == 409
    Ticket.objects.filter(pk=ticket.pk).update(status="done")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/survei/")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_status_page_links_to_the_survey_when_done(client, ticket):
    status_url = reverse("queueing:status", args=[ticket.status_token])
    assert "survey-link" not in client.get(status_url).content.decode()
    Ticket.objects.filter(pk=ticket.pk).update(status="done")
    assert "survey-link" in client.get(status_url).content.decode()


@pytest.mark.django_db
def test_unknown_ticket_is_404(client):
    assert client.get(reverse("feedback:survey_for_ticket", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_ready_for_pickup_email_link_opens_one_survey(client, office_wib):
    from loket.applications.tests.factories import ApplicationFactory
    from loket.applications.workflow import survey_link

    application = ApplicationFactory(office=office_wib)
    link = survey_link(application)
    path = link[link.index("/survei/") :]
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/survei/")
    assert client.get(path[:-3] + "xyz/").status_code == 404  # tampered signature
