"""Pickup of a ready passport: the holder's choice, drive-thru schedule and places,
courier fees, and the one handover of each passport.

Drive-thru places are rows (office x date x start x lane) taken with one conditional
UPDATE (style rule 6), as in booking; CHECK constraints keep `used` in [0, capacity]
and a unique handover per application guarantees a passport leaves the office once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.models import TimeStampedModel
from loket.pickup.choices import (
    ACTIVE,
    ChoiceStatus,
    Lane,
    Method,
    ProxyBasis,
    ReceivedBy,
)

weekdays_validator = RegexValidator(
    r"^[0-6]{1,7}$", _("Digits 0 (Monday) to 6 (Sunday), e.g. 01234.")
)


class DriveThruSchedule(TimeStampedModel):
    """When an office runs its drive-thru and how many vehicles a day each lane takes.

    The default of 20 vehicles a day is Jambi's (issue #7, brief S3), split by lane."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="drive_thru_schedule"
    )
    weekdays = models.CharField(
        _("days (0 = Monday)"), max_length=7, default="01234", validators=[weekdays_validator]
    )
    opens = models.TimeField(_("opens"), default=dt.time(9))
    closes = models.TimeField(_("closes"), default=dt.time(15))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    car_per_day = models.PositiveSmallIntegerField(_("cars a day"), default=10)
    motorbike_per_day = models.PositiveSmallIntegerField(_("two-wheelers a day"), default=10)
    days_ahead = models.PositiveSmallIntegerField(_("bookable days ahead"), default=14)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("drive-thru schedule")
        verbose_name_plural = _("drive-thru schedules")
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="drive_thru_hours"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="drive_thru_slot_min"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.weekdays} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def per_day(self, lane: str) -> int:
        return self.car_per_day if lane == Lane.CAR else self.motorbike_per_day

    def starts(self) -> list[dt.time]:
        """Slot start times from opening to closing (a last, shorter slot is dropped)."""
        day = dt.date(2000, 1, 1)
        at = dt.datetime.combine(day, self.opens)
        end = dt.datetime.combine(day, self.closes)
        step = dt.timedelta(minutes=self.slot_minutes)
        out = []
        while at + step <= end:
            out.append(at.time())
            at += step
        return out


