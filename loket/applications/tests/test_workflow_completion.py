"""The biometrics photo, the approval chain's roles, the low-stock email and the pickup
link of the ready-for-pickup email and the applicant's list."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from loket.applications import bap as baps
from loket.applications import workflow
from loket.applications.choices import ApplicationStatus as S
from loket.applications.choices import BapStatus
from loket.applications.models import (
    ApprovalChainStep,
    BapApproval,
    BiometricPhoto,
    BlankStock,
)
from loket.applications.tests.factories import ApplicationFactory
from loket.core.choices import Role
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.models import AuditEntry, User
from loket.core.tests.factories import ApplicantFactory
from loket.core.uploads import upload_open
from loket.notifications.models import OutboxMessage
from loket.notifications.services import outbox_send_due
from loket.offices.tests.factories import OfficeFactory


def jpeg(size=(60, 80)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, "JPEG")
    out.seek(0)
    out.name = "camera.jpg"
    return out


@pytest.fixture(autouse=True)
def english():
    """The messages and emails under test are read in English (Indonesian is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- the biometrics photo -----------------------------------------------------------------


def test_photo_from_the_camera_is_checked_stored_and_recorded(office_wib, make_staff, media):
    officer = make_staff(Role.BIOMETRICS, office_wib)
    application = ApplicationFactory(office=office_wib, status=S.BIOMETRICS)
    application = workflow.application_biometrics_captured(
        application=application,
        actor=officer,
        fingerprint_ref="FP-77",
        photo=jpeg(),
        photo_name="IMG_0001.jpg",
    )
    assert application.status == S.ADJUDICATION
    photo = BiometricPhoto.objects.get(application=application)
    assert photo.content_type == "image/jpeg"
    assert photo.taken_by == officer
    assert photo.path.startswith("photos/CLP/")
    stored = upload_open(photo.path)
    assert stored.startswith(b"\xff\xd8\xff") and len(stored) == photo.size
    event = application.events.get(to_status=S.ADJUDICATION)
    assert event.data == {"fingerprint_ref": "FP-77", "photo_ref": f"upload:{photo.sha256[:16]}"}


def test_a_non_image_is_refused_by_content_and_nothing_moves(office_wib, make_staff, media):
    officer = make_staff(Role.BIOMETRICS, office_wib)
    application = ApplicationFactory(office=office_wib, status=S.BIOMETRICS)
    fake = io.BytesIO(b"MZ\x90\x00 this is a program, not a photo")
    for upload, name in ((fake, "photo.jpg"), (io.BytesIO(b"%PDF-1.4\n%%EOF"), "photo.pdf")):
        with pytest.raises(ApplicationError) as err:
            workflow.application_biometrics_captured(
                application=application,
                actor=officer,
                fingerprint_ref="FP-1",
                photo=upload,
                photo_name=name,
            )
        assert err.value.code == "upload_type"
        assert "photo" in err.value.fields
    application.refresh_from_db()
    assert application.status == S.BIOMETRICS
    assert not BiometricPhoto.objects.exists()
    assert not application.events.exists()
    assert not list(media.rglob("*.jpg"))


def test_biometrics_needs_a_photo_and_the_fingerprint_reference(office_wib, make_staff):
    officer = make_staff(Role.BIOMETRICS, office_wib)
    application = ApplicationFactory(office=office_wib, status=S.BIOMETRICS)
    with pytest.raises(ApplicationError) as err:
        workflow.application_biometrics_captured(
            application=application, actor=officer, fingerprint_ref=" "
        )
    assert set(err.value.fields) == {"fingerprint_ref", "photo"}
    application.refresh_from_db()
    assert application.status == S.BIOMETRICS


def test_the_photo_page_is_office_scoped_and_audited(client, office_wib, make_staff, media):
    officer = make_staff(Role.BIOMETRICS, office_wib)
    application = ApplicationFactory(office=office_wib, status=S.BIOMETRICS)
    url = reverse("applications:staff_work", args=[application.public_id])
    client.force_login(officer)
    page = client.get(url)
    assert b'capture="user"' in page.content and b'accept="image/jpeg,image/png' in page.content
    client.post(url, {"action": "biometrics", "fingerprint_ref": "FP-9", "photo": jpeg()})
    application.refresh_from_db()
    assert application.status == S.ADJUDICATION
    photo_url = reverse("applications:staff_photo", args=[application.public_id])
    assert photo_url.encode() in client.get(url).content
    before = AuditEntry.objects.filter(action="personal_data.view").count()
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    viewed = AuditEntry.objects.filter(action="personal_data.view").order_by("-id")
    assert viewed.count() == before + 1
    assert "biometric_photo" in str(viewed.first().changes)

    stranger = make_staff(Role.BIOMETRICS, OfficeFactory(code="KPG", timezone="Asia/Makassar"))
    client.force_login(stranger)
    assert client.get(photo_url).status_code == 404
    without = ApplicationFactory(office=office_wib, status=S.ADJUDICATION)
    client.force_login(officer)
    missing = client.get(reverse("applications:staff_photo", args=[without.public_id]))
    assert missing.status_code == 404


def test_a_fake_photo_through_the_page_gives_a_message(client, office_wib, make_staff, media):
    officer = make_staff(Role.BIOMETRICS, office_wib)
    application = ApplicationFactory(office=office_wib, status=S.BIOMETRICS)
    url = reverse("applications:staff_work", args=[application.public_id])
    client.force_login(officer)
    fake = io.BytesIO(b"<html>not a photo</html>")
    fake.name = "photo.png"
    response = client.post(
        url, {"action": "biometrics", "fingerprint_ref": "FP-9", "photo": fake}, follow=True
    )
    assert b'class="error"' in response.content and b"photo: " in response.content
    application.refresh_from_db()
    assert application.status == S.BIOMETRICS


# --- the approval chain -------------------------------------------------------------------


@pytest.fixture
def chain_staff(office_wib, make_staff):
    roles = [Role.BAP_EXAMINER, Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE]
    return {role: make_staff(role, office_wib) for role in roles}


def _proposed(office):
    application = ApplicationFactory(
        office=office, status=S.BAP, case_type="lost", paid_at=timezone.now()
    )
    bap = baps.Bap.objects.create(application=application, trigger="lost")
    return application, bap


def _examine(bap, examiner):
    return baps.bap_examine(
        bap=bap,
        actor=examiner,
        statement="Lost at the market",
        findings="Police report matches",
        proposal="approve",
    )


@pytest.mark.parametrize("wrong", [Role.KASI, Role.HEAD_OF_OFFICE, Role.BAP_EXAMINER])
def test_each_step_is_signed_only_by_the_role_the_chain_names(office_wib, chain_staff, now, wrong):
    _application, bap = _proposed(office_wib)
    bap = _examine(bap, chain_staff[Role.BAP_EXAMINER])
    with pytest.raises(Forbidden) as err:
        baps.bap_approve(bap=bap, actor=chain_staff[wrong], approve=True)
    assert err.value.code == "approval_role_required"
    assert "Step 1 of 3" in err.value.message and "Kasubsi" in err.value.message
    assert not BapApproval.objects.exists()
    bap.refresh_from_db()
    assert bap.status == BapStatus.PROPOSED


def test_an_office_chain_names_its_own_roles(office_wib, chain_staff, make_staff, now):
    ApprovalChainStep.objects.create(office=office_wib, sequence=1, role=Role.KASI)
    ApprovalChainStep.objects.create(office=office_wib, sequence=2, role=Role.KASUBSI)
    application, bap = _proposed(office_wib)
    bap = _examine(bap, chain_staff[Role.BAP_EXAMINER])
    with pytest.raises(Forbidden) as err:
        baps.bap_approve(bap=bap, actor=chain_staff[Role.KASUBSI], approve=True)
    assert "Kasi" in err.value.message and "Step 1 of 2" in err.value.message
    baps.bap_approve(bap=bap, actor=chain_staff[Role.KASI], approve=True)
    # A Kasi of another office holds the role, but not here: the BAP is not even found.
    elsewhere = make_staff(Role.KASUBSI, OfficeFactory(code="TUL", timezone="Asia/Jayapura"))
    with pytest.raises(NotFound):
        baps.bap_approve(bap=bap, actor=elsewhere, approve=True)
    baps.bap_approve(bap=bap, actor=chain_staff[Role.KASUBSI], approve=True)
    application.refresh_from_db()
    assert application.status == S.ADJUDICATION
    assert list(
        BapApproval.objects.filter(bap=bap).values_list("sequence", "role", "approver")
    ) == [
        (1, Role.KASI, chain_staff[Role.KASI].pk),
        (2, Role.KASUBSI, chain_staff[Role.KASUBSI].pk),
    ]


def test_one_person_never_signs_twice_nor_approves_their_own_report(
    office_wib, chain_staff, make_staff, now
):
    _application, bap = _proposed(office_wib)
    both = chain_staff[Role.KASUBSI]
    make_staff(Role.KASI, office_wib, user=both)
    bap = _examine(bap, chain_staff[Role.BAP_EXAMINER])
    baps.bap_approve(bap=bap, actor=both, approve=True)
    with pytest.raises(Forbidden) as err:
        baps.bap_approve(bap=bap, actor=both, approve=True)
    assert err.value.code == "approval_same_person"
    examiner = chain_staff[Role.BAP_EXAMINER]
    make_staff(Role.KASI, office_wib, user=examiner)
    examiner = User.objects.get(pk=examiner.pk)  # roles are cached per user object
    with pytest.raises(Forbidden) as err:
        baps.bap_approve(bap=bap, actor=examiner, approve=True)
    assert err.value.code == "approval_same_person"
    assert BapApproval.objects.filter(bap=bap).count() == 1


# --- low blank stock ----------------------------------------------------------------------


def _print_one(office, printer):
    application = ApplicationFactory(office=office, status=S.PRINTING, paid_at=timezone.now())
    return workflow.application_print(application=application, actor=printer)


def test_crossing_the_low_stock_threshold_emails_supervisors_once_per_crossing(
    office_wib, make_staff, smtp_server
):
    printer = make_staff(Role.PRINTING, office_wib)
    supervisors = {make_staff(role, office_wib).email for role in (Role.KASUBSI, Role.KASI)}
    supervisors.add(make_staff(Role.HEAD_OF_OFFICE, office_wib).email)
    make_staff(Role.QC, office_wib)  # not a supervisor: no mail
    other_office = OfficeFactory(code="TUL", timezone="Asia/Jayapura")
    make_staff(Role.KASI, other_office)
    stock = BlankStock.objects.create(
        office=office_wib, book_type="electronic", quantity=4, low_threshold=2
    )

    def low_mails():
        return OutboxMessage.objects.filter(dedupe_key__startswith="blank-low:")

    _print_one(office_wib, printer)  # 4 -> 3: not low yet
    assert not low_mails().exists()
    _print_one(office_wib, printer)  # 3 -> 2: crosses
    assert set(low_mails().values_list("recipient", flat=True)) == supervisors
    assert low_mails().count() == 3
    _print_one(office_wib, printer)  # 2 -> 1: still low, no second mail
    assert low_mails().count() == 3
    outbox_send_due()
    delivered = [m for m in smtp_server.messages if m[1][0] in supervisors]
    assert len(delivered) == 3
    assert b"Only 2 " in delivered[0][2]

    stock.refresh_from_db()
    BlankStock.objects.filter(pk=stock.pk).update(quantity=3)  # restocked
    _print_one(office_wib, printer)  # 3 -> 2: a new crossing, a new mail
    assert low_mails().count() == 6
    assert AuditEntry.objects.filter(action="blank_stock.take").count() == 4


# --- the pickup link ----------------------------------------------------------------------


def test_ready_email_and_the_applicants_page_link_to_the_pickup_choice(
    client, office_wib, make_staff, settings
):
    settings.LOKET_PUBLIC_URL = "https://loket.example.test/"
    qc = make_staff(Role.QC, office_wib)
    application = ApplicationFactory(
        office=office_wib,
        status=S.QC,
        paid_at=timezone.now(),
        account=ApplicantFactory(email_verified_at=timezone.now()),
    )
    workflow.application_qc(application=application, actor=qc, passed=True)
    path = reverse("pickup:choose", kwargs={"public_id": application.public_id})
    mail = OutboxMessage.objects.get(dedupe_key=f"application-ready:{application.public_id}")
    assert f"https://loket.example.test{path}" in mail.body

    client.force_login(application.account)
    page = client.get(reverse("applications:list"))
    assert page.status_code == 200
    assert f'href="{path}"'.encode() in page.content
    assert b'data-testid="pickup-link"' in page.content
