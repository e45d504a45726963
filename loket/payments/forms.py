from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import DateInput
from loket.payments.choices import VALIDITY_CHOICES, BookType


class FeeForm(forms.Form):
    book_type = forms.ChoiceField(label=_("Passport type"), choices=BookType.choices)
    validity_years = forms.TypedChoiceField(
        label=_("Validity"), choices=VALIDITY_CHOICES, coerce=int, initial=10
    )
    percepatan = forms.BooleanField(label=_("Same-day service (percepatan)"), required=False)
    loss = forms.ChoiceField(
        label=_("Replacing an old passport that was"),
        choices=[("", _("Not lost or damaged")), ("lost", _("Lost")), ("damaged", _("Damaged"))],
        required=False,
    )
    force_majeure = forms.BooleanField(
        label=_("Lost or damaged in a natural disaster (keadaan kahar)"), required=False
    )
    billing_date = forms.DateField(
        label=_("Billing date"),
        widget=DateInput(),
        help_text=_("The tariff in force on the day the bill is issued applies."),
    )
