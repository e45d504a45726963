from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    KANIM = "kanim", _("Immigration office (Kanim)")
    ULP = "ulp", _("Passport service unit (ULP)")
    UKK = "ukk", _("Office working unit (UKK)")
    MPP = "mpp", _("Public service mall booth (MPP)")


class OfficeClass(models.TextChoices):
    KHUSUS = "khusus", _("Special class (Kelas I Khusus)")
    I_TPI = "i_tpi", _("Class I TPI")
    I_NON_TPI = "i_non_tpi", _("Class I non-TPI")
    II_TPI = "ii_tpi", _("Class II TPI")
    II_NON_TPI = "ii_non_tpi", _("Class II non-TPI")
    NONE = "none", _("Not applicable")


class TimeZoneChoice(models.TextChoices):
    """Indonesia's three zones (IANA names); Pontianak is WIB too."""

    WIB = "Asia/Jakarta", _("WIB (UTC+7, Jakarta)")
    WIB_PONTIANAK = "Asia/Pontianak", _("WIB (UTC+7, Pontianak)")
    WITA = "Asia/Makassar", _("WITA (UTC+8, Makassar)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9, Jayapura)")


class StageCode(models.TextChoices):
    """The service stages of a visit, in journey order (brief §3)."""

    CHECKIN = "checkin", _("Check-in")
    DOCUMENT_CHECK = "document_check", _("Document check")
    INTERVIEW = "interview", _("Interview")
    BIOMETRICS = "biometrics", _("Photo and fingerprints")
    BAP = "bap", _("BAP examination")
    ADJUDICATION = "adjudication", _("Adjudication")
    PRINTING = "printing", _("Printing")
    QC = "qc", _("Quality control and signature")
    PICKUP = "pickup", _("Pickup")


class QuotaCategory(models.TextChoices):
    REGULAR = "regular", _("Regular")
    PERCEPATAN = "percepatan", _("Same-day (percepatan)")
    PRIORITY = "priority", _("Priority walk-in (vulnerable groups)")
    WALK_IN = "walk_in", _("Walk-in")
    OUTREACH = "outreach", _("Outreach (jemput bola)")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
