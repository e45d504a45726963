"""Saved what-if scenarios of an office's capacity plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
