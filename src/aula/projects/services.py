"""The record of changes to projects and their partners: the admin's saves and deletes
(``record_saved`` / ``record_deleted``) and the console's actions (``create_project``,
``change_project``, ``add_partner``, ``change_partner``, ``move_partner``, ``remove_partner``),
each writing its audit entry, with the fields before and after, in the transaction of the change.
And the owner's retention settings (``set_retention``), an action on the record."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
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
                  "last_payment_year", "audit_period_ends_on", "retention_months",
                  "embed_origins")
PARTNER_FIELDS = ("project", "organisation", "local_names", "role", "order", "city", "country",
                  "website", "ecoc_year", "ecoc_note", "logo")

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



# --- The console's actions on a project and its partners --------------------------------------
# Each checks the whole record (``full_clean``) before it stores anything and writes its entry in
# the same transaction; bad input raises ``ValidationError`` and stores nothing.

PARTNER_MOVED = audit.action("partner.moved", gettext_lazy("Moved a partner in the list"))


def _save_unique(instance) -> None:
    """Save ``instance``; another organiser's save of the same code or address name between
    the check and the save is refused in words, not with an error page."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(
            _("Someone has just saved a record with the same name, code or address name. "
              "Please choose another.")
        ) from error


@transaction.atomic
def create_project(project: Project, *, actor, via: str = "console") -> Project:
    project.full_clean()
    _save_unique(project)
    record_saved(actor, project, None, via=via)
    return project


@transaction.atomic
def change_project(project: Project, *, actor, via: str = "console") -> Project:
    """Save the edited ``project``; its entry holds the fields changed since it was read."""
    stored = Project.objects.select_for_update().get(pk=project.pk)
    before = snapshot(stored)
    project.full_clean()
    _save_unique(project)
    record_saved(actor, project, before, via=via)
    return project


def _attach_logo(partner: Partner, upload) -> None:
    """Store ``upload`` as the partner's logo (under a random name) or refuse it in words."""
    if upload is None:
        return
    picture = images.check(upload)
    partner.logo.save(f"upload.{picture.extension}", upload, save=False)


@transaction.atomic
def add_partner(partner: Partner, *, actor, logo=None, via: str = "console") -> Partner:
    """A new partner, last in the project's list unless given its place; ``logo``: an upload
    of its logo (checked by its bytes: ``core.images``)."""
    Project.objects.select_for_update().filter(pk=partner.project_id).first()
    if not partner.order:
        last = partner.project.partners.order_by("-order").values_list("order", flat=True).first()
        partner.order = (last or 0) + 1
    partner.full_clean()
    _attach_logo(partner, logo)
    _save_unique(partner)
    record_saved(actor, partner, None, via=via)
    return partner


@transaction.atomic
def change_partner(partner: Partner, *, actor, logo=None, remove_logo: bool = False,
                   via: str = "console") -> Partner:
    """Save the edited ``partner``; a new ``logo`` upload replaces its logo, ``remove_logo``
    takes it away."""
    stored = Partner.objects.select_for_update().get(pk=partner.pk)
    before = snapshot(stored)
    partner.full_clean()
    if remove_logo and logo is None:
        partner.logo = ""
    _attach_logo(partner, logo)
    _save_unique(partner)
    record_saved(actor, partner, before, via=via)
    return partner


@transaction.atomic
def move_partner(partner: Partner, direction: str, *, actor, via: str = "console") -> bool:
    """Swap ``partner`` with its neighbour ``"up"`` or ``"down"`` in the project's list (the
    public pages' order); False when it is already first or last."""
    Project.objects.select_for_update().filter(pk=partner.project_id).first()
    partners = list(Partner.objects.filter(project_id=partner.project_id).order_by("order", "id"))
    index = next(i for i, p in enumerate(partners) if p.pk == partner.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(partners):
        return False
    partners[index], partners[other] = partners[other], partners[index]
    for position, each in enumerate(partners, start=1):  # renumbered: equal orders swap too
        if each.order != position:
            each.order = position
            each.save(update_fields=["order"])
    moved = partners[other]
    audit.record(actor, PARTNER_MOVED, moved, project=moved.project_id, via=via,
                 changes={"order": [index + 1, other + 1]})
    return True


def partner_uses(partner: Partner) -> list[str]:
    """Where the partner is named (an event's host or contact organisation, a privacy notice's
    controller, ...), one line each, found through every relation to ``Partner`` so no app
    below the ones naming partners needs to know them. What belongs to the partner (a relation
    that deletes with it) is no use by someone else."""
    uses = []
    for relation in Partner._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.related_model is Partner or not relation.field.concrete:
            continue
        if relation.on_delete is models.CASCADE:  # the partner's own (a logo): goes with it
            continue
        model = relation.related_model
        for obj in model._default_manager.filter(**{relation.field.name: partner})[:5]:
            uses.append(_("%(role)s of the %(kind)s “%(name)s”") % {
                "role": relation.field.verbose_name, "kind": model._meta.verbose_name,
                "name": obj,
            })
    return uses


@transaction.atomic
def remove_partner(partner: Partner, *, actor, via: str = "console") -> None:
    """Remove a partner no event, notice or contact names; refused (``ActionRefused``, nothing
    stored) with where it is named otherwise."""
    Project.objects.select_for_update().filter(pk=partner.project_id).first()
    uses = partner_uses(partner)
    if uses:
        raise ActionRefused(
            _("%(partner)s cannot be removed while it is named as: %(uses)s. Change those "
              "first.") % {"partner": partner.organisation, "uses": "; ".join(uses)}
        )
    record_deleted(actor, partner, via=via)
    partner.delete()
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
