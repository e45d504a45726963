import datetime as dt

from ninja import Schema


class FreeDateOut(Schema):
    date: dt.date
    free: int


class ServiceOut(Schema):
    code: str
    label: str


class DirectoryOfficeOut(Schema):
    code: str
    name: str
    address: str
    city: str
    province: str
    timezone: str
    timezone_abbreviation: str
    services: list[ServiceOut]
    next_release: dt.datetime | None
    free_dates: list[FreeDateOut]
    map_url: str
    standard_url: str


class RequirementCaseOut(Schema):
    applicant_type: str
    applicant_label: str
    case_type: str
    case_label: str
    documents: list[str]
    walk_in_only: bool
    bap: bool
    percepatan_allowed: bool
    notes: list[str]


class StageOut(Schema):
    sequence: int
    code: str
    name: str
    wait_minutes: int
    service_minutes: int


class FeeOut(Schema):
    book_type: str
    label: str
    validity_years: int
    amount: int
    regulation: str


class SurchargeOut(Schema):
    item: str
    label: str
    amount: int
    regulation: str


class FacilityOut(Schema):
    code: str
    label: str
    available: bool


class HoursOut(Schema):
    weekday: int
    day: str
    opens: dt.time
    closes: dt.time


class CompletionOut(Schema):
    regular_working_days: int
    percepatan_working_days: int | None
    sop_wait_minutes: int
    sop_service_minutes: int


class ComplaintsOut(Schema):
    form_url: str
    verify_working_days: int
    class_working_days: list[int]
    phone: str
    email: str


class ServiceStandardOut(Schema):
    office: str
    name: str
    valid_on: dt.date
    requirements: list[RequirementCaseOut]
    procedure: list[StageOut]
    completion: CompletionOut
    fees: list[FeeOut]
    fees_missing: list[str]
    surcharges: list[SurchargeOut]
    force_majeure_rule: str
    regulations: list[str]
    products: list[str]
    facilities: list[FacilityOut]
    counters: int
    priority_counters: int
    priority_quota_per_day: int
    opening_hours: list[HoursOut]
    address: str
    map_url: str
    service_pledge: str
    complaints: ComplaintsOut
    poster_url: str


class QuestionOut(Schema):
    id: int
    office_code: str | None
    office_name: str | None
    question: str
    answer: str
