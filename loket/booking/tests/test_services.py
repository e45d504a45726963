import datetime as dt

import pytest
from django.core.management import call_command

from loket.applications.tests.factories import ApplicationFactory
from loket.booking.choices import BookingStatus, EventKind
from loket.booking.models import Booking, BookingEvent, IdempotencyKey, SlotCapacity
from loket.booking.services import (
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_reschedule,
    cancelled_places_return,
    holds_expire,
    no_shows_record,
    quotas_release,
    request_hash_of,
    slot_find,
)
from loket.booking.tests.conftest import NEXT_WED, THU, WED
from loket.booking.tests.factories import verified_application
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import AuditEntry
from loket.offices.models import OfficeClosure
from loket.payments.billing import bill_mark_paid
from loket.payments.models import Bill, BillStatus

pytestmark = pytest.mark.django_db


def pay(booking):
    bill_mark_paid(
        billing_code=booking.bill.billing_code,
        amount=booking.bill.amount,
        ntpn="SIMTEST" + booking.code,
    )
    booking.refresh_from_db()
    return booking


def used(slot):
    slot.refresh_from_db()
    return slot.used


class TestCreate:
    def test_books_and_holds_with_a_bill(self, application, book):
        booking = book(application)
        assert booking.status == BookingStatus.HELD
        assert len(booking.code) == 8
        assert booking.bill.status == BillStatus.ISSUED
        assert len(booking.bill.billing_code) == 15 and booking.bill.billing_code.isdigit()
        assert booking.bill.amount == 950_000  # e-passport 10 years, PP 45/2024
        assert booking.hold_expires_at - booking.created_at == dt.timedelta(minutes=120)
        assert used(booking.slot) == 1
        assert list(booking.events.values_list("kind", flat=True)) == [EventKind.CREATED]
        assert AuditEntry.objects.filter(
            action="booking.created", target_id=str(booking.pk)
        ).exists()

    def test_hold_minutes_configurable(self, application, book, settings):
        settings.LOKET_PAYMENT_HOLD_MINUTES = 30
        booking = book(application)
        assert booking.bill.expires_at - booking.bill.issued_at == dt.timedelta(minutes=30)

    def test_percepatan_takes_its_own_quota_and_fee(self, office, now, book):
        application = verified_application(office=office, percepatan=True)
        booking = book(application)
        assert booking.category == "percepatan"
        assert booking.bill.amount == 950_000 + 1_000_000

    def test_percepatan_refused_for_full_pages_renewal(self, office, now, book):
        application = verified_application(office=office, percepatan=True, case_type="renewal_full")
        with pytest.raises(ApplicationError) as info:
            book(application)
        assert info.value.code == "percepatan_not_allowed"

    def test_walk_in_only_case_refused(self, office, now, book):
        application = verified_application(office=office, case_type="lost")
        with pytest.raises(ApplicationError) as info:
            book(application)
        assert info.value.code == "walk_in_only"

    def test_unreleased_date_refused_with_opening_time(self, application, book):
        with pytest.raises(ApplicationError) as info:
            book(application, day=NEXT_WED)
        assert info.value.code == "date_not_released"
        assert info.value.extra["opens_at"] == "2025-03-14T14:00:00+07:00"
        assert "2025-03-14 14:00 WIB" in info.value.message
        assert not SlotCapacity.objects.filter(date=NEXT_WED).exists()

    def test_past_and_closed_days_refused(self, application, book, office):
        with pytest.raises(ApplicationError) as info:
            book(application, day=dt.date(2025, 3, 10), session="pagi")  # 08:00 today is over
        assert info.value.code == "date_past"
        OfficeClosure.objects.create(office=office, date=THU, reason="Renovasi")
        with pytest.raises(ApplicationError) as info:
            book(application, day=THU)
        assert info.value.code == "not_working_day"
        with pytest.raises(ApplicationError) as info:
            book(application, day=dt.date(2025, 3, 15))  # Saturday
        assert info.value.code == "not_working_day"

    def test_today_later_session_is_bookable(self, application, book):
        booking = book(application, day=dt.date(2025, 3, 10), session="siang")
        assert booking.status == BookingStatus.HELD

    def test_full_session_refused_and_nothing_written(self, office, now, book):
        first = [book(verified_application(office=office)) for _ in range(5)]
        assert used(first[0].slot) == 5
        late = verified_application(office=office)
        bills = Bill.objects.count()
        with pytest.raises(ApplicationError) as info:
            book(late)
        assert info.value.code == "session_full"
        assert used(first[0].slot) == 5
        assert Bill.objects.count() == bills
        assert not IdempotencyKey.objects.filter(account=late.account).exists()

    def test_second_booking_for_the_same_nik(self, office, application, book):
        book(application)
        twin = verified_application(office=office, nik=application.nik)
        slot = slot_find(office=office, day=THU, session_code="pagi", category="regular")
        with pytest.raises(ApplicationError) as info:
            book(twin, day=THU)
        assert info.value.code == "nik_has_active_booking"
        assert info.value.status == 409
        assert used(slot) == 0

    def test_constraint_holds_even_past_the_check(self, office, application, book, monkeypatch):
        """If two requests pass the friendly check together, the partial unique index
        refuses the second and its place is given back in the same transaction."""
        book(application)
        twin = verified_application(office=office, nik=application.nik)
        real_manager = Booking.objects
        real_filter = real_manager.filter

        class Blind:
            def __getattr__(self, name):
                return getattr(real_manager, name)

            def filter(self, *args, **kwargs):
                qs = real_filter(*args, **kwargs)
                if "nik" in kwargs:
                    calls.append(1)
                    if len(calls) == 1:
                        return qs.none()
                return qs

        calls: list[int] = []
        monkeypatch.setattr(Booking, "objects", Blind())
        with pytest.raises(ApplicationError) as info:
            book(twin, day=THU)
        monkeypatch.undo()
        assert info.value.code == "nik_has_active_booking"
        slot = SlotCapacity.objects.get(date=THU, session__code="pagi", category="regular")
        assert slot.used == 0
        assert Booking.objects.filter(nik=application.nik).count() == 1

    def test_other_accounts_application_not_found(self, office, application, now):
        stranger = verified_application(office=office)
        slot = slot_find(office=office, day=WED, session_code="pagi", category="regular")
        with pytest.raises(NotFound):
            booking_create(
                application=application,
                slot=slot,
                account=stranger.account,
                idempotency_key="k1",
                request_hash="h",
            )

    def test_slot_of_another_office_refused(self, application, office_wita, now):
        from loket.booking.tests.factories import setup_booking_office

        setup_booking_office(office_wita)
        slot = slot_find(office=office_wita, day=WED, session_code="pagi", category="regular")
        with pytest.raises(ApplicationError) as info:
            booking_create(
                application=application,
                slot=slot,
                account=application.account,
                idempotency_key="k",
                request_hash="h",
            )
        assert info.value.code == "slot_mismatch"

    def test_draft_application_refused(self, office, now, book):
        application = verified_application(office=office, status="draft")
        with pytest.raises(ApplicationError) as info:
            book(application)
        assert info.value.code == "application_incomplete"


