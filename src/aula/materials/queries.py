"""Reads for materials: the console's list and what the public may see and download."""

from django.urls import reverse

from aula.events.models import Event
from aula.materials.models import Material


def for_console(event: Event) -> list[Material]:
    materials = list(Material.objects.filter(event=event))
    for material in materials:
        material.event = event
    return materials


def published(event: Event) -> list[Material]:
    """The event's published materials in order, each with ``href``: the public download
    address of a document, the recording's address of a link (one query)."""
    materials = list(Material.objects.filter(event=event, published=True))
    if not materials:
        return materials
    kwargs = {"project": event.project.slug, "event": event.slug}
    for material in materials:
        material.event = event
        material.href = (
            reverse("materials:download", kwargs={**kwargs, "material_id": material.pk})
            if material.is_document else material.url
        )
    return materials


def public_document(project_slug: str, event_slug: str, material_id: int) -> Material | None:
    """A published document of a public event, or None."""
    return (
        Material.objects.select_related("event")
        .filter(
            pk=material_id, kind=Material.Kind.DOCUMENT, published=True,
            event__project__slug=project_slug, event__slug=event_slug,
            event__in=Event.objects.published(),
        )
        .first()
    )
