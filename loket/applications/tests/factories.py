import datetime as dt

import factory
from django.utils import timezone

from loket.applications.choices import ApplicationStatus
from loket.applications.models import Application
from loket.core.tests.factories import ApplicantFactory
from loket.offices.tests.factories import OfficeFactory


def nik_for(birth_date: dt.date, sex: str, serial: int, region: str = "327301") -> str:
    """A structurally valid NIK (Bandung by default) for the given birth date and sex."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{region}{day:02d}{birth_date:%m%y}{serial:04d}"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete, submitted adult application, ready to book."""

    class Meta:
        model = Application

    account = factory.SubFactory(ApplicantFactory)
    office = factory.SubFactory(OfficeFactory)
    status = ApplicationStatus.SUBMITTED
    applicant_type = "adult"
    case_type = "new"
    book_type = "electronic"
    validity_years = 10
    purpose = "tourism"
    full_name = factory.Faker("name")
    sex = "M"
    birth_place = "Bandung"
    birth_date = dt.date(1990, 5, 17)
    nik = factory.Sequence(lambda n: nik_for(dt.date(1990, 5, 17), "M", n + 1))
    kk_number = factory.Sequence(lambda n: f"3273011705{n + 1:06d}")
    address = "Jl. Asia Afrika 1, Bandung"
    marital_status = "single"
    occupation = "Karyawan swasta"
    father_name = "Budi"
    mother_name = "Sri"
    phone = "081234567890"
    email = factory.LazyAttribute(lambda o: o.account.email)
    submitted_at = factory.LazyFunction(timezone.now)
