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
    assert (entry.action, entry.actor_id, entry.event_id) == (
        "attendance.unmatched_purged", None, event.pk
    )
    assert entry.data == {"rows": 2, "imports": [batch.pk], "days": 180}
    assert "Kasia" not in str(entry.data) and "Nora" not in str(entry.data)
    # Again: nothing left, nothing recorded.
    with time_machine.travel(IMPORTED + timedelta(days=181), tick=False):
        assert retention.purge_unmatched() == 0
    assert AuditEntry.objects.count() == 1


def test_the_period_is_a_setting(imported, settings):
    settings.AULA_RETENTION_UNMATCHED_ATTENDANCE_DAYS = 30
    with time_machine.travel(IMPORTED + timedelta(days=30, seconds=1), tick=False):
        assert retention.purge_unmatched(batch_size=1) == 2
    assert AuditEntry.objects.count() == 2  # one per batch


def test_the_purge_is_on_the_schedulers_tick():
    assert periodic.job_name(retention.purge_unmatched) in periodic.registered()
