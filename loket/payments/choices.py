from django.db import models
from django.utils.translation import gettext_lazy as _


class BookType(models.TextChoices):
    NON_ELECTRONIC = "non_electronic", _("Non-electronic passport")
    ELECTRONIC = "electronic", _("E-passport")
    POLYCARBONATE = "polycarbonate", _("Polycarbonate e-passport")


class TariffItem(models.TextChoices):
    PASSPORT = "passport", _("Passport issuance")
    PERCEPATAN = "percepatan", _("Same-day service (percepatan)")
    LOST = "lost", _("Replacement of a lost passport")
    DAMAGED = "damaged", _("Replacement of a damaged passport")


class LossKind(models.TextChoices):
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")


VALIDITY_CHOICES = [(5, _("5 years")), (10, _("10 years"))]
