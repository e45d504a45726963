"""The wizard's steps as forms: field-level checks with messages that say how to fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.applicants.identity import kk_check, nik_check
from loket.applicants.models import phone_validator
from loket.applications.choices import ApplicantType, CaseType, MaritalStatus, Purpose, Sex
from loket.core.forms import DateInput
from loket.offices.models import Office
from loket.payments.choices import VALIDITY_CHOICES, BookType
from loket.payments.selectors import ADULT_AGE, age_on

BLANK = [("", _("— choose —"))]


class CaseForm(forms.Form):
    """Step 1: where, who, what for."""

    office = forms.ModelChoiceField(
        label=_("Immigration office"),
        queryset=Office.objects.filter(is_active=True),
        empty_label=_("— choose an office —"),
        to_field_name="code",
        help_text=_("Where you will come for the interview and photo."),
    )
    applicant_type = forms.ChoiceField(
        label=_("Who is the passport for?"), choices=BLANK + ApplicantType.choices
    )
    case_type = forms.ChoiceField(label=_("What do you need?"), choices=BLANK + CaseType.choices)
    book_type = forms.ChoiceField(label=_("Passport type"), choices=BLANK + BookType.choices)
    validity_years = forms.TypedChoiceField(
        label=_("Validity"),
        choices=[*BLANK, *VALIDITY_CHOICES],
        coerce=int,
        help_text=_("10 years only for applicants aged 17 or over, or married."),
    )
    purpose = forms.ChoiceField(label=_("Purpose of travel"), choices=BLANK + Purpose.choices)
    percepatan = forms.BooleanField(
        label=_("Same-day service (percepatan, extra fee)"),
        required=False,
        help_text=_("Only for new passports and renewals of expired ones."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        office: Office | None = data.get("office")
        book_type = data.get("book_type")
        if office and book_type == BookType.POLYCARBONATE and not office.offers_polycarbonate:
            self.add_error(
                "book_type",
                _(
                    "This office does not issue polycarbonate passports; choose another type or office."
                ),
            )
        if office and book_type == BookType.ELECTRONIC and not office.offers_electronic:
            self.add_error(
                "book_type",
                _("This office does not issue e-passports; choose another type or office."),
            )
        if data.get("percepatan"):
            if data.get("case_type") not in (CaseType.NEW, CaseType.RENEWAL_EXPIRED):
                self.add_error(
                    "percepatan",
                    _("Same-day service is only for new passports and renewals of expired ones."),
                )
            if office and not office.offers_percepatan:
                self.add_error("percepatan", _("This office does not offer same-day service."))
        if data.get("applicant_type") == ApplicantType.CHILD and data.get("validity_years") == 10:
            self.add_error(
                "validity_years", _("A child's passport is valid for 5 years; choose 5.")
            )
        return data


def _digits(attrs: dict[str, str] | None = None) -> forms.TextInput:
    return forms.TextInput(
        attrs={"inputmode": "numeric", "maxlength": "16", "autocomplete": "off", **(attrs or {})}
    )


class PersonForm(forms.Form):
    """Step 2: personal data exactly as on the e-KTP."""

    nik = forms.CharField(
        label=_("NIK (16 digits on the e-KTP)"),
        max_length=16,
        min_length=16,
        widget=_digits(),
        error_messages={"min_length": _("A NIK has exactly 16 digits.")},
    )
    kk_number = forms.CharField(
        label=_("Family card (KK) number"),
        max_length=16,
        min_length=16,
        widget=_digits(),
        error_messages={"min_length": _("A family card number has exactly 16 digits.")},
    )
    full_name = forms.CharField(label=_("Full name as on the e-KTP"), max_length=150)
    kk_name = forms.CharField(
        label=_("Name as on the family card, if written differently"),
        max_length=150,
        required=False,
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK + Sex.choices)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        error_messages={"invalid": _("Enter a real date, for example 17-08-1990.")},
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=BLANK + MaritalStatus.choices
    )
    address = forms.CharField(
        label=_("Address as on the e-KTP"), widget=forms.Textarea(attrs={"rows": 3})
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=100)
    father_name = forms.CharField(label=_("Father's name"), max_length=150)
    mother_name = forms.CharField(label=_("Mother's name"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=16,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(
        self, *args: Any, applicant_type: str = "", validity_years: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.applicant_type = applicant_type
        self.validity_years = validity_years
        self.warnings: list[dict[str, str]] = []

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if value < today.replace(year=today.year - 120):
            raise forms.ValidationError(
                _("Check the year of birth: it is more than 120 years ago.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nik, birth, sex = data.get("nik"), data.get("birth_date"), data.get("sex")
        if nik:
            finding = nik_check(nik, declared_birth_date=birth, declared_sex=sex or None)
            for message in finding.errors:
                self.add_error("nik", message)
            self.warnings += [{"field": "nik", "message": m} for m in finding.warnings]
        if data.get("kk_number"):
            finding = kk_check(data["kk_number"])
            for message in finding.errors:
                self.add_error("kk_number", message)
            self.warnings += [{"field": "kk_number", "message": m} for m in finding.warnings]
        kk_name = (data.get("kk_name") or "").strip()
        if kk_name and data.get("full_name") and _normal(kk_name) != _normal(data["full_name"]):
            self.warnings.append(
                {
                    "field": "kk_name",
                    "message": str(
                        _(
                            "The name on the family card differs from the e-KTP; the officer will compare the originals."
                        )
                    ),
                }
            )
        married = data.get("marital_status") not in (None, "", MaritalStatus.SINGLE)
        if birth and data.get("marital_status"):
            adult = married or age_on(birth, timezone.localdate()) >= ADULT_AGE
            if self.applicant_type == ApplicantType.CHILD and adult:
                self.add_error(
                    "birth_date",
                    _(
                        "By this date of birth and marital status the applicant is an adult: change 'Who is the passport for?' in step 1."
                    ),
                )
            if self.applicant_type == ApplicantType.ADULT and not adult:
                self.add_error(
                    "birth_date",
                    _(
                        "Applicants under 17 who are not married apply as a child: change 'Who is the passport for?' in step 1."
                    ),
                )
            if self.validity_years == 10 and not adult:
                self.add_error(
                    "birth_date",
                    _(
                        "A 10-year passport is only for applicants aged 17 or over or married; choose 5 years in step 1."
                    ),
                )
        return data


def _normal(name: str) -> str:
    return " ".join(name.upper().replace(".", " ").replace(",", " ").split())


STEP_FORMS: dict[int, type[forms.Form]] = {1: CaseForm, 2: PersonForm}
