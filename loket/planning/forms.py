"""Planner forms: the calibration period, one what-if scenario, the staffing helper.

Field errors name the parameter at fault (the stage or lane and what it needs)."""

from __future__ import annotations

import copy
import math
import re
from typing import Any

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from loket.core.forms import DateInput
from loket.offices.choices import QuotaCategory
from loket.planning.services import MAX_ARRIVALS_PER_HOUR, MAX_COUNTERS, YEARS
from loket.queueing.policy import POLICIES

_SPLIT = re.compile(r"[\s;,]+")


class CalibrationForm(forms.Form):
    calibrate_from = forms.DateField(label=_lazy("From"), widget=DateInput())
    calibrate_to = forms.DateField(label=_lazy("To"), widget=DateInput())


def _numbers(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text.strip()) if part]


def _schedule_text(values: list[Any]) -> str:
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


class ScenarioForm(forms.Form):
    """One scenario, with fields built from ``plan`` (its stages and lanes)."""

    name = forms.CharField(label=_lazy("Scenario name"), max_length=80)
    policy = forms.ChoiceField(
        label=_lazy("Queue policy"),
        choices=[(name, name.replace("_", " ")) for name in sorted(POLICIES)],
    )
    service_model = forms.ChoiceField(
        label=_lazy("Service times"),
        choices=[
            ("lognormal", _lazy("Lognormal (fitted mean and SD)")),
            ("empirical", _lazy("Empirical (the recorded durations, scaled to the mean)")),
        ],
    )
    steady_state = forms.BooleanField(
        label=_lazy("Steady-state question (average hour all day, no closing)"), required=False
    )

    def __init__(self, *args: Any, plan: dict[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": plan["name"],
                "policy": plan["policy"],
                "service_model": plan.get("service_model", "lognormal"),
                "steady_state": plan.get("steady_state", False),
            },
        )
        super().__init__(*args, **kwargs)
        self.base = plan
        self.hours = max(1, math.ceil(float(plan["closing"]) / 60))
        self.plan: dict[str, Any] = {}
        self.stage_rows: list[tuple[dict[str, Any], list[str]]] = []
        self.lane_rows: list[tuple[dict[str, Any], list[str]]] = []
        for stage in plan["stages"]:
            code, label = stage["code"], stage["label"]
            self.fields[f"counters_{code}"] = forms.CharField(
                label=_("Counters open: %(stage)s") % {"stage": label},
                initial=_schedule_text(stage["counters"]),
                help_text=_("One number for the whole day, or %(n)s (one per opening hour).")
                % {"n": self.hours},
            )
            self.fields[f"mean_{code}"] = forms.FloatField(
                label=_("Mean service time, minutes: %(stage)s") % {"stage": label},
                initial=stage["mean"],
                min_value=0.01,
                max_value=600,
            )
            self.fields[f"sd_{code}"] = forms.FloatField(
                label=_("SD of service time, minutes: %(stage)s") % {"stage": label},
                initial=stage["sd"],
                min_value=0,
                max_value=600,
            )
            self.stage_rows.append((stage, [f"counters_{code}", f"mean_{code}", f"sd_{code}"]))
        for lane in plan["lanes"]:
            prefix = lane["prefix"]
            title = f"{prefix} — {lane['label']}"
            self.fields[f"arrivals_{prefix}"] = forms.CharField(
                label=_("Arrivals per hour: lane %(lane)s") % {"lane": title},
                initial=_schedule_text(lane["arrivals"]),
                help_text=_("One number for every hour, or %(n)s (one per opening hour).")
                % {"n": self.hours},
            )
            self.fields[f"walk_in_{prefix}"] = forms.FloatField(
                label=_("Walk-ins, %% of arrivals: lane %(lane)s") % {"lane": title},
                initial=round(float(lane["walk_in_share"]) * 100, 1),
                min_value=0,
                max_value=100,
            )
            self.fields[f"quota_{prefix}"] = forms.IntegerField(
                label=_("Daily quota (tickets), empty for none: lane %(lane)s") % {"lane": title},
                initial=lane.get("daily_quota"),
                required=False,
                min_value=0,
                max_value=10_000,
            )
            self.lane_rows.append(
                (lane, [f"arrivals_{prefix}", f"walk_in_{prefix}", f"quota_{prefix}"])
            )

    @property
    def stage_groups(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in names] for _stage, names in self.stage_rows]

    @property
    def lane_groups(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in names] for _lane, names in self.lane_rows]

    def _schedule(
        self, name: str, *, integer: bool, what: str, maximum: float
    ) -> list[float] | list[int] | None:
        parts = _numbers(self.cleaned_data.get(name) or "")
        hours = self.hours
        try:
            values = [float(p.replace(",", ".")) for p in parts]
        except ValueError:
            values = []
        problem = None
        if not values:
            problem = _("%(what)s: give numbers, e.g. 2 or 2, 3, 3.") % {"what": what}
        elif len(values) not in (1, hours):
            problem = _("%(what)s: give 1 value or %(n)s (one per opening hour), not %(got)s.") % {
                "what": what,
                "n": hours,
                "got": len(values),
            }
        elif any(not math.isfinite(v) or v < 0 for v in values):
            problem = _("%(what)s cannot be negative.") % {"what": what}
        elif integer and any(v != int(v) for v in values):
            problem = _("%(what)s must be whole numbers.") % {"what": what}
        elif any(v > maximum for v in values):
            problem = _("%(what)s: at most %(max)s.") % {"what": what, "max": f"{maximum:g}"}
        if problem:
            self.add_error(name, problem)
            return None
        return [int(v) for v in values] if integer else values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = copy.deepcopy(self.base)
        plan["name"] = data.get("name", plan["name"])
        plan["policy"] = data.get("policy", plan["policy"])
        plan["service_model"] = data.get("service_model", "lognormal")
        plan["steady_state"] = bool(data.get("steady_state"))
        for stage in plan["stages"]:
            code, label = stage["code"], stage["label"]
            counters = self._schedule(
                f"counters_{code}",
                integer=True,
                what=_("Counters at %(stage)s") % {"stage": label},
                maximum=MAX_COUNTERS,
            )
            if counters is not None:
                if max(counters) == 0:
                    self.add_error(
                        f"counters_{code}",
                        _("Counters at %(stage)s are 0 all day, so nobody could be served.")
                        % {"stage": label},
                    )
                elif plan["steady_state"] and len(counters) != 1:
                    self.add_error(
                        f"counters_{code}",
                        _("Counters at %(stage)s: a steady-state question needs one number.")
                        % {"stage": label},
                    )
                stage["counters"] = counters
            for key in ("mean", "sd"):
                if data.get(f"{key}_{code}") is not None:
                    stage[key] = data[f"{key}_{code}"]
            if stage["sd"] > 0 and stage["mean"] <= 0:
                self.add_error(f"mean_{code}", _("The mean must be above 0."))
        for lane in plan["lanes"]:
            prefix = lane["prefix"]
            arrivals = self._schedule(
                f"arrivals_{prefix}",
                integer=False,
                what=_("Arrivals per hour in lane %(lane)s") % {"lane": prefix},
                maximum=MAX_ARRIVALS_PER_HOUR,
            )
            if arrivals is not None:
                lane["arrivals"] = (
                    [float(arrivals[0])] * self.hours if len(arrivals) == 1 else arrivals
                )
            if data.get(f"walk_in_{prefix}") is not None:
                lane["walk_in_share"] = round(data[f"walk_in_{prefix}"] / 100, 4)
            lane["daily_quota"] = data.get(f"quota_{prefix}")
        self.plan = plan
        return data


