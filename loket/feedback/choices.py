"""Choices of complaints and surveys, and the one complaint transition map."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.core.choices import NATIONAL_ROLES, Role


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Received, awaiting verification")
    VERIFIED = "verified", _("Verified, being handled")
    IN_PROGRESS = "in_progress", _("Assigned to an officer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened by the complainant")
    REJECTED = "rejected", _("Not accepted")


S = ComplaintStatus

# The one transition map (style rule 4). Closing is only reachable from ANSWERED, so a
# complaint cannot be closed without a public reply; REJECTED also needs a public reason.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.VERIFIED, S.REJECTED}),
    S.VERIFIED: frozenset({S.IN_PROGRESS, S.ANSWERED}),
    S.IN_PROGRESS: frozenset({S.ANSWERED}),
    S.ANSWERED: frozenset({S.CLOSED, S.REOPENED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.IN_PROGRESS, S.ANSWERED}),
    S.REJECTED: frozenset(),
}
# Named groups: where the verification clock runs, where the handling clock runs.
VERIFICATION_RUNNING = frozenset({S.SUBMITTED})
HANDLING_RUNNING = frozenset({S.VERIFIED, S.IN_PROGRESS, S.REOPENED})
SLA_RUNNING = VERIFICATION_RUNNING | HANDLING_RUNNING
ANSWERED_STATES = frozenset({S.ANSWERED, S.CLOSED})
RATEABLE = frozenset({S.ANSWERED, S.CLOSED})
REOPENABLE = frozenset({S.ANSWERED, S.CLOSED})
TERMINAL = frozenset({S.REJECTED})
# A staff reply is accepted while a complaint is being handled.
REPLYABLE = HANDLING_RUNNING | {S.ANSWERED}


class ComplaintCategory(models.TextChoices):
    PUNGLI = "pungli", _("Illegal levy (pungli)")
    CALO = "calo", _("Broker (calo)")
    DISCRIMINATION = "discrimination", _("Discrimination")
    PROCEDURE = "procedure", _("Procedure not followed")
    SLOW = "slow", _("Slow service")
    BEHAVIOUR = "behaviour", _("Officer behaviour")
    FACILITIES = "facilities", _("Facilities")
    INFORMATION = "information", _("Information")
    OTHER = "other", _("Other")


# Integrity reports: seen only by the head of office and the integrity officer (and the
# national roles), never by the officer named in them.
RESTRICTED_CATEGORIES = frozenset({ComplaintCategory.PUNGLI, ComplaintCategory.CALO})


class ComplaintChannel(models.TextChoices):
    WEB = "web", _("Website")
    QR = "qr", _("QR code at the office")
    API = "api", _("Mobile app / API")
    ACCOUNT = "account", _("Applicant account")


class SlaClass(models.TextChoices):
    """SP4N-LAPOR! handling classes by complexity; the days are set per office (SlaPolicy)."""

    FAST = "fast", _("Simple")
    MEDIUM = "medium", _("Moderate")
    COMPLEX = "complex", _("Complex")
    VERY_COMPLEX = "very_complex", _("Very complex")


class EventKind(models.TextChoices):
    FILED = "filed", _("Filed")
    STATUS = "status", _("Status change")
    REPLY = "reply", _("Reply")
    NOTE = "note", _("Internal note")
    ASSIGNED = "assigned", _("Assigned")
    CLASSIFIED = "classified", _("Classified")
    ESCALATED = "escalated", _("Escalated")
    RATED = "rated", _("Rated by the complainant")


# Who handles complaints at an office; integrity reports narrow this further.
HANDLER_ROLES = frozenset(
    {
        Role.CUSTOMER_SERVICE,
        Role.INTEGRITY_OFFICER,
        Role.KASUBSI,
        Role.KASI,
        Role.HEAD_OF_OFFICE,
        *NATIONAL_ROLES,
    }
)
RESTRICTED_ROLES = frozenset({Role.HEAD_OF_OFFICE, Role.INTEGRITY_OFFICER, *NATIONAL_ROLES})
# Overdue complaints go to these supervisors (integrity reports: RESTRICTED_ROLES).
ESCALATION_ROLES = frozenset({Role.KASI, Role.HEAD_OF_OFFICE})
# Issuing survey slips, entering served counts, reading survey reports.
SURVEY_STAFF_ROLES = frozenset(
    {
        Role.CUSTOMER_SERVICE,
        Role.INFORMATION_DESK,
        Role.PICKUP,
        Role.KASUBSI,
        Role.KASI,
        Role.HEAD_OF_OFFICE,
        Role.INTEGRITY_OFFICER,
        *NATIONAL_ROLES,
    }
)
SURVEY_REPORT_ROLES = frozenset(
    {Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE, Role.INTEGRITY_OFFICER, *NATIONAL_ROLES}
)


class ServiceType(models.TextChoices):
    PASSPORT_NEW = "passport_new", _("New passport")
    PASSPORT_RENEWAL = "passport_renewal", _("Passport renewal")
    PASSPORT_REPLACEMENT = "passport_replacement", _("Replacement (lost or damaged)")
    DATA_CHANGE = "data_change", _("Change of personal data")
    PICKUP = "pickup", _("Passport pickup")
    OTHER = "other", _("Other service")


class Sex(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class AgeGroup(models.TextChoices):
    UNDER_20 = "u20", _("Under 20")
    A20 = "20_29", _("20–29")
    A30 = "30_39", _("30–39")
    A40 = "40_49", _("40–49")
    A50 = "50_59", _("50–59")
    A60 = "60p", _("60 or over")


class Education(models.TextChoices):
    """The education levels of the PermenPANRB 14/2017 sample questionnaire."""

    SD = "sd", _("Primary school (SD) or less")
    SMP = "smp", _("Junior high school (SMP)")
    SMA = "sma", _("Senior high school (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1–D4)")
    S1 = "s1", _("Bachelor (S1)")
    S2 = "s2", _("Master or doctorate (S2/S3)")


class Occupation(models.TextChoices):
    """The occupations of the PermenPANRB 14/2017 sample questionnaire."""

    CIVIL_SERVANT = "pns", _("Civil servant (PNS)")
    MILITARY = "tni", _("Military (TNI)")
    POLICE = "polri", _("Police (POLRI)")
    PRIVATE = "private", _("Private employee")
    ENTREPRENEUR = "entrepreneur", _("Self-employed")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    SEMESTER = "semester", _("Semester")
    YEAR = "year", _("Year")


class SurveyKind(models.TextChoices):
    IKM = "ikm", _("Community satisfaction (IKM)")
    IPK = "ipk", _("Anti-corruption perception (IPK)")


class IpkAspect(models.TextChoices):
    """Aspects of the unit anti-corruption perception survey (PermenPANRB 90/2021)."""

    DISCRIMINATION = "discrimination", _("Discrimination")
    PUNGLI = "pungli", _("Illegal levies")
    CALO = "calo", _("Brokers (calo)")
    GRATUITY = "gratuity", _("Gratuities")
    FRAUD = "fraud", _("Service fraud")
    OTHER = "other", _("Other")
