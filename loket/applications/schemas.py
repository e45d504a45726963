import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Field, Schema


class DocumentOut(Schema):
    kind: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class WarningOut(Schema):
    field: str
    message: str


class ApplicationOut(Schema):
    id: uuid.UUID
    status: str
    step: int
    version: int
    office: str | None
    channel: str
    applicant_type: str
    case_type: str
    book_type: str
    validity_years: int | None
    purpose: str
    percepatan: bool
    nik: str
    kk_number: str
    full_name: str
    kk_name: str
    sex: str
    birth_place: str
    birth_date: dt.date | None
    address: str
    marital_status: str
    occupation: str
    father_name: str
    mother_name: str
    phone: str
    email: str
    draft_raw: dict[str, str]
    warnings: list[WarningOut]
    documents: list[DocumentOut]
    submitted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_id(obj: object) -> uuid.UUID:
        return obj.public_id  # type: ignore[attr-defined]

    @staticmethod
    def resolve_office(obj: object) -> str | None:
        office = obj.office  # type: ignore[attr-defined]
        return office.code if office else None

    @staticmethod
    def resolve_documents(obj: object) -> list[object]:
        return list(obj.documents.all())  # type: ignore[attr-defined]


class ApplicationSummaryOut(Schema):
    id: uuid.UUID
    status: str
    step: int
    full_name: str
    case_type: str
    office: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj: object) -> uuid.UUID:
        return obj.public_id  # type: ignore[attr-defined]

    @staticmethod
    def resolve_office(obj: object) -> str | None:
        office = obj.office  # type: ignore[attr-defined]
        return office.code if office else None


class StepResultOut(Schema):
    saved: bool
    errors: dict[str, list[str]]
    warnings: list[WarningOut]
    application: ApplicationOut


class RequirementsOut(Schema):
    documents: list[list[str]]
    walk_in_only: bool
    bap: bool
    percepatan_allowed: bool
    notes: list[str]
    fee_total: int | None
    fee_regulations: list[str]


# --- the office workflow, for officers ------------------------------------------------------


class StaffApplicationSummaryOut(Schema):
    """One application in an office's work list."""

    id: uuid.UUID
    status: str
    status_label: str
    full_name: str
    case_type: str
    service_class: str
    priority_category: str
    due_date: dt.date | None
    risk_flag: str
    needs_bap: bool
    paid: bool
    status_changed_at: dt.datetime | None

    @staticmethod
    def resolve_id(obj: object) -> uuid.UUID:
        return obj.public_id  # type: ignore[attr-defined]

    @staticmethod
    def resolve_status_label(obj: object) -> str:
        return str(obj.get_status_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_paid(obj: object) -> bool:
        return obj.paid_at is not None  # type: ignore[attr-defined]


class BlankStockOut(Schema):
    book_type: str
    quantity: int
    low_threshold: int
    low: bool

    @staticmethod
    def resolve_low(obj: object) -> bool:
        return bool(obj.is_low)  # type: ignore[attr-defined]


class StaffApplicationPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[StaffApplicationSummaryOut]
    blank_stock: list[BlankStockOut]
    print_order: str


class EventOut(Schema):
    from_status: str
    to_status: str
    at: dt.datetime
    actor: str | None
    reason: str
    data: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: object) -> str | None:
        actor = obj.actor  # type: ignore[attr-defined]
        return actor.full_name if actor else None


class BapApprovalOut(Schema):
    round: int
    sequence: int
    role: str
    approved: bool
    note: str
    at: dt.datetime


class BapOut(Schema):
    trigger: str
    status: str
    proposal: str
    proposal_reason: str
    suspend_months: int | None
    awaited: list[str]
    round: int
    needs_central: bool
    central_due: dt.date | None
    next_role: str | None
    approvals: list[BapApprovalOut]

    @staticmethod
    def resolve_next_role(obj: object) -> str | None:
        from loket.applications.bap import bap_next_role
        from loket.applications.choices import BapStatus

        proposed = obj.status == BapStatus.PROPOSED  # type: ignore[attr-defined]
        return bap_next_role(obj) if proposed else None  # type: ignore[arg-type]

    @staticmethod
    def resolve_approvals(obj: object) -> list[object]:
        return list(obj.approvals.filter(round=obj.round))  # type: ignore[attr-defined]


class ChecklistItemOut(Schema):
    key: str
    label: str


class StageClockOut(Schema):
    status: str
    minutes: float
    sop_minutes: int | None
    over: bool


