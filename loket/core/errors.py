"""One error type for broken business rules, turned into one shape in API and UI."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the request.

    `code` is stable (clients switch on it), `message` is for people and already
    translated, `fields` maps a field name to its own message when one field is at fault.
    """

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        if status is not None:
            self.status = status
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        if self.extra:
            body.update(self.extra)
        return body


class NotFound(ApplicationError):
    """The record does not exist or is outside the caller's scope (we never say which)."""

    status = 404


class Forbidden(ApplicationError):
    """The caller is known and the record is theirs to see, but the action is not."""

    status = 403
