"""Request-wide behaviour: the client's address for the audit log, and one rendering
of ApplicationError for every HTML view (the API has its own handler in config/api.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from loket.core.audit import current_ip
from loket.core.errors import ApplicationError


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted at the load balancer, which rewrites
    # REMOTE_ADDR through the WSGI server's proxy settings, never from a client header.
    return request.META.get("REMOTE_ADDR") or None


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return render(request, "core/error.html", {"error": exception}, status=exception.status)
        return None


class LanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the visitor chose otherwise.

    Pages follow the language switch (its cookie) and otherwise Indonesian, whatever the
    browser's Accept-Language says: many Indonesian phones are set to English. The REST
    API follows Accept-Language, as a mobile app expects.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
