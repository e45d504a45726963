"""Outreach services: every refusal, the places of an offered date, members and their
applications, and the group's tickets served through the stages."""

import datetime as dt

import pytest

from loket.applications.choices import ApplicationStatus, Channel
from loket.applications.tests.test_services import STEP1, STEP2
from loket.core.choices import Role
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.models import AuditEntry
from loket.core.tests.factories import ApplicantFactory
from loket.notifications.models import OutboxMessage
from loket.offices.tests.factories import OfficeFactory
from loket.outreach.choices import EntryMode, PartnerKind, VisitStatus
from loket.outreach.models import Member, MobileKit, OutreachOffer, Partner, VisitEvent
from loket.outreach.services import (
    kit_add,
    member_add,
    member_join,
    member_save_step,
    offer_set,
    outreach_settings_update,
    partner_register,
    visit_accept,
    visit_cancel,
    visit_decline,
    visit_issue_tickets,
    visit_request,
    visit_schedule,
)
from loket.outreach.tests.conftest import today, verified_applicant
from loket.queueing.choices import ServiceClass, TicketStatus
from loket.queueing.services import arrival_notice, call_next, ticket_finish, ticket_start

pytestmark = pytest.mark.django_db


def _request(o, size=20, date=None, partner=None):
    partner = partner or o["partner"]
    return visit_request(
        coordinator=partner.coordinator,
        office=o["office"],
        date=date or o["offer"].date,
        group_size=size,
    )


def _scheduled(o, date=None, size=20):
    visit = _request(o, size=size, date=date)
    visit_accept(actor=o["supervisor"], visit=visit)
    return visit_schedule(
        actor=o["supervisor"],
        visit=visit,
        date=date or o["offer"].date,
        starts_at=dt.time(9),
        place="Aula sekolah",
        officers=[o["desk"]],
        kit=o["kit"],
    )


def _codes(error):
    return error.value.code


# --- partners ---------------------------------------------------------------------------------


def test_partner_registers_a_coordinator_with_the_applicant_sign_up(db):
    partner = partner_register(
        email="Koordinator@Example.test",
        password="a-Long-passw0rd!",
        full_name="Maria Lado",
        name="Paroki St. Yoseph",
        kind=PartnerKind.PARISH,
        address="Jl. Gereja 2",
        contact_phone="081234567890",
    )
    user = partner.coordinator
    assert user.email == "koordinator@example.test" and user.is_applicant
    assert user.email_verified_at is None
    # The verification code went out like for every applicant.
    assert OutboxMessage.objects.filter(recipient=user.email).count() == 1
    assert AuditEntry.objects.filter(action="outreach.partner_register").exists()


def test_partner_sign_up_refusals(db):
    data = {
        "email": "x@example.test",
        "password": "a-Long-passw0rd!",
        "full_name": "X",
        "name": "Desa Oesao",
        "kind": "club",
        "address": "Oesao",
        "contact_phone": "0812",
    }
    with pytest.raises(ApplicationError) as error:
        partner_register(**data)
    assert _codes(error) == "partner_kind_invalid"
    partner_register(**{**data, "kind": PartnerKind.VILLAGE})
    with pytest.raises(ApplicationError) as error:
        partner_register(**{**data, "kind": PartnerKind.VILLAGE})
    assert _codes(error) == "email_taken"
    assert Partner.objects.count() == 1


# --- visit requests ---------------------------------------------------------------------------


def test_request_takes_places_and_notifies(outreach):
    visit = _request(outreach, size=25)
    assert visit.status == VisitStatus.REQUESTED
    assert OutreachOffer.objects.get(pk=outreach["offer"].pk).used == 25
    assert VisitEvent.objects.filter(visit=visit, kind="request").exists()
    mail = OutboxMessage.objects.get(recipient=outreach["partner"].coordinator.email)
    assert "received" in mail.subject


def test_group_below_the_minimum_is_refused(outreach):
    with pytest.raises(ApplicationError) as error:
        _request(outreach, size=19)
    assert _codes(error) == "group_too_small"
    assert "at least 20" in error.value.message
    assert OutreachOffer.objects.get(pk=outreach["offer"].pk).used == 0


