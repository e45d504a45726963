"""Complaint services: filing, the transition map, SLA clocks on office calendars,
scope (integrity reports, named officers), escalation, emails, attachments, export."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from loket.core.choices import Role
from loket.core.errors import ApplicationError, NotFound
from loket.core.models import AuditEntry
from loket.feedback.choices import TRANSITIONS, ComplaintStatus
from loket.feedback.exports import complaints_csv
from loket.feedback.models import Complaint, ComplaintEvent, SlaPolicy
from loket.feedback.selectors import (
    complaint_for_complainant,
    complaint_get_for_staff,
    complaint_sla_state,
    complaint_staff_list,
    complaints_export_rows,
    complaints_visible_to,
)
from loket.feedback.services import (
    AttachmentIn,
    complaint_assign,
    complaint_close,
    complaint_rate,
    complaint_reject,
    complaint_reopen,
    complaint_reply,
    complaint_transition,
    complaint_verify,
    complaints_escalate_overdue,
)
from loket.feedback.tests.conftest import png_bytes
from loket.notifications.models import OutboxMessage
from loket.notifications.services import outbox_send_due

pytestmark = pytest.mark.django_db


class TestFiling:
    def test_tracking_number_token_event_and_audit(self, office_wita, file_complaint):
        filed = file_complaint(office_wita, email="warga@example.test")
        c = filed.complaint
        year = dt.datetime.now().year
        assert c.tracking_number == f"PGD-KPG-{year}-000001"
        assert file_complaint(office_wita).complaint.tracking_number.endswith("-000002")
        assert c.status == ComplaintStatus.SUBMITTED
        assert filed.access_token not in c.access_token_hash  # only a hash is stored
        assert c.events.get().kind == "filed"
        assert AuditEntry.objects.filter(action="complaint.file", target_id=str(c.pk)).exists()
        assert OutboxMessage.objects.filter(recipient="warga@example.test").count() == 1

    def test_anonymous_name_is_not_kept(self, office_wita, file_complaint):
        c = file_complaint(office_wita, name="Budi", anonymous=True).complaint
        assert c.complainant_name == ""
        c2 = file_complaint(office_wita, name="Budi", anonymous=False).complaint
        assert c2.complainant_name == "Budi"

    def test_guessed_or_wrong_token_is_404(self, office_wita, file_complaint):
        filed = file_complaint(office_wita)
        number = filed.complaint.tracking_number
        assert complaint_for_complainant(tracking_number=number, token=filed.access_token)
        # The last character changed (a token ending in "x" made this test pass by luck
        # of the draw 1 time in 64 before).
        last = "y" if filed.access_token.endswith("x") else "x"
        for token in ("", "guess", filed.access_token[:-1] + last):
            with pytest.raises(NotFound):
                complaint_for_complainant(tracking_number=number, token=token)
        with pytest.raises(NotFound):
            complaint_for_complainant(tracking_number="PGD-KPG-2026-999999", token="x")

    def test_attachment_is_checked_and_stored(self, office_wita, file_complaint):
        c = file_complaint(
            office_wita, attachments=[AttachmentIn(io.BytesIO(png_bytes()), "bukti.png")]
        ).complaint
        assert c.attachments.get().content_type == "image/png"

    @pytest.mark.parametrize(
        ("content", "code"),
        [
            (b"MZ\x90\x00 not really a picture", "upload_type"),
            (b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "upload_too_large"),
        ],
    )
    def test_fake_or_oversized_attachment_refuses_the_filing(
        self, office_wita, file_complaint, content, code
    ):
        with pytest.raises(ApplicationError) as caught:
            file_complaint(office_wita, attachments=[AttachmentIn(io.BytesIO(content), "a.png")])
        assert caught.value.code == code
        assert "attachments" in caught.value.fields
        assert not Complaint.objects.exists()

    def test_throttle_per_address(self, office_wita, file_complaint, settings):
        settings.LOKET_COMPLAINT_MAX_PER_IP = 2
        file_complaint(office_wita, ip="203.0.113.9")
        file_complaint(office_wita, ip="203.0.113.9")
        with pytest.raises(ApplicationError) as caught:
            file_complaint(office_wita, ip="203.0.113.9")
        assert caught.value.code == "complaint_rate_limited" and caught.value.status == 429
        file_complaint(office_wita, ip="203.0.113.10")  # another address is fine

    def test_bad_email_is_a_field_error(self, office_wita, file_complaint):
        with pytest.raises(ApplicationError) as caught:
            file_complaint(office_wita, email="not-an-email")
        assert caught.value.code == "invalid_email"
        assert set(caught.value.fields) == {"email"}


class TestSlaClock:
    def test_verification_due_skips_weekend_and_independence_day_wib(
        self, office_wib, file_complaint, time_machine
    ):
        time_machine.move_to("2026-08-14 10:00 +07:00", tick=False)  # Friday
        c = file_complaint(office_wib).complaint
        # Sat, Sun, Mon 17 Aug (Independence Day) are off: Tue 18, Wed 19, Thu 20.
        assert c.verify_due == dt.date(2026, 8, 20)

    def test_same_instant_different_local_dates(
        self, office_wib, office_wit, file_complaint, time_machine
    ):
        # Thursday 23:30 in Cilacap (WIB) is already Friday 01:30 in Tual (WIT).
        time_machine.move_to("2026-08-13 23:30 +07:00", tick=False)
        assert file_complaint(office_wib).complaint.verify_due == dt.date(2026, 8, 19)
        assert file_complaint(office_wit).complaint.verify_due == dt.date(2026, 8, 20)

    def test_handling_due_per_class_and_office_policy(
        self, office_wita, file_complaint, cs, time_machine
    ):
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)  # Tuesday
        c = file_complaint(office_wita).complaint
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="fast")
        c.refresh_from_db()
        assert c.status == ComplaintStatus.VERIFIED
        assert c.due_date == dt.date(2026, 8, 20)
        SlaPolicy.objects.create(office=office_wita, fast_days=4)
        c2 = file_complaint(office_wita).complaint
        complaint_verify(actor=cs, complaint=c2, category="slow", sla_class="fast")
        c2.refresh_from_db()
        assert c2.due_date == dt.date(2026, 8, 24)  # Wed, Thu, Fri, Mon

    def test_year_end_joint_leave(self, office_wita, file_complaint, cs, time_machine):
        time_machine.move_to("2026-12-23 09:00 +08:00", tick=False)
        c = file_complaint(office_wita).complaint
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="fast")
        c.refresh_from_db()
        # 24 Dec joint leave, 25 Christmas, weekend: Mon 28 and Tue 29.
        assert c.due_date == dt.date(2026, 12, 29)

    def test_at_risk_then_overdue(self, office_wita, file_complaint, cs, time_machine):
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)
        c = file_complaint(office_wita).complaint
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="fast")
        c.refresh_from_db()
        state = complaint_sla_state(c)
        assert (state.working_days_left, state.at_risk, state.overdue) == (2, False, False)
        assert not complaint_staff_list(user=cs, office=office_wita, flag="at_risk").exists()
        time_machine.move_to("2026-08-19 09:00 +08:00", tick=False)
        assert complaint_sla_state(c).at_risk
        assert list(complaint_staff_list(user=cs, office=office_wita, flag="at_risk")) == [c]
        time_machine.move_to("2026-08-21 08:00 +08:00", tick=False)
        assert complaint_sla_state(c).overdue
        assert list(complaint_staff_list(user=cs, office=office_wita, flag="overdue")) == [c]
        assert not complaint_staff_list(user=cs, office=office_wita, flag="at_risk").exists()

    def test_answer_on_time_is_recorded(self, office_wita, file_complaint, cs, time_machine):
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)
        c = file_complaint(office_wita).complaint
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="fast")
        time_machine.move_to("2026-08-20 16:00 +08:00", tick=False)
        complaint_reply(
            actor=cs, complaint=c, message="Sudah kami perbaiki.", public=True, final=True
        )
        c.refresh_from_db()
        assert c.status == ComplaintStatus.ANSWERED and c.answered_on_time is True


class TestTransitions:
    def test_map_is_enforced_with_event_and_audit(self, office_wita, file_complaint, cs):
        c = file_complaint(office_wita).complaint
        with pytest.raises(ApplicationError) as caught, transaction.atomic():
            complaint_transition(complaint=c, to=ComplaintStatus.CLOSED, actor=cs)
        assert caught.value.code == "invalid_transition"
        with transaction.atomic():
            event = complaint_transition(
                complaint=c, to=ComplaintStatus.VERIFIED, actor=cs, reason="x"
            )
        assert (event.from_status, event.to_status, event.actor, event.reason) == (
            "submitted",
            "verified",
            cs,
            "x",
        )
        assert AuditEntry.objects.filter(action="complaint.verified").count() == 1

    def test_every_state_has_an_entry(self):
        assert set(TRANSITIONS) == set(ComplaintStatus.values)

    def test_close_needs_a_public_reply(self, office_wita, file_complaint, cs):
        c = file_complaint(office_wita).complaint
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="medium")
        complaint_reply(actor=cs, complaint=c, message="internal", public=False)
        with pytest.raises(ApplicationError) as caught:
            complaint_close(actor=cs, complaint=c)
        assert caught.value.code == "reply_required"
        with pytest.raises(ApplicationError):
            complaint_reply(actor=cs, complaint=c, message="x", public=False, final=True)
        complaint_reply(actor=cs, complaint=c, message="Jawaban", public=True, final=True)
        complaint_close(actor=cs, complaint=c)
        c.refresh_from_db()
        assert c.status == ComplaintStatus.CLOSED

    def test_reject_needs_a_reason(self, office_wita, file_complaint, cs):
        c = file_complaint(office_wita).complaint
        with pytest.raises(ApplicationError):
            complaint_reject(actor=cs, complaint=c, reason=" ")
        complaint_reject(actor=cs, complaint=c, reason="Bukan kewenangan kantor imigrasi.")
        c.refresh_from_db()
        assert c.status == ComplaintStatus.REJECTED

    def test_rate_and_reopen_within_the_period(self, office_wita, file_complaint, cs, time_machine):
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)
        c = file_complaint(office_wita).complaint
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="fast")
        complaint_assign(actor=cs, complaint=c, assignee=cs)
        complaint_reply(actor=cs, complaint=c, message="Selesai", public=True, final=True)
        c.refresh_from_db()
        with pytest.raises(ApplicationError):
            complaint_rate(complaint=c, score=5)
        complaint_rate(complaint=c, score=2, comment="kurang")
        with pytest.raises(ApplicationError) as caught:
            complaint_rate(complaint=c, score=3)
        assert caught.value.code == "already_rated"
        complaint_reopen(complaint=c, reason="Belum selesai")
        c.refresh_from_db()
        assert c.status == ComplaintStatus.REOPENED and c.reopen_count == 1
        assert c.due_date == dt.date(2026, 8, 20)
        complaint_reply(actor=cs, complaint=c, message="Sekarang selesai", public=True, final=True)
        c.refresh_from_db()
        time_machine.move_to("2026-09-30 09:00 +08:00", tick=False)  # past the 10 working days
        with pytest.raises(ApplicationError) as caught:
            complaint_reopen(complaint=c, reason="lagi")
        assert caught.value.code == "not_reopenable"


class TestScope:
    def test_officer_of_another_office_gets_404(
        self, office_wita, office_wib, file_complaint, make_staff
    ):
        c = file_complaint(office_wita).complaint
        other = make_staff(Role.CUSTOMER_SERVICE, office_wib)
        with pytest.raises(NotFound):
            complaint_get_for_staff(user=other, tracking_number=c.tracking_number)
        with pytest.raises(NotFound):
            complaint_verify(actor=other, complaint=c, category="slow", sla_class="fast")

    def test_customer_service_sees_normal_ones_not_integrity_reports(
        self, office_wita, file_complaint, cs, head, integrity
    ):
        normal = file_complaint(office_wita).complaint
        pungli = file_complaint(office_wita, category="pungli").complaint
        calo = file_complaint(office_wita, category="calo").complaint
        assert set(complaints_visible_to(cs)) == {normal}
        assert set(complaints_visible_to(head)) == {normal, pungli, calo}
        assert set(complaints_visible_to(integrity)) == {normal, pungli, calo}
        with pytest.raises(NotFound):
            complaint_reply(actor=cs, complaint=pungli, message="x", public=True)

    def test_named_officer_never_sees_the_report(
        self, office_wita, file_complaint, head, integrity, make_staff, national_admin
    ):
        c = file_complaint(office_wita, category="pungli").complaint
        complaint_verify(
            actor=head,
            complaint=c,
            category="pungli",
            sla_class="complex",
            reported_officer=integrity,
        )
        assert c not in complaints_visible_to(integrity)
        assert c in complaints_visible_to(head)
        assert c in complaints_visible_to(national_admin)
        with pytest.raises(NotFound):
            complaint_get_for_staff(user=integrity, tracking_number=c.tracking_number)
        with pytest.raises(ApplicationError) as caught:
            complaint_assign(actor=head, complaint=c, assignee=integrity)
        assert caught.value.code == "assignee_not_allowed"

    def test_reclassifying_as_pungli_hides_it_from_customer_service(
        self, office_wita, file_complaint, cs
    ):
        c = file_complaint(office_wita, category="behaviour").complaint
        complaint_verify(actor=cs, complaint=c, category="pungli", sla_class="complex")
        assert c not in complaints_visible_to(cs)


class TestEscalation:
    def test_overdue_is_escalated_once_and_emails_are_delivered(
        self, office_wita, file_complaint, cs, make_staff, time_machine, smtp_server
    ):
        kasi = make_staff(Role.KASI, office_wita)
        head = make_staff(Role.HEAD_OF_OFFICE, office_wita)
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)
        c = file_complaint(office_wita, email="warga@example.test").complaint
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="fast")
        assert complaints_escalate_overdue() == 0  # not due yet
        time_machine.move_to("2026-08-21 09:00 +08:00", tick=False)
        call_command("escalate_complaints", stdout=io.StringIO())
        call_command("escalate_complaints", stdout=io.StringIO())  # safe to run twice
        assert ComplaintEvent.objects.filter(complaint=c, kind="escalated").count() == 1
        recipients = set(
            OutboxMessage.objects.filter(
                dedupe_key__startswith="complaint-escalation:"
            ).values_list("recipient", flat=True)
        )
        assert recipients == {kasi.email, head.email}
        outbox_send_due()
        delivered = {to[0] for _from, to, _content in smtp_server.messages}
        assert {kasi.email, head.email, "warga@example.test"} <= delivered
        # Complainant got: filing ack + verification status change.
        mine = [m for m in smtp_server.messages if m[1] == ["warga@example.test"]]
        assert len(mine) == 2
        assert c.tracking_number.encode() in mine[0][2]

    def test_integrity_report_escalates_to_head_and_integrity_not_the_named(
        self, office_wita, file_complaint, head, integrity, make_staff, time_machine
    ):
        make_staff(Role.KASI, office_wita)
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)
        c = file_complaint(office_wita, category="calo").complaint
        complaint_verify(
            actor=head, complaint=c, category="calo", sla_class="fast", reported_officer=integrity
        )
        time_machine.move_to("2026-08-24 09:00 +08:00", tick=False)
        assert complaints_escalate_overdue() == 1
        recipients = set(
            OutboxMessage.objects.filter(
                dedupe_key__startswith="complaint-escalation:"
            ).values_list("recipient", flat=True)
        )
        assert recipients == {head.email}


class TestReplyEmails:
    def test_public_reply_reaches_the_complainant_internal_note_does_not(
        self, office_wita, file_complaint, cs, smtp_server
    ):
        c = file_complaint(office_wita, email="warga@example.test").complaint
        complaint_verify(actor=cs, complaint=c, category="slow", sla_class="fast")
        complaint_reply(actor=cs, complaint=c, message="RAHASIA-INTERNAL", public=False)
        complaint_reply(actor=cs, complaint=c, message="Balasan-publik-123", public=True)
        outbox_send_due()
        bodies = b"".join(content for _f, _t, content in smtp_server.messages)
        assert b"Balasan-publik-123" in bodies
        assert b"RAHASIA-INTERNAL" not in bodies


class TestExport:
    def test_identity_only_with_consent(self, office_wita, file_complaint, head):
        file_complaint(
            office_wita,
            name="Ani",
            email="ani@example.test",
            anonymous=False,
            consent_forward_identity=True,
        )
        file_complaint(office_wita, name="Budi", email="budi@example.test", anonymous=False)
        file_complaint(
            office_wita, email="anon@example.test", anonymous=True, consent_forward_identity=True
        )
        rows = complaints_export_rows(complaints_visible_to(head))
        names = sorted(r["complainant_name"] for r in rows)
        assert names == ["", "", "Ani"]
        assert sorted(r["complainant_email"] for r in rows) == ["", "", "ani@example.test"]
        assert all(r["verify_due"] and r["category"] and r["office_code"] == "KPG" for r in rows)
        text = complaints_csv(rows).decode("utf-8-sig")
        assert text.splitlines()[0].startswith("tracking_number,office_code")
        json.dumps(rows)

    def test_csv_neutralises_formulas(self):
        text = complaints_csv([{"tracking_number": "=cmd()", "summary": "+1"}]).decode("utf-8-sig")
        assert "'=cmd()" in text and "'+1" in text
