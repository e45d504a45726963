"""The passport application: who, what for, and the documents that prove it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.applications.choices import (
    ApplicantType,
    ApplicationStatus,
    BapOutcome,
    BapStatus,
    BapTrigger,
    CaseType,
    Channel,
    DocumentKind,
    MaritalStatus,
    PrintOrder,
    Purpose,
    RiskFlag,
    ServiceClass,
    Sex,
    StandardKind,
)
from loket.core.choices import Role
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

    # The office workflow (loket/applications/workflow.py); every change also writes an
    # ApplicationEvent, from which clocks and reports are computed.
    service_class = models.CharField(
        _("service class"), max_length=10, choices=ServiceClass.choices, blank=True
    )
    priority_category = models.CharField(_("vulnerable group"), max_length=16, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    billing_code = models.CharField(_("billing code"), max_length=15, blank=True)
    fee_waiver_basis = models.CharField(_("fee waiver, legal basis"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    needs_bap = models.BooleanField(_("needs BAP"), default=False)
    risk_flag = models.CharField(
        _("completion risk"), max_length=8, choices=RiskFlag.choices, blank=True, default=""
    )
    # What a side exit needs: awaited documents, the status to resume, the suspension end,
    # the refusal reason.
    outcome = models.JSONField(_("outcome details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["office", "status"]),
            # The dashboard counts an office's applications submitted in a period (#9).
            models.Index(fields=["office", "submitted_at"]),
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


# A finding at the document check (#9's data quality by channel): postponed for a missing
# document, the data-match item not ticked ("data_match", workflow.DATA_MATCH), or a
# mismatch note. The dashboard's selector and the partial index below share this one
# condition, so that PostgreSQL answers the count from the index.
CHECK_FINDING = (
    Q(to_status="postponed")
    | Q(data__checklist__data_match=False)
    | (Q(data__has_key="mismatch_note") & ~Q(data__mismatch_note=""))
)


class ApplicationEvent(models.Model):
    """One status change of an application (style rule 5): from, to, who, when, why.

    `data` carries what the step recorded (document checklist, interview answers,
    capture references), so the record of each stage is the event that closed it.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["application", "at"]),
            # Passports issued in a period (moves to ready) without reading every event (#9).
            models.Index(fields=["to_status", "at", "application"]),
            # Document checks of a period, and those with a finding (#9): index-only
            # counts of a small part of the events.
            models.Index(
                fields=["at"],
                include=["application", "to_status"],
                condition=Q(from_status="document_check"),
                name="appevent_document_checks",
            ),
            models.Index(
                fields=["at"],
                include=["application", "to_status"],
                condition=Q(from_status="document_check") & CHECK_FINDING,
                name="appevent_check_findings",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} -> {self.to_status}"


