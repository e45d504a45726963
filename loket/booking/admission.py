"""The waiting room in front of booking (issue #4): a line per office, admitted at a set
rate, and signed single-use admission tokens bound to the applicant.

How the line works, correct across any number of app processes sharing one database:

* Joining writes one `WaitingEntry` with a rank (the join instant in microseconds), or,
  in the `prequeue_minutes` before a release, no rank yet: at release time the pre-queue
  is put in random order from a recorded seed (`PrequeueDraw`), just below the release
  instant, so arriving a millisecond earlier or with a script gives no edge.
* The `AdmissionGate` row says up to which rank people are admitted. Whoever polls moves
  it on by `rate × elapsed` entries with one conditional UPDATE on the value it read
  (optimistic: a concurrent poll that lost simply reads the winner's value).
* An admitted applicant gets a token: `django.core.signing` over (account, office, nonce),
  valid `LOKET_ADMISSION_TOKEN_SECONDS`. Booking spends it by inserting its nonce into
  `AdmissionUse` (unique) in the booking's transaction, so a refused booking (session
  full) leaves the token usable, and a token books at most once.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.booking import conf, release
from loket.booking.models import AdmissionGate, AdmissionUse, PrequeueDraw, WaitingEntry
from loket.booking.selectors import release_rule_of
from loket.core.errors import ApplicationError
from loket.core.models import User
from loket.offices.models import Office

SALT = "loket.booking.admission"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _rank_at(moment: dt.datetime) -> int:
    """Rank of a join at `moment`: microseconds since the epoch × 1000 (the entry id's last
    three digits are added, so two joins in the same microsecond still have an order)."""
    return (moment - EPOCH) // dt.timedelta(microseconds=1) * 1000


@dataclass(frozen=True)
class AdmissionStatus:
    """What a waiting applicant is told: admitted (with a token) or a place in line."""

    admitted: bool
    token: str | None
    position: int | None
    wait_seconds: int
    retry_after: int
    release_at: dt.datetime | None = None


def prequeue_order(seed: int, entry_ids: list[int]) -> list[int]:
    """The pre-queue's drawn order: a pure function of the seed and the ids (re-runnable)."""
    order = sorted(entry_ids)
    random.Random(seed).shuffle(order)
    return order


def _prequeue_release(office: Office, now: dt.datetime) -> dt.datetime | None:
    """The release whose pre-queue is open at `now`, if any."""
    rule = release_rule_of(office)
    if rule is None or rule.prequeue_minutes == 0:
        return None
    upcoming = release.next_release(rule, now)
    if upcoming is not None and upcoming - now <= dt.timedelta(minutes=rule.prequeue_minutes):
        return upcoming
    return None


def prequeue_draw(*, office: Office, release_at: dt.datetime, seed: int | None = None) -> bool:
    """Rank the pre-queue of `release_at` at random (idempotent; safe when run twice at once:
    the unique draw row lets one transaction win). True when this call drew."""
    seed = secrets.randbits(62) if seed is None else seed
    try:
        with transaction.atomic():
            draw = PrequeueDraw.objects.create(office=office, release_at=release_at, seed=seed)
            ids = list(
                WaitingEntry.objects.filter(
                    office=office, release_at=release_at, rank__isnull=True
                ).values_list("id", flat=True)
            )
            order = prequeue_order(seed, ids)
            base = _rank_at(release_at) - len(order)
            for position, entry_id in enumerate(order):
                WaitingEntry.objects.filter(pk=entry_id).update(rank=base + position)
            draw.entries = order
            draw.save(update_fields=["entries"])
    except IntegrityError:
        return False
    return True


def _draw_due(office: Office, now: dt.datetime) -> None:
    due = (
        WaitingEntry.objects.filter(office=office, rank__isnull=True, release_at__lte=now)
        .values_list("release_at", flat=True)
        .distinct()
    )
    for release_at in list(due):
        assert release_at is not None  # filtered on release_at__lte
        if not prequeue_draw(office=office, release_at=release_at):
            # Somebody else drew; a late joiner of that release goes to the end of the line.
            WaitingEntry.objects.filter(
                office=office, release_at=release_at, rank__isnull=True
            ).update(rank=_rank_at(now))