class TestIdempotency:
    def test_same_key_same_body_returns_the_first_booking(self, application, book):
        first = book(application, key="abc")
        again = book(application, key="abc")
        assert again.pk == first.pk and again.replayed and not first.replayed
        assert Booking.objects.count() == 1
        assert used(first.slot) == 1

    def test_same_key_other_body_refused(self, application, book):
        book(application, key="abc")
        with pytest.raises(ApplicationError) as info:
            book(application, day=THU, key="abc")
        assert info.value.code == "idempotency_key_reused"

    def test_key_required(self, application, now):
        slot = slot_find(
            office=application.office, day=WED, session_code="pagi", category="regular"
        )
        with pytest.raises(ApplicationError) as info:
            booking_create(
                application=application,
                slot=slot,
                account=application.account,
                idempotency_key=" ",
                request_hash=request_hash_of({}),
            )
        assert info.value.code == "idempotency_key_required"

    def test_keys_are_per_account(self, office, application, book):
        other = verified_application(office=office)
        a = book(application, key="same")
        b = book(other, key="same")
        assert a.pk != b.pk


class TestHolds:
    def test_unpaid_hold_lapses_and_returns_its_place(self, application, book, time_machine):
        booking = book(application)
        time_machine.shift(dt.timedelta(minutes=119))
        assert holds_expire() == 0
        time_machine.shift(dt.timedelta(minutes=1 + 2))  # deadline + grace
        assert holds_expire() == 1
        assert holds_expire() == 0  # idempotent
        booking.refresh_from_db()
        assert booking.status == BookingStatus.EXPIRED and not booking.holds_place
        assert booking.bill.status == BillStatus.EXPIRED
        assert used(booking.slot) == 0
        assert BookingEvent.objects.filter(booking=booking, kind=EventKind.EXPIRED).count() == 1

    def test_paying_an_expired_code_is_refused(self, application, book, time_machine):
        booking = book(application)
        time_machine.shift(dt.timedelta(hours=3))
        call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115
        with pytest.raises(ApplicationError) as info:
            pay(booking)
        assert info.value.code == "bill_expired"
        booking.refresh_from_db()
        assert booking.status == BookingStatus.EXPIRED

    def test_payment_after_the_deadline_refused_even_before_expiry_runs(
        self, application, book, time_machine
    ):
        booking = book(application)
        time_machine.shift(dt.timedelta(minutes=121))
        with pytest.raises(ApplicationError) as info:
            pay(booking)
        assert info.value.code == "bill_expired"

    def test_expired_nik_may_book_again(self, application, book, time_machine):
        book(application)
        time_machine.shift(dt.timedelta(hours=3))
        holds_expire()
        again = book(application, day=THU)
        assert again.status == BookingStatus.HELD

    def test_payment_confirms_and_emails(self, application, book, mailoutbox=None):
        from loket.notifications.models import OutboxMessage

        booking = pay(book(application))
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.bill.ntpn.startswith("SIMTEST")
        message = OutboxMessage.objects.get(dedupe_key=f"booking-confirmed:{booking.code}")
        assert f"/akun/pemesanan/{booking.code}/bukti/" in message.body
        # paying again with the same NTPN is a no-op
        assert not bill_mark_paid(
            billing_code=booking.bill.billing_code,
            amount=booking.bill.amount,
            ntpn=booking.bill.ntpn,
        )

    def test_wrong_amount_refused(self, application, book):
        booking = book(application)
        with pytest.raises(ApplicationError) as info:
            bill_mark_paid(billing_code=booking.bill.billing_code, amount=1, ntpn="X1")
        assert info.value.code == "amount_mismatch"
        booking.refresh_from_db()
        assert booking.status == BookingStatus.HELD


