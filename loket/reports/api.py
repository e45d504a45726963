"""Public information for the mobile app: the office directory, an office's service
standard and the questions and answers. No sign-in."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from loket.offices.models import Office
from loket.offices.selectors import office_get_public
from loket.reports.schemas import DirectoryOfficeOut, QuestionOut, ServiceStandardOut
from loket.reports.selectors import (
    DirectoryEntry,
    directory_entry,
    directory_search,
    questions_search,
    service_standard_for_code,
)

router = Router(tags=["public information"])


class DirectoryPagination(PageNumberPagination):
    """Availability is computed only for the offices of the page returned."""

    def paginate_queryset(
        self,
        queryset: QuerySet[Office],
        pagination: PageNumberPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        now = timezone.now()
        key = self.items_attribute
        result[key] = [_directory_out(directory_entry(office=o, now=now)) for o in result[key]]
        return result


def _directory_out(entry: DirectoryEntry) -> dict[str, Any]:
    office = entry.office
    return {
        "code": office.code,
        "name": office.name,
        "address": office.address,
        "city": office.city,
        "province": office.province,
        "timezone": office.timezone,
        "timezone_abbreviation": office.tz_abbreviation,
        "services": [{"code": c, "label": str(label)} for c, label in entry.services],
        "next_release": entry.next_release,
        "free_dates": entry.free_dates,
        "map_url": entry.map_url,
        "standard_url": reverse("reports:standard", args=[office.code]),
    }


@router.get(
    "/offices",
    response=list[DirectoryOfficeOut],
    summary="Office directory: search by name and region, with the next free dates",
)
@paginate(DirectoryPagination, page_size=10, max_page_size=20)
def directory(
    request: HttpRequest,
    name: str = Query("", max_length=100),
    region: str = Query("", max_length=100),
):
    return directory_search(name=name, region=region)


@router.get(
    "/offices/{code}/standard",
    response=ServiceStandardOut,
    summary="The service standard of an office (PermenPANRB 15/2014)",
)
def standard(request: HttpRequest, code: str):
    std = service_standard_for_code(code=code)
    office = std.office
    return {
        "office": office.code,
        "name": office.name,
        "valid_on": std.on,
        "requirements": std.requirements,
        "procedure": std.stages,
        "completion": {
            "regular_working_days": std.regular_working_days,
            "percepatan_working_days": std.percepatan_working_days
            if std.percepatan_offered
            else None,
            "sop_wait_minutes": std.sop_wait_minutes,
            "sop_service_minutes": std.sop_service_minutes,
        },
        "fees": std.fees,
        "fees_missing": std.fees_missing,
        "surcharges": std.surcharges,
        "force_majeure_rule": _(
            "No charge for a lost or damaged passport when it was lost or damaged in a natural disaster (keadaan kahar)."
        ),
        "regulations": std.regulations,
        "products": std.products,
        "facilities": std.facilities,
        "counters": std.counters,
        "priority_counters": std.priority_counters,
        "priority_quota_per_day": std.priority_quota_per_day,
        "opening_hours": std.hours,
        "address": f"{office.address}, {office.city}, {office.province}",
        "map_url": std.map_url,
        "service_pledge": std.pledge,
        "complaints": {
            "form_url": reverse("feedback:complaint_new_office", args=[office.code]),
            "verify_working_days": std.complaint_verify_days,
            "class_working_days": std.complaint_class_days,
            "phone": office.phone,
            "email": office.email,
        },
        "poster_url": reverse("reports:standard_pdf", args=[office.code]),
    }


@router.get(
    "/questions",
    response=list[QuestionOut],
    summary="Questions and answers, national and of one office, in the request's language",
)
def questions(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    office: str = Query("", max_length=20),
):
    found = office_get_public(code=office) if office else None
    return questions_search(q=q, office=found)
