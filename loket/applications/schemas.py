import datetime as dt
import uuid

from ninja import Schema


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
