"""Read-only views of what Loket holds, for the public: the service standard of an office
(PermenPANRB 15/2014), the office directory and the questions and answers.

Everything here is computed from the rows the rest of Loket uses (tariffs through
`fee_quote`, stages, requirements, quotas, release rules), so a published standard can
never disagree with what the booking and the workflow do. Reports owns no models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loket.applications.choices import ApplicantType, CaseType
from loket.applications.requirements import group_label, requirements_for
from loket.booking import release
from loket.booking.selectors import availability, release_rule_of
from loket.core.calendar import add_working_days, local_date
from loket.core.errors import ApplicationError
from loket.feedback.selectors import sla_policy_for
from loket.offices.choices import QuotaCategory
from loket.offices.models import Counter, DailyQuota, Office, Question, StaffRole, Stage
from loket.offices.selectors import office_get_public, offices_public
from loket.payments.choices import BookType, LossKind, TariffItem
from loket.payments.selectors import fee_quote

# Completion targets after payment (brief §4: "regular about 3–4 working days after
# payment (office SOP), same day for percepatan"). Working days follow the office's
# calendar (loket.core.calendar). No lower layer defines these yet; the workflow should
# use the same numbers (move them down to applications when it needs them).
REGULAR_COMPLETION_WORKING_DAYS = 3
PERCEPATAN_COMPLETION_WORKING_DAYS = 0  # the same day

VALIDITIES = (5, 10)
DIRECTORY_FREE_DATES = 3
# How far ahead the directory looks for free places (availability allows < 62 days).
DIRECTORY_LOOKAHEAD_DAYS = 45


def completion_working_days(*, percepatan: bool) -> int:
    return PERCEPATAN_COMPLETION_WORKING_DAYS if percepatan else REGULAR_COMPLETION_WORKING_DAYS


def completion_date(*, office: Office, paid_at: dt.datetime | dt.date, percepatan: bool) -> dt.date:
    """The local date a passport paid at `paid_at` is due, on the office's working days."""
    return add_working_days(office, paid_at, completion_working_days(percepatan=percepatan))


# ------------------------------------------------------------------ maps


def map_url(office: Office) -> str:
    """OpenStreetMap at the office's coordinates, else a search for its address."""
    if office.latitude is not None and office.longitude is not None:
        lat, lon = Decimal(office.latitude).normalize(), Decimal(office.longitude).normalize()
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    query = ", ".join(p for p in (office.address, office.city, office.province) if p)
    return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


# ------------------------------------------------------------------ service standard


@dataclass(frozen=True)
class RequirementCase:
    applicant_type: str
    applicant_label: str
    case_type: str
    case_label: str
    documents: list[str]
    walk_in_only: bool
    bap: bool
    percepatan_allowed: bool
    notes: list[str]


@dataclass(frozen=True)
class StageStandard:
    sequence: int
    code: str
    name: str
    wait_minutes: int
    service_minutes: int

    @property
    def total_minutes(self) -> int:
        return self.wait_minutes + self.service_minutes


@dataclass(frozen=True)
class FeeRow:
    book_type: str
    label: str
    validity_years: int
    amount: int
    regulation: str


@dataclass(frozen=True)
class Surcharge:
    item: str
    label: str
    amount: int
    regulation: str


@dataclass(frozen=True)
class Facility:
    code: str
    label: str
    available: bool


@dataclass(frozen=True)
class HoursRow:
    weekday: int
    day: str
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class ComplaintChannel:
    label: str
    url: str


@dataclass(frozen=True)
class ServiceStandard:
    office: Office
    on: dt.date
    requirements: list[RequirementCase]
    stages: list[StageStandard]
    regular_working_days: int
    percepatan_working_days: int
    percepatan_offered: bool
    fees: list[FeeRow]
    fees_missing: list[str]
    surcharges: list[Surcharge]
    regulations: list[str]
    products: list[str]
    facilities: list[Facility]
    priority_counters: int
    wheelchair_counters: int
    counters: int
    officers: int
    priority_quota_per_day: int
    hours: list[HoursRow]
    map_url: str
    pledge: str
    complaint_verify_days: int
    complaint_class_days: list[int] = field(default_factory=list)

    @property
    def sop_wait_minutes(self) -> int:
        return sum(s.wait_minutes for s in self.stages)

    @property
    def sop_service_minutes(self) -> int:
        return sum(s.service_minutes for s in self.stages)

    @property
    def sop_total_minutes(self) -> int:
        return self.sop_wait_minutes + self.sop_service_minutes


def book_types_offered(office: Office) -> list[str]:
    types = [BookType.NON_ELECTRONIC.value]
    if office.offers_electronic:
        types.append(BookType.ELECTRONIC.value)
    if office.offers_polycarbonate:
        types.append(BookType.POLYCARBONATE.value)
    return types


