"""How long an applicant waited at a stage and how long they were served there, measured
when it happens and kept on the event that ends the wait or the service.

One rule, used by the queue's services as each call and finish is written and by the
migration that measured the events written before: per ticket and stage,

- the first ``call`` there carries the seconds since the ticket first entered that stage
  (its check-in at the first stage, the transfer into a later one);
- the first ``finish`` there carries the seconds the ticket was being served there: from
  each ``start`` to the event that followed it (the finish, or a park while the applicant
  fetches a document). Time parked and waiting again is not service.

Later calls (a recall, a call after a skip or a return) and any event without the step
it is measured from carry nothing. Seconds are whole seconds (truncated), so a year's
waits can be counted per second in the database instead of sorted one by one.

No Django imports, so the migration can use it as it is (with its historical model).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Any

ENTRY_KINDS = frozenset({"check_in", "transfer"})
MEASURED_KINDS = frozenset({"call", "finish"})


def event_seconds(events: Iterable[tuple[str, int, dt.datetime]]) -> list[int | None]:
    """Seconds for each of one ticket's events, given as (kind, stage id, at) in the order
    they happened (all of them: a service ends with whatever event follows its start)."""
    first: dict[tuple[int, str], dt.datetime] = {}
    measured: set[tuple[int, str]] = set()
    served: dict[int, float] = defaultdict(float)
    serving: tuple[int, dt.datetime] | None = None
    result: list[int | None] = []
    for kind, stage_id, at in events:
        if serving is not None:
            # Every event is a move out of the status before it: this one ends a service.
            served_stage, since = serving
            served[served_stage] += max(0.0, (at - since).total_seconds())
            serving = None
        seconds = None
        if kind in MEASURED_KINDS and (stage_id, kind) not in measured:
            measured.add((stage_id, kind))
            if kind == "call":
                entries = [first[(stage_id, k)] for k in ENTRY_KINDS if (stage_id, k) in first]
                if entries and at >= min(entries):
                    seconds = int((at - min(entries)).total_seconds())
            elif (stage_id, "start") in first:
                seconds = int(served[stage_id])
        if kind == "start":
            serving = (stage_id, at)
        first.setdefault((stage_id, kind), at)
        result.append(seconds)
    return result


def measure_tickets(event_model: Any, ticket_ids: Sequence[int]) -> int:
    """Write the seconds of the given tickets' events from their order (for events written
    without them: those before the field existed, a test's hand-written timeline). The
    model is passed in so the migration can give its historical one. Returns how many
    events carry seconds."""
    rows = list(
        event_model.objects.filter(ticket_id__in=ticket_ids)
        .order_by("ticket_id", "at", "id")
        .values_list("id", "ticket_id", "kind", "stage_id", "at", "seconds")
    )
    changed, measured = [], 0
    for _ticket, group in groupby(rows, key=lambda row: row[1]):
        events = list(group)
        seconds = event_seconds((kind, stage, at) for _id, _t, kind, stage, at, _s in events)
        for row, value in zip(events, seconds, strict=True):
            measured += value is not None
            if row[5] != value:
                changed.append(event_model(pk=row[0], seconds=value))
    event_model.objects.bulk_update(changed, ["seconds"], batch_size=1000)
    return measured
