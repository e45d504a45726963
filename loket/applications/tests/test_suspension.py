"""A passport suspension (BAP outcome "suspend") blocks the person's new applications
until its end date: online submission, and every arrival at the office (walk-in, assisted
entry), on the calendar of the office that decided it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import formats, translation

from loket.applications import bap as baps
from loket.applications import workflow
from loket.applications.choices import ApplicationStatus as S
from loket.applications.choices import Channel
from loket.applications.models import Application
from loket.applications.selectors import nik_suspended_until
from loket.applications.services import (
    application_create,
    application_document_upload,
    application_save_step,
    application_submit,
)
from loket.applications.tests.factories import ApplicationFactory
from loket.applications.tests.test_services import STEP1, STEP2, png
from loket.core.choices import Role
from loket.core.errors import ApplicationError
from loket.core.models import AuditEntry
from loket.core.tests.factories import ApplicantFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
DECIDED = dt.datetime(2025, 2, 4, 8, 30, tzinfo=WIB)
END = dt.date(2025, 8, 4)  # six months after the decision
NIK = STEP2["nik"]
#: The last moment of the suspension, the first moment after it (office time), and later.
BEFORE = dt.datetime(2025, 8, 3, 23, 59, tzinfo=WIB)
ON = dt.datetime(2025, 8, 4, 0, 0, tzinfo=WIB)
AFTER = dt.datetime(2025, 9, 1, 9, 0, tzinfo=WIB)
SUPERVISORS = (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE)


@pytest.fixture
def staff(office_wib, make_staff):
    roles = (Role.FRONT_DESK, Role.BAP_EXAMINER, *SUPERVISORS)
    return {role: make_staff(role, office_wib) for role in roles}


@pytest.fixture
def suspended(office_wib, staff, time_machine):
    """An application of NIK suspended for six months through the BAP approval chain."""
    time_machine.move_to(DECIDED, tick=False)
    application = ApplicationFactory(
        office=office_wib, status=S.BAP, case_type="lost", nik=NIK, sex="F", paid_at=DECIDED
    )
    bap = baps.Bap.objects.create(application=application, trigger="lost")
    bap = baps.bap_examine(
        bap=bap,
        actor=staff[Role.BAP_EXAMINER],
        statement="Lost twice in a year",
        findings="Negligent loss",
        proposal="suspend",
        reason="Negligent loss",
        suspend_months=6,
    )
    for role in SUPERVISORS:
        bap = baps.bap_approve(bap=bap, actor=staff[role], approve=True)
    application.refresh_from_db()
    assert application.status == S.SUSPENDED
    assert application.outcome["suspended_until"] == END.isoformat()
    return application


def _message() -> str:
    """The refusal as the applicant or officer reads it (Bahasa Indonesia by default)."""
    with translation.override("id"):
        return translation.gettext(
            "A passport suspension is in force for this NIK until %(date)s: a new application "
            "can be accepted from that date."
        ) % {"date": formats.date_format(END, "DATE_FORMAT")}


def _complete_draft(settings, tmp_path) -> Application:
    settings.MEDIA_ROOT = tmp_path
    draft = application_create(account=ApplicantFactory())
    for step, data in ((1, STEP1), (2, STEP2)):
        result = application_save_step(application=draft, actor=draft.account, step=step, data=data)
        assert result.ok, result.errors
    for kind in ("ktp", "kk", "marriage_book"):
        application_document_upload(
            application=draft, actor=draft.account, kind=kind, file=png(), name="x.png"
        )
    return draft


def test_the_end_date_is_held_on_the_deciding_offices_calendar(suspended):
    assert nik_suspended_until(nik=NIK, now=BEFORE) == END
    # 17:30 UTC on 3 August is already 4 August in Cilacap: the suspension has ended.
    assert nik_suspended_until(nik=NIK, now=dt.datetime(2025, 8, 3, 17, 30, tzinfo=dt.UTC)) is None
    assert nik_suspended_until(nik=NIK, now=ON) is None
    assert nik_suspended_until(nik="3273015705900099", now=BEFORE) is None
    assert nik_suspended_until(nik="", now=BEFORE) is None


@pytest.mark.parametrize(("moment", "refused"), [(BEFORE, True), (ON, False), (AFTER, False)])
def test_online_submission_is_refused_while_the_suspension_is_in_force(
    suspended, settings, tmp_path, time_machine, moment, refused
):
    draft = _complete_draft(settings, tmp_path)
    time_machine.move_to(moment, tick=False)
    if not refused:
        submitted = application_submit(application=draft, actor=draft.account)
        assert submitted.status == S.SUBMITTED
        return
    with translation.override("id"), pytest.raises(ApplicationError) as err:
        application_submit(application=draft, actor=draft.account)
    assert err.value.code == "nik_suspended"
    assert err.value.message == _message()
    assert err.value.fields == {"nik": _message()}
    assert err.value.extra == {"suspended_until": "2025-08-04"}
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == (S.DRAFT, None)
    assert not AuditEntry.objects.filter(action="application.submit").exists()


@pytest.mark.parametrize(
    ("status", "channel"),
    [(S.SUBMITTED, Channel.ONLINE), (S.PAID, Channel.ONLINE), (S.DRAFT, Channel.ASSISTED)],
)
@pytest.mark.parametrize(("moment", "refused"), [(BEFORE, True), (ON, False), (AFTER, False)])
def test_arrival_at_the_office_is_refused_while_the_suspension_is_in_force(
    suspended, office_wib, staff, time_machine, status, channel, moment, refused
):
    """Walk-ins, booked visitors and assisted entries all arrive through check-in."""
    time_machine.move_to(moment, tick=False)
    paid = moment if status == S.PAID else None
    application = ApplicationFactory(
        office=office_wib, status=status, channel=channel, nik=NIK, sex="F", paid_at=paid
    )
    if not refused:
        moved = workflow.application_arrive(application=application, actor=staff[Role.FRONT_DESK])
        assert moved.status == S.DOCUMENT_CHECK
        return
    with translation.override("id"), pytest.raises(ApplicationError) as err:
        workflow.application_arrive(application=application, actor=staff[Role.FRONT_DESK])
    assert (err.value.code, err.value.status) == ("nik_suspended", 409)
    assert err.value.message == _message()
    application.refresh_from_db()
    assert application.status == status
    assert not application.events.exists()


def test_the_officer_screen_names_the_end_date(suspended, office_wib, staff, client, time_machine):
    time_machine.move_to(BEFORE, tick=False)
    walk_in = ApplicationFactory(office=office_wib, nik=NIK, sex="F")
    client.force_login(staff[Role.FRONT_DESK])
    url = reverse("applications:staff_work", args=[walk_in.public_id])
    page = client.post(url, {"action": "arrive", "service_class": "regular"}, follow=True)
    assert _message() in [str(m) for m in page.context["messages"]]
    walk_in.refresh_from_db()
    assert walk_in.status == S.SUBMITTED


def test_other_outcomes_and_other_people_are_not_blocked(office_wib, staff, time_machine):
    time_machine.move_to(BEFORE, tick=False)
    # A refusal or a cancellation is no suspension; nor is one without a recorded end date.
    ApplicationFactory(office=office_wib, status=S.REFUSED, nik=NIK, sex="F")
    ApplicationFactory(office=office_wib, status=S.CANCELLED, nik=NIK, sex="F")
    ApplicationFactory(office=office_wib, status=S.SUSPENDED, nik=NIK, sex="F", outcome={})
    application = ApplicationFactory(office=office_wib, nik=NIK, sex="F")
    moved = workflow.application_arrive(application=application, actor=staff[Role.FRONT_DESK])
    assert moved.status == S.DOCUMENT_CHECK


def test_the_api_refuses_submission_with_the_end_date(
    suspended, settings, tmp_path, time_machine, client
):
    from loket.core.api_auth import api_token_issue

    draft = _complete_draft(settings, tmp_path)
    draft.account.email_verified_at = DECIDED
    draft.account.save(update_fields=["email_verified_at"])
    time_machine.move_to(BEFORE, tick=False)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=draft.account)}"}
    refused = client.post(f"/api/v1/applications/{draft.public_id}/submit", **headers)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert (error["code"], error["suspended_until"]) == ("nik_suspended", "2025-08-04")
    time_machine.move_to(ON, tick=False)
    accepted = client.post(f"/api/v1/applications/{draft.public_id}/submit", **headers)
    assert accepted.status_code == 200 and accepted.json()["status"] == "submitted"
