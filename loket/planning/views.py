"""The capacity planner for supervisors: calibrate, compare what-ifs, find staffing, save."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError
from loket.core.forms import apply_error
from loket.core.models import User
from loket.offices.models import Office
from loket.offices.selectors import office_get_for_staff, office_require_role
from loket.planning.calibration import Calibration, calibrate
from loket.planning.forms import CalibrationForm, ScenarioForm, StaffingForm
from loket.planning.selectors import (
    PLANNER_ROLES,
    arrival_chart,
    comparison,
    scenario_get,
    scenarios_for_office,
)
from loket.planning.services import (
    UI_REPLICATIONS,
    plan_from_calibration,
    plan_from_setup,
    scenario_delete,
    scenario_run,
    scenario_save,
    staffing_by_hour,
    staffing_search,
)

SLOTS = ("a", "b")
DEFAULT_PERIOD_DAYS = 30


def _planner_office(request: HttpRequest, code: str) -> tuple[User, Office]:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    office_require_role(user=user, office=office, roles=PLANNER_ROLES)
    return user, office


def _saved_id(value: str | None) -> int | None:
    # isascii: "²".isdigit() is true, but int("²") fails.
    return int(value) if value and value.isascii() and value.isdigit() else None


@staff_required
def planner(request: HttpRequest, code: str) -> HttpResponse:
    user, office = _planner_office(request, code)
    today = timezone.now().astimezone(office.tz).date()
    period = {
        "calibrate_from": request.GET.get(
            "calibrate_from", (today - dt.timedelta(days=DEFAULT_PERIOD_DAYS)).isoformat()
        ),
        "calibrate_to": request.GET.get("calibrate_to", (today - dt.timedelta(days=1)).isoformat()),
    }
    calibration_form = CalibrationForm(period)
    calibration: Calibration | None = None
    if calibration_form.is_valid():
        try:
            calibration = calibrate(
                office=office,
                start=calibration_form.cleaned_data["calibrate_from"],
                end=calibration_form.cleaned_data["calibrate_to"],
            )
        except ApplicationError as error:
            apply_error(calibration_form, error)

    def base(name: str) -> dict[str, Any]:
        if calibration is not None:
            return plan_from_calibration(office=office, calibration=calibration, name=name)
        return plan_from_setup(office=office, name=name)

    plans: dict[str, dict[str, Any]] = {}
    cached: dict[str, dict[str, Any] | None] = {}
    loaded: dict[str, int] = {}
    for slot, default_name in zip(SLOTS, (_("Now"), _("What if")), strict=True):
        saved_id = _saved_id(request.GET.get(slot))
        if saved_id is not None:
            saved = scenario_get(user=user, office=office, scenario_id=saved_id)
            plans[slot], cached[slot], loaded[slot] = saved.plan, saved.results, saved.pk
        else:
            plans[slot], cached[slot] = base(default_name), None

    data: QueryDict | None = request.POST if request.method == "POST" else None
    action = data.get("action", "") if data is not None else ""
    loaded_hourly = False
    if data is not None and action == "staffing_to_b":
        data, loaded_hourly = _hourly_into_b(data, plans["b"])
    forms = {slot: ScenarioForm(data, plan=plans[slot], prefix=slot) for slot in SLOTS}
    staffing_form = StaffingForm(data if action == "staffing" else None)
    results: dict[str, dict[str, Any]] = {}
    staffing = None
    hourly = None
    status = 200

    if data is not None:
        valid = all(form.is_valid() for form in forms.values())
        if action == "compare" and valid:
            for slot, form in forms.items():
                try:
                    results[slot] = scenario_run(plan=form.plan)
                except ApplicationError as error:
                    apply_error(form, error)
        elif action in ("save_a", "save_b") and valid:
            slot = action[-1]
            form = forms[slot]
            try:
                saved = scenario_save(
                    user=user,
                    office=office,
                    name=form.plan["name"],
                    plan=form.plan,
                    results=scenario_run(plan=form.plan),
                )
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Scenario “%(name)s” saved.") % {"name": saved.name})
                query = {**period, **{s: loaded[s] for s in loaded}, slot: saved.pk}
                return redirect(f"{request.path}?{urlencode(query)}")
        elif action == "staffing" and staffing_form.is_valid() and forms["a"].is_valid():
            try:
                target = staffing_form.cleaned_data["target_p90"]
                staffing = staffing_search(plan=forms["a"].plan, target_p90=target)
                hourly = staffing_by_hour(
                    plan=forms["a"].plan, target_p90=target, whole_day=staffing
                )
            except ApplicationError as error:
                apply_error(forms["a"], error)
        elif action == "staffing_to_b" and loaded_hourly and forms["b"].is_valid():
            messages.success(
                request,
                _(
                    "Scenario B now has the counters per hour from the staffing helper; "
                    "run and compare to see their effect."
                ),
            )
        if any(form.errors for form in forms.values()) or staffing_form.errors:
            status = 400
    elif all(cached.get(slot) for slot in SLOTS):
        results = {slot: cached[slot] or {} for slot in SLOTS}

    compared = None
    if len(results) == len(SLOTS):
        compared = comparison(
            [
                (
                    _("%(slot)s: %(name)s")
                    % {"slot": slot.upper(), "name": plans_name(forms, slot)},
                    forms[slot].plan or plans[slot],
                    results[slot],
                )
                for slot in SLOTS
            ]
        )
    staffing_rows = None
    if staffing is not None:
        plan_a = forms["a"].plan
        staffing_rows = [
            {
                "label": stage["label"],
                "now": ", ".join(str(c) for c in stage["counters"]),
                "needed": staffing.counters[stage["code"]],
            }
            for stage in plan_a["stages"]
        ]
    hourly_rows = None
    if hourly is not None:
        plan_a = forms["a"].plan
        hourly_rows = [
            {
                "code": stage["code"],
                "label": stage["label"],
                "counters": hourly.schedule[stage["code"]],
                "text": ", ".join(str(c) for c in hourly.schedule[stage["code"]]),
            }
            for stage in plan_a["stages"]
        ]
    context = {
        "office": office,
        "calibration_form": calibration_form,
        "calibration": calibration,
        "arrival_chart": arrival_chart(calibration) if calibration is not None else None,
        "forms": [(slot.upper(), forms[slot]) for slot in SLOTS],
        "staffing_form": staffing_form,
        "staffing": staffing,
        "staffing_rows": staffing_rows,
        "hourly": hourly,
        "hourly_rows": hourly_rows,
        "hourly_loaded": loaded_hourly,
        "compared": compared,
        "saved": scenarios_for_office(user=user, office=office),
        "period_query": urlencode(period),
        "source": plans["a"].get("source"),
        "replications": UI_REPLICATIONS,
    }
    return render(request, "planning/planner.html", context, status=status)


def _hourly_into_b(data: QueryDict, plan_b: dict[str, Any]) -> tuple[QueryDict, bool]:
    """The posted form with scenario B's counters replaced by the per-hour staffing
    answer (posted back as ``hourly_<stage>``), as a plain office day."""
    data = data.copy()
    loaded = False
    for stage in plan_b["stages"]:
        value = data.get(f"hourly_{stage['code']}")
        if value:
            data[f"b-counters_{stage['code']}"] = value
            loaded = True
    if loaded:
        data.pop("b-steady_state", None)
    return data, loaded


def plans_name(forms: dict[str, ScenarioForm], slot: str) -> str:
    form = forms[slot]
    return str(form.plan.get("name") if form.plan else form.base["name"])


@staff_required
@require_POST
def scenario_delete_view(request: HttpRequest, code: str, scenario_id: int) -> HttpResponse:
    user, office = _planner_office(request, code)
    scenario = scenario_get(user=user, office=office, scenario_id=scenario_id)
    name = scenario.name
    scenario_delete(user=user, scenario=scenario)
    messages.success(request, _("Scenario “%(name)s” deleted.") % {"name": name})
    return redirect(reverse("planning:planner", args=[office.code]))


@staff_required
def scenario_json(request: HttpRequest, code: str, scenario_id: int) -> HttpResponse:
    """The saved scenario as simulator JSON, for ``manage.py simulate``."""
    user, office = _planner_office(request, code)
    scenario = scenario_get(user=user, office=office, scenario_id=scenario_id)
    response = HttpResponse(
        json.dumps(scenario.params, indent=2), content_type="application/json; charset=utf-8"
    )
    filename = f"{office.code.lower()}-{slugify(scenario.name) or scenario.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
