import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from loket.applications.models import Application
from loket.applications.tests.test_services import STEP1, STEP2
from loket.core.tests.factories import ApplicantFactory


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG")
    out.seek(0)
    out.name = "scan.png"
    return out


@pytest.fixture
def applicant(client, office_wib):
    user = ApplicantFactory(email_verified_at=timezone.now())
    client.force_login(user)
    return user


@pytest.mark.django_db
class TestWizard:
    def test_unverified_account_is_sent_to_verify(self, client, office_wib):
        client.force_login(ApplicantFactory())
        assert client.get(reverse("applications:list"))["Location"] == reverse("applicants:verify")

    def test_whole_wizard(self, client, applicant, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        response = client.post(reverse("applications:new"))
        application = Application.objects.get(account=applicant)
        assert response["Location"] == reverse("applications:step", args=[application.public_id, 1])
        url1 = reverse("applications:step", args=[application.public_id, 1])
        assert client.post(url1, STEP1).status_code == 302
        url2 = reverse("applications:step", args=[application.public_id, 2])
        bad = client.post(url2, {**STEP2, "nik": "123"})
        assert bad.status_code == 400
        assert "16" in bad.content.decode()
        assert client.post(url2, STEP2).status_code == 302
        docs = reverse("applications:documents", args=[application.public_id])
        for kind in ("ktp", "kk", "birth_certificate"):
            assert client.post(docs, {"kind": kind, "file": png()}).status_code == 302
        fake = client.post(docs, {"kind": "ktp", "file": io.BytesIO(b"MZ not an image")})
        assert fake.status_code == 400
        review = reverse("applications:review", args=[application.public_id])
        assert client.post(review).status_code == 302
        application.refresh_from_db()
        assert application.status == "submitted"
        body = client.get(review).content.decode()
        assert "950" in body  # e-passport 10 years, PP 45/2024

    def test_autosave_keeps_invalid_input(self, client, applicant):
        client.post(reverse("applications:new"))
        application = Application.objects.get(account=applicant)
        url = reverse("applications:autosave", args=[application.public_id, 2])
        response = client.post(url, {"nik": "12345"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        page = client.get(
            reverse("applications:step", args=[application.public_id, 2])
        ).content.decode()
        assert 'value="12345"' in page

    def test_someone_elses_application_is_404(self, client, applicant):
        other = Application.objects.create(account=ApplicantFactory())
        for name, args in [
            ("applications:step", [other.public_id, 1]),
            ("applications:documents", [other.public_id]),
            ("applications:review", [other.public_id]),
            ("applications:document_file", [other.public_id, "ktp"]),
            ("applications:step", ["not-a-uuid", 1]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404, name

    def test_document_is_served_only_to_its_owner(self, client, applicant, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.post(reverse("applications:new"))
        application = Application.objects.get(account=applicant)
        client.post(reverse("applications:step", args=[application.public_id, 1]), STEP1)
        client.post(
            reverse("applications:documents", args=[application.public_id]),
            {"kind": "ktp", "file": png()},
        )
        url = reverse("applications:document_file", args=[application.public_id, "ktp"])
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        client.force_login(ApplicantFactory(email_verified_at=timezone.now()))
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_checker_answers_before_sign_up(client):
    response = client.get(
        reverse("applications:checker"),
        {
            "applicant_type": "adult",
            "case_type": "lost",
            "book_type": "electronic",
            "validity_years": 10,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "BAP" in body
    assert "1,950,000" in body or "1.950.000" in body  # 950,000 + 1,000,000 for the loss
