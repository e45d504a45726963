from django import forms
from django.utils.translation import gettext_lazy as _

from loket.applicants.models import phone_validator


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name (as on your KTP)"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=16,
        required=False,
        validators=[phone_validator],
        help_text=_("For reminders about your appointment, e.g. 081234567890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=[("id", "Bahasa Indonesia"), ("en", "English")]
    )
    notify_by_whatsapp = forms.BooleanField(label=_("Also notify me by WhatsApp"), required=False)


class SignUpForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send a six-digit code to check it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        min_length=10,
        help_text=_("At least 10 characters; not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my personal data is used only to process my passport applications (UU 27/2022)."
        ),
        error_messages={"required": _("Loket cannot process an application without this consent.")},
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if (
            data.get("password")
            and data.get("password_again")
            and data["password"] != data["password_again"]
        ):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from the email"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
