"""The one REST API object (Django Ninja), mounted at /api/v1/.

Every error leaves in one shape: {"error": {"code": ..., "message": ..., "fields": {...}}}.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from loket.applicants.api import router as account_router
from loket.applications.api import router as applications_router
from loket.booking.api import router as booking_router
from loket.core.errors import ApplicationError
from loket.feedback.api import router as feedback_router
from loket.offices.api import router as offices_router
from loket.payments.api import router as payments_router
from loket.pickup.api import router as pickup_router
from loket.reports.api import router as reports_router

logger = logging.getLogger("loket.api")

api = NinjaAPI(
    title="Loket API",
    version="1",
    description=(
        "REST API of Loket, the passport service of Indonesian immigration offices. "
        "The contract for the mobile app. Errors always have the shape "
        '{"error": {"code", "message", "fields"?}}; codes are stable.'
    ),
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict | None = None
) -> HttpResponse:
    body: dict = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for item in exc.errors:
        loc = [
            str(part)
            for part in item.get("loc", [])
            if part not in ("body", "query", "path", "payload")
        ]
        fields[".".join(loc) or "request"] = str(item.get("msg", _("Invalid value.")))
    return _error(request, 422, "invalid_input", _("Some fields are not valid."), fields)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Sign in first."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error on %s", request.path)
    return _error(
        request, 500, "server_error", _("Something went wrong on our side; try again later.")
    )


api.add_router("/offices", offices_router)
api.add_router("/fees", payments_router)
api.add_router("/feedback", feedback_router)
api.add_router("/account", account_router)
api.add_router("/applications", applications_router)
api.add_router("/booking", booking_router)
api.add_router("/public", reports_router)
api.add_router("/pickup", pickup_router)
