"""Office pages: the public directory, and the staff area (home, set-up, audit log)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.core.choices import AUDIT_READER_ROLES, NATIONAL_ROLES
from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.selectors import audit_entries
from loket.offices.forms import AuditFilterForm, ClosureForm
from loket.offices.models import Office
from loket.offices.selectors import (
    has_national_role,
    is_admin,
    office_calendar,
    office_get_for_staff,
    office_get_public,
    office_ids_with_role,
    office_setup,
    offices_public,
    offices_visible_to,
    roles_of,
)
from loket.offices.services import CLOSURE_ROLES, office_closure_create, office_closure_delete


def office_list(request: HttpRequest) -> HttpResponse:
    return render(request, "offices/office_list.html", {"offices": offices_public()})


def office_detail(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get_public(code=code)
    today = timezone.now().astimezone(office.tz).date()
    return render(
        request,
        "offices/office_detail.html",
        {"office": office, "calendar": office_calendar(office=office, start=today, days=14)},
    )


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "offices/staff_home.html",
        {
            "roles": roles_of(user),
            "offices": offices_visible_to(user),
            "can_admin": is_admin(user),
            "can_audit": office_ids_with_role(user, AUDIT_READER_ROLES | NATIONAL_ROLES) != set(),
        },
    )


def _office_page(
    request: HttpRequest, office: Office, form: ClosureForm, status: int = 200
) -> HttpResponse:
    today = timezone.now().astimezone(office.tz).date()
    allowed = office_ids_with_role(request_user(request), CLOSURE_ROLES)
    return render(
        request,
        "offices/staff_office.html",
        {
            "office": office_setup(office=office),
            "today": today,
            "calendar": office_calendar(office=office, start=today, days=21),
            "closures": office.closures.filter(date__gte=today),
            "closure_form": form,
            "can_close": allowed is None or office.id in allowed,
        },
        status=status,
    )


@staff_required
def staff_office(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get_for_staff(user=request_user(request), code=code)
    return _office_page(request, office, ClosureForm())


@staff_required
@require_POST
def staff_closure_add(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get_for_staff(user=request_user(request), code=code)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            office_closure_create(
                actor=request_user(request),
                office=office,
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except (Forbidden, NotFound):
            raise
        except ApplicationError as error:
            for field, message in error.fields.items():
                form.add_error(field if field in form.fields else None, message)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Closure saved; the calendar now skips that day."))
            return redirect("offices:staff_office", code=office.code)
    return _office_page(request, office, form, status=400)


@staff_required
@require_POST
def staff_closure_delete(request: HttpRequest, code: str, closure_id: int) -> HttpResponse:
    office = office_get_for_staff(user=request_user(request), code=code)
    office_closure_delete(actor=request_user(request), office=office, closure_id=closure_id)
    messages.success(request, _("Closure removed."))
    return redirect("offices:staff_office", code=office.code)


@staff_required
def staff_audit(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    readable = offices_visible_to(user, AUDIT_READER_ROLES | NATIONAL_ROLES)
    national = has_national_role(user)
    if not national and not readable.exists():
        raise Forbidden("role_required", _("Only supervisors can read the audit log."))
    codes = None if national else set(readable.values_list("code", flat=True))
    form = AuditFilterForm(request.GET or None, office_choices=[(o.code, str(o)) for o in readable])
    entries = audit_entries(office_codes=codes)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data

        def local_midnight(day: dt.date | None) -> dt.datetime | None:
            if day is None:
                return None
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

        until = data.get("until")
        entries = audit_entries(
            office_codes=codes,
            office_code=data.get("office") or "",
            action=data.get("action") or "",
            actor=data.get("actor") or "",
            since=local_midnight(data.get("since")),
            until=local_midnight(until + dt.timedelta(days=1)) if until else None,
        )
    page = Paginator(entries.select_related(None), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "offices/staff_audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
