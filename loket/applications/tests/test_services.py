import datetime as dt
import io

import pytest
from PIL import Image

from loket.applications.choices import ApplicationStatus
from loket.applications.models import Application
from loket.applications.services import (
    application_create,
    application_document_upload,
    application_problems,
    application_save_step,
    application_submit,
)
from loket.applications.tests.factories import nik_for
from loket.core.errors import ApplicationError
from loket.core.models import AuditEntry
from loket.core.tests.factories import ApplicantFactory

BIRTH = dt.date(1990, 5, 17)
STEP1 = {
    "office": "CLP",
    "applicant_type": "adult",
    "case_type": "new",
    "book_type": "electronic",
    "validity_years": "10",
    "purpose": "umrah",
}
STEP2 = {
    "nik": nik_for(BIRTH, "F", 12),
    "kk_number": "3273011705150002",
    "full_name": "Siti Aminah",
    "kk_name": "",
    "sex": "F",
    "birth_place": "Bandung",
    "birth_date": "1990-05-17",
    "marital_status": "married",
    "address": "Jl. Merdeka 1",
    "occupation": "Guru",
    "father_name": "Ahmad",
    "mother_name": "Fatimah",
    "phone": "081234567890",
    "email": "siti@example.test",
}


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG")
    out.seek(0)
    return out


@pytest.fixture
def draft(office_wib):
    account = ApplicantFactory()
    return application_create(account=account)


@pytest.mark.django_db
class TestSteps:
    def test_valid_steps_are_saved_and_advance(self, draft):
        result = application_save_step(
            application=draft, actor=draft.account, step=1, data=STEP1, advance=True
        )
        assert result.ok, result.errors
        assert (result.application.office.code, result.application.step) == ("CLP", 2)
        result = application_save_step(
            application=draft, actor=draft.account, step=2, data=STEP2, advance=True
        )
        assert result.ok, result.errors
        assert result.application.nik == STEP2["nik"]
        assert result.application.birth_date == BIRTH

    def test_invalid_values_are_kept_as_typed_and_reported(self, draft):
        application_save_step(application=draft, actor=draft.account, step=1, data=STEP1)
        bad = {**STEP2, "nik": nik_for(BIRTH, "M", 12)}  # a man's NIK for a woman
        result = application_save_step(
            application=draft, actor=draft.account, step=2, data=bad, advance=True
        )
        assert "nik" in result.errors
        assert any("man" in m or "laki" in m for m in result.errors["nik"])
        assert result.application.step == 1  # did not advance
        assert result.application.draft_raw["nik"] == bad["nik"]
        assert result.application.full_name == "Siti Aminah"  # the valid fields were saved

    def test_autosave_of_one_field_checks_against_saved_values(self, draft):
        application_save_step(application=draft, actor=draft.account, step=1, data=STEP1)
        application_save_step(application=draft, actor=draft.account, step=2, data=STEP2)
        result = application_save_step(
            application=draft,
            actor=draft.account,
            step=2,
            data={"birth_date": "1990-05-18"},
            partial=True,
        )
        # The NIK still says 17 May: the conflict is reported on the NIK, the date is saved.
        assert "17-05-1990" in " ".join(result.errors["nik"])
        saved = Application.objects.get(pk=draft.pk)
        assert saved.birth_date == dt.date(1990, 5, 18)
        assert saved.nik == STEP2["nik"]
        assert "full_name" not in result.errors

    def test_child_cannot_take_ten_years(self, draft):
        result = application_save_step(
            application=draft,
            actor=draft.account,
            step=1,
            data={**STEP1, "applicant_type": "child"},
        )
        assert "validity_years" in result.errors

    def test_percepatan_only_for_new_or_expired(self, draft):
        result = application_save_step(
            application=draft,
            actor=draft.account,
            step=1,
            data={**STEP1, "case_type": "renewal_full", "percepatan": "on"},
        )
        assert "percepatan" in result.errors

    def test_polycarbonate_only_where_offered(self, draft):
        result = application_save_step(
            application=draft,
            actor=draft.account,
            step=1,
            data={**STEP1, "book_type": "polycarbonate"},
        )
        assert "book_type" in result.errors

    def test_name_mismatch_is_a_warning(self, draft):
        application_save_step(application=draft, actor=draft.account, step=1, data=STEP1)
        result = application_save_step(
            application=draft,
            actor=draft.account,
            step=2,
            data={**STEP2, "kk_name": "Siti Aminah Binti Ahmad"},
        )
        assert result.ok
        assert [w["field"] for w in result.application.warnings] == ["kk_name"]

    def test_at_most_five_people_per_account(self, draft):
        for serial in range(1, 6):
            other = application_create(account=draft.account)
            application_save_step(application=other, actor=draft.account, step=1, data=STEP1)
            result = application_save_step(
                application=other,
                actor=draft.account,
                step=2,
                data={**STEP2, "nik": nik_for(BIRTH, "F", 100 + serial)},
            )
            assert result.ok, result.errors
        application_save_step(application=draft, actor=draft.account, step=1, data=STEP1)
        result = application_save_step(application=draft, actor=draft.account, step=2, data=STEP2)
        assert "nik" in result.errors

    def test_every_save_is_audited_without_personal_values(self, draft):
        application_save_step(application=draft, actor=draft.account, step=1, data=STEP1)
        application_save_step(application=draft, actor=draft.account, step=2, data=STEP2)
        entry = AuditEntry.objects.filter(action="application.save_step").order_by("-id").first()
        assert "nik" in entry.changes["fields"]
        assert STEP2["nik"] not in str(entry.changes)


@pytest.mark.django_db
class TestSubmit:
    def _fill(self, draft):
        application_save_step(application=draft, actor=draft.account, step=1, data=STEP1)
        application_save_step(application=draft, actor=draft.account, step=2, data=STEP2)

    def test_missing_documents_block_submission(self, draft):
        self._fill(draft)
        problems = application_problems(Application.objects.get(pk=draft.pk))
        assert list(problems) == ["documents"]
        with pytest.raises(ApplicationError) as info:
            application_submit(application=draft, actor=draft.account)
        assert info.value.code == "application_incomplete"
        assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT

    def test_complete_application_is_submitted(self, draft, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        self._fill(draft)
        for kind in ("ktp", "kk", "marriage_book"):
            application_document_upload(
                application=draft, actor=draft.account, kind=kind, file=png(), name="x.png"
            )
        submitted = application_submit(application=draft, actor=draft.account)
        assert submitted.status == ApplicationStatus.SUBMITTED and submitted.submitted_at

    def test_change_after_submission_needs_resubmission(self, draft, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        self._fill(draft)
        for kind in ("ktp", "kk", "birth_certificate"):
            application_document_upload(
                application=draft, actor=draft.account, kind=kind, file=png()
            )
        application_submit(application=draft, actor=draft.account)
        result = application_save_step(
            application=draft, actor=draft.account, step=1, data={**STEP1, "purpose": "tourism"}
        )
        assert result.application.status == ApplicationStatus.DRAFT

    def test_unneeded_or_fake_document_is_refused(self, draft, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        self._fill(draft)
        with pytest.raises(ApplicationError) as info:
            application_document_upload(
                application=draft, actor=draft.account, kind="police_report", file=png()
            )
        assert info.value.code == "document_not_needed"
        with pytest.raises(ApplicationError) as info:
            application_document_upload(
                application=draft,
                actor=draft.account,
                kind="ktp",
                file=io.BytesIO(b"MZ fake"),
                name="ktp.jpg",
            )
        assert info.value.code == "upload_type"
        assert not draft.documents.exists()
