"""The workflow's office data in the admin: an office admin sees and edits only their own
offices' standards, approval chain, blank stock and settings; every edit is audited."""

import pytest

from loket.applications.models import (
    ApprovalChainStep,
    BlankStock,
    CompletionStandard,
    WorkflowSettings,
)
from loket.core.choices import Role
from loket.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(office_wib, office_wita):
    made = {}
    for office in (office_wib, office_wita):
        made[office.code] = {
            "completionstandard": CompletionStandard.objects.create(
                office=office, kind="regular", working_days=3
            ),
            "approvalchainstep": ApprovalChainStep.objects.create(
                office=office, sequence=1, role=Role.KASI
            ),
            "blankstock": BlankStock.objects.create(
                office=office, book_type="electronic", quantity=50, low_threshold=20
            ),
            "workflowsettings": WorkflowSettings.objects.create(office=office),
        }
    return made


@pytest.mark.parametrize(
    "model", ["completionstandard", "approvalchainstep", "blankstock", "workflowsettings"]
)
def test_an_office_admin_sees_only_their_offices_rows(
    client, office_wib, office_wita, make_staff, rows, model
):
    client.force_login(make_staff(Role.OFFICE_ADMIN, office_wita))
    listing = client.get(f"/admin/applications/{model}/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [rows[office_wita.code][model]]
    other = rows[office_wib.code][model]
    assert client.get(f"/admin/applications/{model}/{other.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    deleted = client.post(f"/admin/applications/{model}/{other.pk}/delete/", {"post": "yes"})
    assert deleted.status_code in (302, 403, 404)
    assert type(other).objects.filter(pk=other.pk).exists()


def test_blank_stock_edit_is_scoped_and_audited(
    client, office_wib, office_wita, make_staff, national_admin, rows
):
    own = rows[office_wita.code]["blankstock"]
    client.force_login(make_staff(Role.OFFICE_ADMIN, office_wita))
    response = client.post(
        f"/admin/applications/blankstock/{own.pk}/change/",
        {"office": office_wita.pk, "book_type": "electronic", "quantity": 120, "low_threshold": 25},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.quantity, own.low_threshold) == (120, 25)
    line = AuditEntry.objects.get(action="admin.change", target_id=str(own.pk))
    assert line.office_code == office_wita.code
    assert line.changes["quantity"] == [50, 120]

    # Another office's id is not a choice: the form is shown again and nothing is added.
    refused = client.post(
        "/admin/applications/blankstock/add/",
        {"office": office_wib.pk, "book_type": "ordinary", "quantity": 5, "low_threshold": 1},
    )
    assert refused.status_code == 200
    assert not BlankStock.objects.filter(book_type="ordinary").exists()

    # Staff without an admin role see none of it; a national admin sees every office.
    client.force_login(make_staff(Role.PRINTING, office_wita))
    assert client.get("/admin/applications/blankstock/").status_code in (302, 403)
    client.force_login(national_admin)
    listing = client.get("/admin/applications/blankstock/")
    assert listing.status_code == 200
    assert listing.context["cl"].queryset.count() == 2
