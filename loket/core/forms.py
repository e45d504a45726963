from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loket.core.choices import UserKind
from loket.core.middleware import client_ip
from loket.core.models import User
from loket.core.throttle import (
    login_blocked,
    login_failure_record,
    login_failures_clear,
)


class SignInForm(forms.Form):
    """Email and password for one side of Loket (staff or applicant), throttled."""

    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.kind = kind
        self.user: User | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email = (data.get("email") or "").lower()
        password = data.get("password")
        if not email or not password:
            return data
        ip = client_ip(self.request)
        if login_blocked(username=email, ip=ip):
            raise forms.ValidationError(
                _(
                    "Too many failed sign-ins. Wait 15 minutes and try again, or reset your password."
                ),
                code="throttled",
            )
        user = authenticate(self.request, username=email, password=password)
        if user is None:
            login_failure_record(username=email, ip=ip)
            raise forms.ValidationError(
                _("The email or password is not correct. Check both and try again."),
                code="invalid_login",
            )
        assert isinstance(user, User)
        if user.kind != self.kind:
            if self.kind == UserKind.STAFF:
                message = _(
                    "This is the sign-in for officers. Applicants sign in on the applicant page."
                )
            else:
                message = _(
                    "This is the sign-in for applicants. Officers sign in on the staff page."
                )
            raise forms.ValidationError(message, code="wrong_kind")
        login_failures_clear(username=email)
        self.user = user
        return data


def apply_error(form: forms.Form, error: Any) -> None:
    """Show an ApplicationError on a form: next to its fields when it names them."""
    placed = False
    for field, message in getattr(error, "fields", {}).items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class DateInput(forms.DateInput):
    """A native date picker. Its value must be ISO (YYYY-MM-DD) whatever the language,
    or the browser shows the field empty and the date is lost on the next submit."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
