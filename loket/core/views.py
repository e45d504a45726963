"""Pages every visitor shares: home, sign-in and sign-out, error pages."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from loket.core.choices import UserKind
from loket.core.forms import SignInForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _sign_in(request: HttpRequest, *, kind: str, default_next: str, template: str) -> HttpResponse:
    form = SignInForm(request.POST or None, request=request, kind=kind)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        login(request, form.user)
        return redirect(_safe_next(request, default_next))
    status = 400 if request.method == "POST" else 200
    return render(
        request, template, {"form": form, "next": request.GET.get("next", "")}, status=status
    )


def staff_login(request: HttpRequest) -> HttpResponse:
    return _sign_in(
        request,
        kind=UserKind.STAFF,
        default_next=reverse("offices:staff_home"),
        template="core/staff_login.html",
    )


def applicant_login(request: HttpRequest) -> HttpResponse:
    return _sign_in(
        request,
        kind=UserKind.APPLICANT,
        default_next=reverse("applications:list"),
        template="core/applicant_login.html",
    )


def login_choice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/login_choice.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:home")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: the page must render even when the database is what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("core/500.html").render({}), status=500)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def error_csrf(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf.html", status=403)
