"""The visit inside the office: lanes, tickets, counters in use, and every step timed."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.queueing.choices import (
    POLICY_CHOICES,
    DisabilityType,
    EventKind,
    PriorityCategory,
    ServiceClass,
    TicketStatus,
)


def _token() -> str:
    return secrets.token_urlsafe(16)


class QueueConfig(models.Model):
    """How an office runs its queue."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="queue_config"
    )
    policy = models.CharField(
        _("call-next policy"), max_length=20, choices=POLICY_CHOICES, default="weighted"
    )
    max_wait_minutes = models.PositiveIntegerField(
        _("longest wait before any ticket goes first (minutes)"),
        default=45,
        help_text=_(
            "Ageing: no regular ticket waits longer than this at a stage while others are called."
        ),
    )
    burst = models.PositiveSmallIntegerField(
        _("priority and percepatan tickets in a row before a regular one"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    no_show_after_calls = models.PositiveSmallIntegerField(
        _("calls before a ticket is marked no-show"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    young_child_age = models.PositiveSmallIntegerField(
        _("young children up to this age are priority"),
        default=5,
        validators=[MaxValueValidator(12)],
    )
    display_key = models.CharField(_("display key"), max_length=40, default=_token)

    class Meta:
        verbose_name = _("queue settings")
        verbose_name_plural = _("queue settings")

    def __str__(self) -> str:
        return f"{self.office.code}: {self.policy}"


class Lane(models.Model):
    """A lane with its number prefix (A regular, B percepatan, C priority, ...)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="lanes")
    prefix = models.CharField(
        _("prefix"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("One or two capital letters."))],
    )
    name = models.CharField(_("name"), max_length=60)
    service_class = models.CharField(
        _("service class"), max_length=12, choices=ServiceClass.choices
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lane")
        verbose_name_plural = _("lanes")
        ordering = ["office", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["office", "prefix"], name="lane_unique_prefix")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.name}"


class CounterLane(models.Model):
    """Which lanes a counter calls from (all lanes when a counter has none)."""

    counter = models.ForeignKey(
        "offices.Counter", on_delete=models.CASCADE, related_name="lane_links"
    )
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="counter_links")

    class Meta:
        verbose_name = _("counter lane")
        verbose_name_plural = _("counter lanes")
        constraints = [
            models.UniqueConstraint(fields=["counter", "lane"], name="counter_lane_unique")
        ]

    def __str__(self) -> str:
        return f"{self.counter} ← {self.lane}"


class NumberSequence(models.Model):
    """The last number issued per office, day and lane."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "lane"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.lane_id}: {self.last}"


class WalkInCount(models.Model):
    """Walk-in places used per office, day and quota category (taken by conditional update)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    category = models.CharField(max_length=16)
    capacity = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "category"], name="walk_in_count_unique"
            ),
            models.CheckConstraint(
                condition=Q(used__lte=models.F("capacity")), name="walk_in_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.category}: {self.used}/{self.capacity}"


class Ticket(models.Model):
    """One visitor's ticket, following them through every stage of the visit."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"))
    lane = models.ForeignKey(Lane, on_delete=models.PROTECT, related_name="tickets")
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    stage = models.ForeignKey("offices.Stage", on_delete=models.PROTECT, related_name="tickets")
    stage_entered_at = models.DateTimeField(default=timezone.now)
    arrived_at = models.DateTimeField(default=timezone.now)
    counter = models.ForeignKey(
        "offices.Counter", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    calls = models.PositiveSmallIntegerField(_("calls at this stage"), default=0)
    needs_bap = models.BooleanField(_("needs BAP"), default=False)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    booking_code = models.CharField(_("booking code"), max_length=16, blank=True)
    holder_name = models.CharField(_("name"), max_length=150, blank=True)
    priority_category = models.CharField(
        _("priority category"), max_length=16, choices=PriorityCategory.choices, blank=True
    )
    disability_type = models.CharField(
        _("disability"), max_length=16, choices=DisabilityType.choices, blank=True
    )
    assistance_note = models.CharField(_("assistance to prepare"), max_length=200, blank=True)
    companion_name = models.CharField(_("companion (same family card)"), max_length=150, blank=True)
    # A booked visitor who comes early waits for their booked time, not before it.
    appointment_at = models.DateTimeField(_("booked time"), null=True, blank=True)
    # "Tell me when my turn is near" from the status page: how many ahead, and where to.
    notify_when_ahead = models.PositiveSmallIntegerField(null=True, blank=True)
    notify_to = models.CharField(max_length=254, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    status_token = models.CharField(max_length=40, default=_token, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["day", "arrived_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "lane", "number"], name="ticket_unique_number"
            ),
            # A booking gives one ticket per day: typing the code twice returns the same ticket.
            models.UniqueConstraint(
                fields=["office", "day", "booking_code"],
                condition=~Q(booking_code=""),
                name="ticket_unique_booking_per_day",
            ),
        ]
        indexes = [models.Index(fields=["office", "day", "stage", "status"])]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.lane.prefix}{self.number:03d}"

    @property
    def service_class(self) -> str:
        return self.lane.service_class


class TicketEvent(models.Model):
    """Every step of a ticket, with who did it and when; waiting and service times,
    SOP compliance and the simulator's calibration are computed from these rows (the
    seconds of a wait or a service are measured once, on the event that ends it)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    stage = models.ForeignKey("offices.Stage", on_delete=models.PROTECT, related_name="+")
    # The lane the ticket was in at that moment (a transfer may change it), as ``stage``.
    lane = models.ForeignKey(Lane, on_delete=models.PROTECT, null=True, related_name="+")
    counter = models.ForeignKey(
        "offices.Counter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.CharField(max_length=200, blank=True)
    # Measured as the event is written (queueing/timing.py): on the first call at a stage,
    # the seconds waited since entering it; on the first finish, the seconds served there
    # (start to the next event, parked time left out).
    seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # Covering: the dashboard's times, throughput and counter use are read from
            # this index alone (PostgreSQL: an index-only scan of a year's calls and
            # finishes at an office's stages).
            models.Index(
                fields=["stage", "kind", "at"],
                include=["lane", "seconds", "actor", "counter"],
                name="ticketevent_stage_kind_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.lane_id is None and self.ticket_id is not None:
            self.lane_id = self.ticket.lane_id
        super().save(*args, **kwargs)


class CounterSession(models.Model):
    """An officer signed in at a counter."""

    counter = models.ForeignKey(
        "offices.Counter", on_delete=models.CASCADE, related_name="sessions_worked"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["counter"],
                condition=Q(ended_at__isnull=True),
                name="one_officer_per_open_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter} {self.officer_id}"


class StageState(models.Model):
    """Per office and stage: a policy that overrides the office's, and what the policy
    remembers between calls (the weighted streak)."""

    stage = models.OneToOneField(
        "offices.Stage", on_delete=models.CASCADE, related_name="queue_state"
    )
    policy = models.CharField(
        _("call-next policy for this stage"),
        max_length=20,
        choices=POLICY_CHOICES,
        blank=True,
        help_text=_("Empty: the office's policy."),
    )
    streak = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("stage queue settings")
        verbose_name_plural = _("stage queue settings")

    def __str__(self) -> str:
        return f"{self.stage}: {self.streak}"
