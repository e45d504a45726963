"""The payment-gateway adapter: how Loket talks to whoever issues and collects PNBP bills.

Production would plug in SIMPONI (the Ministry of Finance's PNBP system) here; the project
ships only the local SIMULATOR (`loket.payments.simulator`), which behaves like a gateway
(issues codes, accepts or refuses payment, calls back, can time out) and says SIMULATOR
everywhere it shows up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from loket.payments import conf


@dataclass(frozen=True)
class GatewayPayment:
    """What the gateway knows of a code's payment (status query)."""

    paid: bool
    amount: int = 0
    ntpn: str = ""
    paid_at: dt.datetime | None = None
    event_id: str = ""


class PaymentGateway(Protocol):
    name: str
    is_simulator: bool

    def issue(
        self, *, amount: int, expires_at: dt.datetime, reference: str, payer_name: str
    ) -> str:
        """Register a bill and return its 15-digit billing code."""
        ...

    def status(self, billing_code: str) -> GatewayPayment:
        """Ask whether a code has been paid (for callbacks that never arrived)."""
        ...


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of `digits`: catches one mistyped digit or two swapped ones."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def billing_code_valid(code: str) -> bool:
    return len(code) == 15 and code.isdigit() and luhn_digit(code[:-1]) == code[-1]


def get_gateway() -> PaymentGateway:
    name = conf.gateway_name()
    if name == "simulator":
        from loket.payments.simulator import SimulatorGateway

        return SimulatorGateway()
    raise ImproperlyConfigured(
        f"LOKET_PAYMENT_GATEWAY={name!r} is not available; this build ships only 'simulator'."
    )
