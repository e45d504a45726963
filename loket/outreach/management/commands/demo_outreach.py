"""Demo data for outreach (run by `load_demo`): a partner with its coordinator, offered
dates and a mobile kit at Kupang, and an accepted visit. Safe to run any number of times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from loket.applicants.models import ApplicantProfile
from loket.core.choices import Role, UserKind
from loket.core.models import User
from loket.offices.models import Office, StaffRole
from loket.outreach.choices import PartnerKind, VisitStatus
from loket.outreach.models import MobileKit, OutreachOffer, Partner, Visit
from loket.outreach.services import offer_set, visit_accept, visit_request

DEMO_PASSWORD = "Loket-demo-2026"  # noqa: S105 - printed for the demo on purpose
COORDINATOR = "coordinator@demo.loket.test"


class Command(BaseCommand):
    help = "A demo outreach partner (coordinator@demo.loket.test) with an accepted visit at KPG."

    def handle(self, *args: Any, **options: Any) -> None:
        office = Office.objects.filter(code="KPG").first()
        if office is None:
            self.stdout.write("Demo outreach: no KPG office (run load_demo)")
            return
        supervisor = (
            User.objects.filter(
                pk__in=StaffRole.objects.filter(office=office, role=Role.KASUBSI).values("user")
            )
            .order_by("pk")
            .first()
        )
        if supervisor is None:
            self.stdout.write("Demo outreach: KPG has no kasubsi (run load_demo)")
            return
        with transaction.atomic():
            user = User.objects.filter(email=COORDINATOR).first()
            if user is None:
                user = User.objects.create_user(
                    COORDINATOR,
                    DEMO_PASSWORD,
                    full_name="Maria Lado",
                    kind=UserKind.APPLICANT,
                )
            else:
                user.kind, user.is_active = UserKind.APPLICANT, True
                user.set_password(DEMO_PASSWORD)
                user.save()
            if user.email_verified_at is None:
                user.email_verified_at = timezone.now()
                user.save(update_fields=["email_verified_at"])
            ApplicantProfile.objects.get_or_create(user=user)
            partner, _created = Partner.objects.get_or_create(
                coordinator=user,
                defaults={
                    "name": "SMK Negeri 3 Kupang",
                    "kind": PartnerKind.SCHOOL,
                    "address": "Jl. Frans Seda, Kota Kupang",
                    "contact_phone": "081234567890",
                },
            )
            MobileKit.objects.get_or_create(
                office=office, name="Mobile kit 1", defaults={"serial": "KPG-MK-01"}
            )
            today = timezone.now().astimezone(office.tz).date()
            dates = [today + dt.timedelta(days=n) for n in (14, 21, 28)]
            for date in dates:
                if not OutreachOffer.objects.filter(office=office, date=date).exists():
                    offer_set(actor=supervisor, office=office, date=date, capacity=60)
            visit = Visit.objects.filter(partner=partner, office=office).first()
            if visit is None:
                visit = visit_request(
                    coordinator=user,
                    office=office,
                    date=dates[0],
                    group_size=25,
                    note="Kelas XII, persiapan magang ke Jepang",
                )
            if visit.status == VisitStatus.REQUESTED:
                visit_accept(actor=supervisor, visit=visit)
        self.stdout.write(f"Demo outreach: partner {partner.name}, coordinator {COORDINATOR}")
