"""Issue #7 in Chromium: a ready passport is booked for the two-wheeler lane of the
drive-thru, the officer finds it by plate, refuses a wrong plate, records the arrival
and the handover; another goes by courier (dispatch with tracking number, delivery
confirmed); a proxy is refused without evidence and accepted with it, both when the
holder chooses and at the counter. Every page visited passes axe-core; the holder's
page reflows on a 320 px phone.

Elements are found by id and data-testid only (the interface is Indonesian)."""

from __future__ import annotations

import datetime as dt

import pytest

from loket.core.tests.factories import PASSWORD
from tests.browser.conftest import axe_violations, has_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OTHER_KK = "9999999999999999"


@pytest.fixture
def jambi(db, time_machine):
    """Kanim Jambi with a drive-thru (10 cars and 10 two-wheelers a day, one-hour slots
    09:00-15:00), a courier partner, a pickup officer and four ready passports. The clock
    is the next working morning, 08:00 WIB, ticking."""
    from django.utils import timezone

    from loket.core.calendar import is_working_day, local_date
    from loket.core.choices import Role
    from loket.offices.tests.factories import OfficeFactory, staff_with_role
    from loket.pickup.models import CourierFee, CourierPartner
    from loket.pickup.services import pickup_storage_set
    from loket.pickup.tests.factories import drive_thru_office, ready_application

    office = OfficeFactory(code="JMB", name="Kanim Jambi", timezone="Asia/Jakarta")
    day = local_date(office, timezone.now()) + dt.timedelta(days=1)
    while not is_working_day(office, day):
        day += dt.timedelta(days=1)
    time_machine.move_to(dt.datetime.combine(day, dt.time(8), tzinfo=office.tz), tick=True)
    drive_thru_office(office)
    partner = CourierPartner.objects.create(name="Pos Indonesia")
    CourierFee.objects.create(partner=partner, office=office, province="", fee=25000)
    officer = staff_with_role(Role.PICKUP, office)
    apps = {
        key: ready_application(office, status_changed_at=timezone.now())
        for key in ("drive_thru", "courier", "proxy", "counter")
    }
    pickup_storage_set(application=apps["drive_thru"], officer=officer, location="RAK-2/BOX-7")
    return {"office": office, "officer": officer, "day": day, "apps": apps}


