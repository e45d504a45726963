import pytest
from django.db import DatabaseError, connection, transaction

from loket.core.audit import audit_personal_data_view, audit_record
from loket.core.models import AuditEntry
from loket.core.tests.factories import ApplicantFactory, UserFactory


@pytest.mark.django_db
class TestAuditRecord:
    def test_writes_who_what_which_when(self, office_wib):
        actor = UserFactory()
        with transaction.atomic():
            entry = audit_record(
                actor=actor,
                action="office.test",
                target=office_wib,
                office_code=office_wib.code,
                changes={"a": [1, 2]},
                reason="because",
            )
        entry.refresh_from_db()
        assert entry.actor == actor
        assert entry.actor_label == actor.email
        assert entry.target_type == "offices.office"
        assert entry.target_id == str(office_wib.pk)
        assert entry.office_code == "CLP"
        assert entry.changes == {"a": [1, 2]}
        assert entry.at is not None

    def test_rolled_back_with_the_change(self, office_wib):
        class Boom(Exception):
            pass

        with pytest.raises(Boom), transaction.atomic():
            office_wib.name = "Changed"
            office_wib.save()
            audit_record(actor=None, action="office.rename", target=office_wib)
            raise Boom
        assert not AuditEntry.objects.filter(action="office.rename").exists()
        office_wib.refresh_from_db()
        assert office_wib.name == "Kanim Cilacap"

    def test_personal_data_view_is_recorded(self):
        officer, applicant = UserFactory(), ApplicantFactory()
        audit_personal_data_view(
            actor=officer,
            subject=applicant,
            office_code="KPG",
            fields=["nik", "address"],
            purpose="document check",
        )
        entry = AuditEntry.objects.get(action="personal_data.view")
        assert entry.target_id == str(applicant.pk)
        assert entry.changes == {"fields": ["address", "nik"]}
        assert entry.reason == "document check"


@pytest.mark.django_db(transaction=True)
class TestAppendOnly:
    def _entry(self):
        with transaction.atomic():
            return audit_record(actor=None, action="x.y")

    def test_refused_outside_a_transaction(self, office_wib):
        with pytest.raises(RuntimeError, match="inside the transaction"):
            audit_record(actor=None, action="x", target=office_wib)
        assert not AuditEntry.objects.exists()

    def test_model_refuses_update_and_delete(self):
        entry = self._entry()
        entry.action = "tampered"
        with pytest.raises(PermissionError):
            entry.save()
        with pytest.raises(PermissionError):
            entry.delete()
        with pytest.raises(PermissionError):
            AuditEntry.objects.all().delete()
        with pytest.raises(PermissionError):
            AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")

    def test_database_refuses_raw_update_and_delete(self):
        entry = self._entry()
        table = AuditEntry._meta.db_table
        for sql in (
            f"UPDATE {table} SET action = 'tampered' WHERE id = %s",  # noqa: S608
            f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [entry.pk])
        assert AuditEntry.objects.get(pk=entry.pk).action == "x.y"
