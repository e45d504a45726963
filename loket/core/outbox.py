"""The door to the notification outbox for apps that sit beside or below it.

`loket.notifications` owns the outbox and registers its enqueue function here when it
starts (NotificationsConfig.ready), so an app such as `applicants` can send its sign-up
code through the one outbox without importing a peer app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_enqueue: Callable[..., Any] | None = None


def register(enqueue: Callable[..., Any]) -> None:
    global _enqueue
    _enqueue = enqueue


def send_email(
    *, to: str, subject: str, body: str, dedupe_key: str | None = None, office_code: str = ""
) -> Any:
    """Queue an email; call inside the transaction of the change it announces."""
    if _enqueue is None:
        raise RuntimeError("The notifications app is not installed: nothing can send email.")
    return _enqueue(
        channel="email",
        recipient=to,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        office_code=office_code,
    )