def test_minimum_is_configurable_per_office(outreach):
    outreach_settings_update(
        actor=outreach["supervisor"], office=outreach["office"], min_group_size=5
    )
    assert _request(outreach, size=5).group_size == 5
    with pytest.raises(ApplicationError) as error:
        outreach_settings_update(
            actor=outreach["supervisor"], office=outreach["office"], min_group_size=0
        )
    assert _codes(error) == "min_group_size_invalid"
    with pytest.raises(Forbidden):
        outreach_settings_update(
            actor=outreach["desk"], office=outreach["office"], min_group_size=3
        )


def test_date_not_offered_is_refused_with_the_offered_dates(outreach):
    other = outreach["offer"].date + dt.timedelta(days=1)
    with pytest.raises(ApplicationError) as error:
        _request(outreach, date=other)
    assert _codes(error) == "date_not_offered"
    assert outreach["offer"].date.strftime("%d-%m-%Y") in error.value.message
    assert error.value.fields["date"]


def test_past_date_is_refused(outreach):
    past = today(outreach["office"]) - dt.timedelta(days=1)
    OutreachOffer.objects.create(office=outreach["office"], date=past, capacity=50)
    with pytest.raises(ApplicationError) as error:
        _request(outreach, date=past)
    assert _codes(error) == "date_past"


def test_a_full_date_is_refused_and_places_are_given_back(outreach):
    first = _request(outreach, size=30)
    with pytest.raises(ApplicationError) as error:
        _request(outreach, size=21, partner=outreach["other_partner"])
    assert _codes(error) == "date_full"
    assert "20 places left" in error.value.message
    visit_decline(actor=outreach["supervisor"], visit=first, reason="Kit is being repaired")
    assert OutreachOffer.objects.get(pk=outreach["offer"].pk).used == 0
    assert _request(outreach, size=21, partner=outreach["other_partner"]).group_size == 21


def test_only_verified_partner_coordinators_request(outreach):
    stranger = verified_applicant()
    with pytest.raises(NotFound):
        visit_request(
            coordinator=stranger,
            office=outreach["office"],
            date=outreach["offer"].date,
            group_size=20,
        )
    coordinator = outreach["partner"].coordinator
    coordinator.email_verified_at = None
    coordinator.save(update_fields=["email_verified_at"])
    with pytest.raises(ApplicationError) as error:
        _request(outreach)
    assert _codes(error) == "email_unverified"


def test_offer_refusals(outreach):
    office, supervisor = outreach["office"], outreach["supervisor"]
    with pytest.raises(ApplicationError) as error:
        offer_set(
            actor=supervisor, office=office, date=today(office) - dt.timedelta(days=1), capacity=5
        )
    assert _codes(error) == "date_past"
    _request(outreach, size=30)
    with pytest.raises(ApplicationError) as error:
        offer_set(actor=supervisor, office=office, date=outreach["offer"].date, capacity=29)
    assert _codes(error) == "capacity_below_used"
    with pytest.raises(Forbidden):
        offer_set(actor=outreach["desk"], office=office, date=outreach["offer"].date, capacity=60)


def test_kits(outreach):
    kit = kit_add(actor=outreach["supervisor"], office=outreach["office"], name="Kit 2", serial="X")
    assert kit.office == outreach["office"]
    with pytest.raises(ApplicationError) as error:
        kit_add(actor=outreach["supervisor"], office=outreach["office"], name="Kit 2")
    assert _codes(error) == "kit_name_taken"


# --- the office's answer ----------------------------------------------------------------------


def test_accept_decline_and_roles(outreach, make_staff):
    visit = _request(outreach)
    with pytest.raises(Forbidden):
        visit_accept(actor=outreach["desk"], visit=visit)
    elsewhere = make_staff(Role.KASUBSI, OfficeFactory())
    with pytest.raises(NotFound):
        visit_accept(actor=elsewhere, visit=visit)
    with pytest.raises(ApplicationError) as error:
        visit_decline(actor=outreach["supervisor"], visit=visit, reason="  ")
    assert _codes(error) == "reason_required"
    visit_accept(actor=outreach["supervisor"], visit=visit)
    assert visit.status == VisitStatus.ACCEPTED
    with pytest.raises(ApplicationError) as error:
        visit_accept(actor=outreach["supervisor"], visit=visit)
    assert _codes(error) == "transition_not_allowed"
    visit_decline(actor=outreach["supervisor"], visit=visit, reason="No officers free")
    assert visit.decline_reason == "No officers free"
    subjects = list(
        OutboxMessage.objects.filter(recipient=outreach["partner"].coordinator.email)
        .order_by("id")
        .values_list("subject", flat=True)
    )
    assert [s.split(":")[0] for s in subjects] == [
        "Outreach request received",
        "Outreach request accepted",
        "Outreach request declined",
    ]