class StaffingForm(forms.Form):
    target_p90 = forms.FloatField(
        label=_lazy("Wait target: 90% of each lane's applicants wait at most (minutes)"),
        min_value=1,
        max_value=600,
        initial=30,
    )


# --- Targets and plans (issue #9) ---------------------------------------------------------

MONTH_CHOICES = [(number, name) for number, name in MONTHS.items()]


def _count(label: Any, *, required: bool = True, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        help_text=help_text,
        error_messages={
            "required": _lazy("Enter a number (0 or more)."),
            "invalid": _lazy("Enter a whole number."),
            "min_value": _lazy("Cannot be negative."),
        },
    )


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_lazy("Year"),
        min_value=YEARS[0],
        max_value=YEARS[1],
        error_messages={
            "required": _lazy("Enter the year."),
            "invalid": _lazy("Enter a year such as 2026."),
            "min_value": _lazy("The year must be between 2000 and 2100."),
            "max_value": _lazy("The year must be between 2000 and 2100."),
        },
    )


def _month_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_lazy("Month"),
        min_value=1,
        max_value=12,
        widget=forms.Select(choices=MONTH_CHOICES),
        error_messages={
            "required": _lazy("Choose a month."),
            "invalid": _lazy("The month must be between 1 and 12."),
            "min_value": _lazy("The month must be between 1 and 12."),
            "max_value": _lazy("The month must be between 1 and 12."),
        },
    )


