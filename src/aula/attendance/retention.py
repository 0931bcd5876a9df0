"""Rows of an imported attendance report that matched no registrant (someone who joined
without registering, or under another name and address) are personal data kept only while the
organiser may still match them by hand: ``AULA_RETENTION_UNMATCHED_ATTENDANCE_DAYS`` after the
import (default 180), then deleted; so are the names and addresses of the rows it left out
(absent, no time), of which the line and the reason stay. Matched rows follow their
registration's retention (``registrations.retention``). Run by the scheduler's tick
(``AttendanceConfig.ready``)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from aula.attendance.models import AttendanceRecord, ImportBatch
from aula.audit import services as audit

UNMATCHED_DAYS = 180
# Imports purged per run; the rest on the next (hourly) run.
BATCH_SIZE = 200

UNMATCHED_PURGED = audit.action(
    "attendance.unmatched_purged",
    gettext_lazy("Deleted the unmatched rows of old attendance imports"),
)


def unmatched_days() -> int:
    return int(getattr(settings, "AULA_RETENTION_UNMATCHED_ATTENDANCE_DAYS", UNMATCHED_DAYS))


def purge_unmatched(now: datetime | None = None) -> int:
    """For every import older than the period: delete its rows that matched nobody and keep
    of its rows left out (absent, no name, no time) only the line and the reason. One
    transaction per import, the import locked (a second tick at once finds nothing left), with
    an audit entry by Aula (how many rows, which import; never who). Returns the rows deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=unmatched_days())
    due = ImportBatch.objects.filter(imported_at__lt=cutoff).filter(
        Q(records__registration__isnull=True) | Q(skipped__0__has_key="name")
        | Q(skipped__0__has_key="email")
    )
    purged = 0
    for batch_id in due.values_list("pk", flat=True).distinct().order_by("pk")[:BATCH_SIZE]:
        purged += _purge_import(batch_id)
    return purged


def _purge_import(batch_id: int) -> int:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:  # deleted meanwhile
            return 0
        unmatched = AttendanceRecord.objects.filter(batch=batch, registration__isnull=True)
        deleted = unmatched.delete()[0]
        named = [row for row in batch.skipped if "name" in row or "email" in row]
        if named:
            batch.skipped = [{"line": row.get("line"), "reason": row.get("reason")}
                             for row in batch.skipped]
            batch.save(update_fields=["skipped"])
        if deleted or named:
            audit.record(None, UNMATCHED_PURGED, batch, event=batch.event, data={
                "rows": deleted, "rows_left_out": len(named), "days": unmatched_days(),
            })
    return deleted