def test_schedule_refusals(outreach, make_staff):
    o = outreach
    visit = _request(o)
    visit_accept(actor=o["supervisor"], visit=visit)
    other_office = OfficeFactory()
    foreign_kit = MobileKit.objects.create(office=other_office, name="Kit X")
    stranger = make_staff(Role.FRONT_DESK, other_office)
    with pytest.raises(ApplicationError) as error:
        visit_schedule(
            actor=o["supervisor"],
            visit=visit,
            date=today(o["office"]) - dt.timedelta(days=1),
            starts_at=dt.time(9),
            place="",
            officers=[stranger],
            kit=foreign_kit,
        )
    assert _codes(error) == "schedule_invalid"
    assert set(error.value.fields) == {"date", "place", "officers", "kit"}
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ACCEPTED and visit.scheduled_date is None
    visit_schedule(
        actor=o["supervisor"],
        visit=visit,
        date=o["offer"].date,
        starts_at=dt.time(9),
        place="Aula",
        officers=[o["desk"]],
        kit=o["kit"],
    )
    # The same kit cannot be out with another group that day.
    second = _request(o, partner=o["other_partner"])
    visit_accept(actor=o["supervisor"], visit=second)
    with pytest.raises(ApplicationError) as error:
        visit_schedule(
            actor=o["supervisor"],
            visit=second,
            date=o["offer"].date,
            starts_at=dt.time(13),
            place="Kantor PT",
            officers=[o["desk"]],
            kit=o["kit"],
        )
    assert "kit" in error.value.fields


def test_schedule_sets_plan_and_emails(outreach):
    visit = _scheduled(outreach)
    assert visit.status == VisitStatus.SCHEDULED
    assert visit.place == "Aula sekolah" and visit.kit == outreach["kit"]
    assert list(visit.officers.all()) == [outreach["desk"]]
    assert OutboxMessage.objects.filter(subject__startswith="Outreach visit scheduled").exists()


def test_partner_withdraws(outreach):
    visit = _request(outreach, size=22)
    with pytest.raises(ApplicationError):
        visit_cancel(coordinator=outreach["other_partner"].coordinator, visit=visit)
    visit_cancel(coordinator=outreach["partner"].coordinator, visit=visit)
    assert visit.status == VisitStatus.CANCELLED
    assert OutreachOffer.objects.get(pk=outreach["offer"].pk).used == 0


# --- members ----------------------------------------------------------------------------------


def test_member_refusals(outreach):
    visit = _request(outreach)
    coordinator = outreach["partner"].coordinator
    with pytest.raises(ApplicationError) as error:
        member_add(coordinator=coordinator, visit=visit, full_name="Ani", mode=EntryMode.SELF)
    assert _codes(error) == "email_required"
    with pytest.raises(ApplicationError) as error:
        member_add(
            coordinator=coordinator, visit=visit, full_name="Ani", mode=EntryMode.COORDINATOR
        )
    assert _codes(error) == "consent_required"
    with pytest.raises(ApplicationError) as error:
        member_add(
            coordinator=outreach["other_partner"].coordinator,
            visit=visit,
            full_name="Ani",
            mode=EntryMode.COORDINATOR,
            consent=True,
        )
    assert error.value.status == 404
    assert Member.objects.count() == 0


def test_group_is_full_at_its_requested_size(outreach):
    outreach_settings_update(
        actor=outreach["supervisor"], office=outreach["office"], min_group_size=2
    )
    visit = _request(outreach, size=2)
    coordinator = outreach["partner"].coordinator
    for name in ("A", "B"):
        member_add(
            coordinator=coordinator,
            visit=visit,
            full_name=name,
            mode=EntryMode.COORDINATOR,
            consent=True,
        )
    with pytest.raises(ApplicationError) as error:
        member_add(
            coordinator=coordinator,
            visit=visit,
            full_name="C",
            mode=EntryMode.COORDINATOR,
            consent=True,
        )
    assert _codes(error) == "group_full"


