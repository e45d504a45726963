"""Reads of complaints and surveys. Every staff read goes through `complaints_visible_to`.

Integrity reports (pungli, calo) are visible only where the reader is head of office or
integrity officer (or holds a national role), and a complaint that names an officer is
never visible to that officer, whatever their role.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loket.core.calendar import add_working_days, local_date, working_days_between
from loket.core.errors import NotFound
from loket.core.models import User
from loket.feedback import ikm
from loket.feedback.choices import (
    HANDLER_ROLES,
    HANDLING_RUNNING,
    RESTRICTED_ROLES,
    AgeGroup,
    ComplaintStatus,
    Education,
    Occupation,
    Sex,
)
from loket.feedback.models import (
    Complaint,
    ComplaintEvent,
    IkmResponse,
    IpkAnswer,
    IpkQuestion,
    IpkResponse,
    ServedCount,
    SlaPolicy,
)
from loket.feedback.periods import Period
from loket.offices.models import Office
from loket.offices.selectors import office_ids_with_role


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sla_policy_for(office: Office) -> SlaPolicy:
    """The office's policy, or an unsaved one with the defaults."""
    policy = SlaPolicy.objects.filter(office=office).first()
    return policy if policy is not None else SlaPolicy(office=office, **SlaPolicy.DEFAULTS)


# ---------------------------------------------------------------- complaints: staff


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    normal = office_ids_with_role(user, HANDLER_ROLES)
    restricted = office_ids_with_role(user, RESTRICTED_ROLES)
    qs = Complaint.objects.select_related("office", "assigned_to")
    if normal is not None and not normal:
        return qs.none()
    normal_q = Q(restricted=False) if normal is None else Q(restricted=False, office_id__in=normal)
    restricted_q = (
        Q(restricted=True) if restricted is None else Q(restricted=True, office_id__in=restricted)
    )
    # Named officers never see a complaint about themselves (NULL-safe exclude).
    return qs.filter(normal_q | restricted_q).exclude(reported_officer=user)


def complaint_get_for_staff(*, user: User, tracking_number: str) -> Complaint:
    complaint = complaints_visible_to(user).filter(tracking_number=tracking_number).first()
    if complaint is None:
        raise NotFound("complaint_not_found", _("Complaint not found."))
    return complaint


def complaint_offices_for(user: User) -> QuerySet[Office]:
    ids = office_ids_with_role(user, HANDLER_ROLES)
    return Office.objects.all() if ids is None else Office.objects.filter(id__in=ids)


def _office_today(office: Office, now: dt.datetime | None = None) -> dt.date:
    return local_date(office, now or timezone.now())


def complaints_overdue_q(today: dt.date) -> Q:
    return Q(status=ComplaintStatus.SUBMITTED, verify_due__lt=today) | Q(
        status__in=HANDLING_RUNNING, due_date__lt=today
    )


def complaints_at_risk_q(office: Office, today: dt.date) -> Q:
    """Not yet overdue, with `at_risk_days` working days or fewer left."""
    policy = sla_policy_for(office)
    # Working days in (today, due] <= k  <=>  due comes before the (k+1)-th working day.
    cutoff = add_working_days(office, today, policy.at_risk_days + 1)
    return Q(status=ComplaintStatus.SUBMITTED, verify_due__gte=today, verify_due__lt=cutoff) | Q(
        status__in=HANDLING_RUNNING, due_date__gte=today, due_date__lt=cutoff
    )


def complaint_staff_list(
    *,
    user: User,
    office: Office,
    status: str = "",
    category: str = "",
    flag: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Complaint]:
    qs = complaints_visible_to(user).filter(office=office)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    today = _office_today(office, now)
    if flag == "overdue":
        qs = qs.filter(complaints_overdue_q(today))
    elif flag == "at_risk":
        qs = qs.filter(complaints_at_risk_q(office, today))
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class SlaState:
    due: dt.date | None
    working_days_left: int | None
    at_risk: bool
    overdue: bool


def complaint_sla_state(complaint: Complaint, *, now: dt.datetime | None = None) -> SlaState:
    office = complaint.office
    due = complaint.current_due
    if due is None:
        return SlaState(None, None, False, False)
    today = _office_today(office, now)
    if today > due:
        return SlaState(due, 0, False, True)
    left = working_days_between(office, today, due)
    return SlaState(due, left, left <= sla_policy_for(office).at_risk_days, False)


def complaint_events(*, complaint: Complaint, public_only: bool) -> QuerySet[ComplaintEvent]:
    events = complaint.events.select_related("actor")
    return events.filter(public=True) if public_only else events


def complaint_assignable_staff(*, complaint: Complaint) -> QuerySet[User]:
    """Staff of the complaint's office who may handle it (never the named officer)."""
    roles = RESTRICTED_ROLES if complaint.restricted else HANDLER_ROLES
    qs = User.objects.filter(
        is_active=True, staff_roles__office=complaint.office, staff_roles__role__in=roles
    ).distinct()
    if complaint.reported_officer_id:
        qs = qs.exclude(pk=complaint.reported_officer_id)
    return qs.order_by("full_name")


