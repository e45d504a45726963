"""Saved what-if scenarios of an office's capacity plan."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.offices.choices import QuotaCategory


class SavedScenario(models.Model):
    """A what-if scenario a supervisor kept: the planner's form state (``plan``), the
    simulator input it builds (``params``, the same JSON as ``python -m capacity_sim``)
    and the figures of its last run (``results``, a cache that may be empty)."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="saved_scenarios"
    )
    name = models.CharField(_("name"), max_length=80)
    plan = models.JSONField(_("plan"))
    params = models.JSONField(_("simulator parameters"))
    results = models.JSONField(_("results"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved scenario")
        verbose_name_plural = _("saved scenarios")
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="scenario_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.name}"


class StoredReport(models.Model):
    """A periodic report (issue #9) generated on schedule by ``generate_reports``: the
    PDF for the letter upward and the XLSX for analysis of one complete calendar period,
    for one office or, without an office, for the nation. Kept as generated: a report
    already sent upward must not change under its reader when late records arrive."""

    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stored_reports",
    )
    kind = models.CharField(_("period kind"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    index = models.PositiveSmallIntegerField(_("number in the year"))
    label = models.CharField(_("period"), max_length=12)
    pdf = models.BinaryField(_("PDF"))
    xlsx = models.BinaryField(_("XLSX"))
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)

    class Meta:
        verbose_name = _("stored report")
        verbose_name_plural = _("stored reports")
        ordering = ["-year", "kind", "-index"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "year", "index"], name="stored_report_unique_period"
            ),
            # NULL office (the nation) is not equal to itself in a unique index.
            models.UniqueConstraint(
                fields=["kind", "year", "index"],
                condition=models.Q(office__isnull=True),
                name="stored_report_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id or 'national'}: {self.kind} {self.label}"


class QuotaPlan(models.Model):
    """Places per working day an office plans to release for one quota category in one
    month. Beside the issuance target (``offices.Target``) it says how the year's work
    is to be spread over the channels; the booking rules stay the release settings."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="quota_plans"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    category = models.CharField(_("category"), max_length=16, choices=QuotaCategory.choices)
    places_per_day = models.PositiveSmallIntegerField(_("places per working day"))

    class Meta:
        verbose_name = _("planned quota")
        verbose_name_plural = _("planned quotas")
        ordering = ["office", "year", "month", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "month", "category"], name="quota_plan_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="quota_plan_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.office_id} {self.year}-{self.month:02d} {self.category}: {self.places_per_day}"
        )


class DutyDay(models.Model):
    """Officers on duty and counters open planned for one working day of an office.
    The queue's counter sessions say what was actually opened beside it."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="duty_days")
    date = models.DateField(_("date"))
    officers = models.PositiveSmallIntegerField(_("officers on duty"))
    counters = models.PositiveSmallIntegerField(_("counters open"))

    class Meta:
        verbose_name = _("duty day")
        verbose_name_plural = _("duty days")
        ordering = ["office", "date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="duty_day_unique"),
            # An open counter needs an officer at it.
            models.CheckConstraint(
                condition=models.Q(counters__lte=models.F("officers")),
                name="duty_day_counters_staffed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date}: {self.officers}/{self.counters}"
