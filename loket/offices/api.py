import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from loket.core.calendar import add_working_days
from loket.offices.schemas import CalendarDayOut, OfficeOut, WorkingDaysOut
from loket.offices.selectors import office_calendar, office_get_public, offices_public

router = Router(tags=["offices"])


@router.get("", response=list[OfficeOut], summary="Active offices")
@paginate(PageNumberPagination, page_size=50)
def list_offices(request: HttpRequest):
    return offices_public()


@router.get("/{code}", response=OfficeOut, summary="One office")
def get_office(request: HttpRequest, code: str):
    return office_get_public(code=code)


@router.get("/{code}/calendar", response=list[CalendarDayOut], summary="Working days ahead")
def get_calendar(
    request: HttpRequest,
    code: str,
    start: dt.date | None = None,
    days: int = Query(14, ge=1, le=92),
):
    office = office_get_public(code=code)
    start = start or timezone.now().astimezone(office.tz).date()
    return office_calendar(office=office, start=start, days=days)


@router.get(
    "/{code}/working-days",
    response=WorkingDaysOut,
    summary="The date n working days after start, on the office's calendar",
)
def get_working_days(
    request: HttpRequest,
    code: str,
    start: dt.date,
    n: int = Query(..., ge=0, le=400),
):
    office = office_get_public(code=code)
    return {
        "office": office.code,
        "start": start,
        "working_days": n,
        "result": add_working_days(office, start, n),
    }
