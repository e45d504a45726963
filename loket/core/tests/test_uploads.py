import io

import pytest
from PIL import Image

from loket.core.errors import ApplicationError
from loket.core.uploads import upload_open, upload_store, upload_validate


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (50, 50), (0, 100, 0))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_png_is_reencoded():
    clean = upload_validate(io.BytesIO(png_bytes() + b"<?php evil() ?>"), name="ktp.png")
    assert clean.kind == "png"
    assert b"evil" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).size == (40, 30)


def test_jpeg_metadata_is_dropped():
    clean = upload_validate(io.BytesIO(jpeg_with_exif()), name="foto.jpg")
    assert clean.kind == "jpeg"
    assert b"SecretCameraMaker" not in clean.content


def test_plain_pdf_passes_unchanged():
    clean = upload_validate(io.BytesIO(PDF), name="kk.pdf")
    assert (clean.kind, clean.content) == ("pdf", PDF)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 this is an exe", "upload_type"),
        (b"<html><script>alert(1)</script>", "upload_type"),
        (b"", "upload_empty"),
        (b"\x89PNG\r\n\x1a\nbroken", "upload_damaged"),
        (b"%PDF-1.4 no end", "upload_damaged"),
        (b"%PDF-1.4 /JavaScript (app.alert(1)) %%EOF", "upload_active_content"),
    ],
)
def test_bad_files_are_refused_with_a_reason(content, code):
    with pytest.raises(ApplicationError) as info:
        upload_validate(io.BytesIO(content), name="ktp.jpg", field="ktp")
    assert info.value.code == code
    assert "ktp" in info.value.fields


def test_size_limit():
    with pytest.raises(ApplicationError) as info:
        upload_validate(io.BytesIO(PDF + b" " * 2048), max_bytes=1024)
    assert info.value.code == "upload_too_large"


def test_allowed_kinds_can_be_narrowed():
    with pytest.raises(ApplicationError) as info:
        upload_validate(io.BytesIO(PDF), allowed=("jpeg", "png"))
    assert info.value.code == "upload_type"


def test_store_and_read_back(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clean = upload_validate(io.BytesIO(PDF))
    relative = upload_store(clean, folder="complaints/1")
    assert relative.startswith("complaints/1/") and relative.endswith(".pdf")
    assert upload_open(relative) == PDF
    with pytest.raises(ApplicationError):
        upload_open("../../etc/passwd")
