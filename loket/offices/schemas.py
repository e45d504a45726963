import datetime as dt

from ninja import Schema


class OpeningHoursOut(Schema):
    weekday: int
    opens: dt.time
    closes: dt.time


class OfficeOut(Schema):
    code: str
    name: str
    kind: str
    timezone: str
    timezone_abbreviation: str
    address: str
    city: str
    province: str
    offers_electronic: bool
    offers_polycarbonate: bool
    offers_percepatan: bool
    offers_drive_thru: bool
    opening_hours: list[OpeningHoursOut]

    @staticmethod
    def resolve_timezone_abbreviation(obj: object) -> str:
        return obj.tz_abbreviation  # type: ignore[attr-defined]

    @staticmethod
    def resolve_opening_hours(obj: object) -> list[object]:
        return list(obj.opening_hours.all())  # type: ignore[attr-defined]


class CalendarDayOut(Schema):
    date: dt.date
    working: bool
    reason: str


class WorkingDaysOut(Schema):
    office: str
    start: dt.date
    working_days: int
    result: dt.date
