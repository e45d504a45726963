"""View guards for the two sides of Loket."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from loket.core.models import User

View = Callable[..., HttpResponse]


def _guard(kind_check: str, login_url_name: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or not getattr(user, kind_check):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(login_url_name)}?{query}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _guard("is_staff", "core:staff_login")
applicant_required = _guard("is_applicant", "core:applicant_login")


def request_user(request: HttpRequest) -> User:
    """The signed-in account of a request that passed one of the guards above."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("No signed-in account on this request.")
    return user
