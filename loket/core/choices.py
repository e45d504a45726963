"""Roles and other choices shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    STAFF = "staff", _("Staff")


class Role(models.TextChoices):
    """Staff roles. Office roles are held per office; national roles span all offices."""

    FRONT_DESK = "front_desk", _("Front desk / verification")
    INFORMATION_DESK = "information_desk", _("Information desk")
    BIOMETRICS = "biometrics", _("Biometrics")
    INTERVIEWER = "interviewer", _("Interviewer")
    BAP_EXAMINER = "bap_examiner", _("BAP examiner")
    ADJUDICATOR = "adjudicator", _("Adjudicator")
    PRINTING = "printing", _("Printing operator")
    QC = "qc", _("Quality control / signature")
    PICKUP = "pickup", _("Pickup and drive-thru")
    CUSTOMER_SERVICE = "customer_service", _("Customer service (complaints)")
    INTEGRITY_OFFICER = "integrity_officer", _("Integrity officer")
    KASUBSI = "kasubsi", _("Kasubsi (sub-section head)")
    KASI = "kasi", _("Kasi (section head)")
    HEAD_OF_OFFICE = "head_of_office", _("Head of office")
    OFFICE_ADMIN = "office_admin", _("Office administrator")
    NATIONAL_ANALYST = "national_analyst", _("National analyst")
    NATIONAL_ADMIN = "national_admin", _("National administrator")


NATIONAL_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.NATIONAL_ANALYST})
SUPERVISOR_ROLES = frozenset({Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE})
ADMIN_ROLES = frozenset({Role.OFFICE_ADMIN, Role.NATIONAL_ADMIN})
# Who may browse the audit log of an office.
AUDIT_READER_ROLES = SUPERVISOR_ROLES | {Role.INTEGRITY_OFFICER, Role.OFFICE_ADMIN}


class CalendarDayKind(models.TextChoices):
    JOINT_LEAVE = "joint_leave", _("Joint leave day (cuti bersama)")
    HOLIDAY = "holiday", _("Extra national holiday")
    WORKING_DAY = "working_day", _("Working day (overrides a listed holiday)")
