import io

import pytest
from PIL import Image

from loket.core.choices import Role
from loket.feedback.services import complaint_file


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 10)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def file_complaint(db):
    def make(office, **kwargs):
        kwargs.setdefault("category", "slow")
        kwargs.setdefault("summary", "Antrean lama")
        kwargs.setdefault("description", "Saya menunggu tiga jam di loket wawancara.")
        return complaint_file(office=office, **kwargs)

    return make


@pytest.fixture
def cs(make_staff, office_wita):
    return make_staff(Role.CUSTOMER_SERVICE, office_wita)


@pytest.fixture
def head(make_staff, office_wita):
    return make_staff(Role.HEAD_OF_OFFICE, office_wita)


@pytest.fixture
def integrity(make_staff, office_wita):
    return make_staff(Role.INTEGRITY_OFFICER, office_wita)