def requirement_cases() -> list[RequirementCase]:
    """Every applicant type × case, straight from `requirements_for`."""
    cases = []
    for applicant in ApplicantType:
        for case in CaseType:
            req = requirements_for(applicant_type=applicant.value, case_type=case.value)
            cases.append(
                RequirementCase(
                    applicant_type=applicant.value,
                    applicant_label=str(applicant.label),
                    case_type=case.value,
                    case_label=str(case.label),
                    documents=[group_label(group) for group in req.groups],
                    walk_in_only=req.walk_in_only,
                    bap=req.bap,
                    percepatan_allowed=req.percepatan_allowed,
                    notes=list(req.notes),
                )
            )
    return cases


def stage_standards(office: Office) -> list[StageStandard]:
    return [
        StageStandard(
            sequence=stage.sequence,
            code=stage.code,
            name=stage.get_code_display(),
            wait_minutes=stage.sop_wait_minutes,
            service_minutes=stage.sop_service_minutes,
        )
        for stage in Stage.objects.filter(office=office).order_by("sequence")
    ]


def fees_in_force(office: Office, on: dt.date) -> tuple[list[FeeRow], list[str]]:
    """One row per book type the office offers × validity, from `fee_quote`; the
    entries the fee table lacks are returned by name instead of a guessed amount."""
    rows, missing = [], []
    for book_type in book_types_offered(office):
        for years in VALIDITIES:
            label = f"{BookType(book_type).label} {years} " + _("years")
            try:
                quote = fee_quote(billing_date=on, book_type=book_type, validity_years=years)
            except ApplicationError:
                missing.append(label)
                continue
            line = quote.lines[0]
            rows.append(
                FeeRow(
                    book_type=book_type,
                    label=str(BookType(book_type).label),
                    validity_years=years,
                    amount=quote.total,
                    regulation=line.regulation,
                )
            )
    return rows, missing


def surcharges_in_force(on: dt.date) -> list[Surcharge]:
    """Percepatan, lost and damaged lines as `fee_quote` adds them on top of a passport."""
    result = []
    for item, kwargs in (
        (TariffItem.PERCEPATAN, {"percepatan": True}),
        (TariffItem.LOST, {"loss": LossKind.LOST.value}),
        (TariffItem.DAMAGED, {"loss": LossKind.DAMAGED.value}),
    ):
        try:
            quote = fee_quote(
                billing_date=on,
                book_type=BookType.NON_ELECTRONIC.value,
                validity_years=5,
                **kwargs,
            )
        except ApplicationError:
            continue
        for line in quote.lines:
            if line.item == item:
                result.append(
                    Surcharge(
                        item=str(item),
                        label=line.label,
                        amount=line.amount,
                        regulation=line.regulation,
                    )
                )
    return result


FACILITY_FIELDS = [
    "priority_counter",
    "wheelchair",
    "lactation_room",
    "play_area",
    "accessible_toilet",
    "parking",
]
FACILITY_LABELS = {
    name: Office._meta.get_field(name).verbose_name  # type: ignore[union-attr]
    for name in FACILITY_FIELDS
}


def facilities_of(office: Office) -> list[Facility]:
    facilities = [
        Facility(
            code=name,
            label=str(FACILITY_LABELS[name]).capitalize(),
            available=bool(getattr(office, name)),
        )
        for name in FACILITY_FIELDS
    ]
    facilities.append(
        Facility(
            code="drive_thru",
            label=_("Drive-thru pickup"),
            available=office.offers_drive_thru,
        )
    )
    return facilities


def service_standard(*, office: Office, on: dt.date | None = None) -> ServiceStandard:
    """The service standard of `office` on `on` (default: today at the office)."""
    on = on or local_date(office, timezone.now())
    fees, missing = fees_in_force(office, on)
    surcharges = surcharges_in_force(on)
    counters = list(Counter.objects.filter(office=office, is_active=True))
    policy = sla_policy_for(office)
    products = [
        f"{BookType(bt).label} ({', '.join(str(y) for y in VALIDITIES)} {_('years')})"
        for bt in book_types_offered(office)
    ]
    return ServiceStandard(
        office=office,
        on=on,
        requirements=requirement_cases(),
        stages=stage_standards(office),
        regular_working_days=REGULAR_COMPLETION_WORKING_DAYS,
        percepatan_working_days=PERCEPATAN_COMPLETION_WORKING_DAYS,
        percepatan_offered=office.offers_percepatan,
        fees=fees,
        fees_missing=missing,
        surcharges=surcharges
        if office.offers_percepatan
        else [s for s in surcharges if s.item != TariffItem.PERCEPATAN],
        regulations=sorted({f.regulation for f in fees} | {s.regulation for s in surcharges}),
        products=products,
        facilities=facilities_of(office),
        priority_counters=sum(1 for c in counters if c.is_priority),
        wheelchair_counters=sum(1 for c in counters if c.wheelchair_accessible),
        counters=len(counters),
        officers=StaffRole.objects.filter(office=office).values("user").distinct().count(),
        priority_quota_per_day=sum(
            DailyQuota.objects.filter(office=office, category=QuotaCategory.PRIORITY).values_list(
                "capacity", flat=True
            )
        ),
        hours=[
            HoursRow(
                weekday=h.weekday, day=str(h.get_weekday_display()), opens=h.opens, closes=h.closes
            )
            for h in office.opening_hours.all()
        ],
        map_url=map_url(office),
        pledge=office.service_pledge.strip(),
        complaint_verify_days=policy.verify_days,
        complaint_class_days=[
            policy.fast_days,
            policy.medium_days,
            policy.complex_days,
            policy.very_complex_days,
        ],
    )


