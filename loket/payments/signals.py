"""Signals of the payments app, for the layers above it (payments imports none of them).

`bill_paid` is sent inside the transaction that marks a bill paid; a receiver that raises
rolls the payment back with it, so a bill is never paid without its booking confirmed.
Arguments: bill (payments.Bill).
"""

from django.dispatch import Signal

bill_paid = Signal()
