from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.queueing.choices import DisabilityType, PriorityCategory
from loket.queueing.models import Lane

BLANK = [("", _("— none —"))]


class WalkInForm(forms.Form):
    lane = forms.ModelChoiceField(label=_("Lane"), queryset=Lane.objects.none(), empty_label=None)
    holder_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    priority_category = forms.ChoiceField(
        label=_("Priority category (confirmed by the officer)"),
        choices=BLANK + PriorityCategory.choices,
        required=False,
    )
    disability_type = forms.ChoiceField(
        label=_("Disability, to prepare assistance"),
        choices=BLANK + DisabilityType.choices,
        required=False,
    )
    assistance_note = forms.CharField(
        label=_("Assistance to prepare"), max_length=200, required=False
    )
    companion_name = forms.CharField(
        label=_("Companion on the same family card (served together)"),
        max_length=150,
        required=False,
    )
    needs_bap = forms.BooleanField(
        label=_("Needs a BAP examination (lost, damaged, data change)"), required=False
    )

    def __init__(self, *args: Any, office: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lane_field = self.fields["lane"]
        assert isinstance(lane_field, forms.ModelChoiceField)
        lane_field.queryset = Lane.objects.filter(office=office, is_active=True)

    def ticket_details(self, *, default_name: str = "") -> dict[str, Any]:
        """The cleaned values as keyword arguments for walk_in_register."""
        data = self.cleaned_data
        return {
            "lane": data["lane"],
            "holder_name": data["holder_name"] or default_name,
            "priority_category": data["priority_category"],
            "disability_type": data["disability_type"],
            "assistance_note": data["assistance_note"],
            "companion_name": data["companion_name"],
            "needs_bap": data["needs_bap"],
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lane = data.get("lane")
        if (
            lane is not None
            and lane.service_class == "priority"
            and not data.get("priority_category")
        ):
            self.add_error("priority_category", _("Choose the category you have confirmed."))
        if (
            data.get("disability_type")
            and data.get("priority_category") != PriorityCategory.DISABILITY
        ):
            self.add_error(
                "disability_type", _("Only for the category 'person with a disability'.")
            )
        return data


class TransferForm(forms.Form):
    stage = forms.IntegerField(required=False)
    lane = forms.IntegerField(required=False)
    note = forms.CharField(max_length=200, required=False)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code"),
        max_length=16,
        help_text=_("On your booking proof, under the QR code. A QR scanner types it for you."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )


class NotifyForm(forms.Form):
    contact = forms.CharField(
        label=_("Mobile number or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    when_ahead = forms.TypedChoiceField(
        label=_("Tell me when this many are ahead of me"),
        coerce=int,
        initial=3,
        choices=[(n, str(n)) for n in (1, 2, 3, 5, 10)],
    )
