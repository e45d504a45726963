"""Outreach pages: each renders, bad input is shown next to its field and changes nothing,
partners never see each other's visits or members, officers only their office's, and
every page showing members' personal data leaves an audit line."""

import datetime as dt

import pytest
from django.urls import reverse

from loket.applications.tests.test_services import STEP1, STEP2
from loket.core.choices import Role
from loket.core.models import AuditEntry
from loket.offices.tests.factories import OfficeFactory
from loket.outreach.choices import EntryMode, VisitStatus
from loket.outreach.models import Member, Partner, Visit
from loket.outreach.services import member_add, visit_accept, visit_request, visit_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"  # the messages are checked in English


def _visit(o, partner=None, size=20):
    partner = partner or o["partner"]
    return visit_request(
        coordinator=partner.coordinator, office=o["office"], date=o["offer"].date, group_size=size
    )


def _member(o, visit, name="Ani"):
    member, _code = member_add(
        coordinator=visit.partner.coordinator,
        visit=visit,
        full_name=name,
        mode=EntryMode.COORDINATOR,
        consent=True,
        consent_note="signed form",
    )
    return member


# --- partner side ----------------------------------------------------------------------------


def test_partner_signup_page(client):
    url = reverse("outreach:partner_signup")
    assert client.get(url).status_code == 200
    data = {
        "name": "Pesantren Al-Ikhlas",
        "kind": "pesantren",
        "address": "Jl. Pondok 3",
        "contact_phone": "081234567890",
        "full_name": "Ahmad Fauzi",
        "email": "ahmad@example.test",
        "password": "a-Long-passw0rd!",
        "password_again": "a-Long-passw0rd!",
        "consent": "on",
    }
    bad = client.post(url, {**data, "kind": ""})
    assert bad.status_code == 400 and not Partner.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("applicants:verify")
    partner = Partner.objects.get()
    assert partner.coordinator.email == "ahmad@example.test"
    # Signed in but not verified yet: the partner pages send them to the code first.
    assert client.get(reverse("outreach:partner_home"))["Location"] == reverse("applicants:verify")


def test_an_applicant_without_partner_is_sent_to_the_signup(client, outreach):
    from loket.outreach.tests.conftest import verified_applicant

    client.force_login(verified_applicant())
    response = client.get(reverse("outreach:partner_home"))
    assert response["Location"] == reverse("outreach:partner_signup")


def test_partner_home_and_request_with_clear_errors(client, outreach):
    o = outreach
    client.force_login(o["partner"].coordinator)
    home = client.get(reverse("outreach:partner_home"))
    assert home.status_code == 200 and "SMA Harapan" in home.content.decode()
    url = reverse("outreach:visit_new")
    page = client.get(url).content.decode()
    assert o["offer"].date.strftime("%d-%m-%Y") in page
    too_small = client.post(
        url, {"office": o["office"].code, "date": o["offer"].date, "group_size": 5}
    )
    assert too_small.status_code == 400
    assert "serves groups of at least 20 people; your group has 5" in too_small.content.decode()
    not_offered = client.post(
        url,
        {
            "office": o["office"].code,
            "date": o["offer"].date + dt.timedelta(days=1),
            "group_size": 25,
        },
    )
    assert not_offered.status_code == 400
    assert "does not offer outreach on" in not_offered.content.decode()
    assert not Visit.objects.exists()
    response = client.post(
        url, {"office": o["office"].code, "date": o["offer"].date, "group_size": 25}
    )
    visit = Visit.objects.get()
    assert response["Location"] == reverse("outreach:visit", args=[visit.pk])
    assert client.get(response["Location"]).status_code == 200


