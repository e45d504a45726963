"""The booking proof: a QR code of the booking code (for check-in) as SVG and as a PDF."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from loket.booking.models import Booking


def masked_nik(nik: str) -> str:
    """Enough of the NIK to recognise it, not enough to reuse it (UU 27/2022)."""
    return f"{nik[:4]}********{nik[-4:]}" if len(nik) == 16 else "****"


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    raw = image.to_string(encoding="unicode")
    return raw[raw.index("<svg") :]


def proof_lines(booking: Booking) -> list[tuple[str, str]]:
    slot, office, application = booking.slot, booking.office, booking.application
    session = slot.session
    return [
        (_("Booking code"), booking.code),
        (_("Name"), application.full_name),
        (_("NIK"), masked_nik(booking.nik)),
        (_("Office"), office.name),
        (_("Address"), office.address),
        (_("Date"), slot.date.strftime("%d-%m-%Y")),
        (
            _("Session"),
            f"{session.name} {session.starts:%H:%M}–{session.ends:%H:%M} {office.tz_abbreviation}",
        ),
        (_("Service"), booking.get_category_display()),
        (_("NTPN"), booking.bill.ntpn if booking.bill else ""),
    ]


def proof_pdf(booking: Booking) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A5)
    pdf.setTitle(f"Loket {booking.code}")
    width, height = A5
    y = height - 20 * mm
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawString(15 * mm, y, _("Passport visit booking proof"))
    y -= 8 * mm
    pdf.setFont("Helvetica", 9)
    pdf.drawString(15 * mm, y, _("Show this page (printed or on your phone) at check-in."))
    qr = qrcode.make(booking.code, box_size=8, border=2).get_image()
    size = 45 * mm
    pdf.drawImage(ImageReader(qr), width - 15 * mm - size, y - size - 2 * mm, size, size)
    y -= 10 * mm
    for label, value in proof_lines(booking):
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(15 * mm, y, f"{label}:")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(42 * mm, y, str(value)[:48])
        y -= 6.5 * mm
    y -= 4 * mm
    pdf.setFont("Helvetica", 8.5)
    for line in (
        _(
            "Bring the originals of your documents (e-KTP, family card, birth certificate or diploma or marriage book, old passport)."
        ),
        _("A booking is personal and free of charge beyond the PNBP fee; never pay a broker."),
    ):
        pdf.drawString(15 * mm, y, line[:110])
        y -= 5 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