class DriveThruSlot(models.Model):
    """Places of one lane in one drive-thru slot of one date."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="drive_thru_slots"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))
    lane = models.CharField(_("lane"), max_length=12, choices=Lane.choices)
    capacity = models.PositiveIntegerField(_("places"))
    used = models.PositiveIntegerField(_("taken"), default=0)

    class Meta:
        verbose_name = _("drive-thru slot")
        verbose_name_plural = _("drive-thru slots")
        ordering = ["office", "date", "start", "lane"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date", "start", "lane"], name="drive_thru_slot_unique"
            ),
            models.CheckConstraint(
                condition=Q(used__lte=F("capacity")), name="drive_thru_slot_not_over"
            ),
            models.CheckConstraint(condition=Q(used__gte=0), name="drive_thru_slot_used_min"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {self.start:%H:%M} {self.lane}: {self.used}/{self.capacity}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.used)


class CourierPartner(models.Model):
    """A courier company the offices work with (configurable, issue #7 §4)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    tracking_url = models.CharField(
        _("tracking URL"),
        max_length=200,
        blank=True,
        help_text=_("With {number} where the tracking number goes."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("courier partner")
        verbose_name_plural = _("courier partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourierFee(models.Model):
    """What a partner charges from an office to a province; a blank province is the
    partner's fee for anywhere not listed."""

    partner = models.ForeignKey(CourierPartner, on_delete=models.CASCADE, related_name="fees")
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    province = models.CharField(_("destination province"), max_length=100, blank=True)
    fee = models.PositiveIntegerField(_("fee (rupiah)"))

    class Meta:
        verbose_name = _("courier fee")
        verbose_name_plural = _("courier fees")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "office", "province"], name="courier_fee_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.office_id} {self.province or '*'}: {self.fee}"


class PickupChoice(TimeStampedModel):
    """How the holder of a ready passport collects it; one active choice per application.

    `holds_place` is True while a drive-thru choice counts in its slot's `used`; the
    concurrency tests check slot.used == choices of the slot that hold a place."""

    code = models.CharField(_("pickup code"), max_length=8, unique=True)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="pickup_choices"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ChoiceStatus.choices, default=ChoiceStatus.CHOSEN
    )
    # drive-thru
    slot = models.ForeignKey(
        DriveThruSlot, on_delete=models.PROTECT, null=True, blank=True, related_name="choices"
    )
    holds_place = models.BooleanField(default=False)
    vehicle = models.CharField(_("vehicle"), max_length=12, choices=Lane.choices, blank=True)
    plate = models.CharField(_("plate number"), max_length=12, blank=True, db_index=True)
    walk_up = models.BooleanField(_("arrived without booking"), default=False)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    # proxy
    proxy_name = models.CharField(_("proxy's name"), max_length=150, blank=True)
    proxy_nik = models.CharField(_("proxy's NIK"), max_length=16, blank=True)
    proxy_kk_number = models.CharField(_("proxy's family card number"), max_length=16, blank=True)
    proxy_basis = models.CharField(
        _("proxy basis"), max_length=20, choices=ProxyBasis.choices, blank=True
    )
    proxy_document = models.CharField(max_length=200, blank=True)
    proxy_document_sha256 = models.CharField(max_length=64, blank=True)
    # courier
    partner = models.ForeignKey(
        CourierPartner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.TextField(_("delivery address"), blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    courier_fee = models.PositiveIntegerField(_("courier fee (rupiah)"), null=True, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pickup choice")
        verbose_name_plural = _("pickup choices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=sorted(s.value for s in ACTIVE)),
                name="pickup_one_active_per_application",
            ),
            models.CheckConstraint(
                condition=Q(holds_place=False) | Q(slot__isnull=False),
                name="pickup_place_has_slot",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChoiceStatus.CANCELLED) | Q(holds_place=False),
                name="pickup_cancelled_released",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.method} ({self.get_status_display()})"


class PickupEvent(models.Model):
    """One change of a pickup choice: from, to, who, when, why (style rule 5)."""

    choice = models.ForeignKey(PickupChoice, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("pickup event")
        verbose_name_plural = _("pickup events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.choice_id} {self.kind} {self.from_status}->{self.to_status}"


class Handover(models.Model):
    """The passport left the office: to whom, on what evidence, by which officer.

    One per application (the unique key is the last guard against a second handover)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="handover"
    )
    choice = models.OneToOneField(PickupChoice, on_delete=models.PROTECT, related_name="handover")
    received_by = models.CharField(_("received by"), max_length=8, choices=ReceivedBy.choices)
    receiver_name = models.CharField(_("receiver's name"), max_length=150)
    identity_checked = models.BooleanField(_("identity document checked"), default=False)
    proxy_basis = models.CharField(
        _("proxy evidence"), max_length=20, choices=ProxyBasis.choices, blank=True
    )
    proxy_kk_number = models.CharField(_("proxy's family card number"), max_length=16, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("handed over at"), default=timezone.now)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.application_id} -> {self.receiver_name} ({self.at:%Y-%m-%d %H:%M})"


reminder_days_validator = RegexValidator(
    r"^\d{1,3}(,\d{1,3})*$", _("Days after ready, separated by commas, e.g. 7,14,21.")
)


class PickupSettings(TimeStampedModel):
    """When an office reminds holders of uncollected passports and when it gives up.

    Defaults: reminders 7, 14 and 21 days after the passport is ready; the issuance is
    cancelled after 30 days (issue #7 §5). Offices without a row use the defaults."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="pickup_settings"
    )
    reminder_days = models.CharField(
        _("reminders (days after ready)"),
        max_length=60,
        default="7,14,21",
        validators=[reminder_days_validator],
    )
    cancel_after_days = models.PositiveSmallIntegerField(
        _("cancel the issuance after (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("pickup settings")
        verbose_name_plural = _("pickup settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(cancel_after_days__gte=1), name="pickup_cancel_after_min"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.reminder_days} / {self.cancel_after_days}"

    @classmethod
    def for_office(cls, office_id: int) -> PickupSettings:
        """The office's row, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(office_id=office_id).first() or cls(office_id=office_id)

    def reminder_day_list(self) -> list[int]:
        days = {int(part) for part in self.reminder_days.split(",") if part.strip().isdigit()}
        return sorted(d for d in days if 0 < d < self.cancel_after_days)


class PassportStorage(TimeStampedModel):
    """Where a ready passport is kept in the office (rack and box), so the officer at the
    counter or the drive-thru finds it at once. One row per application."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="pickup_storage"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("storage location"), max_length=40)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("passport storage location")
        verbose_name_plural = _("passport storage locations")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.location}"
