"""Survey invitations (one-time signed tokens), submissions, and the IKM/IPK reports."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from loket.core.choices import Role
from loket.core.errors import ApplicationError, Forbidden
from loket.feedback import exports
from loket.feedback.models import IkmResponse, IpkQuestion, IpkResponse, SurveyInvitation
from loket.feedback.periods import period_containing, period_make
from loket.feedback.selectors import ikm_report, ipk_report, office_transparency
from loket.feedback.services import (
    Profile,
    served_count_set,
    survey_invitation_check,
    survey_invitation_create,
    survey_submit,
)

pytestmark = pytest.mark.django_db
PROFILE = Profile(sex="f", age_group="30_39", education="s1", occupation="private")
IPK_CODES = ["diskriminasi", "pungli", "calo", "gratifikasi", "kecurangan"]


def answer(office, scores, ipk=4, service="passport_new", comment=""):
    issued = survey_invitation_create(office=office, visit_ref="", service_type=service)
    survey_submit(
        token=issued.token,
        ikm_scores=dict(zip([f"u{i}" for i in range(1, 10)], scores, strict=True)),
        ipk_scores=dict.fromkeys(IPK_CODES, ipk),
        profile=PROFILE,
        comment=comment,
    )


class TestTokens:
    def test_one_time(self, office_wita):
        issued = survey_invitation_create(
            office=office_wita, visit_ref="A012-0818", service_type="pickup"
        )
        assert survey_invitation_check(token=issued.token).pk == issued.invitation.pk
        survey_submit(
            token=issued.token,
            ikm_scores={f"u{i}": 3 for i in range(1, 10)},
            ipk_scores=dict.fromkeys(IPK_CODES, 4),
            profile=PROFILE,
        )
        with pytest.raises(ApplicationError) as caught:
            survey_submit(
                token=issued.token,
                ikm_scores={f"u{i}": 3 for i in range(1, 10)},
                ipk_scores=dict.fromkeys(IPK_CODES, 4),
                profile=PROFILE,
            )
        assert caught.value.code == "survey_token_used"
        assert IkmResponse.objects.count() == 1 and IpkResponse.objects.count() == 1
        # The visit's survey is done: no new slip for it.
        with pytest.raises(ApplicationError) as caught:
            survey_invitation_create(
                office=office_wita, visit_ref="A012-0818", service_type="pickup"
            )
        assert caught.value.code == "survey_already_answered"

    def test_forged_and_unknown_tokens(self, office_wita):
        issued = survey_invitation_create(office=office_wita, visit_ref="", service_type="pickup")
        nonce, _sig = issued.token.split(":")
        for token in (f"{nonce}:forgedsignature", "random", "", f"x{nonce}:{_sig}"):
            with pytest.raises(ApplicationError) as caught:
                survey_invitation_check(token=token)
            assert caught.value.code == "survey_token_invalid"

    def test_reissue_replaces_the_unused_token(self, office_wita):
        first = survey_invitation_create(office=office_wita, visit_ref="V1", service_type="pickup")
        second = survey_invitation_create(office=office_wita, visit_ref="V1", service_type="pickup")
        assert SurveyInvitation.objects.count() == 1
        with pytest.raises(ApplicationError):
            survey_invitation_check(token=first.token)
        assert survey_invitation_check(token=second.token)

    def test_expired(self, office_wita, time_machine):
        time_machine.move_to("2026-08-01 09:00 +08:00", tick=False)
        issued = survey_invitation_create(office=office_wita, visit_ref="", service_type="pickup")
        time_machine.move_to("2026-09-15 09:00 +08:00", tick=False)
        with pytest.raises(ApplicationError) as caught:
            survey_invitation_check(token=issued.token)
        assert caught.value.code == "survey_token_expired"

    @pytest.mark.parametrize("bad", [0, 5, -1, "3", None, True])
    def test_scores_outside_1_to_4_are_field_errors(self, office_wita, bad):
        issued = survey_invitation_create(office=office_wita, visit_ref="", service_type="pickup")
        scores = {f"u{i}": 3 for i in range(1, 10)}
        scores["u4"] = bad
        with pytest.raises(ApplicationError) as caught:
            survey_submit(
                token=issued.token,
                ikm_scores=scores,
                ipk_scores=dict.fromkeys(IPK_CODES, 4),
                profile=PROFILE,
            )
        assert caught.value.code == "survey_invalid"
        assert set(caught.value.fields) == {"ikm.u4"}
        # The token is still unused: the visitor can correct and resend.
        assert survey_invitation_check(token=issued.token)

    def test_staff_outside_the_office_cannot_issue(self, office_wita, office_wib, make_staff):
        other = make_staff(Role.CUSTOMER_SERVICE, office_wib)
        with pytest.raises(ApplicationError):
            survey_invitation_create(
                office=office_wita, visit_ref="x", service_type="pickup", actor=other
            )

    def test_response_is_not_linked_to_the_visit(self):
        fields = {f.name for f in IkmResponse._meta.get_fields()}
        assert not fields & {"invitation", "visit_ref", "created_at"}


class TestReports:
    def test_ikm_report_matches_the_hand_computation(self, office_wita, time_machine, make_staff):
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)
        # The 0.111 dataset of test_ikm: exact 88.33 (A).
        for _ in range(4):
            answer(office_wita, [4, 4, 4, 4, 4, 3, 3, 3, 3], comment="Ruang tunggu panas")
        for _ in range(4):
            answer(office_wita, [3, 3, 4, 4, 4, 4, 4, 3, 3])
        for _ in range(2):
            answer(office_wita, [4, 4, 4, 3, 3, 3, 3, 3, 4], service="pickup")
        head = make_staff(Role.HEAD_OF_OFFICE, office_wita)
        period = period_containing("quarter", dt.date(2026, 8, 18))
        served_count_set(
            actor=head,
            office=office_wita,
            period_kind="quarter",
            period_start=period.start,
            service_type="",
            count=100,
        )
        report = ikm_report(office=office_wita, period=period)
        assert report.respondents == 10
        assert report.index == Decimal("88.33") and report.band.grade == "A"
        assert [r.nrr_display for r in report.rows][:2] == [Decimal("3.600"), Decimal("3.600")]
        assert report.rows[0].weighted_display == Decimal("0.400")
        assert (report.served, report.required_sample, report.sample_sufficient) == (100, 80, False)
        assert report.lowest[0].code == "U8"
        assert report.comments.count("Ruang tunggu panas") == 4
        assert all(sum(r.count for r in rows) == 10 for rows in report.profile.values())
        by_service = ikm_report(office=office_wita, period=period, service_type="pickup")
        assert by_service.respondents == 2
        # Another month of the year: none.
        assert ikm_report(office=office_wita, period=period_make("month", 2026, 1)).index is None
        pdf = exports.report_pdf(report)
        assert pdf.startswith(b"%PDF")
        wb = load_workbook(io.BytesIO(exports.report_xlsx(report)))
        values = [c.value for row in wb.active.iter_rows() for c in row]
        assert "88.33" in values and "U1" in values

    def test_ipk_index(self, office_wita, time_machine):
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)
        answer(office_wita, [3] * 9, ipk=4)
        answer(office_wita, [3] * 9, ipk=3)
        report = ipk_report(office=office_wita, period=period_make("month", 2026, 8))
        assert report.respondents == 2
        assert report.index == Decimal("87.50")  # mean 3.5 × 25
        assert {r.code for r in report.rows} == set(IPK_CODES)
        assert exports.report_pdf(report).startswith(b"%PDF")

    def test_office_question_replaces_default(self, office_wita):
        IpkQuestion.objects.create(
            office=office_wita,
            code="calo",
            aspect="calo",
            sequence=30,
            text_id="Tidak ada calo di area parkir.",
            text_en="No brokers in the car park.",
            low_label_id="1",
            low_label_en="1",
            high_label_id="4",
            high_label_en="4",
        )
        from loket.feedback.selectors import ipk_questions_for

        questions = ipk_questions_for(office_wita)
        assert len(questions) == 5
        assert next(q for q in questions if q.code == "calo").office == office_wita

    def test_transparency(self, office_wita, file_complaint, time_machine):
        time_machine.move_to("2026-08-18 09:00 +08:00", tick=False)
        answer(office_wita, [4] * 9)
        file_complaint(office_wita)
        t = office_transparency(office=office_wita, period=period_make("quarter", 2026, 3))
        assert t.ikm.index == Decimal("100.00") and t.received == 1 and t.answered == 0

    def test_served_count_needs_a_report_role(self, office_wita, cs):
        with pytest.raises(Forbidden):
            served_count_set(
                actor=cs,
                office=office_wita,
                period_kind="year",
                period_start=dt.date(2026, 1, 1),
                service_type="",
                count=5,
            )
