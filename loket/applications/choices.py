from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Complete, ready to book")
    CANCELLED = "cancelled", _("Cancelled")


# A submitted application may be booked; the workflow issue adds the office states.
BOOKABLE = frozenset({ApplicationStatus.SUBMITTED})
EDITABLE = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED})


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
