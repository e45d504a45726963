import datetime as dt

from django.utils import timezone

from loket.applications.choices import ApplicationStatus
from loket.applications.tests.factories import ApplicationFactory
from loket.pickup.models import DriveThruSchedule


def ready_application(office, **kwargs):
    fields = {
        "status": ApplicationStatus.READY,
        "status_changed_at": timezone.now(),
        "paid_at": timezone.now(),
        **kwargs,
    }
    return ApplicationFactory(office=office, **fields)


def drive_thru_office(office, car=10, motorbike=10, slot_minutes=60):
    office.offers_drive_thru = True
    office.save(update_fields=["offers_drive_thru"])
    DriveThruSchedule.objects.update_or_create(
        office=office,
        defaults={
            "opens": dt.time(9),
            "closes": dt.time(15),
            "slot_minutes": slot_minutes,
            "car_per_day": car,
            "motorbike_per_day": motorbike,
        },
    )
    return office
