"""The pages: public complaint form, follow link, survey; staff list, detail, exports."""

import pytest
from django.urls import reverse

from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.feedback.models import Complaint, IkmResponse
from loket.feedback.services import survey_invitation_create

pytestmark = pytest.mark.django_db

COMPLAINT = {
    "category": "slow",
    "summary": "Antrean lama",
    "description": "Tiga jam menunggu.",
    "anonymous": "on",
}


def test_anonymous_complaint_from_the_office_qr(client, office_wita):
    response = client.post("/pengaduan/KPG/", COMPLAINT)
    c = Complaint.objects.get()
    assert response.status_code == 302 and response.url.startswith(
        f"/pengaduan/lacak/{c.tracking_number}/"
    )
    assert c.channel == "qr" and c.anonymous
    page = client.get(response.url)
    assert page.status_code == 200
    assert b'data-testid="save-link"' in page.content
    # The reminder to save the link is shown once.
    assert b'data-testid="save-link"' not in client.get(response.url).content


def test_complaint_form_field_errors(client, office_wita):
    response = client.post("/pengaduan/", {"office": office_wita.pk, "category": "nope"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"category", "summary", "description"}
    assert client.get("/pengaduan/").status_code == 200
    assert client.get("/pengaduan/NOPE/").status_code == 404


def test_fake_attachment_is_a_field_error(client, office_wita):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("foto.jpg", b"MZ this is an exe", content_type="image/jpeg")
    response = client.post("/pengaduan/KPG/", {**COMPLAINT, "attachments": [fake]})
    assert response.status_code == 400
    assert "attachments" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_guessed_link_is_404_and_lookup(client, office_wita):
    client.post("/pengaduan/KPG/", COMPLAINT)
    c = Complaint.objects.get()
    assert client.get(f"/pengaduan/lacak/{c.tracking_number}/tebakan/").status_code == 404
    response = client.post(
        "/pengaduan/lacak/", {"tracking_number": c.tracking_number, "access_code": "x"}
    )
    assert response.status_code == 400


def test_staff_flow_and_scope(client, office_wita, office_wib, make_staff, file_complaint):
    cs = make_staff(Role.CUSTOMER_SERVICE, office_wita)
    c = file_complaint(office_wita, name="Ani", email="ani@example.test", anonymous=False).complaint
    pungli = file_complaint(office_wita, category="pungli").complaint
    client.force_login(cs)
    listing = client.get("/staf/pengaduan/")
    assert listing.status_code == 200
    assert c.tracking_number.encode() in listing.content
    assert pungli.tracking_number.encode() not in listing.content
    assert client.get(f"/staf/pengaduan/{pungli.tracking_number}/").status_code == 404
    detail = client.get(f"/staf/pengaduan/{c.tracking_number}/")
    assert detail.status_code == 200
    assert AuditEntry.objects.filter(action="personal_data.view").count() == 1
    response = client.post(
        f"/staf/pengaduan/{c.tracking_number}/verify/", {"category": "slow", "sla_class": "fast"}
    )
    assert response.status_code == 302
    response = client.post(
        f"/staf/pengaduan/{c.tracking_number}/reply/",
        {"message": "Sudah ditangani.", "public": "on", "final": "on"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "answered"
    assert client.post(f"/staf/pengaduan/{c.tracking_number}/close/", {}).status_code == 302
    csv = client.get("/staf/pengaduan/ekspor/csv/?office=KPG")
    assert csv.status_code == 200 and c.tracking_number.encode() in csv.content
    assert b"ani@example.test" not in csv.content  # no consent given
    assert client.get("/staf/pengaduan/ekspor/json/?office=KPG").json()["complaints"]
    assert client.get("/staf/pengaduan/ekspor/json/?office=CLP").status_code == 404
    png = client.get("/staf/pengaduan/qr/KPG/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get("/staf/pengaduan/qr/CLP/").status_code == 404
    htmx = client.get("/staf/pengaduan/?office=KPG&flag=overdue", headers={"HX-Request": "true"})
    assert b"<html" not in htmx.content and b"complaint-results" in htmx.content

    other = make_staff(Role.CUSTOMER_SERVICE, office_wib)
    client.force_login(other)
    assert client.get(f"/staf/pengaduan/{c.tracking_number}/").status_code == 404


def test_survey_page_once(client, office_wita):
    token = survey_invitation_create(office=office_wita, visit_ref="", service_type="pickup").token
    url = reverse("feedback:survey", args=[token])
    assert client.get(url).status_code == 200
    data = {f"u{i}": "4" for i in range(1, 10)}
    data.update(
        {f"ipk_{c}": "4" for c in ["diskriminasi", "pungli", "calo", "gratifikasi", "kecurangan"]}
    )
    data.update(
        {"sex": "m", "age_group": "20_29", "education": "sma", "occupation": "student", "u3": "5"}
    )
    bad = client.post(url, data)
    assert bad.status_code == 400 and "u3" in bad.context["form"].errors
    data["u3"] = "3"
    assert client.post(url, data).status_code == 302
    assert IkmResponse.objects.count() == 1
    assert client.get(url).status_code == 409
    assert client.get("/survei/palsu:tanda/").status_code == 404


def test_staff_survey_pages(client, office_wita, make_staff):
    head = make_staff(Role.HEAD_OF_OFFICE, office_wita)
    client.force_login(head)
    slip = client.post(
        "/staf/survei/undangan/",
        {"office": "KPG", "visit_ref": "A001", "service_type": "pickup", "includes_ipk": "on"},
    )
    assert slip.status_code == 200 and b'data-testid="survey-slip"' in slip.content
    query = "office=KPG&survey=ikm&period_kind=month&year=2026&index=8&service_type="
    assert client.get(f"/staf/survei/laporan/?{query}").status_code == 200
    assert client.get(f"/staf/survei/laporan/?{query}&format=pdf").content.startswith(b"%PDF")
    assert client.get(f"/staf/survei/laporan/?{query}&format=xlsx").status_code == 200
    assert (
        client.get(
            "/staf/survei/laporan/?office=KPG&survey=ikm&period_kind=quarter&year=2026&index=5"
        ).status_code
        == 400
    )
    saved = client.post(
        "/staf/survei/jumlah-layanan/",
        {"office": "KPG", "period_kind": "month", "year": "2026", "index": "8", "count": "120"},
    )
    assert saved.status_code == 302
    assert client.get("/transparansi/KPG/").status_code == 200


def test_admin_is_office_scoped(client, office_wita, office_wib, make_staff, national_admin):
    from loket.feedback.models import IpkQuestion, SlaPolicy

    SlaPolicy.objects.create(office=office_wita)
    SlaPolicy.objects.create(office=office_wib)
    own = IpkQuestion.objects.create(
        office=office_wib,
        code="parkir",
        aspect="calo",
        text_id="x",
        text_en="x",
        low_label_id="1",
        low_label_en="1",
        high_label_id="4",
        high_label_en="4",
    )
    default = IpkQuestion.objects.filter(office__isnull=True).first()
    client.force_login(national_admin)
    assert client.get("/admin/feedback/slapolicy/").status_code == 200
    assert client.get(f"/admin/feedback/ipkquestion/{default.pk}/change/").status_code == 200
    admin = make_staff(Role.OFFICE_ADMIN, office_wita)
    client.force_login(admin)
    listing = client.get("/admin/feedback/slapolicy/")
    assert listing.status_code == 200
    assert len(listing.context["cl"].result_list) == 1
    questions = client.get("/admin/feedback/ipkquestion/")
    assert own not in questions.context["cl"].result_list
    assert client.get(f"/admin/feedback/ipkquestion/{own.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    # The national defaults are read-only for an office admin.
    response = client.post(
        f"/admin/feedback/ipkquestion/{default.pk}/change/", {"text_id": "diubah"}
    )
    assert response.status_code in (302, 403)
    default.refresh_from_db()
    assert default.text_id != "diubah"
