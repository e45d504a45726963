import datetime as dt
import uuid

from ninja import Field, Schema


class SessionAvailabilityOut(Schema):
    code: str
    name: str
    starts: dt.time
    ends: dt.time
    capacity: int
    used: int
    free: int
    bookable: bool


class DayAvailabilityOut(Schema):
    date: dt.date
    working: bool
    released: bool
    opens_at: dt.datetime | None = Field(None, description="When the date opens for booking.")
    sessions: list[SessionAvailabilityOut]


class AvailabilityOut(Schema):
    office: str
    time_zone: str
    category: str
    days: list[DayAvailabilityOut]


class BookingIn(Schema):
    application_id: uuid.UUID
    date: dt.date
    session: str = Field(..., max_length=20, description="Session code, e.g. 'pagi'.")


class SlotIn(Schema):
    date: dt.date
    session: str = Field(..., max_length=20)


class CancelIn(Schema):
    reason: str = Field("", max_length=200)


class PaymentOut(Schema):
    status: str = Field(..., description="issued, paid, expired or cancelled")
    billing_code: str
    amount: int
    lines: list[dict]
    issued_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    ntpn: str
    gateway: str
    simulator_url: str | None = Field(None, description="Only when the gateway is the SIMULATOR.")
    last_attempt_failed: bool


class BookingOut(Schema):
    code: str
    application_id: uuid.UUID
    office: str
    date: dt.date
    session: str
    session_starts: dt.time
    session_ends: dt.time
    time_zone: str
    category: str
    status: str
    status_label: str
    hold_expires_at: dt.datetime
    confirmed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    reschedule_count: int
    can_reschedule: bool
    can_cancel: bool
    proof_available: bool
    payment: PaymentOut | None


class AdmissionIn(Schema):
    office: str = Field(..., max_length=20, description="Office code.")


class AdmissionOut(Schema):
    office: str
    admitted: bool
    token: str | None = Field(None, description="Send as the Admission-Token header.")
    position: int | None = Field(None, description="Place in line (1: next); null in a pre-queue.")
    wait_seconds: int
    retry_after: int
    release_at: dt.datetime | None = Field(
        None, description="In a pre-queue: the release at which the line is put in random order."
    )
