"""Complaint and survey pages: public (no account needed) and staff (office-scoped)."""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.applications.models import Application
from loket.applications.workflow import SURVEY_SALT
from loket.core.audit import audit_personal_data_view
from loket.core.decorators import request_user, staff_required
from loket.core.errors import ApplicationError, Forbidden, NotFound
from loket.core.middleware import client_ip
from loket.core.models import User
from loket.core.uploads import upload_open
from loket.feedback import exports
from loket.feedback.choices import (
    RESTRICTED_ROLES,
    SURVEY_REPORT_ROLES,
    SURVEY_STAFF_ROLES,
    ComplaintChannel,
    ComplaintStatus,
    PeriodKind,
    ServiceType,
    SlaClass,
)
from loket.feedback.forms import (
    AssignForm,
    CloseForm,
    ComplaintForm,
    InvitationForm,
    LookupForm,
    RateForm,
    RejectForm,
    ReopenForm,
    ReplyForm,
    ReportForm,
    ServedCountForm,
    StaffFilterForm,
    SurveyForm,
    VerifyForm,
)
from loket.feedback.models import Complaint
from loket.feedback.periods import period_containing, period_make
from loket.feedback.selectors import (
    complaint_assignable_staff,
    complaint_events,
    complaint_for_complainant,
    complaint_get_for_staff,
    complaint_office_staff,
    complaint_offices_for,
    complaint_sla_state,
    complaint_staff_list,
    complaints_export_rows,
    ikm_report,
    ipk_questions_for,
    ipk_report,
    office_transparency,
    sla_policy_for,
)
from loket.feedback.services import (
    AttachmentIn,
    Profile,
    complaint_assign,
    complaint_close,
    complaint_file,
    complaint_rate,
    complaint_reject,
    complaint_reopen,
    complaint_reply,
    complaint_verify,
    served_count_set,
    survey_invitation_check,
    survey_invitation_create,
    survey_submit,
)
from loket.offices.models import Office
from loket.offices.selectors import office_get_public, office_ids_with_role, offices_visible_to
from loket.queueing.selectors import ticket_by_token