def test_closed_visit_takes_no_members(outreach):
    visit = _request(outreach)
    visit_decline(actor=outreach["supervisor"], visit=visit, reason="Full")
    with pytest.raises(ApplicationError) as error:
        member_add(
            coordinator=outreach["partner"].coordinator,
            visit=visit,
            full_name="Ani",
            mode=EntryMode.COORDINATOR,
            consent=True,
        )
    assert _codes(error) == "visit_closed"


def test_guessing_invitation_codes_is_throttled(outreach, settings):
    visit = _request(outreach)
    _member, code = member_add(
        coordinator=outreach["partner"].coordinator,
        visit=visit,
        full_name="Yohana",
        mode=EntryMode.SELF,
        email="yohana@example.test",
    )
    guesser = verified_applicant()
    for attempt in range(settings.LOGIN_MAX_FAILURES):
        with pytest.raises(ApplicationError) as error:
            member_join(user=guesser, code=f"{attempt:012X}")
        assert _codes(error) == "invite_unknown"
    # Even the right code is refused now, and nothing is attached to the guesser.
    with pytest.raises(ApplicationError) as error:
        member_join(user=guesser, code=code)
    assert _codes(error) == "invite_throttled" and error.value.status == 429
    assert Member.objects.get().account is None
    # Another account is not affected.
    assert member_join(user=verified_applicant(), code=code).application is not None


def test_member_joins_with_code_and_gets_an_outreach_application(outreach):
    visit = _request(outreach)
    member, code = member_add(
        coordinator=outreach["partner"].coordinator,
        visit=visit,
        full_name="Yohana",
        mode=EntryMode.SELF,
        email="Yohana@Example.test",
    )
    assert len(code) == 12 and member.invite_hash and code not in member.invite_hash
    invite = OutboxMessage.objects.get(recipient="yohana@example.test")
    assert code in invite.body
    person = verified_applicant()
    with pytest.raises(ApplicationError) as error:
        member_join(user=person, code="WRONG123")
    assert _codes(error) == "invite_unknown"
    joined = member_join(user=person, code=code.lower())
    application = joined.application
    assert application.channel == Channel.OUTREACH
    assert application.account == person and application.office == outreach["office"]
    assert member_join(user=person, code=code).application == application  # idempotent
    # Another account gets the same answer as for an unknown code (no oracle for guessers).
    with pytest.raises(ApplicationError) as error:
        member_join(user=verified_applicant(), code=code)
    assert _codes(error) == "invite_unknown"
    unverified = ApplicantFactory()
    with pytest.raises(ApplicationError) as error:
        member_join(user=unverified, code=code)
    assert _codes(error) == "email_unverified"


def test_coordinator_entry_is_validated_like_any_application(outreach):
    visit = _request(outreach)
    coordinator = outreach["partner"].coordinator
    member, code = member_add(
        coordinator=coordinator,
        visit=visit,
        full_name="Budi",
        mode=EntryMode.COORDINATOR,
        consent=True,
        consent_note="Signed form",
    )
    assert code == "" and member.consent_at is not None
    application = member.application
    assert application.channel == Channel.OUTREACH and application.account is None
    assert application.created_by == coordinator
    result = member_save_step(
        coordinator=coordinator, member=member, step=1, data={**STEP1, "office": "CLP"}
    )
    assert result.ok
    application.refresh_from_db()
    assert application.office == outreach["office"]  # the visit's office, whatever was posted
    bad = member_save_step(
        coordinator=coordinator, member=member, step=2, data={**STEP2, "nik": "123"}
    )
    assert "nik" in bad.errors
    application.refresh_from_db()
    assert application.step == 2 and application.nik == ""
    with pytest.raises(ApplicationError) as error:
        member_save_step(
            coordinator=outreach["other_partner"].coordinator, member=member, step=2, data=STEP2
        )
    assert error.value.status == 404
    assert member_save_step(coordinator=coordinator, member=member, step=2, data=STEP2).ok


# --- on the day -------------------------------------------------------------------------------


