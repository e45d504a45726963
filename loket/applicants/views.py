from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.applicants.forms import ProfileForm, SignUpForm, VerifyForm
from loket.applicants.models import ApplicantProfile
from loket.applicants.services import (
    applicant_profile_update,
    applicant_resend_code,
    applicant_signup,
    applicant_verify_email,
)
from loket.core.choices import UserKind
from loket.core.decorators import applicant_required, request_user
from loket.core.errors import ApplicationError
from loket.core.forms import apply_error
from loket.core.outbox import send_email


@applicant_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if user.email_verified_at is None:
        return redirect("applicants:verify")
    profile = ApplicantProfile.objects.filter(user=user).first()
    initial = {
        "full_name": user.full_name,
        "phone": profile.phone if profile else "",
        "preferred_language": user.preferred_language,
        "notify_by_whatsapp": profile.notify_by_whatsapp if profile else False,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        applicant_profile_update(user=user, **form.cleaned_data)
        translation.activate(form.cleaned_data["preferred_language"])
        messages.success(request, _("Your profile is saved."))
        response = redirect("applicants:home")
        response.set_cookie(
            "django_language", form.cleaned_data["preferred_language"], samesite="Lax"
        )
        return response
    return render(
        request, "applicants/home.html", {"form": form}, status=400 if form.errors else 200
    )


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = applicant_signup(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                language=translation.get_language() or "id",
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("applicants:verify")
    return render(
        request, "applicants/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@applicant_required
def verify(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if user.email_verified_at:
        return redirect("applications:list")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applicant_verify_email(user=user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Your email is confirmed. You can start an application."))
            return redirect("applications:list")
    return render(
        request, "applicants/verify.html", {"form": form}, status=400 if form.errors else 200
    )


@applicant_required
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    try:
        applicant_resend_code(user=request_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new code is on its way."))
    return redirect("applicants:verify")


RESET_EMAIL = "applicants/password_reset_email.txt"
RESET_SUBJECT = "applicants/password_reset_subject.txt"


class OutboxPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the notification outbox like every other email."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("email_template_name", RESET_EMAIL)
        kwargs.setdefault("subject_template_name", RESET_SUBJECT)
        super().save(*args, **kwargs)

    def get_users(self, email: str) -> Any:
        return (u for u in super().get_users(email) if u.kind == UserKind.APPLICANT)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email(to=to_email, subject=subject, body=body)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "applicants/password_reset.html"
    email_template_name = RESET_EMAIL
    subject_template_name = RESET_SUBJECT
    success_url = reverse_lazy("applicants:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "applicants/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "applicants/password_reset_confirm.html"
    success_url = reverse_lazy("applicants:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "applicants/password_reset_complete.html"
