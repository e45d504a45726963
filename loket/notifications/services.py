"""Enqueue notifications (inside the caller's transaction) and send what is due."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loket.notifications.adapters import DeliveryError, Outgoing, deliver
from loket.notifications.choices import OutboxStatus
from loket.notifications.models import OutboxMessage

# A claimed message whose sender died is picked up again after this long.
CLAIM_SECONDS = 120


def notification_enqueue(
    *,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    dedupe_key: str | None = None,
    office_code: str = "",
) -> OutboxMessage:
    """Add a message to the outbox. With a `dedupe_key` seen before, return that message."""
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                channel=channel,
                recipient=recipient,
                subject=subject[:200],
                body=body,
                dedupe_key=dedupe_key,
                office_code=office_code,
            )
    except IntegrityError:
        # Another request enqueued the same key a moment ago.
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** (attempts - 1)))


def _claim(batch: int) -> list[OutboxMessage]:
    """Mark up to `batch` due messages as ours, so a second sender skips them."""
    now = timezone.now()
    claimed: list[OutboxMessage] = []
    with transaction.atomic():
        due = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(next_attempt_at__lte=now)
            .filter(
                Q(status=OutboxStatus.PENDING)
                | Q(status=OutboxStatus.SENDING, claimed_until__lt=now)
            )
            .order_by("next_attempt_at", "id")[:batch]
        )
        for message in due:
            # Conditional update: on SQLite (no SKIP LOCKED) only one sender wins a row.
            won = OutboxMessage.objects.filter(
                pk=message.pk, status=message.status, attempts=message.attempts
            ).update(
                status=OutboxStatus.SENDING,
                claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS),
                attempts=message.attempts + 1,
            )
            if won:
                message.attempts += 1
                claimed.append(message)
    return claimed


def outbox_send_due(*, batch: int = 100) -> dict[str, int]:
    """Send every due message once; safe to run in several processes at the same time."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for message in _claim(batch):
        try:
            deliver(Outgoing(message.channel, message.recipient, message.subject, message.body))
        except DeliveryError as exc:
            final = exc.permanent or message.attempts >= OutboxMessage.MAX_ATTEMPTS
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
                last_error=str(exc)[:1000],
                next_attempt_at=timezone.now() + _backoff(message.attempts),
                claimed_until=None,
            )
            counts["failed" if final else "retry"] += 1
        else:
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
            )
            counts["sent"] += 1
    return counts