def complaint_office_staff(*, office: Office) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, staff_roles__office=office)
        .distinct()
        .order_by("full_name")
    )


# ---------------------------------------------------------------- complaints: complainant


def complaint_for_complainant(*, tracking_number: str, token: str) -> Complaint:
    """The complaint behind a secret link; a wrong number or token is the same 404."""
    complaint = (
        Complaint.objects.select_related("office")
        .filter(tracking_number=tracking_number.strip().upper())
        .first()
    )
    expected = complaint.access_token_hash if complaint is not None else "0" * 64
    if not hmac.compare_digest(expected, token_hash(token or "")) or complaint is None:
        raise NotFound(
            "complaint_not_found",
            _("No complaint matches this tracking number and access code."),
        )
    return complaint


# ---------------------------------------------------------------- SP4N-LAPOR! export

EXPORT_FIELDS = [
    "tracking_number",
    "office_code",
    "office_name",
    "channel",
    "category",
    "status",
    "filed_at",
    "verify_due",
    "verified_at",
    "sla_class",
    "sla_days",
    "due_date",
    "answered_at",
    "answered_on_time",
    "closed_at",
    "summary",
    "description",
    "reply",
    "complainant_name",
    "complainant_email",
    "complainant_phone",
]


def complaints_export_rows(complaints: QuerySet[Complaint]) -> list[dict[str, object]]:
    """Rows for SP4N-LAPOR!. The complainant's identity leaves Loket only when they were
    not anonymous and consented to it (UU 27/2022 purpose limitation): forwarding to
    another controller is a new purpose. Otherwise the identity fields are empty and
    LAPOR! treats the report as anonymous."""
    rows: list[dict[str, object]] = []
    policies: dict[int, SlaPolicy] = {}
    for c in complaints.select_related("office").prefetch_related("events"):
        policy = policies.setdefault(c.office_id, sla_policy_for(c.office))
        replies = [e.message for e in c.events.all() if e.public and e.kind == "reply"]
        share = c.consent_forward_identity and not c.anonymous
        rows.append(
            {
                "tracking_number": c.tracking_number,
                "office_code": c.office.code,
                "office_name": c.office.name,
                "channel": c.channel,
                "category": c.category,
                "status": c.status,
                "filed_at": c.created_at.isoformat(),
                "verify_due": c.verify_due.isoformat(),
                "verified_at": c.verified_at.isoformat() if c.verified_at else "",
                "sla_class": c.sla_class,
                "sla_days": policy.class_days(c.sla_class) if c.sla_class else "",
                "due_date": c.due_date.isoformat() if c.due_date else "",
                "answered_at": c.answered_at.isoformat() if c.answered_at else "",
                "answered_on_time": "" if c.answered_on_time is None else c.answered_on_time,
                "closed_at": c.closed_at.isoformat() if c.closed_at else "",
                "summary": c.summary,
                "description": c.description,
                "reply": replies[-1] if replies else "",
                "complainant_name": c.complainant_name if share else "",
                "complainant_email": c.complainant_email if share else "",
                "complainant_phone": c.complainant_phone if share else "",
            }
        )
    return rows


# ---------------------------------------------------------------- surveys


def ipk_questions_for(office: Office) -> list[IpkQuestion]:
    """Active questions: the office's own, plus the defaults it has not replaced."""
    own = list(IpkQuestion.objects.filter(office=office))
    own_codes = {q.code for q in own}
    defaults = IpkQuestion.objects.filter(office__isnull=True, is_active=True).exclude(
        code__in=own_codes
    )
    questions = [q for q in own if q.is_active] + list(defaults)
    return sorted(questions, key=lambda q: (q.sequence, q.id))


@dataclass(frozen=True)
class ElementRow:
    code: str
    name: str
    nrr: Fraction
    weighted: Fraction  # NRR × weight, exact

    @property
    def nrr_display(self) -> Decimal:
        return ikm.round_half_up(self.nrr, 3)

    @property
    def weighted_display(self) -> Decimal:
        return ikm.round_half_up(self.weighted, 3)


@dataclass(frozen=True)
class ProfileRow:
    label: str
    count: int
    percent: Decimal


@dataclass
class SurveyReport:
    kind: str
    office: Office
    period: Period
    service_type: str
    respondents: int
    rows: list[ElementRow] = field(default_factory=list)
    index_exact: Fraction | None = None
    index: Decimal | None = None
    band: ikm.Band | None = None
    served: int | None = None
    required_sample: int | None = None
    profile: dict[str, list[ProfileRow]] = field(default_factory=dict)
    lowest: list[ElementRow] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def sample_sufficient(self) -> bool | None:
        if self.required_sample is None:
            return None
        return self.respondents >= self.required_sample