def service_standard_for_code(*, code: str, on: dt.date | None = None) -> ServiceStandard:
    return service_standard(office=office_get_public(code=code), on=on)


# ------------------------------------------------------------------ directory


@dataclass(frozen=True)
class FreeDate:
    date: dt.date
    free: int


@dataclass(frozen=True)
class DirectoryEntry:
    office: Office
    services: list[tuple[str, str]]
    next_release: dt.datetime | None
    free_dates: list[FreeDate]
    map_url: str


def directory_search(*, name: str = "", region: str = "") -> QuerySet[Office]:
    """Active offices whose name or code contains `name` and whose city or province
    contains `region` (both case-insensitive, partial)."""
    offices = offices_public()
    name, region = name.strip(), region.strip()
    if name:
        offices = offices.filter(Q(name__icontains=name) | Q(code__iexact=name))
    if region:
        offices = offices.filter(Q(city__icontains=region) | Q(province__icontains=region))
    return offices


def office_services(office: Office) -> list[tuple[str, str]]:
    services = []
    if office.offers_electronic:
        services.append(("electronic", _("E-passport")))
    if office.offers_polycarbonate:
        services.append(("polycarbonate", _("Polycarbonate e-passport")))
    if office.offers_drive_thru:
        services.append(("drive_thru", _("Drive-thru pickup")))
    if office.offers_percepatan:
        services.append(("percepatan", _("Same-day service (percepatan)")))
    return services


def next_free_dates(
    *, office: Office, now: dt.datetime | None = None, limit: int = DIRECTORY_FREE_DATES
) -> list[FreeDate]:
    """The next released dates with free regular places, from the booking calendar's
    own `availability` (the same numbers the booking page shows)."""
    now = now or timezone.now()
    today = local_date(office, now)
    days = availability(
        office=office,
        start=today,
        end=today + dt.timedelta(days=DIRECTORY_LOOKAHEAD_DAYS),
        category=QuotaCategory.REGULAR,
        now=now,
    )
    result = [FreeDate(date=d.date, free=d.free) for d in days if d.released and d.free > 0]
    return result[:limit]


def next_release_of(*, office: Office, now: dt.datetime | None = None) -> dt.datetime | None:
    rule = release_rule_of(office)
    if rule is None:
        return None
    return release.next_release(rule, now or timezone.now())


def directory_entry(*, office: Office, now: dt.datetime | None = None) -> DirectoryEntry:
    now = now or timezone.now()
    return DirectoryEntry(
        office=office,
        services=office_services(office),
        next_release=next_release_of(office=office, now=now),
        free_dates=next_free_dates(office=office, now=now),
        map_url=map_url(office),
    )


# ------------------------------------------------------------------ questions and answers


@dataclass(frozen=True)
class QuestionView:
    id: int
    office_code: str | None
    office_name: str | None
    question: str
    answer: str


def _english() -> bool:
    return (get_language() or "id").lower().startswith("en")


def questions_search(
    *, q: str = "", office: Office | None = None, english: bool | None = None
) -> list[QuestionView]:
    """Published questions (national ones and, with `office`, that office's), searched in
    the active language's text; an English reader sees the Indonesian text where no
    English is written, and that text is searched too."""
    english = _english() if english is None else english
    scope = Q(office__isnull=True)
    if office is not None:
        scope |= Q(office=office)
    rows = Question.objects.filter(scope, is_published=True).select_related("office")
    q = q.strip()
    if q:
        indonesian = Q(question_id__icontains=q) | Q(answer_id__icontains=q)
        if english:
            rows = rows.filter(
                Q(question_en__icontains=q)
                | Q(answer_en__icontains=q)
                | (Q(question_en="") & indonesian)
            )
        else:
            rows = rows.filter(indonesian)
    result = []
    # National questions first, then the office's, each in the editors' order.
    for row in sorted(rows, key=lambda r: (r.office_id is not None, r.sort_order, r.id)):
        use_en = english and bool(row.question_en.strip())
        result.append(
            QuestionView(
                id=row.pk,
                office_code=row.office.code if row.office else None,
                office_name=row.office.name if row.office else None,
                question=row.question_en if use_en else row.question_id,
                answer=row.answer_en if use_en else row.answer_id,
            )
        )
    return result
