"""Targets are read-only in the admin: the planning page enters them (months consistent
with the year, every change audited)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loket.core.choices import Role
from loket.offices.models import Target

pytestmark = pytest.mark.django_db


def test_target_admin_shows_but_does_not_change(client, office_wita, make_staff):
    target = Target.objects.create(office=office_wita, year=2026, passports=1200)
    client.force_login(make_staff(Role.NATIONAL_ADMIN, None))
    listing = client.get(reverse("admin:offices_target_changelist"))
    assert listing.status_code == 200 and b"1200" in listing.content
    change = reverse("admin:offices_target_change", args=[target.pk])
    page = client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(change, {"passports": 1}).status_code == 403
    assert client.get(reverse("admin:offices_target_add")).status_code == 403
    delete = reverse("admin:offices_target_delete", args=[target.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    target.refresh_from_db()
    assert target.passports == 1200
