"""Reads of the audit log, scoped to the offices the reader supervises."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from loket.core.models import AuditEntry


def audit_entries(
    *,
    office_codes: set[str] | None,
    office_code: str = "",
    action: str = "",
    actor: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Audit lines, newest first. `office_codes=None` means every office (national roles);
    otherwise only lines of those offices, and never national configuration lines."""
    entries = AuditEntry.objects.all()
    if office_codes is not None:
        entries = entries.filter(office_code__in=office_codes)
    if office_code:
        entries = entries.filter(office_code=office_code)
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(Q(actor_label__icontains=actor))
    if since:
        entries = entries.filter(at__gte=since)
    if until:
        entries = entries.filter(at__lt=until)
    return entries.order_by("-at", "-id")
