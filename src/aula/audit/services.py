"""Writing the audit log: one entry per organiser action, in the action's own transaction.

Every action function of the domain apps (``events.lifecycle.publish``,
``registrations.services.capacity.change_event_capacity``, …) takes the acting person as
``actor`` and ends with ``record(...)``. Apps declare their action names once, beside the
functions that perform them::

    PUBLISHED = audit.action("event.published", _("Published the event"))

so the console can say in words what each entry means without a list kept elsewhere.
"""

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.audit.models import AuditEntry

# What personal fields turn into in ``changes``: that they changed, never their values.
CHANGED = "changed"

_labels: dict[str, Any] = {}


class NotInTransaction(RuntimeError):
    """An audit entry must be written in the transaction of the change it records."""


def action(name: str, label) -> str:
    """Declare an action (its dotted name and the words the log shows for it); returns
    ``name``. Declaring it again with the same name replaces the label."""
    _labels[name] = label
    return name


def label_of(name: str):
    return _labels.get(name, name)


def declared() -> dict[str, Any]:
    return dict(_labels)


def plain(value):
    """``value`` as JSON can hold it (times as ISO 8601 in UTC, objects by primary key)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` of ``instance`` (foreign keys by id), ready for ``changes``."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = plain(getattr(instance, attname))
    return values


def changes_between(
    before: Mapping[str, Any], after: Mapping[str, Any], personal: Iterable[str] = ()
) -> dict[str, list]:
    """``{field: [before, after]}`` for the fields whose value differs; a personal field
    becomes ``{field: ["changed"]}`` so the log refers to the change without copying the data."""
    personal = set(personal)
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = plain(before.get(name)), plain(after.get(name))
        if old == new:
            continue
        changes[name] = [CHANGED] if name in personal else [old, new]
    return changes


def _is(instance, model_name: str) -> bool:
    return isinstance(instance, models.Model) and instance._meta.model_name == model_name


def _scope(target, project, event) -> tuple[int | None, int | None]:
    if event is None and _is(target, "event"):
        event = target
    if event is None and target is not None and getattr(target, "event_id", None):
        event = target.event
    if project is None and _is(target, "project"):
        project = target
    project_id = getattr(project, "pk", project)
    if event is not None:
        event_id = getattr(event, "pk", event)
        if project_id is None and not isinstance(event, int):
            project_id = event.project_id
    else:
        event_id = None
    if project_id is None and target is not None and getattr(target, "project_id", None):
        project_id = target.project_id
    return project_id, event_id


def record(
    actor,
    name: str,
    target: models.Model | None = None,
    *,
    project=None,
    event=None,
    changes: Mapping[str, list] | None = None,
    data: Mapping[str, Any] | None = None,
    label: str | None = None,
    via: str = "",
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """Write the entry for action ``name`` done by ``actor`` (a user, or None for Aula itself)
    on ``target``. Must run inside the transaction of the change (raises otherwise)."""
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction(f"audit entry {name!r} written outside a transaction")
    project_id, event_id = _scope(target, project, event)
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=actor if is_person else None,
        actor_name=actor.get_username() if is_person else "",
        via=via,
        action=name,
        project_id=project_id,
        event_id=event_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=(label if label is not None else _target_label(target))[:300],
        changes=plain(dict(changes or {})),
        data=plain(dict(data or {})),
    )


def _target_label(target) -> str:
    # Registrations (personal data) are named by id only; everything else by its own name.
    if target is None or _is(target, "registration"):
        return ""
    return str(target)


DOWNLOADED = action("download", _("Downloaded personal data"))


def record_download(actor, what: str, *, project=None, event=None, data=None,
                    via: str = "") -> AuditEntry:
    """A download of personal data (an export, certificates, a report with names, a read
    through an API token with the personal scope: ``via``)."""
    with transaction.atomic():
        return record(
            actor, DOWNLOADED, project=project, event=event, via=via,
            data={"what": what, **(data or {})},
        )
