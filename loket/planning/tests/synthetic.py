"""Synthetic ticket records with known parameters, for calibration tests and demos.

Arrivals are Poisson per lane and local hour, uniform within the hour; each stage's
service time is lognormal with a given mean and SD; a known share of each lane needs
BAP; a known share of tickets are no-shows at the first call; each stage is served by
a fixed pool of counters taking calls in turn. Everything is drawn from one seeded
generator, so the records are the same on every run.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from loket.offices.choices import StageCode
from loket.offices.models import Counter, Office, Stage
from loket.queueing.choices import EventKind, TicketStatus
from loket.queueing.models import Lane, Ticket, TicketEvent

HALL = [StageCode.DOCUMENT_CHECK, StageCode.INTERVIEW, StageCode.BIOMETRICS, StageCode.BAP]


@dataclass
class Truth:
    """The parameters the records are drawn from."""

    rates: dict[str, list[float]]  # lane prefix -> arrivals per hour from opening
    service: dict[str, tuple[float, float]]  # stage code -> (mean, sd) minutes
    bap_share: dict[str, float] = field(default_factory=dict)
    booked_share: dict[str, float] = field(default_factory=dict)
    no_show: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)  # stage code -> pool size
    opens: dt.time = dt.time(8)


def working_days(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def generate(*, office: Office, days: list[dt.date], truth: Truth, seed: int = 7) -> int:
    """Write tickets and their events for ``days``; return the number of tickets."""
    rng = np.random.default_rng(seed)
    stages = {s.code: s for s in Stage.objects.filter(office=office)}
    lanes = {lane.prefix: lane for lane in Lane.objects.filter(office=office)}
    pools: dict[str, list[Counter]] = {}
    for code, size in truth.counters.items():
        pool = list(Counter.objects.filter(office=office, stages__code=code).order_by("number"))
        assert len(pool) >= size, f"office needs {size} counters serving {code}"
        pools[code] = pool[:size]
    tz = office.tz
    service_params = {
        code: (
            math.log(mean) - math.log1p((sd / mean) ** 2) / 2,
            math.sqrt(math.log1p((sd / mean) ** 2)),
        )
        for code, (mean, sd) in truth.service.items()
    }
    turn = dict.fromkeys(pools, 0)
    tickets: list[Ticket] = []
    plans: list[list[tuple[str, str, dt.datetime, int | None, str]]] = []
    for day in days:
        opening = dt.datetime.combine(day, truth.opens, tzinfo=tz)
        for prefix, rates in truth.rates.items():
            lane = lanes[prefix]
            pickup = lane.service_class == "pickup"
            arrivals: list[dt.datetime] = []
            for hour, rate in enumerate(rates):
                for offset in np.sort(rng.random(rng.poisson(rate))):
                    arrivals.append(opening + dt.timedelta(minutes=60 * (hour + offset)))
            for number, arrived in enumerate(arrivals, start=1):
                route = [StageCode.PICKUP] if pickup else [c for c in HALL if c != StageCode.BAP]
                if not pickup and rng.random() < truth.bap_share.get(prefix, 0.0):
                    route.append(StageCode.BAP)
                booked = rng.random() < truth.booked_share.get(prefix, 0.0)
                no_show = rng.random() < truth.no_show
                events: list[tuple[str, str, dt.datetime, int | None, str]] = [
                    (EventKind.CHECK_IN, route[0], arrived, None, TicketStatus.WAITING)
                ]
                now = arrived
                status = TicketStatus.DONE
                for i, code in enumerate(route):
                    pool = pools.get(code) or list(
                        Counter.objects.filter(office=office, stages__code=code)[:1]
                    )
                    counter = pool[turn.get(code, 0) % len(pool)]
                    turn[code] = turn.get(code, 0) + 1
                    now += dt.timedelta(minutes=float(rng.exponential(5.0)))
                    events.append((EventKind.CALL, code, now, counter.pk, TicketStatus.CALLED))
                    if no_show and i == 0:
                        events.append((EventKind.NO_SHOW, code, now, counter.pk, "no_show"))
                        status = TicketStatus.NO_SHOW
                        break
                    now += dt.timedelta(seconds=20)
                    events.append((EventKind.START, code, now, counter.pk, TicketStatus.SERVING))
                    mu, sigma = service_params[code]
                    now += dt.timedelta(minutes=float(rng.lognormal(mu, sigma)))
                    events.append((EventKind.FINISH, code, now, counter.pk, TicketStatus.SERVING))
                    if i + 1 < len(route):
                        events.append(
                            (EventKind.TRANSFER, route[i + 1], now, counter.pk, "waiting")
                        )
                    else:
                        events.append((EventKind.DONE, code, now, counter.pk, TicketStatus.DONE))
                tickets.append(
                    Ticket(
                        office=office,
                        day=day,
                        lane=lane,
                        number=number,
                        status=status,
                        stage=stages[route[-1]],
                        stage_entered_at=arrived,
                        arrived_at=arrived,
                        booking_code=f"S{len(tickets):07d}" if booked else "",
                    )
                )
                plans.append(events)
    Ticket.objects.bulk_create(tickets, batch_size=500)
    rows = [
        TicketEvent(
            ticket=ticket,
            kind=kind,
            stage=stages[code],
            counter_id=counter_id,
            at=at,
            to_status=to_status,
        )
        for ticket, events in zip(tickets, plans, strict=True)
        for kind, code, at, counter_id, to_status in events
    ]
    TicketEvent.objects.bulk_create(rows, batch_size=1000)
    return len(tickets)
