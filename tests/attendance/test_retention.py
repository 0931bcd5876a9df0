"""Rows of an attendance import that matched no registrant are deleted after their period
(``aula.attendance.retention``); matched rows stay with their registration."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from aula.attendance import queries, retention, services
from aula.attendance.models import AttendanceRecord, ImportBatch
from aula.audit.models import AuditEntry
from aula.messaging import periodic
from tests.attendance.helpers import register_cast, sample
from tests.factories import clear_audit_log, make_event

pytestmark = pytest.mark.django_db

IMPORTED = datetime(2021, 6, 16, 9, tzinfo=UTC)


@pytest.fixture
def imported():
    """The sample Zoom report imported the day after the seminar: Nora (the host) and Kasia did
    not register, so their rows match nobody."""
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2021, 6, 15, 16, tzinfo=UTC))
    register_cast(event)
    with time_machine.travel(IMPORTED, tick=False):
        batch = services.import_report(event, "zoom.csv", sample("zoom-meeting"), actor=None)
    clear_audit_log()
    return event, batch


def test_unmatched_rows_stay_for_the_period_then_go(imported):
    event, batch = imported
    unmatched = AttendanceRecord.objects.filter(event=event, registration__isnull=True)
    assert unmatched.count() == 2
    matched = AttendanceRecord.objects.filter(event=event, registration__isnull=False).count()
    attendees = queries.attendees(event)

    with time_machine.travel(IMPORTED + timedelta(days=180) - timedelta(seconds=1), tick=False):
        assert retention.purge_unmatched() == 0
    assert unmatched.count() == 2
    with time_machine.travel(IMPORTED + timedelta(days=180, seconds=1), tick=False):
        assert retention.purge_unmatched() == 2
    assert unmatched.count() == 0
    assert AttendanceRecord.objects.filter(event=event).count() == matched
    assert queries.attendees(event) == attendees  # the figures stay right
    assert ImportBatch.objects.filter(pk=batch.pk).exists()

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.event_id, entry.project_id) == (
        "attendance.unmatched_purged", None, event.pk, event.project_id
    )
    assert (entry.target_type, entry.target_id) == ("attendance.importbatch", str(batch.pk))
    assert entry.data == {"rows": 2, "rows_left_out": 0, "days": 180}
    assert "Kasia" not in str(entry.data) and "Nora" not in str(entry.data)
    # Again: nothing left, nothing recorded.
    with time_machine.travel(IMPORTED + timedelta(days=181), tick=False):
        assert retention.purge_unmatched() == 0
    assert AuditEntry.objects.count() == 1


def test_the_period_is_a_setting(imported, settings):
    settings.AULA_RETENTION_UNMATCHED_ATTENDANCE_DAYS = 30
    with time_machine.travel(IMPORTED + timedelta(days=30, seconds=1), tick=False):
        assert retention.purge_unmatched() == 2


def test_rows_left_out_keep_their_line_and_reason_only():
    """The Zoom webinar report lists who registered there but did not come (Priya): that row
    is left out of the import, with her name and address, until the period ends."""
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2021, 6, 15, 16, tzinfo=UTC))
    with time_machine.travel(IMPORTED, tick=False):
        batch = services.import_report(event, "zoom.csv", sample("zoom-webinar"), actor=None)
    left_out = batch.skipped
    assert left_out and all(row["name"] or row["email"] for row in left_out)
    clear_audit_log()
    with time_machine.travel(IMPORTED + timedelta(days=181), tick=False):
        retention.purge_unmatched()
        batch.refresh_from_db()
        assert batch.skipped == [{"line": row["line"], "reason": row["reason"]}
                                 for row in left_out]
        entries = AuditEntry.objects.count()
        retention.purge_unmatched()  # nothing left: nothing done, nothing recorded
    assert AuditEntry.objects.count() == entries == 1
    assert AuditEntry.objects.get().data["rows_left_out"] == len(left_out)
    assert "Priya" not in str(AuditEntry.objects.get().data)


def test_the_purge_is_on_the_schedulers_tick():
    assert periodic.job_name(retention.purge_unmatched) in periodic.registered()
