from __future__ import annotations

from django.db import transaction

from loket.applicants.models import ApplicantProfile
from loket.core.audit import audit_record, model_changes, snapshot
from loket.core.models import User


def applicant_profile_update(
    *, user: User, full_name: str, phone: str, preferred_language: str, notify_by_whatsapp: bool
) -> ApplicantProfile:
    with transaction.atomic():
        profile, _created = ApplicantProfile.objects.select_for_update().get_or_create(user=user)
        before = {**snapshot(user), **snapshot(profile)}
        user.full_name = full_name.strip()
        user.preferred_language = preferred_language
        user.save(update_fields=["full_name", "preferred_language"])
        profile.phone = phone.strip()
        profile.notify_by_whatsapp = notify_by_whatsapp
        profile.save()
        changes = {**model_changes(user, before), **model_changes(profile, before)}
        audit_record(actor=user, action="applicant.profile_update", target=profile, changes=changes)
    return profile
