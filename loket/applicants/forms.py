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