def test_drive_thru_courier_and_proxy_pickups(browser, live_server, jambi):
    from loket.applications.choices import ApplicationStatus
    from loket.pickup.choices import ChoiceStatus, Lane, ProxyBasis
    from loket.pickup.models import DriveThruSlot, Handover, PickupChoice

    office, officer, day, apps = jambi["office"], jambi["officer"], jambi["day"], jambi["apps"]
    contexts = []
    checked: set[str] = set()

    def new_page(viewport=None):
        context = browser.new_context(
            base_url=live_server.url,
            locale="id-ID",
            viewport=viewport or {"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    def sign_in(page, path: str, email: str) -> None:
        page.goto(path)
        accessible(page, path)
        page.fill("#id_email", email)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_load_state()

    def accessible(page, screen: str) -> None:
        if screen not in checked:
            checked.add(screen)
            assert axe_violations(page) == [], (screen, page.url)

    def holder(key: str, viewport=None):
        page = new_page(viewport)
        sign_in(page, "/akun/masuk/", apps[key].account.email)
        page.goto(f"/akun/pengambilan/{apps[key].public_id}/")
        return page

    def choice_of(key: str) -> PickupChoice:
        return PickupChoice.objects.get(application=apps[key])

    try:
        # --- the holder books the two-wheeler lane (on a phone) -----------------------------
        rider = holder("drive_thru", viewport={"width": 390, "height": 844})
        for method in ("counter", "drive_thru", "courier", "proxy"):
            assert rider.get_by_test_id(f"checklist-{method}").locator("li").count() >= 2
        accessible(rider, "choose")
        rider.set_viewport_size({"width": 320, "height": 640})
        assert not has_horizontal_overflow(rider), "the holder's page overflows at 320 px"
        rider.set_viewport_size({"width": 390, "height": 844})
        slot = DriveThruSlot.objects.get(
            office=office, date=day, start=dt.time(9), lane=Lane.MOTORBIKE
        )
        rider.select_option("#drive_thru_vehicle", Lane.MOTORBIKE)
        rider.select_option("#drive_thru_slot", str(slot.pk))
        rider.fill("#drive_thru_plate", "bh 1234 ab")
        rider.click("#confirm-drive_thru")
        assert rider.get_by_test_id("pickup-status").get_attribute("data-status") == "chosen"
        assert rider.get_by_test_id("pickup-plate").inner_text() == "BH1234AB"
        assert rider.get_by_test_id("pickup-qr").is_visible()
        accessible(rider, "choice: drive-thru")
        code = rider.get_by_test_id("pickup-code").inner_text().strip()
        slot.refresh_from_db()
        assert slot.used == 1

        # --- the drive-thru officer serves the arrival ------------------------------------
        desk = new_page()
        sign_in(desk, "/staf/masuk/", officer.email)
        desk.goto(f"/staf/pengambilan/{office.code}/drive-thru/")
        accessible(desk, "drive-thru screen")
        lane = desk.get_by_test_id("lane-motorbike")
        assert lane.get_by_test_id(f"expected-{code}").is_visible()
        desk.fill("#id_q", "BH 1234 AB")  # typed from the plate
        desk.click("#lookup")
        found = desk.get_by_test_id("found")
        assert found.get_attribute("data-code") == code
        assert found.get_attribute("data-status") == "chosen"
        assert desk.get_by_test_id("storage-location").inner_text() == "RAK-2/BOX-7"
        assert desk.get_by_test_id("holder-nik").inner_text() == apps["drive_thru"].nik
        accessible(desk, "drive-thru: found")
        # A plate that does not match the booking is refused, nothing changes.
        desk.fill("#arrive_plate", "BH 9999 ZZ")
        desk.click("#arrive")
        assert desk.locator("#arrive_plate_error_1").is_visible()
        assert desk.get_by_test_id("found").get_attribute("data-status") == "chosen"
        accessible(desk, "drive-thru: plate refused")
        assert choice_of("drive_thru").status == ChoiceStatus.CHOSEN
        desk.fill("#arrive_plate", "BH 1234 AB")
        desk.click("#arrive")
        assert desk.get_by_test_id("found").get_attribute("data-status") == "arrived"
        accessible(desk, "drive-thru: arrived")
        desk.check("#handover_identity_checked")
        desk.click("#hand-over")
        assert desk.get_by_test_id("found").get_attribute("data-status") == "handed_over"
        assert desk.locator("#hand-over").count() == 0  # a passport is handed over once
        handover = Handover.objects.get(application=apps["drive_thru"])
        assert handover.received_by == "owner" and handover.identity_checked
        assert handover.officer_id == officer.pk
        apps["drive_thru"].refresh_from_db()
        assert apps["drive_thru"].status == ApplicationStatus.COLLECTED

        # --- courier: chosen by the holder, dispatched and delivered by the office ----------
        courier_holder = holder("courier")
        courier_holder.fill("#courier_address", "Jl. Sultan Thaha 12, Kota Jambi")
        courier_holder.fill("#courier_province", "Jambi")
        courier_holder.click("#confirm-courier")
        assert courier_holder.get_by_test_id("pickup-method").get_attribute("data-method") == (
            "courier"
        )
        fee = courier_holder.get_by_test_id("courier-fee").inner_text()
        assert fee.replace(".", "").replace(",", "") == "Rp25000"
        accessible(courier_holder, "choice: courier")

        desk.goto(f"/staf/pengambilan/{office.code}/")
        accessible(desk, "pickup desk")
        desk.goto(f"/staf/pengambilan/{office.code}/paspor/{apps['courier'].public_id}/")
        accessible(desk, "passport: courier")
        desk.fill("#dispatch_tracking_number", "POS-JMB-0001")
        desk.click("#dispatch")
        assert desk.get_by_test_id("choice-status").get_attribute("data-status") == "dispatched"
        assert desk.get_by_test_id("tracking-number").inner_text() == "POS-JMB-0001"
        accessible(desk, "passport: dispatched")
        desk.fill("#delivered_note", "Diterima pemohon")
        desk.click("#delivered")
        assert desk.get_by_test_id("choice-status").get_attribute("data-status") == "delivered"
        courier_holder.reload()
        assert courier_holder.get_by_test_id("pickup-status").get_attribute("data-status") == (
            "delivered"
        )
        assert courier_holder.get_by_test_id("tracking-number").inner_text() == "POS-JMB-0001"
        assert choice_of("courier").tracking_number == "POS-JMB-0001"

        # --- a proxy chosen by the holder: refused without evidence, accepted with it -------
        proxy_holder = holder("proxy")
        proxy_holder.fill("#proxy_proxy_name", "Siti Aminah")
        proxy_holder.fill("#proxy_proxy_nik", "1571014101900001")
        proxy_holder.fill("#proxy_proxy_kk_number", OTHER_KK)
        proxy_holder.click("#confirm-proxy")
        assert proxy_holder.locator("#proxy_power_of_attorney_error_1").is_visible()
        accessible(proxy_holder, "choose: proxy refused")
        assert not PickupChoice.objects.filter(application=apps["proxy"]).exists()
        proxy_holder.set_input_files(
            "#proxy_power_of_attorney",
            {"name": "surat-kuasa.pdf", "mimeType": "application/pdf", "buffer": PDF},
        )
        proxy_holder.click("#confirm-proxy")
        assert proxy_holder.get_by_test_id("pickup-method").get_attribute("data-method") == (
            "proxy"
        )
        assert choice_of("proxy").proxy_basis == ProxyBasis.POWER_OF_ATTORNEY
        accessible(proxy_holder, "choice: proxy")
        # At the counter the proxy and the power of attorney on file are shown.
        desk.goto(f"/staf/pengambilan/{office.code}/paspor/{apps['proxy'].public_id}/")
        accessible(desk, "passport: proxy")
        assert desk.get_by_test_id("proxy-name").inner_text().startswith("Siti Aminah")
        desk.check("#handover_identity_checked")
        desk.click("#hand-over")
        assert desk.get_by_test_id("handover-done").is_visible()
        assert Handover.objects.get(application=apps["proxy"]).proxy_basis == (
            ProxyBasis.POWER_OF_ATTORNEY
        )

        # --- a proxy at the counter without a choice: refused, then accepted -------------
        desk.goto(f"/staf/pengambilan/{office.code}/paspor/{apps['counter'].public_id}/")
        desk.select_option("#handover_received_by", "proxy")
        desk.fill("#handover_receiver_name", "Rudi Hartono")
        desk.fill("#handover_proxy_kk_number", OTHER_KK)
        desk.check("#handover_identity_checked")
        desk.click("#hand-over")
        assert desk.locator("#handover_proxy_kk_number_error_1").is_visible()
        accessible(desk, "passport: proxy refused")
        assert not Handover.objects.filter(application=apps["counter"]).exists()
        desk.check("#handover_identity_checked")
        desk.set_input_files(
            "#handover_power_of_attorney",
            {"name": "kuasa.pdf", "mimeType": "application/pdf", "buffer": PDF},
        )
        desk.click("#hand-over")
        assert desk.get_by_test_id("handover-done").is_visible()
        assert desk.locator("#hand-over").count() == 0
        accessible(desk, "passport: handed over")
        handover = Handover.objects.get(application=apps["counter"])
        assert handover.proxy_basis == ProxyBasis.POWER_OF_ATTORNEY
        assert handover.receiver_name == "Rudi Hartono"
        assert Handover.objects.count() == 4  # drive-thru, courier, two proxies
    finally:
        for context in contexts:
            context.close()