def test_partners_never_see_each_others_visits_or_members(client, outreach):
    o = outreach
    visit = _visit(o)
    member = _member(o, visit, "Ani Rahayu")
    other = o["other_partner"]
    client.force_login(other.coordinator)
    assert client.get(reverse("outreach:visit", args=[visit.pk])).status_code == 404
    assert client.get(reverse("outreach:member_step", args=[member.pk, 1])).status_code == 404
    refused = client.post(
        reverse("outreach:member_step", args=[member.pk, 2]),
        {**STEP2, "full_name": "Changed"},
    )
    assert refused.status_code == 404
    assert client.post(reverse("outreach:visit_cancel", args=[visit.pk])).status_code == 404
    added = client.post(
        reverse("outreach:visit", args=[visit.pk]),
        {"full_name": "Intruder", "mode": "coordinator", "consent": "on"},
    )
    assert added.status_code == 404
    home = client.get(reverse("outreach:partner_home")).content.decode()
    assert "Ani Rahayu" not in home and reverse("outreach:visit", args=[visit.pk]) not in home
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REQUESTED
    assert list(Member.objects.values_list("full_name", flat=True)) == ["Ani Rahayu"]
    # The owner sees the member.
    client.force_login(o["partner"].coordinator)
    assert "Ani Rahayu" in client.get(reverse("outreach:visit", args=[visit.pk])).content.decode()


def test_coordinator_enters_a_consenting_members_data(client, outreach):
    o = outreach
    visit = _visit(o)
    client.force_login(o["partner"].coordinator)
    url = reverse("outreach:visit", args=[visit.pk])
    no_consent = client.post(url, {"full_name": "Budi", "mode": "coordinator"})
    assert no_consent.status_code == 400
    assert "only with their consent" in no_consent.content.decode()
    no_email = client.post(url, {"full_name": "Budi", "mode": "self"})
    assert no_email.status_code == 400 and not Member.objects.exists()
    response = client.post(
        url, {"full_name": "Budi", "mode": "coordinator", "consent": "on", "consent_note": "ok"}
    )
    member = Member.objects.get()
    step1 = reverse("outreach:member_step", args=[member.pk, 1])
    assert response["Location"] == step1
    assert client.get(step1).status_code == 200
    assert client.post(step1, STEP1)["Location"] == reverse(
        "outreach:member_step", args=[member.pk, 2]
    )
    step2 = reverse("outreach:member_step", args=[member.pk, 2])
    bad = client.post(step2, {**STEP2, "nik": "123"})
    assert bad.status_code == 400
    member.application.refresh_from_db()
    assert member.application.nik == ""
    assert client.post(step2, STEP2)["Location"] == url
    member.application.refresh_from_db()
    assert member.application.nik == STEP2["nik"]
    assert member.application.office == o["office"]
    # Reading the member's data back is audited.
    assert client.get(step2).status_code == 200
    assert AuditEntry.objects.filter(
        action="personal_data.view", actor=o["partner"].coordinator
    ).exists()


def test_member_joins_with_the_code(client, outreach):
    from loket.outreach.tests.conftest import verified_applicant

    o = outreach
    visit = _visit(o)
    _member_obj, code = member_add(
        coordinator=o["partner"].coordinator,
        visit=visit,
        full_name="Citra",
        mode=EntryMode.SELF,
        email="citra@example.test",
    )
    client.force_login(verified_applicant())
    url = reverse("outreach:join")
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"code": "NOPE1234"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    response = client.post(url, {"code": code.lower()})
    assert response.status_code == 302
    assert Member.objects.get().application is not None


def test_coordinator_is_not_told_where_a_members_own_application_stands(client, outreach):
    from loket.applications.choices import ApplicationStatus
    from loket.outreach.tests.conftest import verified_applicant

    o = outreach
    visit = _visit(o)
    _member_obj, code = member_add(
        coordinator=o["partner"].coordinator,
        visit=visit,
        full_name="Citra",
        mode=EntryMode.SELF,
        email="citra@example.test",
    )
    client.force_login(verified_applicant())
    client.post(reverse("outreach:join"), {"code": code})
    member = Member.objects.get()
    type(member.application).objects.filter(pk=member.application.pk).update(
        status=ApplicationStatus.REFUSED
    )
    client.force_login(o["partner"].coordinator)
    html = client.get(reverse("outreach:visit", args=[visit.pk])).content.decode()
    assert "already with the office" in html
    assert "Refused" not in html and "refused" not in html


# --- office side -----------------------------------------------------------------------------


