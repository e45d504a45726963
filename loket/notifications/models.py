"""The one outbox every notification goes through."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.notifications.choices import Channel, OutboxStatus


class OutboxMessage(models.Model):
    """A message to send, written in the same transaction as the change it announces.

    A sender (`manage.py send_outbox`) claims due rows, sends them and records the
    outcome; failures are retried with back-off until `MAX_ATTEMPTS`. `dedupe_key`
    makes enqueueing idempotent (a retried request does not notify twice).
    """

    MAX_ATTEMPTS = 6

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    # NULL, not "", for "no key": the unique constraint must not treat two keyless rows as equal.
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, null=True, blank=True)  # noqa: DJ001
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    office_code = models.CharField(_("office"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="outbox_dedupe_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}: {self.subject or self.body[:40]}"
