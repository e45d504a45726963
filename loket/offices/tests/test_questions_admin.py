"""Q&A in the admin: an office admin edits only their office's questions; national
questions (no office) are national admins' alone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.offices.models import Question

pytestmark = pytest.mark.django_db


def form(office=None, **extra):
    data = {
        "office": office.pk if office else "",
        "sort_order": 1,
        "is_published": "on",
        "question_id": "Berapa lama paspor selesai?",
        "answer_id": "Tiga hari kerja setelah pembayaran.",
        "question_en": "",
        "answer_en": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def rows(office_wib, office_wita):
    return {
        "national": Question.objects.create(question_id="Nasional?", answer_id="Ya."),
        "kpg": Question.objects.create(office=office_wita, question_id="Kupang?", answer_id="Ya."),
        "clp": Question.objects.create(office=office_wib, question_id="Cilacap?", answer_id="Ya."),
    }


def test_office_admin_sees_and_edits_only_own_office(client, rows, office_wita, make_staff):
    client.force_login(make_staff(Role.OFFICE_ADMIN, office_wita))
    body = client.get(reverse("admin:offices_question_changelist")).content.decode()
    assert "Kupang?" in body
    assert "Cilacap?" not in body and "Nasional?" not in body
    for other in ("national", "clp"):
        url = reverse("admin:offices_question_change", args=[rows[other].pk])
        assert client.get(url).status_code in (302, 403, 404)
        assert client.post(url, form(office_wita)).status_code in (302, 403, 404)
    rows["clp"].refresh_from_db()
    assert rows["clp"].question_id == "Cilacap?"


def test_office_admin_cannot_create_a_national_question(client, office_wita, make_staff):
    client.force_login(make_staff(Role.OFFICE_ADMIN, office_wita))
    response = client.post(reverse("admin:offices_question_add"), form(None))
    assert response.status_code == 200  # the form again, with the office field required
    assert not Question.objects.exists()
    response = client.post(reverse("admin:offices_question_add"), form(office_wita))
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.office == office_wita
    entry = AuditEntry.objects.get(action="admin.add", target_type="offices.question")
    assert entry.office_code == office_wita.code


def test_office_admin_cannot_attach_a_question_to_another_office(
    client, office_wita, office_wib, make_staff
):
    client.force_login(make_staff(Role.OFFICE_ADMIN, office_wita))
    response = client.post(reverse("admin:offices_question_add"), form(office_wib))
    assert response.status_code == 200
    assert not Question.objects.exists()


def test_national_admin_edits_national_questions(client, rows, national_admin):
    client.force_login(national_admin)
    body = client.get(reverse("admin:offices_question_changelist")).content.decode()
    assert all(text in body for text in ("Nasional?", "Kupang?", "Cilacap?"))
    response = client.post(reverse("admin:offices_question_add"), form(None))
    assert response.status_code == 302
    assert Question.objects.filter(office=None).count() == 2


def test_english_question_needs_its_answer(client, office_wita, make_staff):
    client.force_login(make_staff(Role.OFFICE_ADMIN, office_wita))
    response = client.post(
        reverse("admin:offices_question_add"), form(office_wita, question_en="How long?")
    )
    assert response.status_code == 200
    assert not Question.objects.exists()


def test_front_desk_has_no_question_admin(client, office_wita, make_staff):
    client.force_login(make_staff(Role.FRONT_DESK, office_wita))
    assert client.get(reverse("admin:offices_question_changelist")).status_code == 302