class WorkflowSettings(models.Model):
    """An office's workflow policies; an office without a row uses the defaults."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="workflow_settings"
    )
    print_order = models.CharField(
        _("printing and completion order"),
        max_length=16,
        choices=PrintOrder.choices,
        default=PrintOrder.PRIORITY_FIRST,
    )
    # UU 25/2009 art. 29: special treatment of vulnerable groups free of charge. Off by
    # default because PP 45/2024 still lists the percepatan fee.
    waive_percepatan_for_vulnerable = models.BooleanField(
        _("waive the percepatan fee for vulnerable applicants"), default=False
    )
    waiver_legal_basis = models.CharField(
        _("legal basis of the waiver"), max_length=200, default="UU 25/2009 pasal 29"
    )
    central_approval_days = models.PositiveSmallIntegerField(
        _("central approval of data changes (working days)"), default=7
    )

    class Meta:
        verbose_name = _("workflow settings")
        verbose_name_plural = _("workflow settings")

    def __str__(self) -> str:
        return str(self.office)


class CompletionStandard(models.Model):
    """An office's SOP completion target for one kind of service, in working days."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="completion_standards"
    )
    kind = models.CharField(_("service"), max_length=12, choices=StandardKind.choices)
    working_days = models.PositiveSmallIntegerField(
        _("working days after payment"), validators=[MaxValueValidator(60)]
    )
    intake_cutoff = models.TimeField(
        _("intake cut-off (local time)"),
        null=True,
        blank=True,
        help_text=_("Same-day service is only accepted before this time."),
    )

    class Meta:
        verbose_name = _("completion standard")
        verbose_name_plural = _("completion standards")
        constraints = [
            models.UniqueConstraint(fields=["office", "kind"], name="one_standard_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.get_kind_display()} {self.working_days}"


class ApprovalChainStep(models.Model):
    """One step of an office's BAP approval chain (default Kasubsi -> Kasi -> Kepala Kantor)."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="approval_chain"
    )
    sequence = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)

    class Meta:
        verbose_name = _("approval chain step")
        verbose_name_plural = _("approval chain")
        ordering = ["office", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "sequence"], name="one_approval_step_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.sequence}. {self.role}"


class BlankStock(models.Model):
    """Passport blanks of one book type held by an office; printing takes one."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="blank_stock"
    )
    book_type = models.CharField(_("passport type"), max_length=16, choices=BookType.choices)
    quantity = models.PositiveIntegerField(_("blanks in stock"), default=0)
    low_threshold = models.PositiveIntegerField(_("flag as low at"), default=20)
    # How many times printing has brought the stock down to the threshold; each crossing
    # emails the supervisors once (the dedupe key carries this number).
    low_alerts = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("blank stock")
        verbose_name_plural = _("blank stock")
        constraints = [
            models.UniqueConstraint(fields=["office", "book_type"], name="one_stock_per_book_type")
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.get_book_type_display()} {self.quantity}"

    @property
    def is_low(self) -> bool:
        return self.quantity <= self.low_threshold


class Bap(models.Model):
    """The examination report (Berita Acara Pemeriksaan) of one application.

    `round` rises each time the chain returns it to the examiner, so approvals of an
    earlier proposal never count for a later one.
    """

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="bap")
    trigger = models.CharField(_("reason for the BAP"), max_length=12, choices=BapTrigger.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=BapStatus.choices, default=BapStatus.OPEN
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement = models.TextField(_("applicant's statement"), blank=True)
    findings = models.TextField(_("examiner's findings"), blank=True)
    proposal = models.CharField(
        _("proposed decision"), max_length=10, choices=BapOutcome.choices, blank=True
    )
    proposal_reason = models.CharField(_("reason"), max_length=300, blank=True)
    suspend_months = models.PositiveSmallIntegerField(
        _("suspension (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(6), MaxValueValidator(24)],
    )
    awaited = models.JSONField(_("awaited"), default=list, blank=True)
    round = models.PositiveSmallIntegerField(default=1)
    needs_central = models.BooleanField(_("needs central approval"), default=False)
    central_due = models.DateField(_("central approval due"), null=True, blank=True)
    central_approved_at = models.DateTimeField(null=True, blank=True)
    central_reference = models.CharField(_("central approval reference"), max_length=60, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("BAP")
        verbose_name_plural = _("BAPs")

    def __str__(self) -> str:
        return f"BAP {self.application_id} ({self.get_trigger_display()})"


class BapApproval(models.Model):
    """One signature (or return) of a BAP proposal by one step of the chain."""

    bap = models.ForeignKey(Bap, on_delete=models.CASCADE, related_name="approvals")
    round = models.PositiveSmallIntegerField()
    sequence = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=24)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField()
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("BAP approval")
        verbose_name_plural = _("BAP approvals")
        ordering = ["round", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["bap", "round", "sequence"], name="one_approval_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bap_id} r{self.round} {self.sequence} {self.role}"


class BiometricPhoto(models.Model):
    """The applicant's photo taken at the biometrics step (uploaded or captured with the
    device camera), checked by content and stored outside the web root like the scans.

    The fingerprints stay with the device: only its capture reference is recorded (in
    the event that closes the step)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="biometric_photo"
    )
    path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("biometric photo")
        verbose_name_plural = _("biometric photos")

    def __str__(self) -> str:
        return f"{_('Photo')} ({self.application_id})"
