"""Quota release, capacity rows, bookings and their holds.

Capacity is many rows (office × date × session × category), never one hot counter, and
a place is taken with one conditional UPDATE (style rule 6); CHECK constraints are the
last guard against a counter leaving [0, capacity].
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.booking.choices import (
    ACTIVE,
    AllocationMode,
    BallotOutcome,
    BookingStatus,
    EventKind,
    ReleaseKind,
)
from loket.core.models import TimeStampedModel
from loket.offices.choices import WEEKDAYS, QuotaCategory

# An unambiguous alphabet for codes read aloud and typed at a kiosk: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


class ReleaseRule(TimeStampedModel):
    """When an office opens its quota for booking, in the office's local time.

    Weekly: every `weekday` at `time`, the next `periods_ahead` calendar weeks (Monday to
    Sunday) after the current one open (e.g. Friday 14:00, 1: next week). Monthly: on the
    last working day of each month at `time`, the next `periods_ahead` months open.
    """

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="release_rule"
    )
    kind = models.CharField(_("schedule"), max_length=8, choices=ReleaseKind.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday (weekly)"), choices=WEEKDAYS, default=4)
    time = models.TimeField(_("release time (local)"))
    periods_ahead = models.PositiveSmallIntegerField(
        _("weeks or months released"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    allocation = models.CharField(
        _("allocation"), max_length=8, choices=AllocationMode.choices, default=AllocationMode.FCFS
    )
    prequeue_minutes = models.PositiveSmallIntegerField(
        _("pre-queue (minutes before release)"),
        default=15,
        help_text=_("Who arrives in these minutes before the release is put in random order."),
    )

    class Meta:
        verbose_name = _("quota release rule")
        verbose_name_plural = _("quota release rules")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="release_weekday_valid"),
            models.CheckConstraint(
                condition=Q(periods_ahead__gte=1, periods_ahead__lte=8),
                name="release_periods_range",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ReleaseKind.WEEKLY:
            return f"{self.office.code}: {self.get_weekday_display()} {self.time:%H:%M} +{self.periods_ahead}w"
        return f"{self.office.code}: last working day {self.time:%H:%M} +{self.periods_ahead}m"


class SlotCapacity(models.Model):
    """Places of one category in one session of one date, materialised from DailyQuota."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="slots")
    date = models.DateField(_("date"))
    session = models.ForeignKey(
        "offices.ServiceSession", on_delete=models.PROTECT, related_name="slots"
    )
    category = models.CharField(_("category"), max_length=16, choices=QuotaCategory.choices)
    capacity = models.PositiveIntegerField(_("places"))
    used = models.PositiveIntegerField(_("taken"), default=0)
    created_at = models.DateTimeField(_("released at"), default=timezone.now)

    class Meta:
        verbose_name = _("slot capacity")
        verbose_name_plural = _("slot capacities")
        ordering = ["office", "date", "session__starts", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date", "session", "category"], name="slot_unique"
            ),
            models.CheckConstraint(condition=Q(used__lte=F("capacity")), name="slot_not_over"),
            models.CheckConstraint(condition=Q(used__gte=0), name="slot_used_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {self.session_id} {self.category}: {self.used}/{self.capacity}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.used)


class Booking(TimeStampedModel):
    """A visit booked for one application: held until paid, then confirmed.

    `holds_place` is True while the booking counts in its slot's `used`; the invariant
    slot.used == bookings of the slot with holds_place is what the concurrency tests check.
    """

    code = models.CharField(_("booking code"), max_length=CODE_LENGTH, unique=True)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="bookings"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(SlotCapacity, on_delete=models.PROTECT, related_name="bookings")
    category = models.CharField(_("category"), max_length=16, choices=QuotaCategory.choices)
    nik = models.CharField(_("NIK"), max_length=16)
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.HELD
    )
    holds_place = models.BooleanField(default=True)
    bill = models.OneToOneField(
        "payments.Bill", on_delete=models.PROTECT, related_name="booking", null=True, blank=True
    )
    hold_expires_at = models.DateTimeField(_("pay before"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    place_returns_at = models.DateTimeField(_("place returns at"), null=True, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(_("reschedules"), default=0)

    # Set by booking_create on a replayed request (same idempotency key); not stored.
    replayed = False

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "hold_expires_at"]),
            models.Index(fields=["holds_place", "place_returns_at"]),
            models.Index(fields=["account", "-created_at"]),
        ]
        constraints = [
            # One active booking per person (brief §3); the last guard behind the check
            # in booking_create, and the one that holds under concurrent requests.
            models.UniqueConstraint(
                fields=["nik"],
                condition=Q(status__in=sorted(s.value for s in ACTIVE)),
                name="booking_one_active_per_nik",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(s.value for s in ACTIVE)) | Q(holds_place=True),
                name="booking_active_holds_place",
            ),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.EXPIRED) | Q(holds_place=False),
                name="booking_expired_released",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_status_display()})"


