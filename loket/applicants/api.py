"""Applicant accounts for the mobile app: sign-up, email code, tokens, profile."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from loket.applicants.models import ApplicantProfile
from loket.applicants.services import (
    applicant_profile_update,
    applicant_resend_code,
    applicant_signup,
    applicant_verify_email,
)
from loket.applicants.views import OutboxPasswordResetForm
from loket.core.api_auth import api_token_issue, api_token_revoke, applicant_auth
from loket.core.choices import UserKind
from loket.core.errors import ApplicationError
from loket.core.middleware import client_ip
from loket.core.models import User
from loket.core.throttle import login_blocked, login_failure_record, login_failures_clear

router = Router(tags=["account"])


class SignUpIn(Schema):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=10, max_length=128)
    full_name: str = Field(min_length=2, max_length=150)
    consent: bool = Field(
        description="Consent to processing personal data for passport applications (UU 27/2022)"
    )
    language: str = "id"


class AccountOut(Schema):
    email: str
    full_name: str
    email_verified: bool
    preferred_language: str
    phone: str = ""

    @staticmethod
    def resolve_email_verified(obj: object) -> bool:
        return obj.email_verified_at is not None  # type: ignore[attr-defined]

    @staticmethod
    def resolve_phone(obj: object) -> str:
        profile = ApplicantProfile.objects.filter(user=cast(User, obj)).first()
        return profile.phone if profile else ""


class TokenIn(Schema):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str
    device: str = ""


class TokenOut(Schema):
    token: str
    account: AccountOut


class CodeIn(Schema):
    code: str = Field(pattern=r"^\d{6}$")


class EmailIn(Schema):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ProfileIn(Schema):
    full_name: str = Field(min_length=2, max_length=150)
    phone: str = Field(default="", pattern=r"^$|^(\+62|0)8[0-9]{7,12}$")
    preferred_language: str = Field(default="id", pattern=r"^(id|en)$")
    notify_by_whatsapp: bool = False


def _me(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.post(
    "/signup", response={201: TokenOut}, summary="Create an applicant account; a code is emailed"
)
def signup(request: HttpRequest, payload: SignUpIn) -> Any:
    if not payload.consent:
        raise ApplicationError(
            "consent_required",
            _("Loket cannot process an application without this consent."),
            fields={"consent": _("Required.")},
        )
    user = applicant_signup(
        email=payload.email,
        password=payload.password,
        full_name=payload.full_name,
        language=payload.language,
    )
    return Status(201, {"token": api_token_issue(user=user, name="signup"), "account": user})


@router.post(
    "/token", response=TokenOut, summary="Sign in: exchange email and password for a token"
)
def token(request: HttpRequest, payload: TokenIn) -> Any:
    email, ip = payload.email.lower(), client_ip(request)
    if login_blocked(username=email, ip=ip):
        raise ApplicationError(
            "login_throttled",
            _("Too many failed sign-ins. Wait 15 minutes and try again, or reset your password."),
            status=429,
            extra={"retry_after": 900},
        )
    user = authenticate(request, username=email, password=payload.password)
    if not isinstance(user, User) or user.kind != UserKind.APPLICANT:
        login_failure_record(username=email, ip=ip)
        raise ApplicationError(
            "login_failed",
            _("The email or password is not correct. Check both and try again."),
            status=401,
        )
    login_failures_clear(username=email)
    return {"token": api_token_issue(user=user, name=payload.device), "account": user}


@router.delete("/token", response={204: None}, auth=applicant_auth, summary="Sign out this device")
def revoke(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        api_token_revoke(token=header[7:].strip())
    return Status(204, None)


@router.post(
    "/verify", response=AccountOut, auth=applicant_auth, summary="Confirm the email with its code"
)
def verify(request: HttpRequest, payload: CodeIn) -> Any:
    return applicant_verify_email(user=_me(request), code=payload.code)


@router.post("/verify/resend", response={202: None}, auth=applicant_auth)
def resend(request: HttpRequest) -> Any:
    applicant_resend_code(user=_me(request))
    return Status(202, None)


@router.post("/password-reset", response={202: None}, summary="Email a reset link (always 202)")
def password_reset(request: HttpRequest, payload: EmailIn) -> Any:
    form = OutboxPasswordResetForm({"email": payload.email})
    if form.is_valid():
        form.save(request=request, use_https=request.is_secure())
    return Status(202, None)


@router.get("/me", response=AccountOut, auth=applicant_auth)
def me(request: HttpRequest) -> Any:
    return _me(request)


@router.put("/me", response=AccountOut, auth=applicant_auth)
def update_me(request: HttpRequest, payload: ProfileIn) -> Any:
    user = _me(request)
    applicant_profile_update(user=user, **payload.dict())
    return user