def test_office_pages_are_scoped_and_audited(client, outreach, make_staff):
    o = outreach
    visit = _visit(o)
    _member(o, visit, "Ani Rahayu")
    elsewhere = make_staff(Role.KASUBSI, OfficeFactory())
    client.force_login(elsewhere)
    assert client.get(reverse("outreach:office_visits", args=[o["office"].code])).status_code == 404
    assert client.get(reverse("outreach:office_visit", args=[visit.pk])).status_code == 404
    assert client.post(
        reverse("outreach:office_visit", args=[visit.pk]), {"form": "accept"}
    ).status_code in (403, 404)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REQUESTED
    # An applicant (a coordinator) is no officer.
    client.force_login(o["partner"].coordinator)
    assert client.get(reverse("outreach:office_visit", args=[visit.pk])).status_code in (
        302,
        403,
        404,
    )

    client.force_login(o["supervisor"])
    listing = client.get(reverse("outreach:office_visits", args=[o["office"].code]))
    assert listing.status_code == 200 and "SMA Harapan" in listing.content.decode()
    before = AuditEntry.objects.filter(action="personal_data.view").count()
    detail = client.get(reverse("outreach:office_visit", args=[visit.pk]))
    assert detail.status_code == 200 and "Ani Rahayu" in detail.content.decode()
    assert AuditEntry.objects.filter(action="personal_data.view").count() == before + 1
    entry = AuditEntry.objects.filter(action="personal_data.view").latest("id")
    assert entry.actor == o["supervisor"] and entry.office_code == o["office"].code
    assert entry.changes == {"fields": ["coordinator_contact", "full_name", "nik"]}