class BookingEvent(models.Model):
    """One change of a booking: from, to, who, when, why (style rule 5)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind} {self.from_status}->{self.to_status}"


class IdempotencyKey(models.Model):
    """A booking request seen before: a retry with the same key returns the first result.

    Only successful requests are kept; a refused one (full, unreleased ...) leaves no row,
    so retrying it asks again.
    """

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    response = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.key}"


# --- flash crowd: waiting room, pre-queue, ballot, abuse limits (issue #4) ------------------


class WaitingEntry(models.Model):
    """One account in an office's waiting room.

    `rank` orders the line: the join instant in microseconds since the epoch, or, for
    those who joined the pre-queue of `release_at`, a rank just below that instant given
    by the pre-queue draw (NULL until the draw). Everybody with rank <= the gate's
    `admitted_through` may take an admission token.
    """

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    release_at = models.DateTimeField(null=True, blank=True)
    rank = models.BigIntegerField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("waiting room entry")
        verbose_name_plural = _("waiting room entries")
        constraints = [
            models.UniqueConstraint(fields=["office", "account"], name="waiting_one_per_account")
        ]
        indexes = [
            models.Index(fields=["office", "rank"]),
            models.Index(fields=["office", "release_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.account_id} rank {self.rank}"


class AdmissionGate(models.Model):
    """The admission counter of one office's waiting room (advanced by a conditional UPDATE)."""

    office = models.OneToOneField("offices.Office", on_delete=models.CASCADE, related_name="+")
    admitted_through = models.BigIntegerField(default=0)
    refilled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("admission gate")
        verbose_name_plural = _("admission gates")

    def __str__(self) -> str:
        return f"{self.office_id} through {self.admitted_through}"


class AdmissionUse(models.Model):
    """A spent admission token; the unique nonce makes a token single-use."""

    nonce = models.CharField(max_length=32, unique=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("used admission token")
        verbose_name_plural = _("used admission tokens")

    def __str__(self) -> str:
        return self.nonce


class PrequeueDraw(models.Model):
    """The random order given to a release's pre-queue, with its seed (re-runnable)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    release_at = models.DateTimeField()
    seed = models.BigIntegerField()
    entries = models.JSONField(default=list, help_text="Entry ids in drawn order.")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pre-queue draw")
        verbose_name_plural = _("pre-queue draws")
        constraints = [
            models.UniqueConstraint(fields=["office", "release_at"], name="prequeue_draw_once")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.release_at:%Y-%m-%d %H:%M} seed {self.seed}"


class Ballot(models.Model):
    """Places of dates [first_date, last_date] handed out by a draw instead of FCFS."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=16, choices=QuotaCategory.choices)
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    opens_at = models.DateTimeField(_("requests from"))
    closes_at = models.DateTimeField(_("requests until"))
    seed = models.BigIntegerField(null=True, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["office", "first_date", "last_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_date__lte=F("last_date")), name="ballot_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="ballot_window"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.first_date}..{self.last_date}"


class BallotRequest(models.Model):
    """One person's entry in a ballot, with up to three (date, session) choices in order."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="requests")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    nik = models.CharField(_("NIK"), max_length=16)
    choices = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    rank = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(
        max_length=8, choices=BallotOutcome.choices, default=BallotOutcome.PENDING
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ballot request")
        verbose_name_plural = _("ballot requests")
        ordering = ["ballot", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "nik"], name="ballot_one_request_per_nik")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.nik} {self.outcome}"


class RateCounter(models.Model):
    """Requests of one key (scope:identity) in one fixed window; shared by every process."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"


class AutomationSignal(models.Model):
    """A hint that a client is a script (limit hit, superhuman speed ...), for review."""

    kind = models.CharField(max_length=32)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nik = models.CharField(max_length=16, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("automation signal")
        verbose_name_plural = _("automation signals")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.account_id or ''} {self.ip or ''}"
