import datetime as dt

from ninja import Schema


class FeeLineOut(Schema):
    item: str
    label: str
    amount: int
    regulation: str


class FeeQuoteOut(Schema):
    billing_date: dt.date
    lines: list[FeeLineOut]
    total: int
    regulations: list[str]
