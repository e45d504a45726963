from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import DateInput


class ClosureForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        if value < dt.date.today() - dt.timedelta(days=1):
            raise forms.ValidationError(_("A closure cannot be added in the past."))
        return value


class AuditFilterForm(forms.Form):
    office = forms.ChoiceField(label=_("Office"), required=False)
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=80)
    actor = forms.CharField(label=_("Actor email contains"), required=False, max_length=100)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until (inclusive)"), required=False, widget=DateInput())

    def __init__(self, *args: Any, office_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office_field = self.fields["office"]
        assert isinstance(office_field, forms.ChoiceField)
        office_field.choices = [("", _("All my offices")), *office_choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data
