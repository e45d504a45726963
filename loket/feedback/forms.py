"""Forms: they check shape and give field messages; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.feedback import ikm
from loket.feedback.choices import (
    AgeGroup,
    ComplaintCategory,
    ComplaintStatus,
    Education,
    Occupation,
    PeriodKind,
    ServiceType,
    Sex,
    SlaClass,
    SurveyKind,
)
from loket.feedback.models import IpkQuestion
from loket.feedback.periods import periods_per_year
from loket.offices.models import Office


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ComplaintForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.filter(is_active=True).order_by("name")
    )
    category = forms.ChoiceField(label=_("What is it about?"), choices=ComplaintCategory.choices)
    summary = forms.CharField(label=_("Summary"), max_length=200)
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("When and where it happened, and what you expected instead."),
    )
    reported_officer_text = forms.CharField(
        label=_("Officer concerned (optional)"),
        required=False,
        max_length=200,
        help_text=_("Name, badge or counter number, if you know it."),
    )
    application_ref = forms.CharField(
        label=_("Application number (optional)"), required=False, max_length=40
    )
    ticket_ref = forms.CharField(label=_("Queue ticket (optional)"), required=False, max_length=40)
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 3 files, JPG, PNG or PDF, 5 MB each."),
    )
    anonymous = forms.BooleanField(
        label=_("Hide my identity from the officers"), required=False, initial=True
    )
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=150)
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We send the link to follow your complaint and every reply here."),
    )
    phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=20)
    consent_forward_identity = forms.BooleanField(
        label=_("You may forward my name and contact to SP4N-LAPOR! with this complaint"),
        required=False,
    )

    def __init__(self, *args: Any, office: Office | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if office is not None:
            del self.fields["office"]


class LookupForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"), max_length=40, help_text=_("For example PGD-KPG-2026-000123.")
    )
    access_code = forms.CharField(label=_("Access code"), max_length=64)


SCORE_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer? (1 = not at all, 4 = very)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still wrong?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


# ---------------------------------------------------------------- staff


class StaffFilterForm(forms.Form):
    office = forms.ChoiceField(label=_("Office"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ComplaintStatus.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *ComplaintCategory.choices]
    )
    flag = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("All")), ("at_risk", _("At risk")), ("overdue", _("Overdue"))],
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office_field = self.fields["office"]
        assert isinstance(office_field, forms.ChoiceField)
        office_field.choices = [(o.code, str(o)) for o in offices]


class VerifyForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    sla_class = forms.ChoiceField(label=_("Handling class"), choices=SlaClass.choices)
    reported_officer = forms.ModelChoiceField(
        label=_("Officer named in the complaint (optional)"),
        queryset=Office.objects.none(),
        required=False,
        help_text=_("The officer you choose will not see this complaint."),
    )
    note = forms.CharField(
        label=_("Internal note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, staff: Any, sla_labels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officer = self.fields["reported_officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = staff
        sla = self.fields["sla_class"]
        assert isinstance(sla, forms.ChoiceField)
        sla.choices = [(value, sla_labels[value]) for value, _label in SlaClass.choices]


class RejectForm(forms.Form):
    message = forms.CharField(
        label=_("Reason, shown to the complainant"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Officer"), queryset=Office.objects.none())

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = staff


class ReplyForm(forms.Form):
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    public = forms.BooleanField(
        label=_("Public: the complainant sees it (untick for an internal note)"),
        required=False,
        initial=True,
    )
    final = forms.BooleanField(
        label=_("This reply answers the complaint (stops the clock)"), required=False
    )


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Closing note (optional)"), required=False, max_length=300)


class InvitationForm(forms.Form):
    office = forms.ChoiceField(label=_("Office"))
    visit_ref = forms.CharField(
        label=_("Visit reference (ticket or application number)"), max_length=60
    )
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    includes_ipk = forms.BooleanField(
        label=_("Include the anti-corruption perception (IPK) questions"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.code, str(o)) for o in offices]


def _year_choices() -> list[tuple[int, str]]:
    this = dt.date.today().year
    return [(y, str(y)) for y in range(this, this - 6, -1)]


class PeriodFields(forms.Form):
    office = forms.ChoiceField(label=_("Office"))
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)
    index = forms.IntegerField(
        label=_("Month, quarter or semester number"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("1–12 for a month, 1–4 for a quarter, 1–2 for a semester; 1 for a year."),
    )
    service_type = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All services")), *ServiceType.choices]
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.code, str(o)) for o in offices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, index = data.get("period_kind"), data.get("index")
        if kind and index and index > periods_per_year(kind):
            self.add_error(
                "index",
                _("This period has only %(n)s parts in a year.") % {"n": periods_per_year(kind)},
            )
        return data


class ReportForm(PeriodFields):
    survey = forms.ChoiceField(label=_("Survey"), choices=SurveyKind.choices)


class ServedCountForm(PeriodFields):
    count = forms.IntegerField(label=_("People served"), min_value=0)


class SurveyForm(forms.Form):
    """The IKM questionnaire (and the IPK questions when the invitation includes them)."""

    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    age_group = forms.ChoiceField(label=_("Age"), choices=AgeGroup.choices)
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices)
    occupation = forms.ChoiceField(label=_("Occupation"), choices=Occupation.choices)

    def __init__(
        self, *args: Any, ipk_questions: list[IpkQuestion], language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for element in ikm.IKM_ELEMENTS:
            self.fields[element.code] = forms.TypedChoiceField(
                label=str(element.question),
                choices=[(i + 1, f"{i + 1} · {label}") for i, label in enumerate(element.labels)],
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.ikm_codes = list(ikm.ELEMENT_CODES)
        self.ipk_codes: list[str] = []
        for q in ipk_questions:
            name = f"ipk_{q.code}"
            self.ipk_codes.append(name)
            low, high = q.low_label(language), q.high_label(language)
            self.fields[name] = forms.TypedChoiceField(
                label=q.text(language),
                choices=[(1, f"1 · {low}"), (2, "2"), (3, "3"), (4, f"4 · {high}")],
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Suggestions to improve the service (optional)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def ikm_fields(self) -> list[forms.BoundField]:
        return [self[c] for c in self.ikm_codes]

    def ipk_fields(self) -> list[forms.BoundField]:
        return [self[c] for c in self.ipk_codes]

    def profile_fields(self) -> list[forms.BoundField]:
        return [self[c] for c in ("sex", "age_group", "education", "occupation")]
