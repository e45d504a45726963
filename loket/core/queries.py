"""Small query helpers shared by the hot paths."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The row of a lookup that can match at most one row (a unique key), or None.

    Unlike ``.first()`` it adds no ORDER BY: ``first()`` sorts by the model's
    ``Meta.ordering`` (sometimes across a join) or the primary key, which costs query
    compilation and a sort on the booking path for nothing when one row can match.
    """
    rows = list(queryset.order_by()[:1])
    return rows[0] if rows else None
