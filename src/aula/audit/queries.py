"""Reading the audit log for the console: per project or per event, filtered."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from aula.audit.models import AuditEntry
from aula.audit.services import label_of


@dataclass(frozen=True)
class Filters:
    action: str = ""  # a name or a prefix ending in "." ("registration.")
    actor: str = ""  # user name
    since: date | None = None
    until: date | None = None  # inclusive


def entries(*, project_id: int, event_id: int | None = None, filters: Filters = Filters()
            ) -> QuerySet[AuditEntry]:
    query = AuditEntry.objects.filter(project_id=project_id)
    if event_id is not None:
        query = query.filter(event_id=event_id)
    if filters.action:
        if filters.action.endswith("."):
            query = query.filter(action__startswith=filters.action)
        else:
            query = query.filter(action=filters.action)
    if filters.actor:
        query = query.filter(actor_name=filters.actor)
    zone = timezone.get_current_timezone()
    if filters.since:
        query = query.filter(at__gte=datetime.combine(filters.since, time.min, zone))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, zone)
        query = query.filter(at__lt=end)
    return query.order_by("-at", "-id")


def actors(*, project_id: int, event_id: int | None = None) -> list[str]:
    query = AuditEntry.objects.filter(project_id=project_id).exclude(actor_name="")
    if event_id is not None:
        query = query.filter(event_id=event_id)
    return sorted(set(query.values_list("actor_name", flat=True)))


def describe(entry: AuditEntry) -> str:
    return str(label_of(entry.action))
