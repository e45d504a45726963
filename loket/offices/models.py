"""Offices and how they are set up: hours, closures, stages, counters, sessions, quotas,
and which staff hold which role where."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loket.core.choices import NATIONAL_ROLES, Role
from loket.core.models import TimeStampedModel
from loket.offices.choices import (
    WEEKDAYS,
    OfficeClass,
    OfficeKind,
    QuotaCategory,
    StageCode,
    TimeZoneChoice,
)

office_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,19}$",
    _("Use 2–20 capital letters, digits or hyphens, e.g. KPG or TPI-BTM."),
)


class Office(TimeStampedModel):
    """A place that serves applicants: a Kanim, or a ULP, UKK or MPP booth under one."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[office_code_validator]
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=8, choices=OfficeKind.choices, default=OfficeKind.KANIM
    )
    office_class = models.CharField(
        _("class"), max_length=12, choices=OfficeClass.choices, default=OfficeClass.I_TPI
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    timezone = models.CharField(_("time zone"), max_length=32, choices=TimeZoneChoice.choices)
    address = models.TextField(_("address"))
    city = models.CharField(_("city / regency"), max_length=100)
    province = models.CharField(_("province"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    offers_electronic = models.BooleanField(_("offers e-passport"), default=True)
    offers_polycarbonate = models.BooleanField(_("offers polycarbonate e-passport"), default=False)
    offers_percepatan = models.BooleanField(_("offers same-day service"), default=True)
    offers_drive_thru = models.BooleanField(_("offers drive-thru pickup"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Facilities for vulnerable groups, published in the service standard (PermenPANRB
    # 15/2014, component "sarana, prasarana dan/atau fasilitas").
    lactation_room = models.BooleanField(_("lactation room"), default=False)
    play_area = models.BooleanField(_("children's play area"), default=False)
    wheelchair = models.BooleanField(_("wheelchair available"), default=False)
    priority_counter = models.BooleanField(_("priority counter"), default=False)
    parking = models.BooleanField(_("parking"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    service_pledge = models.TextField(
        _("service pledge (maklumat pelayanan)"),
        blank=True,
        help_text=_("The office's published promise to applicants, shown on its service standard."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(timezone__in=TimeZoneChoice.values), name="office_timezone_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An office cannot be its own parent.")})

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def tz_abbreviation(self) -> str:
        return {"Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(self.timezone, "WIB")

    def closure_dates(self, start: dt.date, end: dt.date) -> set[dt.date]:
        return set(self.closures.filter(date__range=(start, end)).values_list("date", flat=True))


class OpeningHours(models.Model):
    """When the office serves on one weekday (local time). No row: closed that weekday."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["office", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday"], name="opening_hours_unique_day"),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="opening_hours_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class OfficeClosure(models.Model):
    """A day the office is closed besides weekends and national days off."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("office closure")
        verbose_name_plural = _("office closures")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="closure_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.office.code} {self.date} {self.reason}"


class Stage(models.Model):
    """A service stage as this office runs it, with its SOP standards."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(_("stage"), max_length=20, choices=StageCode.choices)
    sequence = models.PositiveSmallIntegerField(_("order"))
    sop_wait_minutes = models.PositiveIntegerField(
        _("standard waiting time (minutes)"), validators=[MinValueValidator(1)]
    )
    sop_service_minutes = models.PositiveIntegerField(
        _("standard service time (minutes)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["office", "sequence"]
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="stage_unique_code")]

    def __str__(self) -> str:
        return f"{self.office.code}: {self.get_code_display()}"


class Counter(models.Model):
    """A counter (loket) and the stages it can serve."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="counters")
    number = models.CharField(_("number"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    stages = models.ManyToManyField(
        Stage, verbose_name=_("stages served"), related_name="counters", blank=True
    )
    is_priority = models.BooleanField(
        _("priority counter"),
        default=False,
        help_text=_(
            "Reserved first for vulnerable groups (elderly, disabled, pregnant, children)."
        ),
    )
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="counter_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.office.code} {_('Counter')} {self.number}"


class ServiceSession(models.Model):
    """A bookable part of the day (e.g. morning 08:00–12:00), local time."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="sessions")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))

    class Meta:
        verbose_name = _("service session")
        verbose_name_plural = _("service sessions")
        ordering = ["office", "starts"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="session_unique_code"),
            models.CheckConstraint(condition=Q(starts__lt=models.F("ends")), name="session_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts:%H:%M}–{self.ends:%H:%M}"


class DailyQuota(models.Model):
    """How many places a session offers per category on a working day.

    This is the office's standing plan; the booking app materialises it into one
    capacity row per office × date × session × category when a period is released.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="quotas")
    session = models.ForeignKey(ServiceSession, on_delete=models.CASCADE, related_name="quotas")
    category = models.CharField(_("category"), max_length=16, choices=QuotaCategory.choices)
    capacity = models.PositiveIntegerField(_("places per day"))

    class Meta:
        verbose_name = _("daily quota")
        verbose_name_plural = _("daily quotas")
        ordering = ["office", "session__starts", "category"]
        constraints = [
            models.UniqueConstraint(fields=["session", "category"], name="quota_unique_category"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.get_category_display()}: {self.capacity}"

    def clean(self) -> None:
        if self.session_id and self.office_id and self.session.office_id != self.office_id:
            raise ValidationError({"session": _("The session belongs to another office.")})


class StaffRole(models.Model):
    """A role a staff member holds: at one office, or nationally (office left empty)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office", "role"],
                condition=Q(office__isnull=False),
                name="staff_role_unique_office",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(office__isnull=True),
                name="staff_role_unique_national",
            ),
            # National roles span all offices; office roles need their office.
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in NATIONAL_ROLES), office__isnull=True)
                    | (
                        ~Q(role__in=sorted(r.value for r in NATIONAL_ROLES))
                        & Q(office__isnull=False)
                    )
                ),
                name="staff_role_scope",
            ),
        ]

    def __str__(self) -> str:
        where = self.office.code if self.office is not None else _("national")
        return f"{self.user.email}: {self.get_role_display()} @ {where}"

    def clean(self) -> None:
        national = self.role in NATIONAL_ROLES
        if national and self.office_id:
            raise ValidationError({"office": _("A national role is not tied to one office.")})
        if not national and not self.office_id:
            raise ValidationError({"office": _("An office role needs its office.")})


class Question(TimeStampedModel):
    """A question and its answer on the public Q&A page, in Indonesian and English.

    Without an office it is a national question, shown for every office and edited by
    national admins only.
    """

    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
        help_text=_("Leave empty for a national question (national admins only)."),
    )
    question_id = models.TextField(_("question (Indonesian)"))
    answer_id = models.TextField(_("answer (Indonesian)"))
    question_en = models.TextField(_("question (English)"), blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ["office__name", "sort_order", "id"]

    def __str__(self) -> str:
        where = self.office.code if self.office is not None else _("national")
        return f"{where}: {self.question_id[:60]}"

    def clean(self) -> None:
        if bool(self.question_en.strip()) != bool(self.answer_en.strip()):
            raise ValidationError(
                {"answer_en": _("Give the English question and answer together, or neither.")}
            )


class Target(models.Model):
    """An office's plan for a year or one month of it: passports to issue and officers on
    duty per working day. The evaluation dashboard sets what was done beside it.

    Months without their own row share what the months with one leave of the year's
    target equally (entered on the planning page "Targets and plans").
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Leave empty for the whole year."),
    )
    passports = models.PositiveIntegerField(_("passports to issue"))
    officers_per_day = models.PositiveSmallIntegerField(
        _("officers on duty per working day"), null=True, blank=True
    )
    counters_per_day = models.PositiveSmallIntegerField(
        _("counters open per working day"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["office", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "month"],
                condition=Q(month__isnull=False),
                name="target_unique_month",
            ),
            models.UniqueConstraint(
                fields=["office", "year"],
                condition=Q(month__isnull=True),
                name="target_unique_year",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="target_month_valid",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"
        return f"{self.office.code} {when}: {self.passports}"
