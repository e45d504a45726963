"""An officer sees and acts only on their own office's data."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from loket.core.audit import audit_record
from loket.core.choices import Role
from loket.core.errors import Forbidden, NotFound
from loket.core.models import AuditEntry
from loket.core.tests.factories import ApplicantFactory
from loket.offices.models import OfficeClosure
from loket.offices.selectors import (
    office_get_for_staff,
    offices_visible_to,
    staff_directory,
)
from loket.offices.services import office_closure_create, office_closure_delete

TOMORROW = dt.date.today() + dt.timedelta(days=1)


@pytest.fixture
def two_offices(office_wib, office_wita):
    return office_wita, office_wib  # KPG, CLP


@pytest.mark.django_db
class TestSelectors:
    def test_office_staff_see_only_their_offices(self, two_offices, make_staff):
        kpg, _clp = two_offices
        officer = make_staff(Role.FRONT_DESK, kpg)
        assert list(offices_visible_to(officer)) == [kpg]
        assert office_get_for_staff(user=officer, code="kpg") == kpg
        with pytest.raises(NotFound):
            office_get_for_staff(user=officer, code="CLP")

    def test_national_roles_see_every_office(self, two_offices, national_admin):
        assert set(offices_visible_to(national_admin)) == set(two_offices)

    def test_a_role_in_two_offices(self, two_offices, make_staff):
        kpg, clp = two_offices
        officer = make_staff(Role.FRONT_DESK, kpg)
        make_staff(Role.INTERVIEWER, clp, user=officer)
        assert set(offices_visible_to(officer)) == {kpg, clp}
        assert list(offices_visible_to(officer, [Role.INTERVIEWER])) == [clp]

    def test_applicants_see_no_office_as_staff(self, two_offices):
        applicant = ApplicantFactory()
        assert not offices_visible_to(applicant).exists()
        with pytest.raises(NotFound):
            office_get_for_staff(user=applicant, code="KPG")

    def test_wrong_role_in_own_office_is_forbidden(self, two_offices, make_staff):
        kpg, _ = two_offices
        with pytest.raises(Forbidden):
            staff_directory(user=make_staff(Role.FRONT_DESK, kpg), office=kpg)
        head = make_staff(Role.HEAD_OF_OFFICE, kpg)
        assert head in [r.user for r in staff_directory(user=head, office=kpg)]


@pytest.mark.django_db
class TestServices:
    def test_head_closes_own_office_with_audit(self, two_offices, make_staff):
        kpg, _ = two_offices
        head = make_staff(Role.HEAD_OF_OFFICE, kpg)
        closure = office_closure_create(
            actor=head, office=kpg, date=TOMORROW, reason="Listrik padam"
        )
        entry = AuditEntry.objects.get(action="office.closure_create")
        assert (entry.actor, entry.office_code, entry.target_id) == (head, "KPG", str(closure.pk))

    def test_head_cannot_close_another_office(self, two_offices, make_staff):
        kpg, clp = two_offices
        head = make_staff(Role.HEAD_OF_OFFICE, kpg)
        with pytest.raises(NotFound):
            office_closure_create(actor=head, office=clp, date=TOMORROW, reason="x")
        assert not OfficeClosure.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_front_desk_cannot_close(self, two_offices, make_staff):
        kpg, _ = two_offices
        with pytest.raises(Forbidden):
            office_closure_create(
                actor=make_staff(Role.FRONT_DESK, kpg), office=kpg, date=TOMORROW, reason="x"
            )
        assert not OfficeClosure.objects.exists()

    def test_duplicate_closure_is_a_clear_error(self, two_offices, make_staff):
        kpg, _ = two_offices
        head = make_staff(Role.HEAD_OF_OFFICE, kpg)
        office_closure_create(actor=head, office=kpg, date=TOMORROW, reason="a")
        from loket.core.errors import ApplicationError

        with pytest.raises(ApplicationError) as info:
            office_closure_create(actor=head, office=kpg, date=TOMORROW, reason="b")
        assert info.value.code == "closure_exists"
        assert OfficeClosure.objects.count() == 1
        assert AuditEntry.objects.filter(action="office.closure_create").count() == 1

    def test_cannot_delete_another_offices_closure_by_id(self, two_offices, make_staff):
        kpg, clp = two_offices
        clp_closure = OfficeClosure.objects.create(office=clp, date=TOMORROW, reason="x")
        head = make_staff(Role.HEAD_OF_OFFICE, kpg)
        with pytest.raises(NotFound):
            office_closure_delete(actor=head, office=kpg, closure_id=clp_closure.pk)
        assert OfficeClosure.objects.filter(pk=clp_closure.pk).exists()


@pytest.mark.django_db
class TestViews:
    def test_staff_page_of_another_office_is_404(self, client, two_offices, make_staff):
        kpg, clp = two_offices
        client.force_login(make_staff(Role.FRONT_DESK, kpg))
        assert client.get(reverse("offices:staff_office", args=["KPG"])).status_code == 200
        response = client.get(reverse("offices:staff_office", args=["CLP"]))
        assert response.status_code == 404
        assert clp.name.encode() not in response.content

    def test_office_page_leads_to_every_office_tool(self, client, two_offices, make_staff):
        kpg, _ = two_offices
        client.force_login(make_staff(Role.HEAD_OF_OFFICE, kpg))
        tools = [
            reverse("queueing:front_desk", args=["KPG"]),
            reverse("applications:staff_office", args=["KPG"]),
            reverse("pickup:desk", args=["KPG"]),
            reverse("pickup:drive_thru", args=["KPG"]),
            reverse("outreach:office_visits", args=["KPG"]),
            reverse("reports:dashboard", args=["KPG"]),
            reverse("planning:plans", args=["KPG"]),
            reverse("planning:planner", args=["KPG"]),
        ]
        html = client.get(reverse("offices:staff_office", args=["KPG"])).content.decode()
        assert [url for url in tools if f'href="{url}"' not in html] == []
        # The staff home lists them per office too (the drive-thru is one step further in).
        html = client.get(reverse("offices:staff_home")).content.decode()
        assert [url for url in tools if f'href="{url}"' not in html] == [tools[3]]

    def test_applicant_is_sent_to_staff_login(self, client, two_offices):
        client.force_login(ApplicantFactory())
        response = client.get(reverse("offices:staff_home"))
        assert response.status_code == 302
        assert reverse("core:staff_login") in response["Location"]

    def test_staff_cannot_use_the_applicant_area(self, client, two_offices, make_staff):
        client.force_login(make_staff(Role.FRONT_DESK, two_offices[0]))
        response = client.get(reverse("applicants:home"))
        assert response.status_code == 302
        assert reverse("core:applicant_login") in response["Location"]

    def test_closure_form_posts_through_the_service(self, client, two_offices, make_staff):
        kpg, _ = two_offices
        client.force_login(make_staff(Role.HEAD_OF_OFFICE, kpg))
        url = reverse("offices:staff_closure_add", args=["KPG"])
        response = client.post(url, {"date": TOMORROW.isoformat(), "reason": "Pemadaman listrik"})
        assert response.status_code == 302
        assert OfficeClosure.objects.filter(office=kpg, date=TOMORROW).exists()
        bad = client.post(url, {"date": "", "reason": ""})
        assert bad.status_code == 400
        assert OfficeClosure.objects.count() == 1

    def test_front_desk_post_is_forbidden(self, client, two_offices, make_staff):
        kpg, _ = two_offices
        client.force_login(make_staff(Role.FRONT_DESK, kpg))
        response = client.post(
            reverse("offices:staff_closure_add", args=["KPG"]),
            {"date": TOMORROW.isoformat(), "reason": "x"},
        )
        assert response.status_code == 403
        assert not OfficeClosure.objects.exists()


@pytest.mark.django_db
class TestAuditLogView:
    def _lines(self, kpg, clp):
        with transaction.atomic():
            audit_record(actor=None, action="test.kpg", target=kpg, office_code="KPG")
            audit_record(actor=None, action="test.clp", target=clp, office_code="CLP")
            audit_record(actor=None, action="test.national", target=None, office_code="")

    def test_supervisor_sees_only_own_office_lines(self, client, two_offices, make_staff):
        kpg, clp = two_offices
        self._lines(kpg, clp)
        client.force_login(make_staff(Role.KASI, kpg))
        body = client.get(reverse("offices:staff_audit")).content.decode()
        assert "test.kpg" in body
        assert "test.clp" not in body
        assert "test.national" not in body

    def test_filter_by_action(self, client, two_offices, make_staff):
        kpg, clp = two_offices
        self._lines(kpg, clp)
        client.force_login(make_staff(Role.HEAD_OF_OFFICE, kpg))
        body = client.get(reverse("offices:staff_audit"), {"action": "nothing"}).content.decode()
        assert "test.kpg" not in body

    def test_national_admin_sees_all(self, client, two_offices, national_admin):
        self._lines(*two_offices)
        client.force_login(national_admin)
        body = client.get(reverse("offices:staff_audit")).content.decode()
        assert all(a in body for a in ("test.kpg", "test.clp", "test.national"))

    def test_counter_officer_cannot_read_the_log(self, client, two_offices, make_staff):
        client.force_login(make_staff(Role.FRONT_DESK, two_offices[0]))
        assert client.get(reverse("offices:staff_audit")).status_code == 403

    def test_bad_date_range_is_explained(self, client, two_offices, make_staff):
        client.force_login(make_staff(Role.KASI, two_offices[0]))
        response = client.get(
            reverse("offices:staff_audit"), {"since": "2026-11-20", "until": "2026-11-01"}
        )
        assert response.status_code == 200
        assert (
            "end date is before" in response.content.decode()
            or "sebelum" in response.content.decode()
        )


@pytest.mark.django_db
class TestAdminScope:
    def test_office_admin_sees_only_own_office(self, client, two_offices, make_staff):
        kpg, clp = two_offices
        client.force_login(make_staff(Role.OFFICE_ADMIN, kpg))
        response = client.get(reverse("admin:offices_office_changelist"))
        assert response.status_code == 200
        body = response.content.decode()
        assert kpg.name in body and clp.name not in body
        assert client.get(reverse("admin:offices_office_change", args=[clp.pk])).status_code in (
            302,
            403,
            404,
        )

    def test_admin_edit_is_audited(self, client, two_offices, make_staff):
        kpg, _ = two_offices
        client.force_login(make_staff(Role.OFFICE_ADMIN, kpg))
        response = client.post(
            reverse("admin:offices_counter_add"),
            {
                "office": kpg.pk,
                "number": "9",
                "name": "Loket baru",
                "is_active": "on",
                "wheelchair_accessible": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        entry = AuditEntry.objects.get(action="admin.add")
        assert entry.office_code == "KPG"
        assert entry.target_type == "offices.counter"
        assert entry.changes["name"] == [None, "Loket baru"]

    def test_counter_officer_has_no_admin(self, client, two_offices, make_staff):
        client.force_login(make_staff(Role.FRONT_DESK, two_offices[0]))
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302

    def test_applicant_account_view_in_admin_is_audited(self, client, national_admin):
        applicant = ApplicantFactory()
        client.force_login(national_admin)
        assert client.get(reverse("admin:core_user_change", args=[applicant.pk])).status_code == 200
        entry = AuditEntry.objects.get(action="personal_data.view")
        assert entry.actor == national_admin and entry.target_id == str(applicant.pk)
