from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _


class SlotChoiceForm(forms.Form):
    """The date and session an applicant picked on the calendar."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    session = forms.SlugField(label=_("Session"), max_length=20)


class ConfirmForm(SlotChoiceForm):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def week_start(value: str | None, today: dt.date) -> dt.date:
    """The first date of the calendar page: ?from=YYYY-MM-DD, never before today."""
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return max(day, today)