class TestCancel:
    def test_place_returns_after_the_delay(self, application, book, time_machine):
        booking = pay(book(application))
        booking_cancel(booking=booking, actor=application.account)
        assert booking.status == BookingStatus.CANCELLED
        assert used(booking.slot) == 1  # not yet: against slot trading
        # the NIK may book again at once
        assert book(application, day=THU).status == BookingStatus.HELD
        time_machine.shift(dt.timedelta(minutes=59))
        assert cancelled_places_return() == 0
        time_machine.shift(dt.timedelta(minutes=1))
        assert cancelled_places_return() == 1
        assert cancelled_places_return() == 0
        assert used(booking.slot) == 0

    def test_delay_configurable(self, application, book, time_machine, settings):
        settings.LOKET_CANCEL_RETURN_DELAY_MINUTES = 0
        booking = book(application)
        booking_cancel(booking=booking, actor=None)
        assert booking.bill.status == BillStatus.CANCELLED
        assert cancelled_places_return() == 1

    def test_cancelled_code_cannot_be_paid(self, application, book):
        booking = book(application)
        booking_cancel(booking=booking, actor=None)
        with pytest.raises(ApplicationError) as info:
            pay(booking)
        assert info.value.code == "bill_cancelled"

    def test_cannot_cancel_twice(self, application, book):
        booking = book(application)
        booking_cancel(booking=booking, actor=None)
        with pytest.raises(ApplicationError) as info:
            booking_cancel(booking=booking, actor=None)
        assert info.value.code == "not_cancellable"


