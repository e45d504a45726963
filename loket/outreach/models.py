"""Outreach (jemput bola): partner organisations, the dates an office offers for group
visits, mobile kits, visit requests with their events, and the members of a visit.

Places on an offered date are taken with one conditional UPDATE (style rule 6); a CHECK
constraint keeps `used` within [0, capacity].
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.models import TimeStampedModel
from loket.outreach.choices import EntryMode, PartnerKind, VisitStatus

DEFAULT_MIN_GROUP_SIZE = 20


class Partner(TimeStampedModel):
    """An organisation (company, school, pesantren, parish, village) whose coordinator
    account requests outreach visits for its members."""

    name = models.CharField(_("organisation name"), max_length=150)
    kind = models.CharField(_("kind of organisation"), max_length=12, choices=PartnerKind.choices)
    address = models.TextField(_("address"))
    contact_phone = models.CharField(_("contact phone"), max_length=16)
    coordinator = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outreach_partner"
    )

    class Meta:
        verbose_name = _("outreach partner")
        verbose_name_plural = _("outreach partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OutreachSettings(models.Model):
    """An office's rules for outreach visits."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="outreach_settings"
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group served"),
        default=DEFAULT_MIN_GROUP_SIZE,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )

    class Meta:
        verbose_name = _("outreach settings")
        verbose_name_plural = _("outreach settings")

    def __str__(self) -> str:
        return f"{self.office_id}: min {self.min_group_size}"


class OutreachOffer(models.Model):
    """A date on which the office can go out to a group, and how many people it serves."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="outreach_offers"
    )
    date = models.DateField(_("date"))
    capacity = models.PositiveSmallIntegerField(
        _("people served that day"), validators=[MinValueValidator(1)]
    )
    used = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("outreach date")
        verbose_name_plural = _("outreach dates")
        ordering = ["office", "date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="outreach_offer_unique_date"),
            models.CheckConstraint(
                condition=Q(used__lte=F("capacity")), name="outreach_offer_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date}: {self.used}/{self.capacity}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.used, 0)


class MobileKit(models.Model):
    """A mobile service kit (laptop, camera, fingerprint and document scanner) of an office."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="kits")
    name = models.CharField(_("name"), max_length=60)
    serial = models.CharField(_("serial or asset number"), max_length=40, blank=True)
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("mobile kit")
        verbose_name_plural = _("mobile kits")
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="mobile_kit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Visit(TimeStampedModel):
    """A partner's request for an outreach visit, and the office's answer and schedule."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="visits")
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="outreach_visits"
    )
    offer = models.ForeignKey(OutreachOffer, on_delete=models.PROTECT, related_name="visits")
    group_size = models.PositiveSmallIntegerField(_("expected group size"))
    note = models.CharField(_("note for the office"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    scheduled_date = models.DateField(_("visit date"), null=True, blank=True)
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    kit = models.ForeignKey(
        MobileKit, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        verbose_name = _("outreach visit")
        verbose_name_plural = _("outreach visits")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["office", "status"])]

    def __str__(self) -> str:
        return f"{self.partner} @ {self.office_id} ({self.status})"


class VisitEvent(models.Model):
    """One change of a visit: from, to, who, when, why (style rule 5)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("outreach visit event")
        verbose_name_plural = _("outreach visit events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.kind} {self.from_status}->{self.to_status}"


class Member(TimeStampedModel):
    """One person of the group: fills in their own application (invitation code) or has
    it entered by the coordinator with their recorded consent."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    mode = models.CharField(_("who fills in the data"), max_length=12, choices=EntryMode.choices)
    invite_hash = models.CharField(max_length=64, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_memberships",
    )
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_member",
    )
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_note = models.CharField(_("how the consent was given"), max_length=200, blank=True)
    ticket = models.OneToOneField(
        "queueing.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_member",
    )

    class Meta:
        verbose_name = _("outreach member")
        verbose_name_plural = _("outreach members")
        ordering = ["visit", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invite_hash"],
                condition=~Q(invite_hash=""),
                name="outreach_member_unique_invite",
            ),
            models.CheckConstraint(
                condition=~Q(mode=EntryMode.COORDINATOR) | Q(consent_at__isnull=False),
                name="outreach_member_consent_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name