def _form_error(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's refusal next to its fields (or on top of the form)."""
    for field, message in error.fields.items():
        name = field.split(".")[-1]
        form.add_error(name if name in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


def _language() -> str:
    return (get_language() or "id")[:2]


# ---------------------------------------------------------------- public: complaints


def complaint_new(request: HttpRequest, code: str | None = None) -> HttpResponse:
    office = office_get_public(code=code) if code else None
    form = ComplaintForm(request.POST or None, request.FILES or None, office=office)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = (
            request.user if isinstance(request.user, User) and request.user.is_applicant else None
        )
        channel = ComplaintChannel.QR if office else ComplaintChannel.WEB
        if user is not None:
            channel = ComplaintChannel.ACCOUNT
        try:
            filed = complaint_file(
                office=office or data["office"],
                category=data["category"],
                summary=data["summary"],
                description=data["description"],
                channel=channel,
                application_ref=data["application_ref"],
                ticket_ref=data["ticket_ref"],
                reported_officer_text=data["reported_officer_text"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                anonymous=data["anonymous"],
                consent_forward_identity=data["consent_forward_identity"],
                attachments=[AttachmentIn(f, f.name) for f in data["attachments"]],
                user=user,
                ip=client_ip(request),
                language=_language(),
            )
        except NotFound:
            raise
        except ApplicationError as error:
            if error.status == 429:
                raise
            _form_error(form, error)
        else:
            request.session["feedback_new_complaint"] = filed.complaint.tracking_number
            return redirect(filed.follow_path)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "feedback/complaint_new.html", {"form": form, "office": office}, status=status
    )


def complaint_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["tracking_number"].strip().upper()
        token = form.cleaned_data["access_code"].strip()
        try:
            complaint_for_complainant(tracking_number=number, token=token)
        except NotFound as error:
            form.add_error(None, error.message)
        else:
            return redirect("feedback:complaint_follow", number, token)
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/complaint_lookup.html", {"form": form}, status=status)


def complaint_follow(request: HttpRequest, number: str, token: str) -> HttpResponse:
    complaint = complaint_for_complainant(tracking_number=number, token=token)
    rate_form = RateForm(request.POST if request.POST.get("action") == "rate" else None)
    reopen_form = ReopenForm(request.POST if request.POST.get("action") == "reopen" else None)
    if request.method == "POST":
        try:
            if rate_form.is_bound and rate_form.is_valid():
                complaint_rate(
                    complaint=complaint,
                    score=rate_form.cleaned_data["score"],
                    comment=rate_form.cleaned_data["comment"],
                )
                messages.success(request, _("Thank you for rating the answer."))
                return redirect(request.path)
            if reopen_form.is_bound and reopen_form.is_valid():
                complaint_reopen(complaint=complaint, reason=reopen_form.cleaned_data["reason"])
                messages.success(request, _("Your complaint is open again."))
                return redirect(request.path)
        except ApplicationError as error:
            _form_error(rate_form if rate_form.is_bound else reopen_form, error)
    just_filed = request.session.pop("feedback_new_complaint", None) == complaint.tracking_number
    complaint.refresh_from_db()
    today = timezone.now().astimezone(complaint.office.tz).date()
    can_respond = (
        complaint.status in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED)
        and complaint.reopen_until is not None
        and today <= complaint.reopen_until
    )
    return render(
        request,
        "feedback/complaint_follow.html",
        {
            "complaint": complaint,
            "events": complaint_events(complaint=complaint, public_only=True),
            "just_filed": just_filed,
            "follow_url": request.build_absolute_uri(request.path),
            "rate_form": rate_form,
            "reopen_form": reopen_form,
            "can_rate": can_respond and complaint.rating is None,
            "can_reopen": can_respond,
        },
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- public: survey


def survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = survey_invitation_check(token=token)
    language = _language()
    questions = ipk_questions_for(invitation.office) if invitation.includes_ipk else []
    form = SurveyForm(request.POST or None, ipk_questions=questions, language=language)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey_submit(
                token=token,
                ikm_scores={c: data[c] for c in form.ikm_codes},
                ipk_scores={c.removeprefix("ipk_"): data[c] for c in form.ipk_codes},
                profile=Profile(
                    sex=data["sex"],
                    age_group=data["age_group"],
                    education=data["education"],
                    occupation=data["occupation"],
                ),
                comment=data["comment"],
            )
        except ApplicationError as error:
            if error.code.startswith("survey_token"):
                raise
            _form_error(form, error)
        else:
            return redirect("feedback:survey_thanks")
    return render(
        request,
        "feedback/survey.html",
        {"form": form, "invitation": invitation},
        status=400 if request.method == "POST" else 200,
    )


def survey_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/survey_thanks.html")


def transparency(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get_public(code=code)
    today = timezone.now().astimezone(office.tz).date()
    period = period_containing(PeriodKind.QUARTER, today)
    return render(
        request,
        "feedback/transparency.html",
        {"t": office_transparency(office=office, period=period)},
    )


# ---------------------------------------------------------------- staff: complaints


def _staff_offices(user: User) -> list[Office]:
    return list(complaint_offices_for(user).order_by("name"))


@staff_required
def staff_complaints(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    offices = _staff_offices(user)
    if not offices:
        raise Forbidden("role_required", _("Your roles do not include complaint handling."))
    form = StaffFilterForm(request.GET or None, offices=offices)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    office = next((o for o in offices if o.code == data.get("office")), offices[0])
    complaints = complaint_staff_list(
        user=user,
        office=office,
        status=data.get("status", ""),
        category=data.get("category", ""),
        flag=data.get("flag", ""),
    )
    page = Paginator(complaints, 50).get_page(request.GET.get("page"))
    rows = [(c, complaint_sla_state(c)) for c in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    template = "feedback/staff_list.html#results" if request.htmx else "feedback/staff_list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "office": office,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
        },
    )


def _detail_context(
    request: HttpRequest, complaint: Complaint, **forms_: forms.Form
) -> dict[str, Any]:
    policy = sla_policy_for(complaint.office)
    sla_labels = {
        value: _("%(label)s (%(days)s working days)")
        % {"label": label, "days": policy.class_days(value)}
        for value, label in SlaClass.choices
    }
    context: dict[str, Any] = {
        "complaint": complaint,
        "sla": complaint_sla_state(complaint),
        "events": complaint_events(complaint=complaint, public_only=False),
        "attachments": complaint.attachments.all(),
        "verify_form": VerifyForm(
            initial={"category": complaint.category, "sla_class": complaint.sla_class or "medium"},
            staff=complaint_office_staff(office=complaint.office),
            sla_labels=sla_labels,
        ),
        "reject_form": RejectForm(),
        "assign_form": AssignForm(staff=complaint_assignable_staff(complaint=complaint)),
        "reply_form": ReplyForm(),
        "close_form": CloseForm(),
    }
    context.update(forms_)
    return context


def _audit_identity_view(user: User, complaint: Complaint) -> None:
    if not complaint.anonymous and (complaint.complainant_name or complaint.complainant_email):
        audit_personal_data_view(
            actor=user,
            subject=complaint,
            office_code=complaint.office.code,
            fields=["complainant_name", "complainant_email", "complainant_phone"],
            purpose="complaint handling",
        )


@staff_required
def staff_complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = request_user(request)
    complaint = complaint_get_for_staff(user=user, tracking_number=number)
    _audit_identity_view(user, complaint)
    return render(request, "feedback/staff_detail.html", _detail_context(request, complaint))


@staff_required
@require_POST
def staff_complaint_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = request_user(request)
    complaint = complaint_get_for_staff(user=user, tracking_number=number)
    form: forms.Form
    if action == "verify":
        form = VerifyForm(
            request.POST,
            staff=complaint_office_staff(office=complaint.office),
            sla_labels={v: str(label) for v, label in SlaClass.choices},
        )
    elif action == "reject":
        form = RejectForm(request.POST)
    elif action == "assign":
        form = AssignForm(request.POST, staff=complaint_assignable_staff(complaint=complaint))
    elif action == "reply":
        form = ReplyForm(request.POST)
    elif action == "close":
        form = CloseForm(request.POST)
    else:
        raise NotFound("not_found", _("Not found."))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "verify":
                complaint_verify(
                    actor=user,
                    complaint=complaint,
                    category=data["category"],
                    sla_class=data["sla_class"],
                    reported_officer=data["reported_officer"],
                    note=data["note"],
                )
            elif action == "reject":
                complaint_reject(actor=user, complaint=complaint, reason=data["message"])
            elif action == "assign":
                complaint_assign(actor=user, complaint=complaint, assignee=data["assignee"])
            elif action == "reply":
                complaint_reply(
                    actor=user,
                    complaint=complaint,
                    message=data["message"],
                    public=data["public"],
                    final=data["final"],
                )
            else:
                complaint_close(actor=user, complaint=complaint, reason=data["reason"])
        except (Forbidden, NotFound):
            raise
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            # Reclassifying as an integrity report can take it out of the actor's sight.
            if _can_still_see(user, complaint):
                return redirect("feedback:staff_complaint_detail", complaint.tracking_number)
            return redirect("feedback:staff_complaints")
    context = _detail_context(request, complaint, **{f"{action}_form": form})
    return render(request, "feedback/staff_detail.html", context, status=400)


def _can_still_see(user: User, complaint: Complaint) -> bool:
    try:
        complaint_get_for_staff(user=user, tracking_number=complaint.tracking_number)
    except NotFound:
        return False
    return True


@staff_required
def staff_complaint_attachment(
    request: HttpRequest, number: str, attachment_id: int
) -> HttpResponse:
    complaint = complaint_get_for_staff(user=request_user(request), tracking_number=number)
    attachment = complaint.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("not_found", _("File not found."))
    response = HttpResponse(upload_open(attachment.path), content_type=attachment.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{attachment.pk}.{attachment.path.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def staff_complaint_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = request_user(request)
    offices = _staff_offices(user)
    form = StaffFilterForm(request.GET or None, offices=offices)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    office = next((o for o in offices if o.code == data.get("office")), None)
    if office is None:
        raise NotFound("office_not_found", _("Office not found."))
    rows = complaints_export_rows(
        complaint_staff_list(
            user=user,
            office=office,
            status=data.get("status", ""),
            category=data.get("category", ""),
            flag=data.get("flag", ""),
        )
    )
    stamp = timezone.now().astimezone(office.tz).strftime("%Y%m%d")
    if fmt == "csv":
        body, content_type = exports.complaints_csv(rows), "text/csv; charset=utf-8"
    elif fmt == "json":
        body, content_type = exports.complaints_json(rows), "application/json"
    else:
        raise NotFound("not_found", _("Not found."))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="lapor-{office.code}-{stamp}.{fmt}"'
    return response


def _qr_office(request: HttpRequest, code: str) -> Office:
    user = request_user(request)
    office = Office.objects.filter(code=code.upper()).first()
    allowed = office_ids_with_role(user, SURVEY_STAFF_ROLES | RESTRICTED_ROLES)
    if office is None or (allowed is not None and office.id not in allowed):
        raise NotFound("office_not_found", _("Office not found."))
    return office


@staff_required
def staff_complaint_qr(request: HttpRequest, code: str) -> HttpResponse:
    office = _qr_office(request, code)
    url = request.build_absolute_uri(reverse("feedback:complaint_new_office", args=[office.code]))
    return render(request, "feedback/staff_qr.html", {"office": office, "url": url})


@staff_required
def staff_complaint_qr_png(request: HttpRequest, code: str) -> HttpResponse:
    office = _qr_office(request, code)
    url = request.build_absolute_uri(reverse("feedback:complaint_new_office", args=[office.code]))
    return HttpResponse(exports.qr_png(url), content_type="image/png")


# ---------------------------------------------------------------- staff: surveys


def _survey_offices(user: User, roles: frozenset[str]) -> list[Office]:
    offices = list(offices_visible_to(user, roles).order_by("name"))
    if not offices:
        raise Forbidden("role_required", _("Your roles do not include surveys."))
    return offices


@staff_required
def staff_survey_invite(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    offices = _survey_offices(user, SURVEY_STAFF_ROLES)
    form = InvitationForm(request.POST or None, offices=offices)
    slip = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = next(o for o in offices if o.code == data["office"])
        try:
            issued = survey_invitation_create(
                office=office,
                visit_ref=data["visit_ref"],
                service_type=data["service_type"],
                actor=user,
                includes_ipk=data["includes_ipk"],
            )
        except (Forbidden, NotFound):
            raise
        except ApplicationError as error:
            _form_error(form, error)
        else:
            url = request.build_absolute_uri(issued.path)
            slip = {
                "url": url,
                "office": office,
                "qr": base64.b64encode(exports.qr_png(url)).decode(),
                "expires_at": issued.invitation.expires_at,
            }
    status = 400 if request.method == "POST" and slip is None else 200
    return render(
        request, "feedback/staff_invite.html", {"form": form, "slip": slip}, status=status
    )


@staff_required
def staff_survey_report(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    offices = _survey_offices(user, SURVEY_REPORT_ROLES)
    today = timezone.localdate()
    form = ReportForm(
        request.GET or None,
        offices=offices,
        initial={
            "period_kind": PeriodKind.QUARTER,
            "year": today.year,
            "index": (today.month - 1) // 3 + 1,
            "survey": "ikm",
        },
    )
    report = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        office = next(o for o in offices if o.code == data["office"])
        period = period_make(data["period_kind"], data["year"], data["index"])
        build = ikm_report if data["survey"] == "ikm" else ipk_report
        report = build(office=office, period=period, service_type=data["service_type"])
        fmt = request.GET.get("format", "")
        name = f"{data['survey']}-{office.code}-{period.label}"
        if fmt == "pdf":
            response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            return response
        if fmt == "xlsx":
            response = HttpResponse(
                exports.report_xlsx(report),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "feedback/staff_report.html",
        {"form": form, "report": report, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff_required
def staff_served_count(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    offices = _survey_offices(user, SURVEY_REPORT_ROLES)
    form = ServedCountForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = next(o for o in offices if o.code == data["office"])
        period = period_make(data["period_kind"], data["year"], data["index"])
        try:
            served_count_set(
                actor=user,
                office=office,
                period_kind=period.kind,
                period_start=period.start,
                service_type=data["service_type"],
                count=data["count"],
            )
        except (Forbidden, NotFound):
            raise
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("feedback:staff_served_count"))
    return render(
        request,
        "feedback/staff_served.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


_CASE_TO_SERVICE = {
    "new": ServiceType.PASSPORT_NEW,
    "renewal_expired": ServiceType.PASSPORT_RENEWAL,
    "renewal_full": ServiceType.PASSPORT_RENEWAL,
    "lost": ServiceType.PASSPORT_REPLACEMENT,
    "damaged": ServiceType.PASSPORT_REPLACEMENT,
    "data_change": ServiceType.DATA_CHANGE,
}


def survey_for_ticket(request: HttpRequest, status_token: str) -> HttpResponse:
    """From a finished ticket's status page: one survey invitation per visit."""
    ticket = ticket_by_token(status_token)
    if ticket.status != "done":
        raise ApplicationError(
            "visit_not_finished", _("The survey opens when your visit is finished."), status=409
        )
    if ticket.lane.service_class == "pickup":
        service = ServiceType.PICKUP
    elif ticket.application is not None:
        service = _CASE_TO_SERVICE.get(ticket.application.case_type, ServiceType.OTHER)
    else:
        service = ServiceType.OTHER
    issued = survey_invitation_create(
        office=ticket.office, visit_ref=f"ticket:{ticket.pk}", service_type=service
    )
    return redirect(issued.path)


def survey_for_application(request: HttpRequest, signed: str) -> HttpResponse:
    """From the ready-for-pickup email: one survey invitation per application's visit."""
    try:
        public_id = signing.loads(signed, salt=SURVEY_SALT, max_age=60 * 60 * 24 * 60)
    except signing.BadSignature:
        raise NotFound("survey_link_invalid", _("This survey link is not valid.")) from None
    application = Application.objects.select_related("office").filter(public_id=public_id).first()
    if application is None or application.office is None:
        raise NotFound("survey_link_invalid", _("This survey link is not valid."))
    service = _CASE_TO_SERVICE.get(application.case_type, ServiceType.OTHER)
    issued = survey_invitation_create(
        office=application.office, visit_ref=f"application:{application.pk}", service_type=service
    )
    return redirect(issued.path)