class TestReschedule:
    def test_moves_the_place_once(self, application, book):
        booking = pay(book(application))
        old = booking.slot
        target = slot_find(
            office=application.office, day=THU, session_code="siang", category="regular"
        )
        booking_reschedule(booking=booking, slot=target, actor=application.account)
        assert booking.slot_id == target.pk and booking.reschedule_count == 1
        assert used(old) == 0 and used(target) == 1
        assert booking.events.filter(kind=EventKind.RESCHEDULED).count() == 1
        back = slot_find(
            office=application.office, day=WED, session_code="pagi", category="regular"
        )
        with pytest.raises(ApplicationError) as info:
            booking_reschedule(booking=booking, slot=back, actor=None)
        assert info.value.code == "reschedule_used"
        assert used(target) == 1 and used(old) == 0

    def test_not_on_the_day(self, application, book, time_machine):
        booking = pay(book(application, day=WED, session="siang"))
        target = slot_find(
            office=application.office, day=THU, session_code="pagi", category="regular"
        )
        time_machine.move_to("2025-03-11 23:59 +07:00", tick=False)
        booking_reschedule(booking=booking, slot=target, actor=None)  # the day before: fine
        booking2 = pay(
            book(verified_application(office=application.office), day=THU, session="siang")
        )
        time_machine.move_to("2025-03-13 00:01 +07:00", tick=False)
        friday = slot_find(
            office=application.office,
            day=dt.date(2025, 3, 14),
            session_code="pagi",
            category="regular",
        )
        with pytest.raises(ApplicationError) as info:
            booking_reschedule(booking=booking2, slot=friday, actor=None)
        assert info.value.code == "reschedule_too_late"

    def test_into_a_full_session_changes_nothing(self, office, application, book):
        booking = book(application)
        for _ in range(5):
            book(verified_application(office=office), day=THU)
        full = slot_find(office=office, day=THU, session_code="pagi", category="regular")
        with pytest.raises(ApplicationError) as info:
            booking_reschedule(booking=booking, slot=full, actor=None)
        assert info.value.code == "session_full"
        booking.refresh_from_db()
        assert booking.slot.date == WED and used(booking.slot) == 1 and used(full) == 5

    def test_into_an_unreleased_date_refused(self, application, book):
        booking = book(application)
        with pytest.raises(ApplicationError) as info:
            booking_reschedule(
                booking=booking,
                slot=SlotCapacity(
                    office=application.office,
                    date=NEXT_WED,
                    session=booking.slot.session,
                    category="regular",
                    pk=10**9,
                ),
                actor=None,
            )
        assert info.value.code == "date_not_released"


class TestNoShowAndCheckIn:
    def test_no_show_after_the_day(self, application, book, time_machine):
        booking = pay(book(application))
        time_machine.move_to("2025-03-12 23:00 +07:00", tick=False)
        assert no_shows_record() == 0
        time_machine.move_to("2025-03-13 00:30 +07:00", tick=False)
        assert no_shows_record() == 1
        assert no_shows_record() == 0
        booking.refresh_from_db()
        assert booking.status == BookingStatus.NO_SHOW and booking.holds_place

    def test_check_in_on_the_day(self, application, book, time_machine):
        booking = pay(book(application))
        with pytest.raises(ApplicationError) as info:
            booking_check_in(booking=booking, actor=None)
        assert info.value.code == "wrong_day"
        time_machine.move_to("2025-03-12 08:10 +07:00", tick=False)
        booking_check_in(booking=booking, actor=None)
        assert booking.status == BookingStatus.CHECKED_IN
        time_machine.move_to("2025-03-13 08:00 +07:00", tick=False)
        assert no_shows_record() == 0


class TestRelease:
    def test_release_quotas_is_idempotent(self, office, now):
        counts = quotas_release()
        # 10–16 March: Mon..Fri working (5 dates) × 2 sessions × 2 categories
        assert counts["dates"] == 5
        assert SlotCapacity.objects.filter(office=office).count() == 20
        assert quotas_release()["dates"] == 0
        call_command("release_quotas", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert SlotCapacity.objects.filter(office=office).count() == 20

    def test_friday_release_opens_next_week(self, office, time_machine):
        time_machine.move_to("2025-03-14 13:59 +07:00", tick=False)
        quotas_release()
        assert not SlotCapacity.objects.filter(date__gte=dt.date(2025, 3, 17)).exists()
        time_machine.move_to("2025-03-14 14:00 +07:00", tick=False)
        quotas_release()
        dates = set(
            SlotCapacity.objects.filter(date__gte=dt.date(2025, 3, 17)).values_list(
                "date", flat=True
            )
        )
        assert dates == {dt.date(2025, 3, 17) + dt.timedelta(days=i) for i in range(5)}


def test_application_factory_default_is_unverified_but_service_does_not_care(db):
    # The service checks ownership and bookability; verification is the edge's job.
    assert ApplicationFactory().account.email_verified_at is None
