"""Complaints with their SLA clocks and events, and the IKM and IPK surveys."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.models import TimeStampedModel
from loket.feedback.choices import (
    AgeGroup,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    Education,
    EventKind,
    IpkAspect,
    Occupation,
    PeriodKind,
    ServiceType,
    Sex,
    SlaClass,
)

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class SlaPolicy(TimeStampedModel):
    """An office's complaint clock settings; an office without a row uses the defaults.

    The defaults follow SP4N-LAPOR! (PermenPANRB 62/2018): verification within 3 working
    days, handling classes of 2 / 5 / 14 / 60 working days.
    """

    DEFAULTS = {
        "verify_days": 3,
        "fast_days": 2,
        "medium_days": 5,
        "complex_days": 14,
        "very_complex_days": 60,
        "at_risk_days": 1,
        "reopen_days": 10,
    }

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="sla_policy"
    )
    verify_days = models.PositiveSmallIntegerField(
        _("verification (working days)"), default=3, validators=[MinValueValidator(1)]
    )
    fast_days = models.PositiveSmallIntegerField(
        _("simple class (working days)"), default=2, validators=[MinValueValidator(1)]
    )
    medium_days = models.PositiveSmallIntegerField(
        _("moderate class (working days)"), default=5, validators=[MinValueValidator(1)]
    )
    complex_days = models.PositiveSmallIntegerField(
        _("complex class (working days)"), default=14, validators=[MinValueValidator(1)]
    )
    very_complex_days = models.PositiveSmallIntegerField(
        _("very complex class (working days)"), default=60, validators=[MinValueValidator(1)]
    )
    at_risk_days = models.PositiveSmallIntegerField(
        _("at risk when this many working days or fewer are left"), default=1
    )
    reopen_days = models.PositiveSmallIntegerField(
        _("complainant may rate or reopen for (working days)"), default=10
    )

    class Meta:
        verbose_name = _("complaint SLA policy")
        verbose_name_plural = _("complaint SLA policies")

    def __str__(self) -> str:
        return f"{self.office.code}: {self.fast_days}/{self.medium_days}/{self.complex_days}/{self.very_complex_days}"

    def class_days(self, sla_class: str) -> int:
        return {
            SlaClass.FAST: self.fast_days,
            SlaClass.MEDIUM: self.medium_days,
            SlaClass.COMPLEX: self.complex_days,
            SlaClass.VERY_COMPLEX: self.very_complex_days,
        }[SlaClass(sla_class)]


class ComplaintSequence(models.Model):
    """The last tracking serial per office and year, taken with one conditional UPDATE."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="complaint_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class Complaint(TimeStampedModel):
    """A complaint (pengaduan) from a member of the public, with its SLA clock.

    The complainant follows it through a secret link: only a SHA-256 hash of the random
    access token is stored, so the database alone cannot be used to act as the
    complainant. `restricted` marks integrity reports (pungli, calo): only the head of
    office and the integrity officer see them, and never the officer named in them.
    """

    office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    tracking_number = models.CharField(_("tracking number"), max_length=40, unique=True)
    access_token_hash = models.CharField(max_length=64)
    category = models.CharField(_("category"), max_length=20, choices=ComplaintCategory.choices)
    restricted = models.BooleanField(_("integrity report (restricted)"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=ComplaintChannel.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.SUBMITTED,
    )
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("what happened"))
    # The applications and queueing apps do not exist yet: a free reference for now,
    # to become a foreign key once they do.
    application_ref = models.CharField(_("application number"), max_length=40, blank=True)
    ticket_ref = models.CharField(_("queue ticket"), max_length=40, blank=True)
    reported_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_officer_text = models.CharField(
        _("officer concerned (as described)"), max_length=200, blank=True
    )
    anonymous = models.BooleanField(_("identity hidden from officers"), default=True)
    complainant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    complainant_name = models.CharField(_("name"), max_length=150, blank=True)
    complainant_email = models.EmailField(_("email"), blank=True)
    complainant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    consent_forward_identity = models.BooleanField(
        _("may forward identity to SP4N-LAPOR!"), default=False
    )
    language = models.CharField(max_length=8, default="id")

    sla_class = models.CharField(
        _("SLA class"), max_length=16, choices=SlaClass.choices, blank=True
    )
    verify_due = models.DateField(_("verify by"))
    due_date = models.DateField(_("answer by"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on_time = models.BooleanField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_until = models.DateField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # The due date an escalation was last sent for: the command escalates each miss once.
    escalated_due = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("complainant's rating"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    rating_comment = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["office", "status"]),
            models.Index(fields=["office", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values), name="complaint_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4),
                name="complaint_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def current_due(self) -> dt.date | None:
        """The date the running clock ends: verification, then handling; None when stopped."""
        if self.status == ComplaintStatus.SUBMITTED:
            return self.verify_due
        if self.status in (
            ComplaintStatus.VERIFIED,
            ComplaintStatus.IN_PROGRESS,
            ComplaintStatus.REOPENED,
        ):
            return self.due_date
        return None


class ComplaintEvent(models.Model):
    """One step in a complaint's life: a status change, a reply, a note, an escalation.

    `public` events are shown to the complainant; internal notes never are.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)
    message = models.TextField(blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.from_status}->{self.to_status}"

    @property
    def to_status_label(self) -> str:
        return str(ComplaintStatus(self.to_status).label) if self.to_status else ""


class ComplaintAttachment(models.Model):
    """A file attached by the complainant, checked and re-encoded by core.uploads."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    path = models.CharField(max_length=200)
    original_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.path


class ComplaintFilingAttempt(models.Model):
    """A complaint filed without an account, kept briefly to limit filings per address."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(db_index=True)

    class Meta:
        verbose_name = _("complaint filing attempt")
        verbose_name_plural = _("complaint filing attempts")

    def __str__(self) -> str:
        return f"{self.at} {self.ip_address}"


class IpkQuestion(models.Model):
    """One question of the anti-corruption perception survey; office empty = every office.

    Defaults (migration 0002) cover the aspects of PermenPANRB 90/2021; an office may add
    its own or switch one off. Wording is data, so it carries both languages.
    """

    office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ipk_questions",
    )
    code = models.SlugField(_("code"), max_length=20)
    aspect = models.CharField(_("aspect"), max_length=20, choices=IpkAspect.choices)
    sequence = models.PositiveSmallIntegerField(_("order"), default=10)
    text_id = models.CharField(_("question (Indonesian)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    low_label_id = models.CharField(_("label of 1 (Indonesian)"), max_length=60)
    low_label_en = models.CharField(_("label of 1 (English)"), max_length=60)
    high_label_id = models.CharField(_("label of 4 (Indonesian)"), max_length=60)
    high_label_en = models.CharField(_("label of 4 (English)"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("IPK question")
        verbose_name_plural = _("IPK questions")
        ordering = ["sequence", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "code"],
                condition=Q(office__isnull=False),
                name="ipk_question_unique_office",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(office__isnull=True),
                name="ipk_question_unique_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text_id[:60]}"

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_id

    def low_label(self, language: str) -> str:
        return self.low_label_en if language == "en" and self.low_label_en else self.low_label_id

    def high_label(self, language: str) -> str:
        return self.high_label_en if language == "en" and self.high_label_en else self.high_label_id


class SurveyInvitation(models.Model):
    """A one-time invitation to answer the IKM (and IPK) survey after a finished visit.

    The token is signed (a forged one is refused without a query) and only its hash is
    kept. Responses are not linked to the invitation, so nobody can trace an answer
    back to a visit and its applicant: the survey is anonymous towards officers.
    """

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    # The queueing/pickup apps do not exist yet; their visit id is a free reference.
    visit_ref = models.CharField(_("visit reference"), max_length=60, blank=True)
    service_type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    includes_ikm = models.BooleanField(default=True)
    includes_ipk = models.BooleanField(default=True)
    nonce_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "visit_ref"],
                condition=~Q(visit_ref=""),
                name="survey_invitation_one_per_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.visit_ref or self.pk}"


class IkmResponse(models.Model):
    """One anonymous answer to the IKM questionnaire: nine scores and a profile.

    Only the local date is kept (no time, no visit), so a response cannot be matched
    with a counter's log.
    """

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    service_type = models.CharField(max_length=24, choices=ServiceType.choices)
    submitted_on = models.DateField(db_index=True)
    u1 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    u2 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    u3 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    u4 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    u5 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    u6 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    u7 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    u8 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    u9 = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices)
    education = models.CharField(max_length=10, choices=Education.choices)
    occupation = models.CharField(max_length=14, choices=Occupation.choices)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("IKM response")
        verbose_name_plural = _("IKM responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"u{i}__gte": 1}) & Q(**{f"u{i}__lte": 4}),
                name=f"ikm_u{i}_range",
            )
            for i in range(1, 10)
        ]

    def __str__(self) -> str:
        return f"IKM {self.office_id} {self.submitted_on}"


class IpkResponse(models.Model):
    """One anonymous answer to the IPK questionnaire (scores in IpkAnswer)."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    service_type = models.CharField(max_length=24, choices=ServiceType.choices)
    submitted_on = models.DateField(db_index=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("IPK response")
        verbose_name_plural = _("IPK responses")

    def __str__(self) -> str:
        return f"IPK {self.office_id} {self.submitted_on}"


class IpkAnswer(models.Model):
    """The score given to one IPK question in one response."""

    response = models.ForeignKey(IpkResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(IpkQuestion, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=4), name="ipk_score_range"),
            models.UniqueConstraint(fields=["response", "question"], name="ipk_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.score}"


class ServedCount(models.Model):
    """How many people an office served in a period, entered by staff for now.

    The population N of the Krejcie–Morgan sample size. The queueing app will supply it
    from finished visits once it exists.
    """

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()
    service_type = models.CharField(
        max_length=24,
        choices=ServiceType.choices,
        blank=True,
        help_text=_("Empty: all services together."),
    )
    count = models.PositiveIntegerField(_("people served"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("number served")
        verbose_name_plural = _("numbers served")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "period_kind", "period_start", "service_type"],
                name="served_count_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.period_kind} {self.period_start}: {self.count}"
