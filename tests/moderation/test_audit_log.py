"""The audit log is append-only, in the model and in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from moderation.audit_log import audit_log_append
from moderation.models import AppendOnlyError, AuditLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(moderator):
    return audit_log_append(
        actor=moderator,
        action="dismiss",
        target_kind="flag",
        target_id=1,
        note="Nothing wrong here.",
    )


def test_an_update_is_rejected_by_the_database(entry):
    table = AuditLogEntry._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET note = 'rewritten' WHERE id = %s", [entry.pk])
    assert AuditLogEntry.objects.get(pk=entry.pk).note == "Nothing wrong here."


def test_a_delete_is_rejected_by_the_database(entry):
    table = AuditLogEntry._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert AuditLogEntry.objects.filter(pk=entry.pk).exists()


def test_the_model_refuses_changes_and_deletes(entry):
    entry.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditLogEntry.objects.filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditLogEntry.objects.all().delete()
    assert AuditLogEntry.objects.get(pk=entry.pk).note == "Nothing wrong here."


def test_an_action_without_a_note_is_refused(moderator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        audit_log_append(
            actor=moderator, action="dismiss", target_kind="flag", target_id=1, note="  "
        )
    assert not AuditLogEntry.objects.exists()
