"""Writes for materials: adding a document or a link, changing and removing them.

An uploaded document must really be one of the kinds in ``materials.filetypes`` (told by its
bytes, not its name or the browser's word for it), no larger than ``AULA_MATERIAL_MAX_BYTES``;
it is stored under a random name and downloaded under a cleaned copy of its own, with the
extension of what it is.
"""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.events.models import Event
from aula.materials import filetypes
from aula.materials.models import Material
from aula.registrations import display
from aula.registrations.models import FollowUp, Registration
from aula.registrations.services import followups

ADDED = audit.action("materials.added", gettext_lazy("Added a material"))
CHANGED = audit.action("materials.changed", gettext_lazy("Changed a material"))
DELETED = audit.action("materials.deleted", gettext_lazy("Removed a material"))

FIELDS = ("title", "order", "published", "url")

DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "AULA_MATERIAL_MAX_BYTES", DEFAULT_MAX_BYTES))


def safe_filename(name: str, kind: filetypes.FileType = filetypes.PDF) -> str:
    """'Raport final (v2).PDF' → 'raport-final-v2.pdf': ASCII letters, digits and dashes only,
    whatever the uploader's file was called, and the extension of what the file is."""
    stem = slugify(PurePath(str(name).replace("\\", "/")).stem)[:100].strip("-_")
    return f"{stem or 'document'}.{kind.extension}"


def check_document(upload) -> filetypes.FileType:
    """The kind of an acceptable upload; refuses one too large or of no accepted kind."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    kind = filetypes.detect(upload)
    if kind is None:
        raise ValidationError(
            _("This kind of file is not accepted. Accepted: %(kinds)s")
            % {"kinds": filetypes.ACCEPTED_TEXT},
            code="not_accepted",
        )
    return kind


def _save(material: Material) -> Material:
    material.full_clean()
    material.save()
    return material


def _added(actor, material: Material) -> Material:
    audit.record(actor, ADDED, material, event=material.event, data={
        "kind": material.kind, **audit.snapshot(material, FIELDS),
        "filename": material.filename, "size": material.size,
    })
    return material


@transaction.atomic
def add_document(event: Event, *, actor, title: dict, upload, order: int = 0,
                 published: bool = False) -> Material:
    kind = check_document(upload)
    material = Material(
        event=event, kind=Material.Kind.DOCUMENT, title=title, order=order,
        published=published, filename=safe_filename(upload.name, kind), size=upload.size,
    )
    material.file.save(f"upload.{kind.extension}", upload, save=False)
    try:
        _save(material)
    except ValidationError:
        material.file.delete(save=False)
        raise
    return _added(actor, material)


@transaction.atomic
def add_link(event: Event, *, actor, title: dict, url: str, order: int = 0,
             published: bool = False) -> Material:
    return _added(actor, _save(Material(
        event=event, kind=Material.Kind.LINK, title=title, url=url, order=order,
        published=published,
    )))


@transaction.atomic
def update(material: Material, *, actor, title: dict, order: int, published: bool,
           url: str | None = None) -> Material:
    before = audit.snapshot(material, FIELDS)
    material.title, material.order, material.published = title, order, published
    if material.kind == Material.Kind.LINK and url is not None:
        material.url = url
    _save(material)
    audit.record(actor, CHANGED, material, event=material.event,
                 changes=audit.changes_between(before, audit.snapshot(material, FIELDS)))
    return material


def delete(material: Material, *, actor) -> None:
    file = material.file if material.kind == Material.Kind.DOCUMENT else None
    with transaction.atomic():
        audit.record(actor, DELETED, material, event=material.event, data={
            "kind": material.kind, **audit.snapshot(material, FIELDS),
            "filename": material.filename,
        })
        material.delete()
    if file:
        file.delete(save=False)


def send_materials_notices() -> int:
    """The scheduler's tick: tell the confirmed registrants of each held event whose organiser
    switched it on that the materials are online (on the event's page), once at least one is
    published; once each (``registrations.services.followups``)."""
    sent = 0
    for event in followups.events_due(FollowUp.MATERIALS):
        if not Material.objects.filter(event=event, published=True).exists():
            continue
        registrations = Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, anonymised_at__isnull=True
        ).order_by("id")
        sent += followups.send_follow_up(
            event, FollowUp.MATERIALS, registrations,
            lambda registration, event=event: display.event_url(event, registration.language),
        )
    return sent
