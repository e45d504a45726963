"""The passport application: who, what for, and the documents that prove it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.applications.choices import (
    ApplicantType,
    ApplicationStatus,
    CaseType,
    Channel,
    DocumentKind,
    MaritalStatus,
    Purpose,
    Sex,
)
from loket.core.models import TimeStampedModel
from loket.payments.choices import VALIDITY_CHOICES, BookType


class Application(TimeStampedModel):
    """One person's passport application, saved as a draft at every step.

    Personal data fields are blank while a draft is being filled; `application_submit`
    validates everything at once. `version` rises with every save so that two tabs
    autosaving the same draft cannot silently overwrite each other.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty for a walk-in entered by an officer for someone without an account.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        blank=True,
    )
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The officer who entered it, for officer-assisted applications."),
    )
    step = models.PositiveSmallIntegerField(_("wizard step reached"), default=1)
    version = models.PositiveIntegerField(default=1)

    applicant_type = models.CharField(
        _("applicant"), max_length=8, choices=ApplicantType.choices, blank=True
    )
    case_type = models.CharField(_("case"), max_length=16, choices=CaseType.choices, blank=True)
    book_type = models.CharField(
        _("passport type"), max_length=16, choices=BookType.choices, blank=True
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity"), choices=VALIDITY_CHOICES, null=True, blank=True
    )
    purpose = models.CharField(
        _("purpose of travel"), max_length=12, choices=Purpose.choices, blank=True
    )
    percepatan = models.BooleanField(_("same-day service (percepatan)"), default=False)

    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    kk_number = models.CharField(_("family card number (KK)"), max_length=16, blank=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.TextField(_("address"), blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    father_name = models.CharField(_("father's name"), max_length=150, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=150, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    kk_name = models.CharField(
        _("name as written on the family card"),
        max_length=150,
        blank=True,
        help_text=_("Only if it is written differently from the KTP."),
    )

    warnings = models.JSONField(_("warnings for the officer"), default=list, blank=True)
    # What the applicant typed into a field that is not valid yet, kept so that a reload
    # shows exactly what they entered (the valid value stays in the field itself).
    draft_raw = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["office", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or _('(no name yet)')} — {self.get_case_type_display() or '?'}"


class ApplicationDocument(models.Model):
    """A scan uploaded for an application, checked by content and stored outside the web root."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=120, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_document_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.application_id})"
