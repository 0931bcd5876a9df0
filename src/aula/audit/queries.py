"""Reading the audit log for the console: per project or per event, filtered, in words.

An entry is shown as "who did what to which object": ``describe`` gives the action in words (the
label declared beside the action), ``readable_changes`` the changed fields by their model's
verbose names with values in words (a choice by its label, yes/no, times in the current zone),
``readable_details`` the details. None of this queries the database: a page of entries costs the
same number of queries whatever it holds.
"""

import datetime
import json
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.audit.models import AuditEntry
from aula.audit.services import CHANGED, DOWNLOADED, declared, label_of

# The groups of actions the log can be filtered by, in the order a menu offers them. Actions
# declared under another prefix get a group of their own, named by the prefix.
GROUPS = {
    "event.": gettext_lazy("Event: creating, editing, publishing, cancelling"),
    "agenda.": gettext_lazy("Agenda"),
    "session.": gettext_lazy("Sessions"),
    "person.": gettext_lazy("Speakers and moderators"),
    "registration.": gettext_lazy("Registrations"),
    "setup": gettext_lazy("Registration set-up: questions, privacy notice, options"),
    "attendance.": gettext_lazy("Attendance"),
    "materials.": gettext_lazy("Materials"),
    "feedback.": gettext_lazy("Feedback survey"),
    "certificates.": gettext_lazy("Certificates"),
    "campaign.": gettext_lazy("Messages to registrants"),
    "emails": gettext_lazy("Automatic e-mails and e-mails after the event"),
    "announcement.": gettext_lazy("Announcement kit"),
    "member.": gettext_lazy("Project members"),
    "project": gettext_lazy("Project and partners"),
    "api.": gettext_lazy("API tokens"),
    "webhook.": gettext_lazy("Webhooks"),
    DOWNLOADED: gettext_lazy("Downloads of personal data"),
}


# Groups that gather several prefixes (every other group is one prefix).
SEVERAL_PREFIXES = {
    "setup": ("question.", "privacy_notice.", "registration_options.", "registration_window."),
    "project": ("project.", "partner."),
    "emails": ("email_text.", "follow_ups."),
}
_GATHERED = tuple(prefix for prefixes in SEVERAL_PREFIXES.values() for prefix in prefixes)


# Actions on an organiser's own account, and the admin's on the whole outbox: on no project's
# record (the admin shows them).
NOT_IN_PROJECTS = ("account.", "outbox.")


@dataclass(frozen=True)
class Filters:
    action: str = ""  # a name or a prefix ending in "." ("registration.")
    actor: str = ""  # user name
    since: date | None = None
    until: date | None = None  # inclusive

    @property
    def active(self) -> bool:
        return bool(self.action or self.actor or self.since or self.until)


def groups() -> list[tuple[str, str]]:
    """(prefix or action name, words) for every group of declared actions."""
    found = dict(GROUPS)
    for name in sorted(declared()):
        if "." in name and not name.startswith((*NOT_IN_PROJECTS, *_GATHERED)):
            prefix = name.split(".", 1)[0] + "."
            found.setdefault(prefix, prefix.rstrip("."))
    return [(key, str(label)) for key, label in found.items()]


def entries(*, project_id: int, event_id: int | None = None, filters: Filters = Filters()
            ) -> QuerySet[AuditEntry]:
    query = AuditEntry.objects.filter(project_id=project_id)
    if event_id is not None:
        query = query.filter(event_id=event_id)
    if filters.action:
        if filters.action in SEVERAL_PREFIXES:
            any_prefix = Q()
            for prefix in SEVERAL_PREFIXES[filters.action]:
                any_prefix |= Q(action__startswith=prefix)
            query = query.filter(any_prefix)
        elif filters.action.endswith("."):
            query = query.filter(action__startswith=filters.action)
        else:
            query = query.filter(action=filters.action)
    if filters.actor:
        query = query.filter(actor_name=filters.actor)
    zone = timezone.get_current_timezone()
    if filters.since:
        query = query.filter(at__gte=datetime.datetime.combine(filters.since, time.min, zone))
    if filters.until:
        end = datetime.datetime.combine(filters.until + timedelta(days=1), time.min, zone)
        query = query.filter(at__lt=end)
    return query.order_by("-at", "-id")


def actors(*, project_id: int, event_id: int | None = None) -> list[str]:
    query = AuditEntry.objects.filter(project_id=project_id).exclude(actor_name="")
    if event_id is not None:
        query = query.filter(event_id=event_id)
    return list(query.order_by("actor_name").values_list("actor_name", flat=True).distinct())


def describe(entry: AuditEntry) -> str:
    return str(label_of(entry.action))


# --- In words ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str
    only_changed: bool  # personal (or too long to copy): the log says only that it changed


def _model(entry: AuditEntry) -> type[models.Model] | None:
    if not entry.target_type:
        return None
    try:
        return apps.get_model(entry.target_type)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _when(text: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "j M Y, H:i")


def shown(value, field=None) -> str:
    """A stored value in words."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and getattr(field, "choices", None) and not isinstance(value, list | dict):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and isinstance(field, models.DateTimeField):
        return _when(value)
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value) or "–"
    if isinstance(value, dict):
        # A translated text ({"en": …, "ro": …}) or a nested detail.
        return "; ".join(f"{key}: {shown(item)}" for key, item in value.items()) or "–"
    return str(value)


def _field_label(model, name: str) -> str:
    field = _field(model, name)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return name.replace("_", " ")


def readable_changes(entry: AuditEntry) -> list[Change]:
    model = _model(entry)
    result = []
    for name, values in (entry.changes or {}).items():
        field = _field(model, name)
        label = _field_label(model, name)
        if isinstance(values, list) and values == [CHANGED]:
            result.append(Change(name, label, "", "", True))
        elif isinstance(values, list) and len(values) == 2:
            result.append(Change(name, label, shown(values[0], field), shown(values[1], field),
                                 False))
        else:
            result.append(Change(name, label, "", shown(values), False))
    return result


def object_kind(entry: AuditEntry) -> str:
    """The kind of object in words ("event", "registration"), or its stored name."""
    model = _model(entry)
    return str(model._meta.verbose_name) if model is not None else entry.target_type


def readable_details(entry: AuditEntry) -> list[tuple[str, str]]:
    return [(str(key).replace("_", " "), shown(value)) for key, value in (entry.data or {}).items()]


def changes_text(entry: AuditEntry) -> str:
    """The changes on one line (for the export)."""
    parts = []
    for change in readable_changes(entry):
        if change.only_changed:
            parts.append(_("%(field)s: changed") % {"field": change.label})
        else:
            parts.append(f"{change.label}: {change.before} → {change.after}")
    return "; ".join(parts)


def details_text(entry: AuditEntry) -> str:
    return json.dumps(entry.data or {}, ensure_ascii=False, sort_keys=True) if entry.data else ""
