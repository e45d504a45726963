"""Forms of the pickup pages: the holder's choice and the drive-thru officer's screen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from loket.pickup.choices import Lane, ReceivedBy
from loket.pickup.models import CourierPartner, DriveThruSlot


class SlotField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        slot: DriveThruSlot = obj
        return _("%(date)s %(start)s–%(end)s · %(lane)s (%(free)s free)") % {
            "date": formats.date_format(slot.date, "D d-m-Y"),
            "start": slot.start.strftime("%H:%M"),
            "end": slot.end.strftime("%H:%M"),
            "lane": Lane(slot.lane).label,
            "free": slot.free,
        }


def _slot_field() -> SlotField:
    # Only slots with room are offered; one filled (or started) since the page was shown
    # is no longer a choice, and says so rather than Django's generic "not a valid choice".
    return SlotField(
        label=_("Drive-thru time"),
        queryset=DriveThruSlot.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": _(
                "This drive-thru time is no longer free (full or already started); "
                "choose another time."
            )
        },
    )


class DriveThruForm(forms.Form):
    vehicle = forms.ChoiceField(label=_("Vehicle"), choices=Lane.choices)
    slot = _slot_field()
    plate = forms.CharField(
        label=_("Plate number"), max_length=15, help_text=_("As on the vehicle, e.g. BH 1234 AB.")
    )

    def __init__(self, *args: Any, slots: QuerySet[DriveThruSlot], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "drive_thru_%s")
        super().__init__(*args, **kwargs)
        slot_field = self.fields["slot"]
        assert isinstance(slot_field, SlotField)
        slot_field.queryset = slots


class RescheduleForm(forms.Form):
    slot = _slot_field()

    def __init__(self, *args: Any, slots: QuerySet[DriveThruSlot], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reschedule_%s")
        super().__init__(*args, **kwargs)
        slot_field = self.fields["slot"]
        assert isinstance(slot_field, SlotField)
        slot_field.queryset = slots


class CourierForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Courier"), queryset=CourierPartner.objects.filter(is_active=True), empty_label=None
    )
    address = forms.CharField(
        label=_("Delivery address"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    province = forms.CharField(label=_("Province"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "courier_%s")
        super().__init__(*args, **kwargs)


class ProxyForm(forms.Form):
    proxy_name = forms.CharField(label=_("Proxy's full name"), max_length=150)
    proxy_nik = forms.CharField(label=_("Proxy's NIK"), max_length=16)
    proxy_kk_number = forms.CharField(
        label=_("Proxy's family card (KK) number"),
        max_length=16,
        required=False,
        help_text=_("When it is the same family card as yours, no power of attorney is needed."),
    )
    power_of_attorney = forms.FileField(
        label=_("Power of attorney (surat kuasa), PDF or photo"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "proxy_%s")
        super().__init__(*args, **kwargs)


class LookupForm(forms.Form):
    q = forms.CharField(
        label=_("Pickup code, plate number or application number"), max_length=64, required=False
    )


class ArriveForm(forms.Form):
    plate = forms.CharField(label=_("Plate number seen"), max_length=15)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "arrive_%s")
        super().__init__(*args, **kwargs)


class HandoverForm(forms.Form):
    received_by = forms.ChoiceField(
        label=_("Received by"),
        choices=[
            (ReceivedBy.OWNER, ReceivedBy.OWNER.label),
            (ReceivedBy.PROXY, ReceivedBy.PROXY.label),
        ],
    )
    receiver_name = forms.CharField(label=_("Receiver's name"), max_length=150)
    identity_checked = forms.BooleanField(
        label=_("I checked the receiver's identity document (KTP)"), required=False
    )
    proxy_kk_number = forms.CharField(
        label=_("Proxy's family card (KK) number"), max_length=16, required=False
    )
    power_of_attorney = forms.FileField(
        label=_("Power of attorney (surat kuasa), scanned"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "handover_%s")
        super().__init__(*args, **kwargs)


class WalkUpForm(forms.Form):
    application = forms.CharField(label=_("Application number"), max_length=64)
    vehicle = forms.ChoiceField(label=_("Vehicle"), choices=Lane.choices)
    plate = forms.CharField(label=_("Plate number"), max_length=15)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "walk_up_%s")
        super().__init__(*args, **kwargs)


class StorageForm(forms.Form):
    location = forms.CharField(
        label=_("Storage location"),
        max_length=40,
        help_text=_("Rack and box as on the shelf label, e.g. RAK-3/BOX-12."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "storage_%s")
        super().__init__(*args, **kwargs)


class DispatchForm(forms.Form):
    tracking_number = forms.CharField(label=_("Courier's tracking number"), max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "dispatch_%s")
        super().__init__(*args, **kwargs)


class DeliveredForm(forms.Form):
    note = forms.CharField(
        label=_("Delivery note (who signed, from the courier's record)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "delivered_%s")
        super().__init__(*args, **kwargs)


class DeliveryFailedForm(forms.Form):
    reason = forms.CharField(label=_("Why the delivery failed"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "failed_%s")
        super().__init__(*args, **kwargs)
