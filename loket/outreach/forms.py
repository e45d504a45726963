from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.applicants.forms import SignUpForm
from loket.applicants.models import phone_validator
from loket.core.forms import DateInput
from loket.core.models import User
from loket.offices.models import Office, StaffRole
from loket.outreach.choices import EntryMode, PartnerKind
from loket.outreach.models import MobileKit

BLANK: list[tuple[str, Any]] = [("", "—")]


class PartnerForm(forms.Form):
    """The organisation, for an applicant who already has an account."""

    name = forms.CharField(label=_("Organisation name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=BLANK + PartnerKind.choices)
    address = forms.CharField(
        label=_("Organisation address"), widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=16,
        validators=[phone_validator],
        help_text=_("e.g. 081234567890"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class PartnerSignUpForm(SignUpForm, PartnerForm):
    """The coordinator's account (the applicant sign-up) plus the organisation."""

    field_order = [
        "name",
        "kind",
        "address",
        "contact_phone",
        "full_name",
        "email",
        "password",
        "password_again",
        "consent",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].label = _("Coordinator's full name")


class VisitRequestForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Office.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
    )
    date = forms.DateField(
        label=_("Visit date"),
        widget=DateInput(),
        help_text=_("One of the dates the office offers for outreach (listed above)."),
    )
    group_size = forms.IntegerField(label=_("Expected group size"), min_value=1, max_value=500)
    note = forms.CharField(
        label=_("Note for the office (optional)"), max_length=300, required=False
    )


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Member's full name"), max_length=150)
    mode = forms.ChoiceField(
        label=_("Who fills in the data"),
        choices=EntryMode.choices,
        widget=forms.RadioSelect,
        initial=EntryMode.SELF,
    )
    email = forms.EmailField(
        label=_("Member's email"),
        required=False,
        help_text=_("Needed when the member fills in their own data: the code goes there."),
    )
    consent = forms.BooleanField(
        label=_("The member agreed that I enter their personal data (UU 27/2022)."),
        required=False,
    )
    consent_note = forms.CharField(
        label=_("How the consent was given (e.g. signed form of 3 March)"),
        max_length=200,
        required=False,
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class OfferForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    capacity = forms.IntegerField(label=_("People served that day"), min_value=1, max_value=2000)


class SettingsForm(forms.Form):
    min_group_size = forms.IntegerField(
        label=_("Smallest group served"), min_value=1, max_value=500
    )


class KitForm(forms.Form):
    name = forms.CharField(label=_("Kit name"), max_length=60)
    serial = forms.CharField(label=_("Serial or asset number"), max_length=40, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), max_length=300)


def _officer_label(user: User) -> str:
    return user.full_name or user.email


class ScheduleForm(forms.Form):
    date = forms.DateField(
        label=_("Visit date"),
        widget=DateInput(),
        help_text=_("The requested date or another offered date with room for the group."),
    )
    starts_at = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    kit = forms.ModelChoiceField(
        label=_("Mobile kit"), queryset=MobileKit.objects.none(), required=False
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = self.fields["officers"]
        assert isinstance(officers, forms.ModelMultipleChoiceField)
        staff_ids = StaffRole.objects.filter(office=office).values_list("user_id", flat=True)
        officers.queryset = User.objects.filter(pk__in=staff_ids, is_active=True).order_by(
            "full_name"
        )
        officers.label_from_instance = _officer_label  # type: ignore[method-assign,assignment]
        kit = self.fields["kit"]
        assert isinstance(kit, forms.ModelChoiceField)
        kit.queryset = MobileKit.objects.filter(office=office, is_active=True)
