import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from loket.payments.choices import BookType
from loket.payments.schemas import FeeQuoteOut
from loket.payments.selectors import fee_quote

router = Router(tags=["fees"])


class FeeQuery(Schema):
    billing_date: dt.date
    book_type: BookType
    validity_years: int = Field(..., json_schema_extra={"enum": [5, 10]})
    percepatan: bool = False
    loss: Literal["lost", "damaged"] | None = None
    force_majeure: bool = False

    @field_validator("validity_years")
    @classmethod
    def five_or_ten(cls, value: int) -> int:
        if value not in (5, 10):
            raise ValueError("Validity must be 5 or 10 years.")
        return value


@router.get("/quote", response=FeeQuoteOut, summary="PNBP fee for a case on a billing date")
def get_quote(request: HttpRequest, query: Query[FeeQuery]):
    data = query.dict()
    data["book_type"] = BookType(data["book_type"]).value
    return fee_quote(**data)
