from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.queueing.policy import POLICIES


class ServiceClass(models.TextChoices):
    """Ranks from loket.queueing.policy.CLASS_RANK: priority first at every stage."""

    PRIORITY = "priority", _("Priority (vulnerable groups)")
    PERCEPATAN = "percepatan", _("Same-day (percepatan)")
    REGULAR = "regular", _("Regular")
    PICKUP = "pickup", _("Passport pickup")
    GROUP = "group", _("Outreach group (jemput bola)")


class PriorityCategory(models.TextChoices):
    ELDERLY = "elderly", _("Elderly (60 or over)")
    YOUNG_CHILD = "young_child", _("Young child")
    PREGNANT = "pregnant", _("Pregnant")
    BREASTFEEDING = "breastfeeding", _("Breastfeeding or with a baby")
    DISABILITY = "disability", _("Person with a disability")
    SICK = "sick", _("Sick")
    DISASTER = "disaster", _("Disaster victim")


class DisabilityType(models.TextChoices):
    MOBILITY = "mobility", _("Mobility (wheelchair, crutches)")
    VISION = "vision", _("Vision")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    INTELLECTUAL = "intellectual", _("Intellectual or mental")
    OTHER = "other", _("Other")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    PARKED = "parked", _("Parked (waiting for a document)")
    DONE = "done", _("Finished")
    NO_SHOW = "no_show", _("Did not answer the call")
    CANCELLED = "cancelled", _("Cancelled")


TERMINAL = frozenset({TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED})
AT_COUNTER = frozenset({TicketStatus.CALLED, TicketStatus.SERVING})

# status -> statuses it may move to (style.md rule 4)
TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.WAITING: frozenset(
        {TicketStatus.CALLED, TicketStatus.CANCELLED, TicketStatus.WAITING}
    ),
    TicketStatus.CALLED: frozenset(
        {TicketStatus.SERVING, TicketStatus.CALLED, TicketStatus.WAITING, TicketStatus.NO_SHOW}
    ),
    TicketStatus.SERVING: frozenset({TicketStatus.WAITING, TicketStatus.PARKED, TicketStatus.DONE}),
    TicketStatus.PARKED: frozenset({TicketStatus.WAITING, TicketStatus.CANCELLED}),
    TicketStatus.DONE: frozenset(),
    TicketStatus.NO_SHOW: frozenset({TicketStatus.WAITING}),
    TicketStatus.CANCELLED: frozenset(),
}


class EventKind(models.TextChoices):
    CHECK_IN = "check_in", _("Checked in")
    CALL = "call", _("Called")
    RECALL = "recall", _("Called again")
    START = "start", _("Service started")
    FINISH = "finish", _("Stage finished")
    SKIP = "skip", _("Skipped (no answer)")
    NO_SHOW = "no_show", _("No-show")
    PARK = "park", _("Parked")
    RETURN = "return", _("Returned to the queue")
    TRANSFER = "transfer", _("Transferred")
    DONE = "done", _("Visit finished")
    CANCEL = "cancel", _("Cancelled")


POLICY_CHOICES = [(name, name.replace("_", " ")) for name in sorted(POLICIES)]
