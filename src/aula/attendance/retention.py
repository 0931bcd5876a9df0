"""Rows of an imported attendance report that matched no registrant (someone who joined
without registering, or under another name and address) are personal data kept only while the
organiser may still match them by hand: ``AULA_RETENTION_UNMATCHED_ATTENDANCE_DAYS`` after the
import (default 180), then deleted. Matched rows follow their registration's retention
(``registrations.retention``). Run by the scheduler's tick (``AttendanceConfig.ready``)."""

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from aula.attendance.models import AttendanceRecord
from aula.audit import services as audit
from aula.events.models import Event

UNMATCHED_DAYS = 180
BATCH_SIZE = 1000

UNMATCHED_PURGED = audit.action(
    "attendance.unmatched_purged",
    gettext_lazy("Deleted the unmatched rows of old attendance imports"),
)


def unmatched_days() -> int:
    return int(getattr(settings, "AULA_RETENTION_UNMATCHED_ATTENDANCE_DAYS", UNMATCHED_DAYS))


def purge_unmatched(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> int:
    """Delete the unmatched rows of imports older than the period, batch by batch, each batch
    in one transaction with an audit entry by Aula per event (how many rows, of which
    imports; never who)."""
    cutoff = (now or timezone.now()) - timedelta(days=unmatched_days())
    due = AttendanceRecord.objects.filter(
        registration__isnull=True, batch__isnull=False, batch__imported_at__lt=cutoff
    )
    purged = 0
    while True:
        with transaction.atomic():
            rows = list(
                due.select_for_update().order_by("pk").values_list("pk", "event_id", "batch_id")[
                    :batch_size
                ]
            )
            if not rows:
                return purged
            deleted = AttendanceRecord.objects.filter(
                pk__in=[pk for pk, _event, _batch in rows]
            ).delete()[0]
            purged += deleted
            per_event = Counter(event_id for _pk, event_id, _batch in rows)
            imports: dict[int, set[int]] = {}
            for _pk, event_id, batch_id in rows:
                imports.setdefault(event_id, set()).add(batch_id)
            for event in Event.objects.filter(pk__in=per_event):
                audit.record(None, UNMATCHED_PURGED, event, data={
                    "rows": per_event[event.pk], "imports": sorted(imports[event.pk]),
                    "days": unmatched_days(),
                })