def gate_advance(*, office: Office, now: dt.datetime | None = None) -> int:
    """Admit the next `rate × elapsed` people in line; returns the admitted-through rank."""
    now = now or timezone.now()
    _draw_due(office, now)
    gate, _created = AdmissionGate.objects.get_or_create(
        office=office, defaults={"refilled_at": now - dt.timedelta(days=1)}
    )
    rate = conf.admission_rate()
    burst = conf.admission_burst_seconds()
    start = max(gate.refilled_at, now - dt.timedelta(seconds=burst))
    budget = int((now - start).total_seconds() * rate)
    if budget < 1:
        return gate.admitted_through
    ranks = list(
        WaitingEntry.objects.filter(
            office=office, rank__gt=gate.admitted_through, rank__lt=_rank_at(now) + 1000
        )
        .order_by("rank")
        .values_list("rank", flat=True)[:budget]
    )
    if not ranks:
        return gate.admitted_through
    refilled = start + dt.timedelta(seconds=len(ranks) / rate)
    won = AdmissionGate.objects.filter(
        pk=gate.pk, admitted_through=gate.admitted_through, refilled_at=gate.refilled_at
    ).update(admitted_through=ranks[-1], refilled_at=min(refilled, now))
    if won:
        return int(ranks[-1] or 0)
    return int(AdmissionGate.objects.values_list("admitted_through", flat=True).get(pk=gate.pk))


def admission_token_issue(*, account: User, office: Office) -> str:
    return signing.dumps(
        {"a": account.pk, "o": office.pk, "n": secrets.token_hex(12)}, salt=SALT, compress=False
    )


def admission_join(
    *, account: User, office: Office, ip: str | None = None, now: dt.datetime | None = None
) -> AdmissionStatus:
    """Join (or look up one's place in) the office's line; admitted people get a token.

    Calling it again is the cheap poll: one entry read, the gate move, one ranged count.
    """
    now = now or timezone.now()
    entry = WaitingEntry.objects.filter(office=office, account=account).first()
    if entry is None:
        prequeue = _prequeue_release(office, now)
        try:
            with transaction.atomic():
                entry = WaitingEntry.objects.create(
                    office=office,
                    account=account,
                    joined_at=now,
                    release_at=prequeue,
                    rank=None,
                    ip=ip,
                )
                if prequeue is None:
                    entry.rank = _rank_at(now) + entry.pk % 1000
                    WaitingEntry.objects.filter(pk=entry.pk).update(rank=entry.rank)
        except IntegrityError:  # the same account joined from two tabs at once
            entry = WaitingEntry.objects.get(office=office, account=account)
    if entry.rank is None and entry.release_at is not None and entry.release_at > now:
        wait = math.ceil((entry.release_at - now).total_seconds())
        return AdmissionStatus(
            admitted=False,
            token=None,
            position=None,
            wait_seconds=wait,
            retry_after=max(1, min(wait, 30)),
            release_at=entry.release_at,
        )
    through = gate_advance(office=office, now=now)
    if entry.rank is None:
        entry.refresh_from_db(fields=["rank"])
    assert entry.rank is not None
    if entry.rank <= through:
        # Leaving the line: the next join of this account starts at the back again.
        WaitingEntry.objects.filter(pk=entry.pk).delete()
        return AdmissionStatus(
            admitted=True,
            token=admission_token_issue(account=account, office=office),
            position=0,
            wait_seconds=0,
            retry_after=0,
        )
    ahead = WaitingEntry.objects.filter(
        office=office, rank__gt=through, rank__lt=entry.rank
    ).count()
    wait = math.ceil((ahead + 1) / conf.admission_rate())
    return AdmissionStatus(
        admitted=False,
        token=None,
        position=ahead + 1,
        wait_seconds=wait,
        retry_after=max(1, min(wait, 10)),
    )


def _refuse(code: str, message: str) -> ApplicationError:
    return ApplicationError(code, message, status=403)


def admission_check(*, token: str, account: User, office: Office) -> str:
    """The token's nonce when it is genuine, unexpired and this applicant's for this office."""
    if not token:
        raise ApplicationError(
            "admission_required",
            _("Booking opens through the waiting room: join the line and book once admitted."),
            status=428,
        )
    try:
        data = signing.loads(token, salt=SALT, max_age=conf.admission_token_seconds())
    except signing.SignatureExpired:
        raise _refuse(
            "admission_expired",
            _("Your admission has expired; join the waiting room again."),
        ) from None
    except signing.BadSignature:
        raise _refuse("admission_invalid", _("This admission is not valid.")) from None
    if not isinstance(data, dict) or data.get("a") != account.pk or data.get("o") != office.pk:
        raise _refuse("admission_invalid", _("This admission is not valid."))
    return str(data["n"])


def admission_consume(*, token: str, account: User, office: Office) -> None:
    """Spend a token; call inside the booking's transaction so a refused booking keeps it."""
    nonce = admission_check(token=token, account=account, office=office)
    try:
        with transaction.atomic():
            AdmissionUse.objects.create(nonce=nonce, account=account, office=office)
    except IntegrityError:
        raise _refuse(
            "admission_used",
            _("This admission was already used for a booking; join the waiting room again."),
        ) from None
