"""The record of changes to projects and their partners (made in the admin): each save or
delete writes its audit entry, with the fields before and after, in its own transaction. And
the owner's retention settings (``set_retention``), an action on the record."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.core import images
from aula.core.errors import ActionRefused
from aula.projects.models import Partner, Project

PROJECT_CREATED = audit.action("project.created", gettext_lazy("Created the project"))
PROJECT_CHANGED = audit.action("project.changed", gettext_lazy("Changed the project"))
PROJECT_DELETED = audit.action("project.deleted", gettext_lazy("Deleted the project"))
PARTNER_ADDED = audit.action("partner.added", gettext_lazy("Added a partner"))
PARTNER_CHANGED = audit.action("partner.changed", gettext_lazy("Changed a partner"))
PARTNER_DELETED = audit.action("partner.deleted", gettext_lazy("Deleted a partner"))
RETENTION_SET = audit.action(
    "project.retention_set", gettext_lazy("Set how long personal data is kept")
)

PROJECT_FIELDS = ("name", "code", "slug", "full_title", "programme", "website",
                  "primary_language", "starts_on", "ends_on", "description",
                  "last_payment_year", "audit_period_ends_on", "retention_months")
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


LOGO_FIELDS = ("logo_set", "logo_set_alt")
RETENTION_FIELDS = ("last_payment_year", "audit_period_ends_on", "retention_months")


def set_retention(
    project: Project, *, actor, last_payment_year: int | None,
    audit_period_ends_on: date | None, retention_months: int | None, via: str = "",
) -> Project:
    """The owner states what they know of the audit period (the year of the last payment, or
    the period's end date) and, if they choose, a shorter period in months after each event's
    end. Raises ``ValidationError`` (nothing stored) on values out of range."""
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        before = audit.snapshot(current, RETENTION_FIELDS)
        current.last_payment_year = last_payment_year
        current.audit_period_ends_on = audit_period_ends_on
        current.retention_months = retention_months
        current.full_clean(exclude=[f.name for f in Project._meta.fields
                                    if f.name not in RETENTION_FIELDS],
                           validate_unique=False, validate_constraints=False)
        changes = audit.changes_between(before, audit.snapshot(current, RETENTION_FIELDS))
        if changes:
            current.save(update_fields=list(RETENTION_FIELDS))
            audit.record(actor, RETENTION_SET, current, changes=changes, via=via)
    for name in RETENTION_FIELDS:
        setattr(project, name, getattr(current, name))
    return project



LOGO_SET_SET = audit.action("project.logo_set_set", gettext_lazy("Set the project's logo set"))
LOGO_SET_REMOVED = audit.action(
    "project.logo_set_removed", gettext_lazy("Removed the project's logo set")
)


def set_logo_set(project: Project, *, actor, upload=None, alt: dict, via: str = "") -> Project:
    """A new logo set picture (``upload``, checked by its bytes: ``core.images``) and/or its
    description. Raises ``ValidationError`` (nothing stored) on a file that is not accepted or
    a project with no picture at all. The previous file is kept: certificates issued with it
    still print it (they are frozen records)."""
    picture = images.check(upload) if upload is not None else None
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        if picture is None and not current.logo_set:
            raise ValidationError({"logo_set": _("Choose the logo set's picture.")})
        before = audit.snapshot(current, LOGO_FIELDS)
        current.logo_set_alt = alt
        current.full_clean(exclude=[f.name for f in Project._meta.fields
                                    if f.name != "logo_set_alt"],
                           validate_unique=False, validate_constraints=False)
        if picture is not None:
            current.logo_set.save(f"upload.{picture.extension}", upload, save=False)
        current.save(update_fields=list(LOGO_FIELDS))
        changes = audit.changes_between(before, audit.snapshot(current, LOGO_FIELDS))
        audit.record(actor, LOGO_SET_SET, current, changes=changes, via=via,
                     data={"width": picture.width, "height": picture.height} if picture else None)
    project.logo_set, project.logo_set_alt = current.logo_set, current.logo_set_alt
    return current


def remove_logo_set(project: Project, *, actor, via: str = "") -> Project:
    """No logo set any more (the file stays for the certificates that print it)."""
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        if not current.logo_set:
            raise ActionRefused(_("The project has no logo set to remove."))
        before = audit.snapshot(current, LOGO_FIELDS)
        current.logo_set, current.logo_set_alt = "", {}
        current.save(update_fields=list(LOGO_FIELDS))
        audit.record(actor, LOGO_SET_REMOVED, current, via=via,
                     changes=audit.changes_between(before, audit.snapshot(current, LOGO_FIELDS)))
    project.logo_set, project.logo_set_alt = current.logo_set, current.logo_set_alt
    return current
