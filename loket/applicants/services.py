"""Applicant accounts: sign-up with an emailed code, verification, profile."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.applicants.models import ApplicantProfile, EmailVerification
from loket.core.audit import audit_record, model_changes, snapshot
from loket.core.choices import UserKind
from loket.core.errors import ApplicationError
from loket.core.models import User
from loket.core.outbox import send_email

CODE_MINUTES = 30
RESEND_SECONDS = 60


def _hash(user: User, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{user.pk}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _send_code(user: User) -> None:
    code = f"{secrets.randbelow(1_000_000):06d}"
    EmailVerification.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    EmailVerification.objects.create(
        user=user,
        code_hash=_hash(user, code),
        expires_at=timezone.now() + dt.timedelta(minutes=CODE_MINUTES),
    )
    send_email(
        to=user.email,
        subject=_("Your Loket verification code: %(code)s") % {"code": code},
        body=_(
            "Hello %(name)s,\n\nYour verification code is %(code)s. It is valid for %(minutes)s minutes.\n"
            "If you did not sign up for Loket, ignore this email.\n\nLoket — passport service"
        )
        % {"name": user.full_name, "code": code, "minutes": CODE_MINUTES},
    )


def applicant_signup(*, email: str, password: str, full_name: str, language: str = "id") -> User:
    email = email.strip().lower()
    try:
        validate_password(password, User(email=email, full_name=full_name))
    except ValidationError as exc:
        raise ApplicationError(
            "password_weak", " ".join(exc.messages), fields={"password": " ".join(exc.messages)}
        ) from None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                password,
                full_name=full_name.strip(),
                kind=UserKind.APPLICANT,
                preferred_language=language if language in ("id", "en") else "id",
            )
            ApplicantProfile.objects.create(user=user)
            audit_record(actor=user, action="applicant.signup", target=user)
            _send_code(user)
    except IntegrityError:
        raise ApplicationError(
            "email_taken",
            _("An account with this email already exists. Sign in, or reset your password."),
            fields={"email": _("Already registered.")},
            status=409,
        ) from None
    return user


def applicant_resend_code(*, user: User) -> None:
    if user.email_verified_at:
        return
    last = EmailVerification.objects.filter(user=user).order_by("-created_at").first()
    if last and (timezone.now() - last.created_at).total_seconds() < RESEND_SECONDS:
        raise ApplicationError(
            "resend_too_soon",
            _("A code was sent less than a minute ago; check your inbox and spam folder."),
            status=429,
        )
    with transaction.atomic():
        _send_code(user)


def applicant_verify_email(*, user: User, code: str) -> User:
    code = code.strip()
    with transaction.atomic():
        pending = (
            EmailVerification.objects.select_for_update()
            .filter(user=user, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if pending is None or pending.expires_at <= timezone.now():
            raise ApplicationError(
                "code_expired",
                _("The code has expired. Ask for a new one."),
                fields={"code": _("Expired.")},
            )
        if pending.attempts >= EmailVerification.MAX_ATTEMPTS:
            raise ApplicationError(
                "code_locked",
                _("Too many wrong codes. Ask for a new one."),
                fields={"code": _("Locked.")},
            )
        if not hmac.compare_digest(pending.code_hash, _hash(user, code)):
            EmailVerification.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1)
            left = EmailVerification.MAX_ATTEMPTS - pending.attempts - 1
            # Raising would roll back the attempt count; return the error after commit instead.
            error = ApplicationError(
                "code_wrong",
                _("That code is not right; %(left)s tries left. The code has six digits.")
                % {"left": left},
                fields={"code": _("Wrong code.")},
            )
        else:
            error = None
            pending.used_at = timezone.now()
            pending.save(update_fields=["used_at"])
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit_record(actor=user, action="applicant.email_verified", target=user)
    if error is not None:
        raise error
    return user


def applicant_profile_update(
    *, user: User, full_name: str, phone: str, preferred_language: str, notify_by_whatsapp: bool
) -> ApplicantProfile:
    with transaction.atomic():
        profile, _created = ApplicantProfile.objects.select_for_update().get_or_create(user=user)
        before = {**snapshot(user), **snapshot(profile)}
        user.full_name = full_name.strip()
        user.preferred_language = preferred_language
        user.save(update_fields=["full_name", "preferred_language"])
        profile.phone = phone.strip()
        profile.notify_by_whatsapp = notify_by_whatsapp
        profile.save()
        changes = {**model_changes(user, before), **model_changes(profile, before)}
        audit_record(actor=user, action="applicant.profile_update", target=profile, changes=changes)
    return profile
