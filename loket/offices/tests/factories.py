import datetime as dt

import factory

from loket.core.tests.factories import UserFactory
from loket.offices.models import Office, OpeningHours, StaffRole


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"OF{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Kantor Imigrasi {o.code}")
    timezone = "Asia/Jakarta"
    address = "Jl. Merdeka 1"
    city = "Kota Contoh"
    province = "Provinsi Contoh"

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        if create:
            for weekday in range(5):
                OpeningHours.objects.get_or_create(
                    office=obj,
                    weekday=weekday,
                    defaults={"opens": dt.time(8), "closes": dt.time(15)},
                )


def staff_with_role(role, office, user=None):
    """A staff account holding `role` at `office` (None for a national role)."""
    user = user or UserFactory()
    StaffRole.objects.create(user=user, office=office, role=role)
    return user
