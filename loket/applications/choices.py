from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Complete, ready to book")
    # The office states (brief §3), in journey order; see loket/applications/workflow.py.
    PAID = "paid", _("Paid, waiting for the visit")
    DOCUMENT_CHECK = "document_check", _("Document check")
    INTERVIEW = "interview", _("Interview")
    BIOMETRICS = "biometrics", _("Photo and fingerprints")
    BAP = "bap", _("BAP examination")
    ADJUDICATION = "adjudication", _("Adjudication")
    PRINTING = "printing", _("Printing")
    QC = "qc", _("Quality control and signature")
    READY = "ready", _("Ready for pickup")
    COLLECTED = "collected", _("Collected")
    # Side exits (brief §3 "Outcomes besides issued").
    POSTPONED = "postponed", _("Postponed (ditunda)")
    SUSPENDED = "suspended", _("Suspended (ditangguhkan)")
    REFUSED = "refused", _("Refused (ditolak)")
    CANCELLED = "cancelled", _("Cancelled")


# A submitted application may be booked.
BOOKABLE = frozenset({ApplicationStatus.SUBMITTED})
EDITABLE = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED})
#: The completion clock runs in these states; it stops while postponed and at ready.
SLA_RUNNING = frozenset(
    {
        ApplicationStatus.DOCUMENT_CHECK,
        ApplicationStatus.INTERVIEW,
        ApplicationStatus.BIOMETRICS,
        ApplicationStatus.BAP,
        ApplicationStatus.ADJUDICATION,
        ApplicationStatus.PRINTING,
        ApplicationStatus.QC,
    }
)


class ServiceClass(models.TextChoices):
    """How fast the office promised to finish; values match loket.queueing.policy.CLASS_RANK."""

    PRIORITY = "priority", _("Priority (vulnerable groups)")
    PERCEPATAN = "percepatan", _("Same-day (percepatan)")
    REGULAR = "regular", _("Regular")


class StandardKind(models.TextChoices):
    """The completion targets an office sets (brief §4 "Completion")."""

    REGULAR = "regular", _("Regular")
    PERCEPATAN = "percepatan", _("Same-day (percepatan)")
    PRIORITY = "priority", _("Priority (vulnerable groups)")
    DATA_CHANGE = "data_change", _("Change of personal data (central approval)")


class RiskFlag(models.TextChoices):
    NONE = "", _("On time")
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", _("Overdue")


class BapTrigger(models.TextChoices):
    LOST = "lost", _("Passport lost")
    DAMAGED = "damaged", _("Passport damaged")
    DATA_CHANGE = "data_change", _("Change of personal data")
    INTERVIEW = "interview", _("Interview: suspected non-procedural migrant worker")


class BapOutcome(models.TextChoices):
    APPROVE = "approve", _("Approve: continue to adjudication")
    POSTPONE = "postpone", _("Postpone (ditunda)")
    SUSPEND = "suspend", _("Suspend (ditangguhkan, 6 to 24 months)")
    REFUSE = "refuse", _("Refuse (ditolak)")


class BapStatus(models.TextChoices):
    OPEN = "open", _("Being examined")
    PROPOSED = "proposed", _("Waiting for approval")
    CENTRAL = "central", _("Waiting for central approval")
    DECIDED = "decided", _("Decided")
    RETURNED = "returned", _("Returned to the examiner")


class PrintOrder(models.TextChoices):
    """Which comes first at printing and QC (issue #6, Cilacap recommendation)."""

    PRIORITY_FIRST = "priority_first", _("Priority never behind percepatan, then due date")
    DUE_DATE = "due_date", _("Due date first, then service class")


class ApplicantType(models.TextChoices):
    ADULT = "adult", _("Adult (17 or over, or married)")
    CHILD = "child", _("Child (under 17 and not married)")


class CaseType(models.TextChoices):
    NEW = "new", _("New passport")
    RENEWAL_EXPIRED = "renewal_expired", _("Renewal: passport expired or about to expire")
    RENEWAL_FULL = "renewal_full", _("Renewal: pages full")
    LOST = "lost", _("Replacement: passport lost")
    DAMAGED = "damaged", _("Replacement: passport damaged")
    DATA_CHANGE = "data_change", _("Change of personal data")


# These need a BAP examination at the office: no online booking (brief §4).
WALK_IN_ONLY_CASES = frozenset({CaseType.LOST, CaseType.DAMAGED, CaseType.DATA_CHANGE})


class Purpose(models.TextChoices):
    TOURISM = "tourism", _("Tourism")
    UMRAH = "umrah", _("Umrah")
    HAJJ = "hajj", _("Hajj")
    WORK = "work", _("Work")
    STUDY = "study", _("Study")
    MEDICAL = "medical", _("Medical treatment")
    VISIT = "visit", _("Visiting family")
    SEAFARER = "seafarer", _("Seafarer")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Not married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    ASSISTED = "assisted", _("Officer-assisted at the office")
    OUTREACH = "outreach", _("Outreach (jemput bola)")


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("Identity card (e-KTP)")
    KK = "kk", _("Family card (KK)")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    DIPLOMA = "diploma", _("School diploma (ijazah)")
    MARRIAGE_BOOK = "marriage_book", _("Marriage book or certificate")
    OLD_PASSPORT = "old_passport", _("Old passport")
    POLICE_REPORT = "police_report", _("Police report of the loss")
    PARENT_KTP = "parent_ktp", _("Parents' identity cards")
    PARENT_CONSENT = "parent_consent", _("Parents' consent letter")
    PARENT_PASSPORT = "parent_passport", _("A parent's passport")
    PHOTO = "photo", _("Photo")
