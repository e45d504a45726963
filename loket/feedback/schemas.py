"""API shapes of complaints, surveys and the public indices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from loket.feedback.choices import (
    AgeGroup,
    ComplaintCategory,
    Education,
    Occupation,
    Sex,
)


class ComplaintIn(Schema):
    office: str = Field(..., max_length=20, description="Office code, e.g. KPG")
    category: ComplaintCategory
    summary: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=5000)
    application_ref: str = Field("", max_length=40)
    ticket_ref: str = Field("", max_length=40)
    reported_officer_text: str = Field("", max_length=200)
    anonymous: bool = True
    name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
    consent_forward_identity: bool = False


class ComplaintFiledOut(Schema):
    tracking_number: str
    access_token: str = Field(description="Shown once; send it as X-Access-Token to follow.")
    follow_url: str
    status: str
    verify_due: dt.date


class ComplaintEventOut(Schema):
    at: dt.datetime
    kind: str
    status: str
    message: str


class ComplaintOut(Schema):
    tracking_number: str
    office: str
    category: str
    status: str
    status_label: str
    filed_at: dt.datetime
    verify_due: dt.date
    due_date: dt.date | None
    answered_at: dt.datetime | None
    rating: int | None
    reopen_until: dt.date | None
    events: list[ComplaintEventOut]


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=4)
    comment: str = Field("", max_length=500)


class ReopenIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class IkmQuestionOut(Schema):
    code: str
    element: str
    question: str
    labels: list[str]


class IpkQuestionOut(Schema):
    code: str
    aspect: str
    question: str
    low_label: str
    high_label: str


class SurveyOut(Schema):
    office: str
    service_type: str
    ikm: list[IkmQuestionOut]
    ipk: list[IpkQuestionOut]


class SurveyIn(Schema):
    ikm: dict[str, int] = Field(description="Scores 1–4 for u1 … u9")
    ipk: dict[str, int] = Field(default_factory=dict, description="Scores 1–4 by question code")
    sex: Sex
    age_group: AgeGroup
    education: Education
    occupation: Occupation
    comment: str = Field("", max_length=2000)


class IndexOut(Schema):
    index: Decimal | None
    band: str | None
    band_label: str | None
    respondents: int


class TransparencyOut(Schema):
    office: str
    period_start: dt.date
    period_end: dt.date
    ikm: IndexOut
    ipk: IndexOut
    complaints_received: int
    complaints_answered: int
    complaints_answered_on_time: int
