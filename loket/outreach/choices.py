"""Partner kinds, member entry modes and the one transition map of an outreach visit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    SCHOOL = "school", _("School or university")
    PESANTREN = "pesantren", _("Pesantren")
    PARISH = "parish", _("Parish or congregation")
    VILLAGE = "village", _("Village (desa / kelurahan)")


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


S = VisitStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.ACCEPTED, S.DECLINED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.SCHEDULED, S.DECLINED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.SCHEDULED, S.HELD, S.CANCELLED}),
    S.HELD: frozenset(),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Visits that still hold places of their offered date.
OPEN = frozenset({S.REQUESTED, S.ACCEPTED, S.SCHEDULED})


class EntryMode(models.TextChoices):
    SELF = "self", _("The member fills in their own data (invitation code)")
    COORDINATOR = "coordinator", _("I enter the member's data with their consent")
