"""File formats: complaint exports for SP4N-LAPOR! (CSV, JSON), survey reports (PDF,
XLSX) in the usual layout, and QR codes."""

from __future__ import annotations

import csv
import io
import json

import qrcode
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from loket.feedback.selectors import EXPORT_FIELDS, SurveyReport


def complaints_csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in rows:
        # Neutralise spreadsheet formulas in free text (CSV injection).
        writer.writerow(
            {
                k: (f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)
                for k, v in row.items()
            }
        )
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens UTF-8 correctly


def complaints_json(rows: list[dict[str, object]]) -> bytes:
    return json.dumps({"complaints": rows}, ensure_ascii=False, indent=2).encode()


def qr_png(data: str) -> bytes:
    image = qrcode.make(data, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def _title(report: SurveyReport) -> str:
    name = (
        _("Community satisfaction index (IKM)")
        if report.kind == "ikm"
        else _("Anti-corruption perception index (IPK)")
    )
    return f"{name} — {report.office.name} — {report.period.label}"


def _summary_lines(report: SurveyReport) -> list[tuple[str, str]]:
    lines = [
        (_("Respondents"), str(report.respondents)),
        (_("Service"), report.service_type or _("All services")),
        (
            _("People served (entered by staff)"),
            "" if report.served is None else str(report.served),
        ),
        (
            _("Required sample (Krejcie–Morgan)"),
            "" if report.required_sample is None else str(report.required_sample),
        ),
        (_("Index"), "" if report.index is None else f"{report.index}"),
    ]
    if report.band is not None:
        lines.append((_("Quality"), f"{report.band.grade} — {report.band.label}"))
    return lines


def _weight_header(report: SurveyReport) -> str:
    return _("Weighted NRR (NRR × 1/9)") if report.kind == "ikm" else _("Weighted NRR (NRR × 1/n)")


def report_pdf(report: SurveyReport) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm)
    styles = getSampleStyleSheet()
    story: list = [Paragraph(_title(report), styles["Title"]), Spacer(1, 8)]
    story.append(Table([[k, v] for k, v in _summary_lines(report)], hAlign="LEFT"))
    story.append(Spacer(1, 12))
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ]
    )
    body = [[_("Code"), _("Element"), _("NRR"), _weight_header(report)]]
    body += [
        [r.code, Paragraph(r.name, styles["BodyText"]), str(r.nrr_display), str(r.weighted_display)]
        for r in report.rows
    ]
    story.append(Table(body, colWidths=[1.5 * cm, 9 * cm, 2 * cm, 4 * cm], style=grid))
    if report.profile:
        story.append(Paragraph(_("Respondent profile"), styles["Heading2"]))
        for group, rows in report.profile.items():
            table = [[group, _("Count"), "%"]] + [[r.label, r.count, str(r.percent)] for r in rows]
            story.append(Table(table, colWidths=[8 * cm, 3 * cm, 3 * cm], style=grid))
            story.append(Spacer(1, 6))
    if report.lowest:
        story.append(Paragraph(_("Lowest elements"), styles["Heading2"]))
        for r in report.lowest:
            story.append(Paragraph(f"{r.code} {r.name}: {r.nrr_display}", styles["BodyText"]))
    if report.comments:
        story.append(Paragraph(_("Comments"), styles["Heading2"]))
        for comment in report.comments:
            story.append(
                Paragraph(comment.replace("&", "&amp;").replace("<", "&lt;"), styles["BodyText"])
            )
    doc.build(story)
    return out.getvalue()


def report_xlsx(report: SurveyReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = report.kind.upper()
    ws.append([_title(report)])
    ws["A1"].font = Font(bold=True, size=13)
    for key, value in _summary_lines(report):
        ws.append([key, value])
    ws.append([])
    ws.append([_("Code"), _("Element"), _("NRR"), _weight_header(report)])
    for r in report.rows:
        # Exact values as numbers (full precision); the display shows 3 decimals.
        ws.append([r.code, r.name, float(r.nrr), float(r.weighted)])
        ws.cell(row=ws.max_row, column=3).number_format = "0.000"
        ws.cell(row=ws.max_row, column=4).number_format = "0.000"
    if report.profile:
        profile = wb.create_sheet(_("Profile"))
        for group, rows in report.profile.items():
            profile.append([group, _("Count"), "%"])
            for row in rows:
                profile.append([row.label, row.count, float(row.percent)])
            profile.append([])
    if report.comments:
        comments = wb.create_sheet(_("Comments"))
        for comment in report.comments:
            comments.append([comment])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
