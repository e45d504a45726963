"""Core records: accounts, the audit log, the national calendar, login failures."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.choices import CalendarDayKind, UserKind


class TimeStampedModel(models.Model):
    """Base for Loket's models: creation and update times."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("kind", UserKind.STAFF)
        fields["is_superuser"] = True
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Applicants and staff share the table but never a login screen.

    `kind` decides which side the account belongs to: an applicant account cannot
    sign in to the staff area or the admin, and a staff account cannot act as an
    applicant. Staff rights come from their roles per office (offices.StaffRole).
    """

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    kind = models.CharField(_("account kind"), max_length=16, choices=UserKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="id",
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=UserKind.values), name="user_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def is_staff(self) -> bool:
        """Django's admin asks this; only staff accounts may even see its login."""
        return self.kind == UserKind.STAFF

    @property
    def is_applicant(self) -> bool:
        return self.kind == UserKind.APPLICANT


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One line of the append-only audit log: who did what to which record, and when.

    Written by services in the same transaction as the change it describes, so a
    change without its line (or a line without its change) cannot exist. Database
    triggers (migration 0002) refuse UPDATE and DELETE on both SQLite and PostgreSQL.
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "core.User",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    office_code = models.CharField(_("office"), max_length=20, blank=True, db_index=True)
    target_type = models.CharField(_("record type"), max_length=80, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["office_code", "-at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class CalendarDay(models.Model):
    """A national calendar correction: joint leave (cuti bersama), an extra holiday,
    or a working day that overrides a holiday listed by the `holidays` package."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=150)
    decree = models.CharField(_("decree (SKB)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("national calendar day")
        verbose_name_plural = _("national calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class LoginFailure(models.Model):
    """A failed sign-in, kept briefly to throttle guessing (per account and per IP).

    In the database rather than a local cache so that every app node behind the load
    balancer counts the same failures.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("login failure")
        verbose_name_plural = _("login failures")

    def __str__(self) -> str:
        return f"{self.at} {self.username} {self.ip_address}"


class ApiToken(models.Model):
    """A bearer token for the mobile app. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    name = models.CharField(_("device"), max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.email})"
