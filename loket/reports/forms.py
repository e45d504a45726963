from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DirectorySearchForm(forms.Form):
    name = forms.CharField(
        label=_("Office name"),
        required=False,
        max_length=100,
        help_text=_("Part of the name is enough, e.g. Kupang."),
    )
    region = forms.CharField(
        label=_("City, regency or province"),
        required=False,
        max_length=100,
        help_text=_("Part of the name is enough, e.g. Jawa or Maluku."),
    )


class QuestionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the questions"),
        required=False,
        max_length=100,
        help_text=_("One or two words, e.g. lost passport or fee."),
    )
    office = forms.ChoiceField(label=_("Office"), required=False)

    def __init__(
        self, *args: object, office_choices: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        office = self.fields["office"]
        assert isinstance(office, forms.ChoiceField)
        office.choices = [("", _("National questions only")), *office_choices]