def test_office_accepts_declines_and_schedules(client, outreach):
    o = outreach
    visit = _visit(o)
    client.force_login(o["desk"])
    url = reverse("outreach:office_visit", args=[visit.pk])
    # The front desk may look but not decide.
    assert client.get(url).status_code == 200
    client.post(url, {"form": "accept"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REQUESTED

    client.force_login(o["supervisor"])
    no_reason = client.post(url, {"form": "decline", "reason": ""})
    assert no_reason.status_code == 400
    assert client.post(url, {"form": "accept"})["Location"] == url
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ACCEPTED
    schedule = {
        "form": "schedule",
        "date": o["offer"].date.isoformat(),
        "starts_at": "09:00",
        "place": "Aula SMA Harapan",
        "officers": [o["desk"].pk],
        "kit": o["kit"].pk,
    }
    no_kit = client.post(url, {**schedule, "kit": ""})
    assert no_kit.status_code == 400 and "Choose the mobile kit." in no_kit.content.decode()
    assert client.post(url, schedule)["Location"] == url
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED and visit.kit == o["kit"]
    assert list(visit.officers.all()) == [o["desk"]]


def test_office_settings_offers_and_kits(client, outreach):
    o = outreach
    url = reverse("outreach:office_visits", args=[o["office"].code])
    client.force_login(o["supervisor"])
    bad = client.post(url, {"form": "settings", "min_group_size": 0})
    assert bad.status_code == 400
    assert client.post(url, {"form": "settings", "min_group_size": 30}).status_code == 302
    o["office"].outreach_settings.refresh_from_db()
    assert o["office"].outreach_settings.min_group_size == 30
    past = client.post(url, {"form": "offer", "date": "2020-01-01", "capacity": 40})
    assert past.status_code == 400 and "This date has passed." in past.content.decode()
    taken = client.post(url, {"form": "kit", "name": "Kit 1"})
    assert taken.status_code == 400 and "already has a kit" in taken.content.decode()


def test_group_tickets_from_the_visit_page(client, outreach):
    from loket.outreach.services import outreach_settings_update

    o = outreach
    outreach_settings_update(actor=o["supervisor"], office=o["office"], min_group_size=1)
    visit = visit_request(
        coordinator=o["partner"].coordinator,
        office=o["office"],
        date=o["offer_today"].date,
        group_size=1,
    )
    visit_accept(actor=o["supervisor"], visit=visit)
    visit_schedule(
        actor=o["supervisor"],
        visit=visit,
        date=o["offer_today"].date,
        starts_at=dt.time(9),
        place="Aula",
        officers=[o["desk"]],
        kit=o["kit"],
    )
    client.force_login(o["partner"].coordinator)
    member = _member(o, visit)
    client.post(reverse("outreach:member_step", args=[member.pk, 1]), STEP1)
    client.post(reverse("outreach:member_step", args=[member.pk, 2]), STEP2)
    client.force_login(o["desk"])
    url = reverse("outreach:office_visit", args=[visit.pk])
    assert "issue-tickets" in client.get(url).content.decode()
    assert client.post(url, {"form": "tickets"})["Location"] == url
    member.refresh_from_db()
    assert member.ticket is not None and member.ticket.display_number == "G001"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.HELD
    # Again: nobody is left; a clear message, not a crash.
    again = client.post(url, {"form": "tickets"}, follow=True)
    assert "no member ready" in again.content.decode()


def test_an_applicant_with_an_account_registers_only_the_organisation(client, outreach):
    from loket.outreach.tests.conftest import verified_applicant

    user = verified_applicant()
    client.force_login(user)
    url = reverse("outreach:partner_signup")
    page = client.get(url).content.decode()
    assert 'name="password"' not in page and user.email in page
    bad = client.post(url, {"name": "Paroki", "kind": "club", "address": "x", "contact_phone": "0"})
    assert bad.status_code == 400 and not Partner.objects.filter(coordinator=user).exists()
    response = client.post(
        url,
        {
            "name": "Paroki St. Yoseph",
            "kind": "parish",
            "address": "Jl. Gereja 2",
            "contact_phone": "081234567890",
        },
    )
    assert response["Location"] == reverse("outreach:partner_home")
    assert Partner.objects.get(coordinator=user).name == "Paroki St. Yoseph"
    assert client.get(url)["Location"] == reverse("outreach:partner_home")


def test_staff_cannot_coordinate_a_partner(outreach):
    from loket.core.errors import ApplicationError
    from loket.outreach.services import partner_register_for

    with pytest.raises(ApplicationError) as error:
        partner_register_for(
            user=outreach["desk"],
            name="X",
            kind="company",
            address="Y",
            contact_phone="081234567890",
        )
    assert error.value.code == "coordinator_not_applicant"
    with pytest.raises(ApplicationError) as error:
        partner_register_for(
            user=outreach["partner"].coordinator,
            name="X",
            kind="company",
            address="Y",
            contact_phone="081234567890",
        )
    assert error.value.code == "partner_exists"


def test_coordinator_removes_a_member_who_dropped_out(client, outreach):
    from loket.applications.choices import ApplicationStatus

    o = outreach
    visit = _visit(o)
    member = _member(o, visit, "Ani Rahayu")
    application = member.application
    url = reverse("outreach:member_remove", args=[member.pk])
    client.force_login(o["other_partner"].coordinator)
    assert client.post(url).status_code == 404
    assert Member.objects.filter(pk=member.pk).exists()
    client.force_login(o["partner"].coordinator)
    page = client.get(reverse("outreach:visit", args=[visit.pk])).content.decode()
    assert f'id="remove-{member.pk}"' in page
    assert client.post(url)["Location"] == reverse("outreach:visit", args=[visit.pk])
    assert not Member.objects.filter(pk=member.pk).exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CANCELLED
    assert AuditEntry.objects.filter(action="outreach.member_remove").count() == 1


def test_visit_pages_read_a_fixed_number_of_queries(client, outreach):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    o = outreach
    visit = _visit(o)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _member(o, visit, "A")
    client.force_login(o["supervisor"])
    staff_url = reverse("outreach:office_visit", args=[visit.pk])
    few_staff = count(staff_url)
    client.force_login(o["partner"].coordinator)
    partner_url = reverse("outreach:visit", args=[visit.pk])
    few_partner = count(partner_url)
    for n in range(6):
        _member(o, visit, f"M{n}")
    assert count(partner_url) == few_partner
    client.force_login(o["supervisor"])
    assert count(staff_url) == few_staff


def test_reading_the_office_page_writes_no_settings(client, make_staff):
    from loket.outreach.models import OutreachSettings

    office = OfficeFactory()
    client.force_login(make_staff(Role.FRONT_DESK, office))
    page = client.get(reverse("outreach:office_visits", args=[office.code]))
    assert page.status_code == 200
    assert not OutreachSettings.objects.filter(office=office).exists()
