"""REST endpoints of complaints and surveys; each calls one service or selector."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from loket.core.middleware import client_ip
from loket.feedback import ikm
from loket.feedback.choices import ComplaintChannel, ComplaintStatus, PeriodKind
from loket.feedback.models import Complaint
from loket.feedback.periods import period_containing
from loket.feedback.schemas import (
    ComplaintFiledOut,
    ComplaintIn,
    ComplaintOut,
    RatingIn,
    ReopenIn,
    SurveyIn,
    SurveyOut,
    TransparencyOut,
)
from loket.feedback.selectors import (
    SurveyReport,
    complaint_events,
    complaint_for_complainant,
    ipk_questions_for,
    office_transparency,
)
from loket.feedback.services import (
    AttachmentIn,
    Profile,
    complaint_file,
    complaint_rate,
    complaint_reopen,
    public_url,
    survey_invitation_check,
    survey_submit,
)
from loket.offices.selectors import office_get_public

router = Router(tags=["feedback"])
TOKEN_HEADER = "X-Access-Token"  # noqa: S105 - a header name, not a secret


def _complaint_out(c: Complaint) -> dict:
    return {
        "tracking_number": c.tracking_number,
        "office": c.office.code,
        "category": c.category,
        "status": c.status,
        "status_label": str(ComplaintStatus(c.status).label),
        "filed_at": c.created_at,
        "verify_due": c.verify_due,
        "due_date": c.due_date,
        "answered_at": c.answered_at,
        "rating": c.rating,
        "reopen_until": c.reopen_until,
        "events": [
            {"at": e.at, "kind": e.kind, "status": e.to_status, "message": e.message}
            for e in complaint_events(complaint=c, public_only=True)
        ],
    }


def _complaint(request: HttpRequest, number: str) -> Complaint:
    return complaint_for_complainant(
        tracking_number=number, token=request.headers.get(TOKEN_HEADER, "")
    )


@router.post(
    "/complaints",
    response={201: ComplaintFiledOut},
    summary="File a complaint (no account needed; multipart with optional attachments)",
)
def file_complaint(
    request: HttpRequest,
    payload: Form[ComplaintIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    filed = complaint_file(
        office=office_get_public(code=payload.office),
        category=payload.category,
        summary=payload.summary,
        description=payload.description,
        channel=ComplaintChannel.API,
        application_ref=payload.application_ref,
        ticket_ref=payload.ticket_ref,
        reported_officer_text=payload.reported_officer_text,
        name=payload.name,
        email=str(payload.email or ""),
        phone=payload.phone,
        anonymous=payload.anonymous,
        consent_forward_identity=payload.consent_forward_identity,
        attachments=[AttachmentIn(f, f.name or "") for f in attachments or []],
        ip=client_ip(request),
        language=(get_language() or "id")[:2],
    )
    c = filed.complaint
    return Status(
        201,
        {
            "tracking_number": c.tracking_number,
            "access_token": filed.access_token,
            "follow_url": public_url(filed.follow_path),
            "status": c.status,
            "verify_due": c.verify_due,
        },
    )


@router.get(
    "/complaints/{number}",
    response=ComplaintOut,
    summary="Follow a complaint (send the access token in X-Access-Token)",
)
def get_complaint(request: HttpRequest, number: str):
    return _complaint_out(_complaint(request, number))


@router.post("/complaints/{number}/rating", response=ComplaintOut, summary="Rate the answer")
def rate_complaint(request: HttpRequest, number: str, payload: RatingIn):
    c = complaint_rate(
        complaint=_complaint(request, number), score=payload.score, comment=payload.comment
    )
    return _complaint_out(c)


@router.post("/complaints/{number}/reopen", response=ComplaintOut, summary="Reopen a complaint")
def reopen_complaint(request: HttpRequest, number: str, payload: ReopenIn):
    return _complaint_out(
        complaint_reopen(complaint=_complaint(request, number), reason=payload.reason)
    )


@router.get("/surveys/{token}", response=SurveyOut, summary="The questions behind a survey token")
def get_survey(request: HttpRequest, token: str):
    invitation = survey_invitation_check(token=token)
    language = (get_language() or "id")[:2]
    questions = ipk_questions_for(invitation.office) if invitation.includes_ipk else []
    return {
        "office": invitation.office.code,
        "service_type": invitation.service_type,
        "ikm": [
            {
                "code": e.code,
                "element": str(e.name),
                "question": str(e.question),
                "labels": [str(label) for label in e.labels],
            }
            for e in ikm.IKM_ELEMENTS
        ],
        "ipk": [
            {
                "code": q.code,
                "aspect": q.aspect,
                "question": q.text(language),
                "low_label": q.low_label(language),
                "high_label": q.high_label(language),
            }
            for q in questions
        ],
    }


@router.post("/surveys/{token}", response={204: None}, summary="Answer a survey (once)")
def answer_survey(request: HttpRequest, token: str, payload: SurveyIn):
    survey_submit(
        token=token,
        ikm_scores=payload.ikm,
        ipk_scores=payload.ipk,
        profile=Profile(
            sex=payload.sex,
            age_group=payload.age_group,
            education=payload.education,
            occupation=payload.occupation,
        ),
        comment=payload.comment,
    )
    return Status(204, None)


def _index(report: SurveyReport) -> dict:
    return {
        "index": report.index,
        "band": report.band.grade if report.band else None,
        "band_label": str(report.band.label) if report.band else None,
        "respondents": report.respondents,
    }


@router.get(
    "/offices/{code}/indices",
    response=TransparencyOut,
    summary="Public figures of an office this quarter (no personal data)",
)
def office_indices(request: HttpRequest, code: str):
    office = office_get_public(code=code)
    period = period_containing(PeriodKind.QUARTER, timezone.now().astimezone(office.tz).date())
    t = office_transparency(office=office, period=period)
    return {
        "office": office.code,
        "period_start": period.start,
        "period_end": period.end,
        "ikm": _index(t.ikm),
        "ipk": _index(t.ipk),
        "complaints_received": t.received,
        "complaints_answered": t.answered,
        "complaints_answered_on_time": t.answered_on_time,
    }