def _served(office: Office, period: Period, service_type: str) -> int | None:
    row = ServedCount.objects.filter(
        office=office,
        period_kind=period.kind,
        period_start=period.start,
        service_type=service_type,
    ).first()
    return row.count if row is not None else None


def _profile(values: list[str], choices: type, total: int) -> list[ProfileRow]:
    counts = Counter(values)
    return [
        ProfileRow(
            str(label),
            counts.get(value, 0),
            ikm.round_half_up(Fraction(counts.get(value, 0) * 100, total), 1)
            if total
            else Decimal("0.0"),
        )
        for value, label in choices.choices  # type: ignore[attr-defined]
    ]


def _lowest(rows: list[ElementRow], n: int = 3) -> list[ElementRow]:
    return sorted(rows, key=lambda r: (r.nrr, r.code))[:n]


def ikm_report(*, office: Office, period: Period, service_type: str = "") -> SurveyReport:
    """The IKM of an office for a period (and one service type, or all)."""
    responses = IkmResponse.objects.filter(
        office=office, submitted_on__range=(period.start, period.end)
    )
    if service_type:
        responses = responses.filter(service_type=service_type)
    data = list(
        responses.values(
            *ikm.ELEMENT_CODES, "sex", "age_group", "education", "occupation", "comment"
        )
    )
    report = SurveyReport("ikm", office, period, service_type, len(data))
    served = _served(office, period, service_type)
    report.served = served
    report.required_sample = ikm.krejcie_morgan(served) if served is not None else None
    if not data:
        return report
    nrrs: list[Fraction] = []
    for element in ikm.IKM_ELEMENTS:
        value = ikm.nrr(r[element.code] for r in data)
        assert value is not None
        nrrs.append(value)
        report.rows.append(
            ElementRow(element.code.upper(), str(element.name), value, value * ikm.IKM_WEIGHT)
        )
    report.index_exact = ikm.ikm_exact(nrrs)
    report.index = ikm.round_half_up(report.index_exact)
    report.band = ikm.band_for(report.index)
    total = len(data)
    report.profile = {
        str(_("Sex")): _profile([r["sex"] for r in data], Sex, total),
        str(_("Age")): _profile([r["age_group"] for r in data], AgeGroup, total),
        str(_("Education")): _profile([r["education"] for r in data], Education, total),
        str(_("Occupation")): _profile([r["occupation"] for r in data], Occupation, total),
    }
    report.lowest = _lowest(report.rows)
    report.comments = [r["comment"] for r in data if r["comment"].strip()]
    return report


def ipk_report(*, office: Office, period: Period, service_type: str = "") -> SurveyReport:
    """IPK = 25 × the mean of the question NRRs (each question weighs the same)."""
    responses = IpkResponse.objects.filter(
        office=office, submitted_on__range=(period.start, period.end)
    )
    if service_type:
        responses = responses.filter(service_type=service_type)
    report = SurveyReport("ipk", office, period, service_type, responses.count())
    served = _served(office, period, service_type)
    report.served = served
    report.required_sample = ikm.krejcie_morgan(served) if served is not None else None
    scores: dict[int, list[int]] = {}
    for question_id, score in IpkAnswer.objects.filter(response__in=responses).values_list(
        "question_id", "score"
    ):
        scores.setdefault(question_id, []).append(score)
    if not scores:
        return report
    language = get_language() or "id"
    questions = {q.id: q for q in IpkQuestion.objects.filter(id__in=scores)}
    ordered = sorted(questions.values(), key=lambda q: (q.sequence, q.id))
    weight = Fraction(1, len(ordered))
    nrrs = []
    for q in ordered:
        value = ikm.nrr(scores[q.id])
        assert value is not None
        nrrs.append(value)
        report.rows.append(ElementRow(q.code, q.text(language), value, value * weight))
    report.index_exact = ikm.mean_index_exact(nrrs)
    report.index = ikm.round_half_up(report.index_exact)
    report.lowest = _lowest(report.rows)
    report.comments = [c for c in responses.values_list("comment", flat=True) if c and c.strip()]
    return report


@dataclass(frozen=True)
class Transparency:
    office: Office
    period: Period
    ikm: SurveyReport
    ipk: SurveyReport
    received: int
    answered: int
    answered_on_time: int

    @property
    def on_time_percent(self) -> Decimal | None:
        if not self.answered:
            return None
        return ikm.round_half_up(Fraction(self.answered_on_time * 100, self.answered), 1)


def office_transparency(*, office: Office, period: Period) -> Transparency:
    """Public figures of one office for a period; counts only, no personal data."""
    tz = office.tz
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    complaints = Complaint.objects.filter(office=office)
    received = complaints.filter(created_at__gte=start, created_at__lt=end).count()
    answered = complaints.filter(answered_at__gte=start, answered_at__lt=end)
    return Transparency(
        office=office,
        period=period,
        ikm=ikm_report(office=office, period=period),
        ipk=ipk_report(office=office, period=period),
        received=received,
        answered=answered.count(),
        answered_on_time=answered.filter(answered_on_time=True).count(),
    )
