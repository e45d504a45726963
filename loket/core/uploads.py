"""Checking uploads by what they contain, not what they are called.

Only JPEG, PNG and PDF are accepted. Images are decoded and re-encoded (which drops
metadata such as GPS positions and anything appended to the file); PDFs must look like
PDFs and carry no active content. Files are stored outside the web root under a random
name and served only through views that check who is asking.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from loket.core.errors import ApplicationError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel scan is plenty; more is a decompression bomb
_MAGIC = {
    b"\xff\xd8\xff": "jpeg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"%PDF-": "pdf",
}
_CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
_PDF_ACTIVE = (b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


@dataclass(frozen=True)
class CleanUpload:
    kind: str  # "jpeg" | "png" | "pdf"
    content: bytes
    original_name: str
    sha256: str

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self.kind]

    @property
    def extension(self) -> str:
        return "jpg" if self.kind == "jpeg" else self.kind


def _error(code: str, message: str, field: str) -> ApplicationError:
    return ApplicationError(code, message, fields={field: message})


def sniff(head: bytes) -> str | None:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def upload_validate(
    file: IO[bytes],
    *,
    name: str = "",
    field: str = "file",
    allowed: tuple[str, ...] = ("jpeg", "png", "pdf"),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CleanUpload:
    """Read, check and clean one uploaded file, or raise ApplicationError naming `field`."""
    raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise _error(
            "upload_too_large",
            _(
                "The file is larger than %(mb)s MB; scan it at a lower resolution or as a smaller PDF."
            )
            % {"mb": max_bytes // (1024 * 1024)},
            field,
        )
    if not raw:
        raise _error("upload_empty", _("The file is empty."), field)
    kind = sniff(raw[:16])
    if kind is None or kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        raise _error(
            "upload_type",
            _(
                "This file is not a real %(types)s file, whatever its name says. Upload a photo or scan in one of these formats."
            )
            % {"types": names},
            field,
        )
    content = _clean_pdf(raw, field) if kind == "pdf" else _reencode_image(raw, kind, field)
    return CleanUpload(
        kind=kind,
        content=content,
        original_name=Path(name).name[:120],
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _reencode_image(raw: bytes, kind: str, field: str) -> bytes:
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise _error("upload_too_large", _("The image has too many pixels."), field)
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            else:
                keep = image.mode if image.mode in ("RGB", "RGBA", "L", "LA", "P") else "RGBA"
                image.convert(keep).save(out, "PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise _error(
            "upload_damaged",
            _("The image could not be read; it may be damaged. Take the photo again."),
            field,
        ) from None


def _clean_pdf(raw: bytes, field: str) -> bytes:
    if b"%%EOF" not in raw[-2048:]:
        raise _error(
            "upload_damaged", _("The PDF is incomplete or damaged; save it again and retry."), field
        )
    if any(marker in raw for marker in _PDF_ACTIVE):
        raise _error(
            "upload_active_content",
            _("The PDF contains scripts or embedded files; print it to a plain PDF and retry."),
            field,
        )
    return raw


def upload_store(upload: CleanUpload, *, folder: str) -> str:
    """Write the cleaned file under MEDIA_ROOT/folder with a random name; return its relative path."""
    relative = Path(folder) / f"{secrets.token_hex(16)}.{upload.extension}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    tmp.write_bytes(upload.content)
    tmp.replace(target)  # atomic: a reader never sees half a file
    return str(relative)


def upload_open(relative: str) -> bytes:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ApplicationError("not_found", _("File not found."), status=404)
    return path.read_bytes()
