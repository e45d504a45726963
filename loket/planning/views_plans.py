"""Targets and plans of an office (issue #9): the year's issuance target, the quota
planned per category and month, and officers and counters per working day. The office's
supervisors edit; every officer of the office and the national roles read."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.forms import apply_error
from loket.offices.models import Office
from loket.offices.selectors import office_get_for_staff, office_ids_with_role
from loket.planning.forms import (
    DutyDayForm,
    DutyRangeForm,
    PlanPeriodForm,
    QuotaPlanForm,
    TargetForm,
)
from loket.planning.selectors import (
    PLANNER_ROLES,
    counters_planned_vs_opened,
    plans_can_edit,
    quota_plan_month,
    quota_planned_vs_released,
    target_year,
)
from loket.planning.services import (
    duty_day_delete,
    duty_day_save,
    duty_days_bulk_save,
    quota_plan_save,
    target_year_save,
)

ACTIONS = ("target", "quota", "duty_day", "duty_range", "duty_delete")


def _page_url(office: Office, year: int, month: int) -> str:
    base = reverse("planning:plans", args=[office.code])
    return f"{base}?{urlencode({'year': year, 'month': month})}"


@staff_required
def plans(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    office = office_get_for_staff(user=user, code=code)
    can_edit = plans_can_edit(user=user, office=office)
    today = timezone.now().astimezone(office.tz).date()
    status = 200

    period = PlanPeriodForm(
        {
            "year": request.GET.get("year", today.year),
            "month": request.GET.get("month", today.month),
        }
    )
    if period.is_valid():
        year, month = period.cleaned_data["year"], period.cleaned_data["month"]
    else:
        year, month = today.year, today.month
        status = 400

    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        if not can_edit:
            raise Forbidden(
                "role_required", _("Only the office's supervisors can change targets and plans.")
            )
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise ApplicationError("unknown_action", _("Unknown action."))
        done = _handle(request, office, action, bound)
        if done is not None:
            message, to_year, to_month = done
            messages.success(request, message)
            return redirect(_page_url(office, to_year, to_month or month))
        status = 400

    target = target_year(office=office, year=year)
    initial_target: dict[str, Any] = {"year": year, "passports": target.passports}
    initial_target.update({f"month_{m}": v for m, v in target.months.items()})
    initial_quota: dict[str, Any] = {"year": year, "month": month}
    initial_quota.update(quota_plan_month(office=office, year=year, month=month))
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    planners = office_ids_with_role(user, PLANNER_ROLES)
    context = {
        "office": office,
        "can_edit": can_edit,
        "can_plan": planners is None or office.pk in planners,
        "year": year,
        "month": month,
        "month_start": first,
        "period_form": period,
        "target": target,
        "target_rows": [(first.replace(month=m), target.months.get(m)) for m in range(1, 13)],
        "target_form": bound.get("target") or TargetForm(initial=initial_target, prefix="target"),
        "quota_form": bound.get("quota") or QuotaPlanForm(initial=initial_quota, prefix="quota"),
        "quota_rows": quota_planned_vs_released(offices=[office], year=year, months=[month]),
        "duty_form": bound.get("duty_day") or DutyDayForm(initial={"date": first}, prefix="duty"),
        "range_form": bound.get("duty_range")
        or DutyRangeForm(
            initial={"start": next_monday, "end": next_monday + dt.timedelta(days=4)},
            prefix="range",
        ),
        "duty_rows": counters_planned_vs_opened(offices=[office], start=first, end=last),
    }
    return render(request, "planning/plans.html", context, status=status)


def _handle(
    request: HttpRequest, office: Office, action: str, bound: dict[str, forms.Form]
) -> tuple[str, int, int | None] | None:
    """Run one posted form; (message, year, month or None for the month shown) to
    redirect to, or None with the form left in ``bound`` carrying its errors."""
    user = request_user(request)
    data = request.POST
    if action == "duty_delete":
        # The one-day form's second button: only its date matters.
        form_delete = DutyDayForm(data, prefix="duty")
        bound["duty_day"] = form_delete
        form_delete.is_valid()
        for name in ("officers", "counters", "__all__"):  # not needed to remove
            form_delete.errors.pop(name, None)
        form_delete.errors.pop("date", None)  # reported below, once
        try:
            day = form_delete.fields["date"].clean(data.get("duty-date", ""))
            duty_day_delete(actor=user, office=office, date=day)
        except forms.ValidationError as error:
            form_delete.add_error("date", error)
            return None
        except NotFound as error:  # the office itself was checked before
            form_delete.add_error("date", error.message)
            return None
        return _("Duty plan of %(date)s removed.") % {"date": day.isoformat()}, day.year, day.month
    form: forms.Form
    if action == "target":
        form = TargetForm(data, prefix="target")
    elif action == "quota":
        form = QuotaPlanForm(data, prefix="quota")
    elif action == "duty_day":
        form = DutyDayForm(data, prefix="duty")
    else:
        form = DutyRangeForm(data, prefix="range")
    bound[action] = form
    if not form.is_valid():
        return None
    values = form.cleaned_data
    try:
        if isinstance(form, TargetForm):
            target_year_save(
                actor=user,
                office=office,
                year=values["year"],
                passports=values["passports"],
                months=form.months(),
            )
            return _("Target for %(year)d saved.") % {"year": values["year"]}, values["year"], None
        if isinstance(form, QuotaPlanForm):
            quota_plan_save(
                actor=user,
                office=office,
                year=values["year"],
                month=values["month"],
                places=form.places(),
            )
            return _("Quota plan saved."), values["year"], values["month"]
        if isinstance(form, DutyDayForm):
            day = values["date"]
            duty_day_save(
                actor=user,
                office=office,
                date=day,
                officers=values["officers"],
                counters=values["counters"],
            )
            return (
                _("Duty plan of %(date)s saved.") % {"date": day.isoformat()},
                day.year,
                day.month,
            )
        days = duty_days_bulk_save(
            actor=user,
            office=office,
            start=values["start"],
            end=values["end"],
            officers=values["officers"],
            counters=values["counters"],
        )
    except (Forbidden, NotFound):
        raise
    except ApplicationError as error:
        # The whole sentence at the top (it names the figures), the short one at the field.
        apply_error(form, error)
        if error.fields:
            form.add_error(None, error.message)
        return None
    message = ngettext(
        "Duty plan saved for %(count)d working day.",
        "Duty plan saved for %(count)d working days.",
        len(days),
    ) % {"count": len(days)}
    return message, days[0].year, days[0].month
