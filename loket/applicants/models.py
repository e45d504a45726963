"""The applicant's side of an account: contact details beyond the sign-in email."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.core.models import TimeStampedModel

phone_validator = RegexValidator(
    r"^(\+62|0)8[0-9]{7,12}$",
    _("Enter an Indonesian mobile number such as 081234567890 or +6281234567890."),
)


class ApplicantProfile(TimeStampedModel):
    """Contact details of an applicant account (personal data: audited when staff read it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_profile"
    )
    phone = models.CharField(
        _("mobile phone"), max_length=16, blank=True, validators=[phone_validator]
    )
    notify_by_whatsapp = models.BooleanField(_("also notify me by WhatsApp"), default=False)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")

    def __str__(self) -> str:
        return str(self.user)


class EmailVerification(models.Model):
    """A six-digit code sent to a new account's email; only its hash is kept."""

    MAX_ATTEMPTS = 5

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email verification")
        verbose_name_plural = _("email verifications")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at}"
