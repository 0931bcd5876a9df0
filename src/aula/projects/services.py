"""The record of changes to projects and their partners (made in the admin): each save or
delete writes its audit entry, with the fields before and after, in its own transaction."""

from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.projects.models import Partner, Project

PROJECT_CREATED = audit.action("project.created", gettext_lazy("Created the project"))
PROJECT_CHANGED = audit.action("project.changed", gettext_lazy("Changed the project"))
PROJECT_DELETED = audit.action("project.deleted", gettext_lazy("Deleted the project"))
PARTNER_ADDED = audit.action("partner.added", gettext_lazy("Added a partner"))
PARTNER_CHANGED = audit.action("partner.changed", gettext_lazy("Changed a partner"))
PARTNER_DELETED = audit.action("partner.deleted", gettext_lazy("Deleted a partner"))

PROJECT_FIELDS = ("name", "code", "slug", "full_title", "programme", "website",
                  "primary_language", "starts_on", "ends_on", "description")
PARTNER_FIELDS = ("project", "organisation", "local_names", "role", "order", "city", "country",
                  "website", "ecoc_year", "ecoc_note")

_AUDIT = {
    Project: (PROJECT_FIELDS, PROJECT_CREATED, PROJECT_CHANGED, PROJECT_DELETED),
    Partner: (PARTNER_FIELDS, PARTNER_ADDED, PARTNER_CHANGED, PARTNER_DELETED),
}


def snapshot(instance) -> dict:
    return audit.snapshot(instance, _AUDIT[type(instance)][0])


def record_saved(actor, instance, before: dict | None, *, via: str = ""):
    """The entry for ``instance`` (saved) added (``before`` None) or changed from ``before``;
    nothing when no audited field changed. Inside the transaction of the save."""
    fields, added, changed, _deleted = _AUDIT[type(instance)]
    changes = audit.changes_between(before or {}, audit.snapshot(instance, fields))
    if before is not None and not changes:
        return None
    return audit.record(actor, added if before is None else changed, instance,
                        changes=changes, via=via)


def record_deleted(actor, instance, *, via: str = ""):
    """The entry for ``instance`` about to be deleted (call it before the delete)."""
    fields, _added, _changed, deleted = _AUDIT[type(instance)]
    return audit.record(actor, deleted, instance,
                        changes=audit.changes_between(audit.snapshot(instance, fields), {}),
                        via=via)