class OverallClockOut(Schema):
    started_at: dt.datetime | None
    running_minutes: float
    running: bool
    due_date: dt.date | None
    working_days_left: int | None
    working_days_late: int | None
    risk: str


class ClockOut(Schema):
    """Minutes at the current step against its SOP, and the whole visit's clock against
    the due date (postponed time does not count)."""

    stage: StageClockOut
    overall: OverallClockOut


class StaffApplicationOut(StaffApplicationSummaryOut):
    """The officer's view of one application: its data, its history and what may follow."""

    office: str | None
    applicant_type: str
    book_type: str
    validity_years: int | None
    purpose: str
    nik: str
    kk_number: str
    kk_name: str
    sex: str
    birth_place: str
    birth_date: dt.date | None
    address: str
    billing_code: str
    fee_waiver_basis: str
    outcome: dict[str, Any]
    warnings: list[Any]
    documents: list[DocumentOut]
    checklist: list[ChecklistItemOut]
    has_photo: bool
    next_steps: list[str]
    bap: BapOut | None
    events: list[EventOut]
    clock: ClockOut

    @staticmethod
    def resolve_office(obj: object) -> str | None:
        office = obj.office  # type: ignore[attr-defined]
        return office.code if office else None

    @staticmethod
    def resolve_documents(obj: object) -> list[object]:
        return list(obj.documents.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_checklist(obj: object) -> list[dict[str, str]]:
        from loket.applications.workflow import document_checklist

        items = document_checklist(obj)  # type: ignore[arg-type]
        return [{"key": key, "label": str(label)} for key, label in items]

    @staticmethod
    def resolve_has_photo(obj: object) -> bool:
        return hasattr(obj, "biometric_photo")

    @staticmethod
    def resolve_next_steps(obj: object, context: dict[str, Any]) -> list[str]:
        from loket.applications.workflow import targets_for

        return targets_for(application=obj, user=context["request"].auth)  # type: ignore[arg-type]

    @staticmethod
    def resolve_bap(obj: object) -> object | None:
        from loket.applications.models import Bap

        return Bap.objects.filter(application=obj).first()  # type: ignore[misc]

    @staticmethod
    def resolve_clock(obj: object) -> dict[str, object]:
        from loket.applications.sop import overall_clock, stage_clock

        return {"stage": stage_clock(obj), "overall": overall_clock(obj)}  # type: ignore[arg-type]

    @staticmethod
    def resolve_events(obj: object) -> list[object]:
        return list(obj.events.select_related("actor"))  # type: ignore[attr-defined]


class ArriveIn(Schema):
    service_class: Literal["regular", "percepatan", "priority"] = "regular"
    priority_category: str = Field("", max_length=16)


class DocumentCheckIn(Schema):
    checklist: dict[str, bool]
    mismatch_note: str = Field("", max_length=500)
    awaited: list[str] = []


class InterviewIn(Schema):
    purpose: str = Field(..., min_length=1, max_length=20)
    destination: str = Field(..., min_length=1, max_length=100)
    sponsor: str = Field("", max_length=150)
    pmi_suspicion: bool = False
    notes: str = Field("", max_length=500)


class AdjudicateIn(Schema):
    decision: Literal["approve", "refuse", "postpone", "bap"]
    reason: str = Field("", max_length=300)
    awaited: list[str] = []


class BapExamineIn(Schema):
    statement: str = Field(..., max_length=5000)
    findings: str = Field(..., max_length=5000)
    proposal: Literal["approve", "postpone", "suspend", "refuse"]
    reason: str = Field("", max_length=300)
    suspend_months: int | None = None
    awaited: list[str] = []


class BapApproveIn(Schema):
    approve: bool
    note: str = Field("", max_length=300)


class BapCentralIn(Schema):
    reference: str = Field(..., max_length=60)


class QcIn(Schema):
    passed: bool
    note: str = Field("", max_length=300)


class PostponeIn(Schema):
    awaited: list[str] = Field(..., min_length=1)
    reason: str = Field("", max_length=300)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class BillLineOut(Schema):
    item: str
    label: str
    amount: int
    regulation: str = ""


class OfficeBillOut(Schema):
    """An office bill of an application: what the receipt shows."""

    billing_code: str
    status: str
    amount: int
    lines: list[BillLineOut]
    billing_date: dt.date
    issued_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    ntpn: str
    fee_waiver_basis: str = ""