class PlanPeriodForm(forms.Form):
    """Which year and month the page shows."""

    year = _year_field()
    month = _month_field()


class TargetForm(forms.Form):
    """The year's issuance target and the optional figure of each month."""

    year = _year_field()
    passports = _count(
        _lazy("Passports to issue in the year"),
        help_text=_lazy(
            "Months left empty share what the year has left. When all twelve months "
            "are filled in they must add up to the year."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, name in MONTHS.items():
            self.fields[f"month_{number}"] = _count(name, required=False)

    def month_fields(self) -> list[forms.BoundField]:
        return [self[f"month_{number}"] for number in MONTHS]

    def months(self) -> dict[int, int | None]:
        return {number: self.cleaned_data.get(f"month_{number}") for number in MONTHS}


class QuotaPlanForm(forms.Form):
    """Planned places per working day of each quota category for one month."""

    year = _year_field()
    month = _month_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category, label in QuotaCategory.choices:
            self.fields[category] = _count(label, required=False)

    def category_fields(self) -> list[forms.BoundField]:
        return [self[category] for category in QuotaCategory.values]

    def places(self) -> dict[str, int | None]:
        return {category: self.cleaned_data.get(category) for category in QuotaCategory.values}


def _staffing_fields() -> tuple[forms.IntegerField, forms.IntegerField]:
    return (
        _count(_lazy("Officers on duty")),
        _count(
            _lazy("Counters open"),
            help_text=_lazy("At most the officers on duty: each open counter needs an officer."),
        ),
    )


def _check_counters(form: forms.Form, data: dict[str, Any]) -> None:
    officers, counters = data.get("officers"), data.get("counters")
    if officers is not None and counters is not None and counters > officers:
        form.add_error(
            "counters",
            _(
                "%(counters)d counters cannot be open with %(officers)d officers on duty: "
                "each open counter needs an officer."
            )
            % {"counters": counters, "officers": officers},
        )


class DutyDayForm(forms.Form):
    """Officers on duty and counters open on one working day."""

    date = forms.DateField(
        label=_lazy("Date"),
        widget=DateInput(),
        error_messages={
            "required": _lazy("Enter the date."),
            "invalid": _lazy("Enter a valid date."),
        },
    )
    officers, counters = _staffing_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_counters(self, data)
        return data


class DutyRangeForm(forms.Form):
    """The same staffing for every working day of a date range."""

    start = forms.DateField(
        label=_lazy("First day"),
        widget=DateInput(),
        error_messages={
            "required": _lazy("Enter the first day."),
            "invalid": _lazy("Enter a valid date."),
        },
    )
    end = forms.DateField(
        label=_lazy("Last day"),
        widget=DateInput(),
        error_messages={
            "required": _lazy("Enter the last day."),
            "invalid": _lazy("Enter a valid date."),
        },
    )
    officers, counters = _staffing_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day is before the first day."))
        _check_counters(self, data)
        return data