def _ready_member(o, visit, name, nik_seq):
    member, _code = member_add(
        coordinator=o["partner"].coordinator,
        visit=visit,
        full_name=name,
        mode=EntryMode.COORDINATOR,
        consent=True,
    )
    from loket.applications.tests.factories import nik_for

    coordinator = o["partner"].coordinator
    assert member_save_step(coordinator=coordinator, member=member, step=1, data=STEP1).ok
    data = {**STEP2, "full_name": name, "nik": nik_for(dt.date(1990, 5, 17), "F", nik_seq)}
    assert member_save_step(coordinator=coordinator, member=member, step=2, data=data).ok
    return member


def test_tickets_only_on_the_scheduled_day(outreach):
    visit = _request(outreach)
    with pytest.raises(ApplicationError) as error:
        visit_issue_tickets(actor=outreach["desk"], visit=visit)
    assert _codes(error) == "visit_not_scheduled"
    visit_accept(actor=outreach["supervisor"], visit=visit)
    visit_schedule(
        actor=outreach["supervisor"],
        visit=visit,
        date=outreach["offer"].date,
        starts_at=dt.time(9),
        place="Aula",
        officers=[outreach["desk"]],
        kit=outreach["kit"],
    )
    with pytest.raises(ApplicationError) as error:
        visit_issue_tickets(actor=outreach["desk"], visit=visit)
    assert _codes(error) == "visit_not_today"


def test_group_tickets_are_served_through_the_same_stages(outreach):
    o = outreach
    outreach_settings_update(actor=o["supervisor"], office=o["office"], min_group_size=3)
    visit = _scheduled(o, date=o["offer_today"].date, size=3)
    first = _ready_member(o, visit, "Ani", 21)
    second = _ready_member(o, visit, "Budi", 22)
    late, _code = member_add(
        coordinator=o["partner"].coordinator,
        visit=visit,
        full_name="Citra",
        mode=EntryMode.SELF,
        email="citra@example.test",
    )
    tickets, waiting = visit_issue_tickets(actor=o["desk"], visit=visit)
    assert [t.display_number for t in tickets] == ["G001", "G002"]
    assert {t.lane.service_class for t in tickets} == {ServiceClass.GROUP}
    assert waiting == [late]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.HELD
    for member in (first, second):
        member.refresh_from_db()
        assert member.ticket is not None
        assert member.application.status == ApplicationStatus.DOCUMENT_CHECK
    # Issuing again gives nobody a second ticket.
    with pytest.raises(ApplicationError) as error:
        visit_issue_tickets(actor=o["desk"], visit=visit)
    assert _codes(error) == "group_empty"
    # Served like everyone: document check, interview, biometrics, done.
    counter, officer = o["counters"][0], o["officers"][0]
    for _round in range(3):
        for _member in (first, second):
            stage = (
                call_next.__globals__["Ticket"]
                .objects.filter(lane__service_class=ServiceClass.GROUP, status=TicketStatus.WAITING)
                .order_by("stage_entered_at", "id")
                .first()
                .stage
            )
            ticket = call_next(officer=officer, counter=counter, stage=stage)
            ticket_start(officer=officer, counter=counter, ticket_id=ticket.pk)
            ticket_finish(officer=officer, counter=counter, ticket_id=ticket.pk)
    for member in (first, second):
        member.ticket.refresh_from_db()
        assert member.ticket.status == TicketStatus.DONE


def test_wrong_role_cannot_issue_tickets(outreach, make_staff):
    visit = _scheduled(outreach, date=outreach["offer_today"].date)
    biometrics = make_staff(Role.BIOMETRICS, outreach["office"])
    with pytest.raises(Forbidden):
        visit_issue_tickets(actor=biometrics, visit=visit)


def test_group_check_in_moves_applications_to_the_document_check(outreach):
    o = outreach
    outreach_settings_update(actor=o["supervisor"], office=o["office"], min_group_size=1)
    visit = _scheduled(o, date=o["offer_today"].date, size=1)
    member = _ready_member(o, visit, "Ani", 21)
    (ticket,), _waiting = visit_issue_tickets(actor=o["desk"], visit=visit)
    member.refresh_from_db()
    assert arrival_notice(ticket) == ""
    assert member.application.status == ApplicationStatus.DOCUMENT_CHECK


