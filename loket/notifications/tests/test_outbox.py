import threading

import pytest
from django.db import connection, transaction

from loket.notifications.adapters import SimulatedGateway
from loket.notifications.choices import Channel, OutboxStatus
from loket.notifications.models import OutboxMessage
from loket.notifications.services import notification_enqueue, outbox_send_due


@pytest.mark.django_db
class TestEmail:
    def test_sent_over_real_smtp(self, smtp_server):
        with transaction.atomic():
            notification_enqueue(
                channel=Channel.EMAIL,
                recipient="pemohon@example.test",
                subject="Kode verifikasi",
                body="Kode Anda: 123456",
            )
        assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
        assert len(smtp_server.messages) == 1
        _from, to, content = smtp_server.messages[0]
        assert to == ["pemohon@example.test"]
        assert b"123456" in content
        assert OutboxMessage.objects.get().status == OutboxStatus.SENT
        # Nothing is sent twice.
        assert outbox_send_due() == {"sent": 0, "retry": 0, "failed": 0}
        assert len(smtp_server.messages) == 1

    def test_smtp_down_is_retried_later(self, settings, time_machine):
        time_machine.move_to("2026-11-25 08:00 +07:00")
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
        notification_enqueue(channel=Channel.EMAIL, recipient="a@example.test", body="x")
        assert outbox_send_due()["retry"] == 1
        message = OutboxMessage.objects.get()
        assert message.status == OutboxStatus.PENDING and "SMTP" in message.last_error
        assert outbox_send_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
        time_machine.shift(31)
        assert outbox_send_due()["retry"] == 1
        assert OutboxMessage.objects.get().attempts == 2


@pytest.mark.django_db
class TestGatewaySimulator:
    def setup_method(self):
        SimulatedGateway.sent.clear()
        SimulatedGateway._flaky_seen.clear()

    def test_sms_through_the_simulator(self):
        notification_enqueue(channel=Channel.SMS, recipient="081234567890", body="Antrean A012")
        assert outbox_send_due()["sent"] == 1
        assert SimulatedGateway.sent[0].body == "Antrean A012"

    def test_permanent_failure_is_not_retried(self):
        notification_enqueue(channel=Channel.WHATSAPP, recipient="081200000000", body="x")
        assert outbox_send_due()["failed"] == 1
        assert OutboxMessage.objects.get().status == OutboxStatus.FAILED

    def test_temporary_failure_then_success(self, time_machine):
        time_machine.move_to("2026-11-25 08:00 +07:00")
        notification_enqueue(channel=Channel.SMS, recipient="081299999999", body="x")
        assert outbox_send_due()["retry"] == 1
        time_machine.shift(60)
        assert outbox_send_due()["sent"] == 1

    def test_gives_up_after_max_attempts(self, time_machine, settings):
        time_machine.move_to("2026-11-25 08:00 +07:00")
        settings.LOKET_SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
        notification_enqueue(channel=Channel.SMS, recipient="081234567890", body="x")
        for _ in range(OutboxMessage.MAX_ATTEMPTS):
            outbox_send_due()
            time_machine.shift(3601)
        message = OutboxMessage.objects.get()
        assert message.status == OutboxStatus.FAILED
        assert message.attempts == OutboxMessage.MAX_ATTEMPTS
        assert "unreachable" in message.last_error


@pytest.mark.django_db
def test_dedupe_key_makes_enqueue_idempotent():
    first = notification_enqueue(channel=Channel.SMS, recipient="0812", body="a", dedupe_key="k1")
    second = notification_enqueue(channel=Channel.SMS, recipient="0812", body="a", dedupe_key="k1")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_enqueued_message_rolls_back_with_its_change():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        notification_enqueue(channel=Channel.SMS, recipient="0812", body="a")
        1 / 0  # noqa: B018
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_message_once():
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED concurrency is proven on PostgreSQL; SQLite serialises writers")
    SimulatedGateway.sent.clear()
    for i in range(60):
        notification_enqueue(channel=Channel.SMS, recipient=f"08120000{i:04d}1", body=str(i))
    barrier = threading.Barrier(4)

    def sender():
        barrier.wait()
        try:
            while outbox_send_due(batch=5)["sent"]:
                pass
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bodies = sorted(int(m.body) for m in SimulatedGateway.sent)
    assert bodies == list(range(60))
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 60
