"""Load (or refresh) the demo: three offices in WIB, WITA and WIT with their set-up,
one staff account per role, and an applicant. Safe to run any number of times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from loket.core.choices import NATIONAL_ROLES, Role, UserKind
from loket.core.models import User
from loket.offices.choices import OfficeClass, OfficeKind, QuotaCategory, StageCode
from loket.offices.models import (
    Counter,
    DailyQuota,
    Office,
    OpeningHours,
    Question,
    ServiceSession,
    StaffRole,
    Stage,
)

DEMO_PASSWORD = "Loket-demo-2026"  # noqa: S105 - printed for the demo on purpose
DOMAIN = "demo.loket.test"

OFFICES = [
    {
        "code": "KPG",
        "name": "Kantor Imigrasi Kelas I TPI Kupang",
        "timezone": "Asia/Makassar",
        "city": "Kota Kupang",
        "province": "Nusa Tenggara Timur",
        "address": "Jl. Eltari II, Kelapa Lima",
        "office_class": OfficeClass.I_TPI,
        "offers_drive_thru": False,
        "offers_polycarbonate": False,
        "facilities": {
            "priority_counter": True,
            "wheelchair": True,
            "lactation_room": True,
            "parking": True,
            "latitude": "-10.153100",
            "longitude": "123.628100",
        },
        "quota": {
            "pagi": {"regular": 60, "percepatan": 10, "priority": 15, "walk_in": 20},
            "siang": {"regular": 40, "percepatan": 0, "priority": 15},
        },
    },
    {
        "code": "CLP",
        "name": "Kantor Imigrasi Kelas I Cilacap",
        "timezone": "Asia/Jakarta",
        "city": "Kabupaten Cilacap",
        "province": "Jawa Tengah",
        "address": "Jl. Jend. Sudirman No. 2",
        "office_class": OfficeClass.I_NON_TPI,
        "offers_drive_thru": True,
        "offers_polycarbonate": True,
        "facilities": {
            "priority_counter": True,
            "wheelchair": True,
            "lactation_room": True,
            "play_area": True,
            "accessible_toilet": True,
            "parking": True,
            "latitude": "-7.726700",
            "longitude": "109.009300",
        },
        "quota": {
            "pagi": {"regular": 70, "percepatan": 15, "priority": 15, "walk_in": 20},
            "siang": {"regular": 50, "percepatan": 0, "priority": 15},
        },
    },
    {
        "code": "TUL",
        "name": "Kantor Imigrasi Kelas II TPI Tual",
        "timezone": "Asia/Jayapura",
        "city": "Kota Tual",
        "province": "Maluku",
        "address": "Jl. Jend. Sudirman, Tual",
        "office_class": OfficeClass.II_TPI,
        "offers_drive_thru": False,
        "offers_polycarbonate": False,
        "facilities": {"priority_counter": True, "wheelchair": True, "parking": True},
        "quota": {
            "pagi": {"regular": 30, "percepatan": 5, "priority": 10, "walk_in": 20},
            "siang": {"regular": 20, "percepatan": 0, "priority": 10},
        },
    },
]

PLEDGE = (
    "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan paspor sesuai standar "
    "pelayanan yang telah ditetapkan, dan apabila tidak menepati janji ini kami siap "
    "menerima sanksi sesuai peraturan perundang-undangan yang berlaku."
)

# office code (None: national), order, question and answer in Indonesian, then English
QUESTIONS: list[tuple[str | None, int, str, str, str, str]] = [
    (
        None,
        1,
        "Apakah saya harus mendaftar daring sebelum datang?",
        "Ya, untuk permohonan baru dan penggantian karena habis masa berlaku atau halaman "
        "penuh: ajukan permohonan dan pilih tanggal kedatangan. Kelompok rentan (lansia, "
        "penyandang disabilitas, ibu hamil, anak di bawah lima tahun) boleh datang tanpa "
        "jadwal.",
        "Do I have to register online before I come?",
        "Yes, for new passports and renewals of expired or full passports: apply and choose "
        "a visit date. Vulnerable groups (elderly, people with disabilities, pregnant women, "
        "children under five) may come without a booking.",
    ),
    (
        None,
        2,
        "Paspor saya hilang. Apa yang harus saya lakukan?",
        "Laporkan kehilangan ke kepolisian, lalu datang ke kantor imigrasi tanpa jadwal "
        "dengan surat keterangan hilang, e-KTP, kartu keluarga dan akta kelahiran atau "
        "ijazah. Petugas akan membuat BAP.",
        "My passport is lost. What should I do?",
        "Report the loss to the police, then come to the immigration office without a "
        "booking with the police report, e-KTP, family card and birth certificate or "
        "diploma. An officer will take a statement (BAP).",
    ),
    (
        None,
        3,
        "Apakah biaya dikembalikan jika permohonan ditolak?",
        "Tidak. Biaya PNBP tidak dikembalikan setelah permohonan ditolak atau jika Anda "
        "tidak datang.",
        "Is the fee refunded if the application is refused?",
        "No. The PNBP fee is not refunded after a refusal or when you do not come.",
    ),
    (
        "CLP",
        1,
        "Bagaimana cara mengambil paspor lewat drive-thru?",
        "Pilih pengambilan drive-thru saat paspor siap, lalu datang pada slot yang dipilih "
        "dengan bukti pembayaran dan e-KTP. Ada jalur mobil dan jalur sepeda motor.",
        "How do I pick up my passport at the drive-thru?",
        "Choose drive-thru pickup when the passport is ready, then come in your chosen slot "
        "with the payment proof and e-KTP. There is a car lane and a motorbike lane.",
    ),
]

# stage, sequence, standard wait, standard service (minutes)
STAGES = [
    (StageCode.CHECKIN, 1, 10, 3),
    (StageCode.DOCUMENT_CHECK, 2, 30, 10),
    (StageCode.INTERVIEW, 3, 30, 10),
    (StageCode.BIOMETRICS, 4, 30, 5),
    (StageCode.BAP, 5, 60, 45),
    (StageCode.ADJUDICATION, 6, 240, 15),
    (StageCode.PRINTING, 7, 480, 10),
    (StageCode.QC, 8, 240, 5),
    (StageCode.PICKUP, 9, 15, 5),
]
COUNTERS = [
    ("1", "Informasi dan cek-in", [StageCode.CHECKIN], False),
    (
        "2",
        "Layanan prioritas",
        [
            StageCode.CHECKIN,
            StageCode.DOCUMENT_CHECK,
            StageCode.INTERVIEW,
            StageCode.BIOMETRICS,
            StageCode.BAP,
        ],
        True,
    ),
    ("3", "Verifikasi berkas", [StageCode.DOCUMENT_CHECK], False),
    ("4", "Wawancara dan foto", [StageCode.INTERVIEW, StageCode.BIOMETRICS], False),
    ("5", "Wawancara dan foto", [StageCode.INTERVIEW, StageCode.BIOMETRICS], False),
    ("6", "Ruang BAP", [StageCode.BAP], False),
    ("7", "Pengambilan paspor", [StageCode.PICKUP], False),
]


class Command(BaseCommand):
    help = "Load or refresh the demo offices and accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            offices = [self._office(spec) for spec in OFFICES]
            self._questions({office.code: office for office in offices})
            accounts = self._staff(offices)
            applicant = self._user("pemohon@" + DOMAIN, "Siti Rahmawati", UserKind.APPLICANT)
            if applicant.email_verified_at is None:
                applicant.email_verified_at = timezone.now()
                applicant.save(update_fields=["email_verified_at"])
            # Apps above offices add their own demo data through `demo_<app>` commands
            # (found by name, so this app imports none of them).
            for name in sorted(n for n in get_commands() if n.startswith("demo_")):
                call_command(name, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS("Demo loaded: offices " + ", ".join(o.code for o in offices))
        )
        self.stdout.write(f"All demo accounts use the password: {DEMO_PASSWORD}")
        self.stdout.write(f"  applicant            {applicant.email}  (sign in at /akun/masuk/)")
        for label, email in accounts:
            self.stdout.write(f"  {label:<32} {email}")
        self.stdout.write("Staff sign in at /staf/masuk/; administrators also reach /admin/.")

    def _office(self, spec: dict[str, Any]) -> Office:
        spec = dict(spec)
        quota = spec.pop("quota")
        facilities = spec.pop("facilities")
        office, _ = Office.objects.update_or_create(
            code=spec.pop("code"),
            defaults={
                **spec,
                **facilities,
                "kind": OfficeKind.KANIM,
                "phone": "(0380) 000000",
                "service_pledge": PLEDGE,
            },
        )
        for weekday in range(5):
            closes = dt.time(15, 0) if weekday < 4 else dt.time(15, 30)
            OpeningHours.objects.update_or_create(
                office=office, weekday=weekday, defaults={"opens": dt.time(8, 0), "closes": closes}
            )
        stages = {}
        for code, seq, wait, service in STAGES:
            stages[code], _ = Stage.objects.update_or_create(
                office=office,
                code=code,
                defaults={
                    "sequence": seq,
                    "sop_wait_minutes": wait,
                    "sop_service_minutes": service,
                },
            )
        for number, name, served, priority in COUNTERS:
            counter, _ = Counter.objects.update_or_create(
                office=office, number=number, defaults={"name": name, "is_priority": priority}
            )
            counter.stages.set([stages[code] for code in served])
        sessions = {
            "pagi": ("Sesi pagi", dt.time(8, 0), dt.time(12, 0)),
            "siang": ("Sesi siang", dt.time(13, 0), dt.time(15, 0)),
        }
        for session_code, (name, starts, ends) in sessions.items():
            session, _ = ServiceSession.objects.update_or_create(
                office=office,
                code=session_code,
                defaults={"name": name, "starts": starts, "ends": ends},
            )
            for category, capacity in quota[session_code].items():
                if capacity:
                    DailyQuota.objects.update_or_create(
                        office=office,
                        session=session,
                        category=QuotaCategory(category),
                        defaults={"capacity": capacity},
                    )
        return office

    def _questions(self, offices: dict[str, Office]) -> None:
        for code, order, question_id, answer_id, question_en, answer_en in QUESTIONS:
            Question.objects.update_or_create(
                office=offices[code] if code else None,
                sort_order=order,
                defaults={
                    "question_id": question_id,
                    "answer_id": answer_id,
                    "question_en": question_en,
                    "answer_en": answer_en,
                    "is_published": True,
                },
            )

    def _user(self, email: str, name: str, kind: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name, kind=kind)
        else:
            user.full_name, user.kind, user.is_active = name, kind, True
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _staff(self, offices: list[Office]) -> list[tuple[str, str]]:
        kupang, cilacap = offices[0], offices[1]
        accounts = []
        for role in Role:
            national = role in NATIONAL_ROLES
            email = f"{role.value.replace('_', '.')}@{DOMAIN}"
            user = self._user(email, f"Demo {role.label}", UserKind.STAFF)
            StaffRole.objects.get_or_create(
                user=user, office=None if national else kupang, role=role
            )
            accounts.append((f"{role.value} ({'national' if national else kupang.code})", email))
        # A second office's head, to show that each office sees only its own data.
        head = self._user(
            f"head.of.office.clp@{DOMAIN}", "Demo Kepala Kantor Cilacap", UserKind.STAFF
        )
        StaffRole.objects.get_or_create(user=head, office=cilacap, role=Role.HEAD_OF_OFFICE)
        accounts.append((f"head_of_office ({cilacap.code})", head.email))
        return accounts
