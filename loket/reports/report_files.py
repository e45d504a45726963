"""The periodic report as files: a PDF for the letter upward and an XLSX for analysis.

Both lay out a ``PeriodicReport`` and compute nothing. The PDF is written without page
compression so that its figures can be read (and tested) as plain text in the file.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from loket.reports.periodic import PeriodicReport
from loket.reports.selectors_dashboard import CountRow, Dashboard, TimeRow

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7f0f8")),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
)


def _show(value: object, unit: str = "") -> str:
    if value is None:
        return _("no data")
    if isinstance(value, float):
        return f"{value:.1f}{unit}"
    return f"{value}{unit}"


def headline_rows(report: PeriodicReport) -> list[tuple[str, str, object, object]]:
    """(label, unit, this period, previous period) of the headline figures."""
    now, then = report.now, report.then
    assert now is not None and then is not None
    rows: list[tuple[str, str, str]] = [
        (_("Applications submitted"), "", "submitted"),
        (_("Passports issued"), "", "issued"),
        (_("Issued against target"), "%", "target_share"),
        (_("Ready by the due date"), "%", "by_due_date"),
        (_("Applications with warnings"), "%", "warning_share"),
        (_("Waits within the SOP"), "%", "sop_share"),
        (_("Median wait (regular lanes)"), " " + _("min"), "wait_median"),
        (_("No-shows among bookings"), "%", "no_show_share"),
        (_("Complaints received"), "", "complaints"),
        (_("Complaints answered on time"), "%", "complaints_on_time"),
        (_("Complaints overdue"), "", "complaints_overdue"),
        (_("Counter utilisation"), "%", "utilisation"),
    ]
    if report.office is not None:
        rows += [("IKM", "", "ikm"), ("IPK", "", "ipk")]
    return [(label, unit, getattr(now, key), getattr(then, key)) for label, unit, key in rows]


def _counts(rows: list[CountRow]) -> list[list[str]]:
    return [[r.label, str(r.count), _show(r.share, "%")] for r in rows]


def _time_cells(r: TimeRow) -> list[str]:
    return [
        f"{r.stage_label} · {r.class_label}",
        str(r.waits),
        _show(r.wait_median),
        _show(r.wait_p90),
        _show(r.sop_share, "%"),
        str(r.services),
        _show(r.service_median),
        _show(r.service_p90),
    ]


# ---------------------------------------------------------------- PDF


def _outreach_figures(board: Dashboard) -> list[tuple[str, int]]:
    """The outreach (jemput bola) counts of the period, labelled as on the dashboard."""
    o = board.outreach
    return [
        (_("Visits requested"), o.requested),
        (_("Accepted"), o.accepted),
        (_("Declined"), o.declined),
        (_("Visits held"), o.held),
        (_("Members with a group ticket"), o.members),
        (_("Members served to the end"), o.members_served),
    ]


def report_pdf(report: PeriodicReport) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9, leading=11)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=9.5)
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontSize=15, leading=18, alignment=0)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontSize=11, leading=13, spaceBefore=6)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        author="Loket",
        pageCompression=0,
    )
    width = doc.width
    story: list[Any] = []

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    def table(rows: list[list[Any]], widths: list[float], numeric_from: int = 1) -> None:
        wrapped = [
            [para(c, cell) if isinstance(c, str) and len(c) > 40 else c for c in row]
            for row in rows
        ]
        t = Table(wrapped, colWidths=widths, repeatRows=1)
        t.setStyle(GRID)
        t.setStyle(TableStyle([("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT")]))
        story.append(t)

    board = report.board
    story.append(para(report.title, h1))
    story.append(
        para(
            _("Period %(start)s to %(end)s; compared with %(prev)s (%(pstart)s to %(pend)s).")
            % {
                "start": board.period.start.isoformat(),
                "end": board.period.end.isoformat(),
                "prev": report.previous.label,
                "pstart": report.before.period.start.isoformat(),
                "pend": report.before.period.end.isoformat(),
            }
        )
    )
    if report.partial:
        story.append(para(_("The period has not ended: figures up to the day of this report.")))
    story.append(
        para(
            _("Generated %(at)s from the service records.")
            % {"at": report.generated_at.strftime("%Y-%m-%d %H:%M UTC")}
        )
    )

    story.append(para(_("Summary"), h2))
    for change in report.changes:
        story.append(para("• " + change.sentence))

    story.append(para(_("Headline figures"), h2))
    rows: list[list[Any]] = [[_("Figure"), report.period.label, report.previous.label]]
    rows += [
        [label, _show(now, unit), _show(then, unit)]
        for label, unit, now, then in headline_rows(report)
    ]
    table(rows, [width - 60 * mm, 30 * mm, 30 * mm])

    story.append(para(_("Service standard (PermenPANRB 15/2014): promised and measured"), h2))
    rows = [["#", _("Component"), _("Promised"), _("Measured in the period")]]
    rows += [
        [str(s.number), para(s.component, cell), para(s.promised, cell), para(s.measured, cell)]
        for s in report.standard
    ]
    table(rows, [8 * mm, 36 * mm, (width - 44 * mm) / 2, (width - 44 * mm) / 2], numeric_from=99)

    apps = board.applications
    story.append(para(_("Applications"), h2))
    header = [_("By channel"), _("Applications"), "%"]
    table([header, *_counts(apps.by_channel)], [width - 60 * mm, 30 * mm, 30 * mm])
    story.append(Spacer(1, 2 * mm))
    table(
        [[_("By service"), _("Applications"), "%"], *_counts(apps.by_service)],
        [width - 60 * mm, 30 * mm, 30 * mm],
    )
    story.append(Spacer(1, 2 * mm))
    table(
        [[_("By case"), _("Applications"), "%"], *_counts(apps.by_case_type)],
        [width - 60 * mm, 30 * mm, 30 * mm],
    )
    story.append(para(_("Ready by the due date"), h2))
    rows = [[_("Service standard"), _("Issued"), _("With a due date"), _("Ready by it"), "%"]]
    rows += [
        [c.label, str(c.issued), str(c.with_due_date), str(c.by_due_date), _show(c.share, "%")]
        for c in apps.completion
    ]
    table(rows, [width - 100 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm], numeric_from=1)
    story.append(para(_("Data quality by channel"), h2))
    rows = [
        [
            _("Channel"),
            _("Applications"),
            _("With warnings"),
            "%",
            _("Checked"),
            _("Findings"),
            "%",
        ]
    ]
    rows += [
        [
            q.label,
            str(q.applications),
            str(q.with_warnings),
            _show(q.share, "%"),
            str(q.checked),
            str(q.flagged),
            _show(q.flagged_share, "%"),
        ]
        for q in apps.quality
    ]
    table(rows, [width - 126 * mm, 21 * mm, 21 * mm, 18 * mm, 21 * mm, 21 * mm, 18 * mm])

    story.append(para(_("Quota"), h2))
    totals = [
        (_("Released"), sum(d.released for d in board.quota)),
        (_("Booked"), sum(d.booked for d in board.quota)),
        (_("Checked in"), sum(d.checked_in for d in board.quota)),
        (_("No-show"), sum(d.no_show for d in board.quota)),
        (_("Lapsed unpaid"), sum(d.lapsed for d in board.quota)),
        (_("Cancelled"), sum(d.cancelled for d in board.quota)),
    ]
    table(
        [[_("Places and bookings in the period"), _("Total")], *[[k, str(v)] for k, v in totals]],
        [width - 30 * mm, 30 * mm],
    )

    story.append(para(_("Waiting and service time (minutes)"), h2))
    if board.times.rows:
        rows = [
            [
                _("Stage · lane"),
                _("Waits"),
                _("Median"),
                "p90",
                _("Within SOP"),
                _("Services"),
                _("Median"),
                "p90",
            ]
        ]
        rows += [_time_cells(r) for r in board.times.rows]
        rows += [_time_cells(r) for r in (board.times.priority, board.times.others) if r]
        table(rows, [width - 133 * mm, *[19 * mm] * 7])
    else:
        story.append(para(_("No data: no ticket was called or served in this period.")))

    story.append(para(_("Counters: throughput per officer and stage"), h2))
    if board.counters:
        rows = [[_("Officer"), _("Stage"), _("Finished"), _("Days"), _("Per day")]]
        rows += [
            [t.officer, t.stage_label, str(t.finished), str(t.days), _show(t.per_day)]
            for t in board.counters
        ]
        table(rows, [width - 110 * mm, 35 * mm, 25 * mm, 25 * mm, 25 * mm], numeric_from=2)
    else:
        story.append(para(_("No data: no stage was finished at a counter in this period.")))
    story.append(para(_("Utilisation: time serving against time staffed"), h2))
    use_rows = [(_("Counter"), u) for u in board.counter_use.counters] + [
        (_("Officer"), u) for u in board.counter_use.officers
    ]
    if use_rows:
        rows = [["", "", _("Hours staffed"), _("Hours serving"), _("Utilisation"), _("Finished")]]
        rows += [
            [
                kind,
                u.label,
                str(u.staffed_hours),
                str(u.busy_hours),
                _show(u.share, "%"),
                str(u.finished),
            ]
            for kind, u in use_rows
        ]
        table(rows, [22 * mm, width - 122 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm], numeric_from=2)
    else:
        story.append(para(_("No data: no officer was signed in at a counter in this period.")))

    story.append(para(_("Complaints"), h2))
    rows = [[_("Category"), _("Received"), _("Answered"), _("On time"), _("Late"), _("Overdue")]]
    rows += [
        [c.label, str(c.received), str(c.answered), str(c.on_time), str(c.late), str(c.overdue)]
        for c in board.complaints
    ]
    table(rows, [width - 100 * mm, *[20 * mm] * 5])

    story.append(para(_("Passport pickup"), h2))
    pickups = board.pickups
    rows = [[_("Channel"), _("Handed over"), "%"]]
    rows += [[r.label, str(r.count), _show(r.share, "%")] for r in pickups.handed_over]
    table(rows, [width - 50 * mm, 25 * mm, 25 * mm])
    rows = [[_("Drive-thru lane"), _("Offered"), _("Taken"), _("Use"), _("Served")]]
    rows += [
        [u.label, str(u.offered), str(u.taken), _show(u.use_share, "%"), str(u.served)]
        for u in pickups.drive_thru
    ]
    table(rows, [width - 100 * mm, *[25 * mm] * 4])
    story.append(
        para(
            _("Passports ready in the period and not collected yet: %(n)s.")
            % {"n": pickups.uncollected}
        )
    )

    story.append(para(_("Outreach (jemput bola)"), h2))
    rows = [[_("Figure"), _("Count")]]
    rows += [[label, str(value)] for label, value in _outreach_figures(board)]
    rows += [
        [_("Applications: %(kind)s") % {"kind": label}, str(n)]
        for _k, label, n in board.outreach_by_kind
    ]
    table(rows, [width - 30 * mm, 30 * mm])

    story.append(para(_("Satisfaction (IKM) and perceived integrity (IPK)"), h2))
    rows = [[_("Period") if report.office else _("Office"), "IKM", _("Grade"), "IPK"]]
    points = (
        [(p.label, p) for p in board.surveys]
        if report.office is not None
        else [(o.name, p) for o, p in board.surveys_by_office]
    )
    for label, p in points:
        rows.append(
            [
                label,
                _show(p.ikm.index),
                p.ikm.band.grade if p.ikm.band is not None else "—",
                _show(p.ipk.index),
            ]
        )
    table(rows, [width - 75 * mm, 25 * mm, 25 * mm, 25 * mm])

    doc.build(story)
    return buffer.getvalue()


# ---------------------------------------------------------------- XLSX


def _number(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([_number(v) for v in row])
    ws.freeze_panes = "A2"
    return ws


def report_xlsx(report: PeriodicReport) -> bytes:
    """One sheet per figure, numbers as numbers (None as an empty cell) so the workbook
    can be filtered and charted as it is."""
    board = report.board
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Summary")
    ws.append([report.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("From"), board.period.start, _("To"), board.period.end])
    ws.append([_("Previous period"), report.previous.label])
    ws.append([])
    ws.append([_("Figure"), report.period.label, report.previous.label])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for label, _unit, now, then in headline_rows(report):
        ws.append([label, _number(now), _number(then)])
    ws.append([])
    ws.append([_("What got better or worse")])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for change in report.changes:
        ws.append([change.sentence])
    ws.column_dimensions["A"].width = 48

    _sheet(
        wb,
        _("Service standard"),
        ["#", _("Component"), _("Promised"), _("Measured in the period")],
        [[s.number, s.component, s.promised, s.measured] for s in report.standard],
    )
    apps = board.applications
    rows: list[list[object]] = []
    for group, counts in (
        (_("Channel"), apps.by_channel),
        (_("Service"), apps.by_service),
        (_("Case"), apps.by_case_type),
    ):
        rows += [[group, r.key, r.label, r.count, r.share] for r in counts]
    _sheet(wb, _("Applications"), [_("By"), _("Key"), _("Label"), _("Applications"), "%"], rows)
    _sheet(
        wb,
        _("Ready by the due date"),
        [_("Service standard"), _("Issued"), _("With a due date"), _("Ready by it"), "%"],
        [[c.label, c.issued, c.with_due_date, c.by_due_date, c.share] for c in apps.completion],
    )
    _sheet(
        wb,
        _("Data quality"),
        [
            _("Channel"),
            _("Applications"),
            _("With warnings"),
            "%",
            _("Checked at the document check"),
            _("With findings there"),
            _("Findings, %"),
        ],
        [
            [
                q.label,
                q.applications,
                q.with_warnings,
                q.share,
                q.checked,
                q.flagged,
                q.flagged_share,
            ]
            for q in apps.quality
        ],
    )
    _sheet(
        wb,
        _("Quota per day"),
        [
            _("Date"),
            _("Released"),
            _("Taken now"),
            _("Booked"),
            _("Checked in"),
            _("No-show"),
            _("Lapsed unpaid"),
            _("Cancelled"),
        ],
        [
            [d.date, d.released, d.taken, d.booked, d.checked_in, d.no_show, d.lapsed, d.cancelled]
            for d in board.quota
        ],
    )
    time_rows = [*board.times.rows, *[r for r in (board.times.priority, board.times.others) if r]]
    _sheet(
        wb,
        _("Waiting and service"),
        [
            _("Stage"),
            _("Lane"),
            _("Waits"),
            _("Wait median"),
            _("Wait p90"),
            _("Within SOP"),
            _("Within SOP %"),
            _("Services"),
            _("Service median"),
            _("Service p90"),
        ],
        [
            [
                r.stage_label,
                r.class_label,
                r.waits,
                r.wait_median,
                r.wait_p90,
                r.within_sop,
                r.sop_share,
                r.services,
                r.service_median,
                r.service_p90,
            ]
            for r in time_rows
        ],
    )
    _sheet(
        wb,
        _("Counters"),
        [_("Officer"), _("Stage"), _("Finished"), _("Days"), _("Per day")],
        [[t.officer, t.stage_label, t.finished, t.days, t.per_day] for t in board.counters],
    )
    _sheet(
        wb,
        _("Utilisation"),
        [
            _("Counter or officer"),
            _("Name"),
            _("Hours staffed"),
            _("Hours serving"),
            _("Utilisation (%)"),
            _("Finished"),
        ],
        [
            [kind, u.label, u.staffed_hours, u.busy_hours, u.share, u.finished]
            for kind, uses in (
                (_("Counter"), board.counter_use.counters),
                (_("Officer"), board.counter_use.officers),
            )
            for u in uses
        ],
    )
    _sheet(
        wb,
        _("Complaints"),
        [_("Category"), _("Received"), _("Answered"), _("On time"), _("Late"), _("Overdue")],
        [[c.label, c.received, c.answered, c.on_time, c.late, c.overdue] for c in board.complaints],
    )
    outreach_rows: list[list[object]] = [
        [label, None, value] for label, value in _outreach_figures(board)
    ]
    outreach_rows += [
        [_("Applications by kind of partner"), k, n] for k, _l, n in board.outreach_by_kind
    ]
    _sheet(wb, _("Outreach"), [_("Figure"), _("Key"), _("Count")], outreach_rows)
    pickups = board.pickups
    pickup_rows: list[list[object]] = [
        [_("Handed over"), r.key, r.label, r.count, None, None, r.share]
        for r in pickups.handed_over
    ]
    pickup_rows += [
        [_("Drive-thru"), u.lane, u.label, u.served, u.offered, u.taken, u.use_share]
        for u in pickups.drive_thru
    ]
    pickup_rows.append(
        [_("Ready, not collected"), None, None, pickups.uncollected, None, None, None]
    )
    _sheet(
        wb,
        _("Pickups"),
        [_("Figure"), _("Key"), _("Label"), _("Count"), _("Offered"), _("Taken"), "%"],
        pickup_rows,
    )
    points = (
        [(p.label, p) for p in board.surveys]
        if report.office is not None
        else [(o.name, p) for o, p in board.surveys_by_office]
    )
    _sheet(
        wb,
        _("IKM and IPK"),
        [
            _("Period") if report.office else _("Office"),
            _("IKM respondents"),
            "IKM",
            _("Grade"),
            _("IPK respondents"),
            "IPK",
        ],
        [
            [
                label,
                p.ikm.respondents,
                p.ikm.index,
                p.ikm.band.grade if p.ikm.band is not None else None,
                p.ipk.respondents,
                p.ipk.index,
            ]
            for label, p in points
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