def test_a_held_visit_keeps_its_members(outreach):
    from loket.outreach.services import member_remove

    o = outreach
    outreach_settings_update(actor=o["supervisor"], office=o["office"], min_group_size=1)
    visit = _scheduled(o, date=o["offer_today"].date, size=2)
    served = _ready_member(o, visit, "Ani", 61)
    waiting, _code = member_add(
        coordinator=o["partner"].coordinator,
        visit=visit,
        full_name="Budi",
        mode=EntryMode.SELF,
        email="budi@example.test",
    )
    visit_issue_tickets(actor=o["desk"], visit=visit)
    for member in (served, waiting):
        with pytest.raises(ApplicationError) as error:
            member_remove(coordinator=o["partner"].coordinator, member=member)
        assert _codes(error) == "visit_closed"
    assert Member.objects.filter(visit=visit).count() == 2


def test_removing_a_self_entered_member_leaves_their_own_application(outreach):
    from loket.outreach.services import member_remove

    o = outreach
    visit = _request(o)
    joined, code = member_add(
        coordinator=o["partner"].coordinator,
        visit=visit,
        full_name="Budi",
        mode=EntryMode.SELF,
        email="budi@example.test",
    )
    application = member_join(user=verified_applicant(), code=code).application
    member_remove(coordinator=o["partner"].coordinator, member=joined)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not Member.objects.exists()


def test_scheduling_on_another_date_moves_the_places(outreach):
    o = outreach
    visit = _request(o, size=20)
    visit_accept(actor=o["supervisor"], visit=visit)
    plan = {
        "actor": o["supervisor"],
        "visit": visit,
        "starts_at": dt.time(9),
        "place": "Aula",
        "officers": [o["desk"]],
        "kit": o["kit"],
    }
    later = o["offer"].date + dt.timedelta(days=3)
    with pytest.raises(ApplicationError) as error:
        visit_schedule(**plan, date=later)
    assert _codes(error) == "schedule_invalid" and "offer it first" in error.value.fields["date"]
    small = offer_set(actor=o["supervisor"], office=o["office"], date=later, capacity=10)
    with pytest.raises(ApplicationError) as error:
        visit_schedule(**plan, date=later)
    assert "10 places left" in error.value.fields["date"]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ACCEPTED and visit.offer == o["offer"]
    offer_set(actor=o["supervisor"], office=o["office"], date=later, capacity=30)
    visit_schedule(**plan, date=later)
    assert visit.status == VisitStatus.SCHEDULED and visit.scheduled_date == later
    assert OutreachOffer.objects.get(pk=small.pk).used == 20
    assert OutreachOffer.objects.get(pk=o["offer"].pk).used == 0
    # Back to the requested date: the places follow again.
    visit_schedule(**plan, date=o["offer"].date)
    assert OutreachOffer.objects.get(pk=small.pk).used == 0
    assert OutreachOffer.objects.get(pk=o["offer"].pk).used == 20


def test_a_member_who_submits_their_own_application_arrives_at_the_document_check(
    outreach, settings, tmp_path
):
    from loket.applications.services import (
        application_document_upload,
        application_save_step,
        application_submit,
    )
    from loket.applications.tests.test_services import png

    settings.MEDIA_ROOT = tmp_path
    o = outreach
    outreach_settings_update(actor=o["supervisor"], office=o["office"], min_group_size=1)
    visit = _scheduled(o, date=o["offer_today"].date, size=1)
    _member_row, code = member_add(
        coordinator=o["partner"].coordinator,
        visit=visit,
        full_name="Siti Aminah",
        mode=EntryMode.SELF,
        email="siti@example.test",
    )
    user = verified_applicant()
    member = member_join(user=user, code=code)
    application = member.application
    assert application.office == o["office"] and application.channel == Channel.OUTREACH
    application_save_step(application=application, actor=user, step=1, data=STEP1, advance=True)
    application_save_step(application=application, actor=user, step=2, data=STEP2, advance=True)
    for kind in ("ktp", "kk", "marriage_book"):
        application_document_upload(
            application=application, actor=user, kind=kind, file=png(), name="x.png"
        )
    application_submit(application=application, actor=user)
    (ticket,), waiting = visit_issue_tickets(actor=o["desk"], visit=visit)
    assert waiting == [] and arrival_notice(ticket) == ""
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DOCUMENT_CHECK
    assert application.service_class == ServiceClass.REGULAR
