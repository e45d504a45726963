"""The service standard as a printable A4 poster, with a QR code to the online page."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from loket.applications.choices import ApplicantType
from loket.reports.selectors import ServiceStandard

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7f0f8")),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (-2, 1), (-2, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def standard_poster_pdf(std: ServiceStandard, url: str, complaint_url: str) -> bytes:
    """`url`: the online standard (in the QR code); `complaint_url`: the office's complaint form."""
    office = std.office
    styles = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=styles["BodyText"], fontSize=8.5, leading=10.5, spaceBefore=0, spaceAfter=1.5
    )
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9)
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontSize=17, leading=20, alignment=0)
    h2 = ParagraphStyle(
        "h2", parent=styles["Heading2"], fontSize=11, leading=13, spaceBefore=5, spaceAfter=2
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{_('Service standard')} {office.name}",
        author="Loket",
    )
    story: list[Any] = []
    qr_png = io.BytesIO()
    qrcode.make(url, box_size=8, border=2).save(qr_png)
    qr_png.seek(0)
    qr_image = Image(qr_png, 32 * mm, 32 * mm)
    header = Table(
        [
            [
                [
                    _p(_("Service standard"), h1),
                    _p(office.name, h2),
                    _p(f"{office.address}, {office.city}, {office.province}", body),
                    _p(_("Valid on %(date)s.") % {"date": std.on.strftime("%d-%m-%Y")}, small),
                ],
                [qr_image, _p(_("Scan for the online version"), small)],
            ]
        ],
        colWidths=[doc.width - 38 * mm, 38 * mm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(header)

    story.append(_p(_("Requirements (adults)"), h2))
    for case in std.requirements:
        if case.applicant_type != ApplicantType.ADULT:
            continue
        text = f"<b>{escape(case.case_label)}</b>: " + escape("; ".join(case.documents))
        if case.walk_in_only:
            text += " " + escape(_("(at the office without a booking)"))
        story.append(Paragraph(text, body))
    story.append(
        _p(
            _(
                "Children: family card, birth certificate, parents' identity cards and consent letter; both parents come with the child."
            ),
            body,
        )
    )

    story.append(_p(_("Procedure and standard times (minutes)"), h2))
    rows: list[list[Any]] = [[_("Step"), _("Waiting at most"), _("Service")]]
    rows += [[s.name, str(s.wait_minutes), str(s.service_minutes)] for s in std.stages]
    table = Table(rows, colWidths=[doc.width - 60 * mm, 30 * mm, 30 * mm])
    table.setStyle(GRID)
    table.setStyle(TableStyle([("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    story.append(table)
    completion = _("Regular: ready %(n)s working days after payment.") % {
        "n": std.regular_working_days
    }
    if std.percepatan_offered:
        completion += " " + _("Same-day service (percepatan): ready the same day.")
    story.append(_p(completion, body))

    story.append(_p(_("Cost (PNBP)"), h2))
    fee_rows: list[list[Any]] = [[_("Passport"), _("Validity"), _("Fee"), _("Regulation")]]
    fee_rows += [
        [f.label, f"{f.validity_years} {_('years')}", f"Rp{intcomma(f.amount)}", f.regulation]
        for f in std.fees
    ]
    fee_rows += [[s.label, "", f"+Rp{intcomma(s.amount)}", s.regulation] for s in std.surcharges]
    table = Table(fee_rows, colWidths=[doc.width - 95 * mm, 25 * mm, 35 * mm, 35 * mm])
    table.setStyle(GRID)
    story.append(table)
    story.append(
        _p(
            _(
                "No loss or damage charge in a natural disaster (keadaan kahar). Fees are not refunded after a refusal or no-show. Pay only with your billing code."
            ),
            small,
        )
    )

    story.append(_p(_("Facilities"), h2))
    available = [f.label for f in std.facilities if f.available]
    story.append(_p(", ".join(available) if available else _("Ask the office."), body))

    story.append(_p(_("Opening hours"), h2))
    hours = "; ".join(f"{h.day} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in std.hours)
    story.append(_p(f"{hours} {office.tz_abbreviation}" if hours else _("Ask the office."), body))

    story.append(_p(_("Complaints"), h2))
    contact = [complaint_url]
    if office.phone:
        contact.append(office.phone)
    if office.email:
        contact.append(office.email)
    contact.append("SP4N-LAPOR! lapor.go.id")
    story.append(_p(" · ".join(contact), body))

    if std.pledge:
        story.append(_p(_("Service pledge"), h2))
        story.append(_p(std.pledge, body))
    story.append(Spacer(1, 3 * mm))
    story.append(_p(url, small))
    doc.build(story)
    return buffer.getvalue()
