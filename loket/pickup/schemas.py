"""Schemas of the pickup API (the contract for the mobile app and officer tablets)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema


class MethodOut(Schema):
    method: str
    label: str
    checklist: list[str]


class PartnerOut(Schema):
    id: int
    name: str


class SlotOut(Schema):
    id: int
    date: dt.date
    start: dt.time
    end: dt.time
    lane: str
    free: int


class ChoiceOut(Schema):
    code: str = Field(..., description="The pickup code; the QR code carries this text.")
    application_id: uuid.UUID
    office: str
    method: str
    status: str = Field(
        ..., description="chosen, arrived, dispatched, handed_over, delivered or cancelled"
    )
    checklist: list[str]
    slot: SlotOut | None = None
    vehicle: str = ""
    plate: str = ""
    walk_up: bool = False
    arrived_at: dt.datetime | None = None
    proxy_name: str = ""
    proxy_basis: str = ""
    courier: str = ""
    province: str = ""
    courier_fee: int | None = None
    tracking_number: str = ""
    delivered_at: dt.datetime | None = None
    created_at: dt.datetime


class OptionsOut(Schema):
    application_id: uuid.UUID
    application_status: str
    ready: bool
    office: str
    methods: list[MethodOut]
    couriers: list[PartnerOut]
    choice: ChoiceOut | None = None


class ChoiceIn(Schema):
    method: Literal["counter", "drive_thru", "courier", "proxy"]
    slot_id: int | None = None
    vehicle: Literal["car", "motorbike", ""] = ""
    plate: str = Field("", max_length=15)
    proxy_name: str = Field("", max_length=150)
    proxy_nik: str = Field("", max_length=16)
    proxy_kk_number: str = Field(
        "",
        max_length=16,
        description="Same family card as the holder: no power of attorney is needed. "
        "A proxy on another family card is chosen with POST …/choice/proxy (multipart), "
        "which takes the power of attorney upload.",
    )
    partner_id: int | None = None
    address: str = Field("", max_length=500)
    province: str = Field("", max_length=100)


class ProxyChoiceIn(Schema):
    proxy_name: str = Field(..., max_length=150)
    proxy_nik: str = Field(..., max_length=16)
    proxy_kk_number: str = Field(
        "",
        max_length=16,
        description="The holder's family card number: no power of attorney is needed.",
    )


class RescheduleIn(Schema):
    slot_id: int


class CourierFeeOut(Schema):
    partner_id: int
    partner: str
    province: str
    fee: int | None = Field(
        ..., description="Rupiah; null when the partner does not deliver there."
    )


# --- officers ---------------------------------------------------------------------------


class HandoverOut(Schema):
    application_id: uuid.UUID
    received_by: str
    receiver_name: str
    identity_checked: bool
    proxy_basis: str
    at: dt.datetime


class OfficerPickupOut(Schema):
    application_id: uuid.UUID
    application_status: str
    holder_name: str
    holder_nik: str
    holder_kk_number: str
    storage_location: str
    choice: ChoiceOut | None = None
    handover: HandoverOut | None = None


class ArrivalIn(Schema):
    plate: str = Field(..., max_length=15)


class HandoverIn(Schema):
    received_by: Literal["owner", "proxy"]
    receiver_name: str = Field(..., max_length=150)
    identity_checked: bool
    proxy_kk_number: str = Field("", max_length=16)


class WalkUpIn(Schema):
    application_id: uuid.UUID
    vehicle: Literal["car", "motorbike"]
    plate: str = Field(..., max_length=15)


class LaneOut(Schema):
    lane: str
    label: str
    capacity: int = Field(..., description="Places offered today in this lane.")
    used: int = Field(..., description="Places taken (bookings and walk-ups).")
    arrived: int
    handed_over: int
    expected: list[ChoiceOut]


class UncollectedOut(Schema):
    application_id: uuid.UUID
    holder_name: str
    days_since_ready: int
    choice: ChoiceOut | None = None
    storage_location: str
    reminders_sent: int
    cancelled_in_days: int


class DispatchIn(Schema):
    tracking_number: str = Field(..., max_length=40)


class DeliveryIn(Schema):
    delivered: bool = Field(..., description="true: delivered; false: the attempt failed.")
    note: str = Field("", max_length=200, description="Who signed, or why it failed.")


class StorageIn(Schema):
    location: str = Field(..., max_length=40)


class StorageOut(Schema):
    application_id: uuid.UUID
    location: str
