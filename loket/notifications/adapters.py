"""Channel adapters. Email is built in (SMTP through Django's mail backend); SMS and
WhatsApp go through a configurable HTTP gateway, or through the local simulator, which
says so in every message it records and never pretends to have reached a phone."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage

from loket.notifications.choices import Channel

logger = logging.getLogger("loket.notifications")


class DeliveryError(Exception):
    """The channel refused or failed; `permanent` errors are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    channel: str
    recipient: str
    subject: str
    body: str


def send_email(message: Outgoing) -> None:
    try:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            from_email=settings.DEFAULT_FROM_EMAIL,
        ).send(fail_silently=False)
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"SMTP: {exc}") from exc


class SimulatedGateway:
    """SIMULATOR of an SMS/WhatsApp gateway: keeps messages in memory and in the log.

    Numbers ending in 0000 fail permanently and numbers ending in 9999 fail once, as a
    real gateway does with invalid and congested numbers, so retries can be exercised.
    """

    sent: list[Outgoing] = []
    _flaky_seen: set[str] = set()

    def send(self, message: Outgoing) -> None:
        if message.recipient.endswith("0000"):
            raise DeliveryError("SIMULATOR: number not reachable", permanent=True)
        if message.recipient.endswith("9999") and message.recipient not in self._flaky_seen:
            self._flaky_seen.add(message.recipient)
            raise DeliveryError("SIMULATOR: gateway busy, try again")
        self.sent.append(message)
        logger.info("SIMULATOR %s to %s: %s", message.channel, message.recipient, message.body)


class HttpGateway:
    """A JSON-over-HTTP SMS/WhatsApp gateway: POST {channel, to, text} with a bearer token."""

    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, message: Outgoing) -> None:
        payload = json.dumps(
            {"channel": message.channel, "to": message.recipient, "text": message.body}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - URL comes from settings
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if response.status >= 300:
                    raise DeliveryError(f"gateway answered {response.status}")
        except urllib.error.HTTPError as exc:
            raise DeliveryError(
                f"gateway answered {exc.code}", permanent=400 <= exc.code < 500
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"gateway unreachable: {exc}") from exc


_simulator = SimulatedGateway()


def gateway() -> SimulatedGateway | HttpGateway:
    url = getattr(settings, "LOKET_SMS_GATEWAY_URL", "")
    if url:
        return HttpGateway(url, getattr(settings, "LOKET_SMS_GATEWAY_TOKEN", ""))
    return _simulator


def deliver(message: Outgoing) -> None:
    if message.channel == Channel.EMAIL:
        send_email(message)
    elif message.channel in (Channel.SMS, Channel.WHATSAPP):
        gateway().send(message)
    else:
        raise DeliveryError(f"unknown channel {message.channel}", permanent=True)
