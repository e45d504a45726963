import pytest
from django.urls import reverse

from loket.offices.choices import StageCode
from loket.queueing.models import QueueConfig, Ticket


@pytest.mark.django_db
class TestQueuePages:
    def test_walk_in_counter_status_and_display(self, client, hall):
        office = hall["office"]
        client.force_login(hall["desk"])
        url = reverse("queueing:front_desk", args=[office.code])
        assert client.get(url).status_code == 200
        bad = client.post(
            url, {"form": "walk_in", "lane": hall["lanes"]["C"].pk, "holder_name": "Ibu Tini"}
        )
        assert bad.status_code == 400 and not Ticket.objects.exists()
        response = client.post(
            url,
            {
                "form": "walk_in",
                "lane": hall["lanes"]["C"].pk,
                "holder_name": "Ibu Tini",
                "priority_category": "elderly",
            },
        )
        ticket = Ticket.objects.get()
        assert response["Location"] == reverse("queueing:ticket_print", args=[ticket.pk])
        printed = client.get(response["Location"] + "?w=58").content.decode()
        assert "C001" in printed and "58mm" in printed.replace(" ", "")

        status_url = reverse("queueing:status", args=[ticket.status_token])
        assert "C001" in client.get(status_url).content.decode()

        client.force_login(hall["officers"][0])
        counter_url = reverse("queueing:counter", args=[hall["counters"][0].pk])
        stage = hall["stages"][StageCode.DOCUMENT_CHECK]
        client.post(counter_url, {"action": "call", "stage": stage.pk})
        ticket.refresh_from_db()
        assert ticket.status == "called" and ticket.counter == hall["counters"][0]

        key = QueueConfig.objects.get(office=office).display_key
        board = client.get(
            reverse("queueing:display", args=[office.code]), {"key": key}
        ).content.decode()
        assert "C001" in board
        assert "Nomor antrian C nol nol satu, silakan ke loket satu." in board
        assert (
            client.get(
                reverse("queueing:display", args=[office.code]), {"key": "wrong"}
            ).status_code
            == 404
        )

        client.post(counter_url, {"action": "start", "ticket": ticket.pk})
        client.post(counter_url, {"action": "finish", "ticket": ticket.pk})
        ticket.refresh_from_db()
        assert (ticket.stage.code, ticket.status) == (StageCode.INTERVIEW, "waiting")

    def test_counter_errors_are_messages_not_crashes(self, client, hall):
        client.force_login(hall["officers"][0])
        counter_url = reverse("queueing:counter", args=[hall["counters"][0].pk])
        response = client.post(counter_url, {"action": "start", "ticket": 999999}, follow=True)
        assert response.status_code == 404
        response = client.post(counter_url, {"action": "bogus"}, follow=True)
        assert response.status_code == 200

    def test_other_office_counter_is_404(self, client, hall, make_staff):
        from loket.core.choices import Role
        from loket.offices.tests.factories import OfficeFactory

        client.force_login(make_staff(Role.INTERVIEWER, OfficeFactory(code="ZZZ")))
        assert (
            client.get(reverse("queueing:counter", args=[hall["counters"][0].pk])).status_code
            == 404
        )
        assert (
            client.get(reverse("queueing:front_desk", args=[hall["office"].code])).status_code
            == 404
        )

    def test_unknown_status_token_is_404(self, client):
        assert client.get(reverse("queueing:status", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_supervisor_closes_and_opens_a_counter(client, hall, make_staff):
    from loket.core.choices import Role
    from loket.queueing.models import CounterSession

    counter = hall["counters"][2]
    client.force_login(hall["desk"])
    client.post(reverse("queueing:counter_toggle", args=[counter.pk]), {"active": "0"})
    counter.refresh_from_db()
    assert counter.is_active  # a front-desk officer may not
    client.force_login(make_staff(Role.KASI, hall["office"]))
    assert (
        'data-testid="toggle-3"'
        in client.get(reverse("queueing:front_desk", args=[hall["office"].code])).content.decode()
    )
    client.post(reverse("queueing:counter_toggle", args=[counter.pk]), {"active": "0"})
    counter.refresh_from_db()
    assert not counter.is_active
    assert not CounterSession.objects.filter(counter=counter, ended_at__isnull=True).exists()
    client.post(reverse("queueing:counter_toggle", args=[counter.pk]), {"active": "1"})
    counter.refresh_from_db()
    assert counter.is_active
