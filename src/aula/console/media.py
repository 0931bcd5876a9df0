"""Uploaded files under /media/, each answered only to whoever may see it.

A file is public when what it belongs to is public: a speaker's photo once the person is on the
programme of a published event, a document once it and its event are published, a project's
logo set always, an event's image once its event is published. Anyone else gets
404 unless they are a member of a project the file belongs to (the organisers preparing it).
A file of a kind not listed here is never served (fail closed). Lives in the console because it
needs the permissions of every app; a production proxy must pass /media/ through to Aula.
"""

from django.conf import settings
from django.http import Http404
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from aula.console.models import Role
from aula.console.permissions import allows, role_in, visible_projects
from aula.events.models import Event, Person
from aula.materials.models import Material
from aula.projects.models import Partner, Project

# How long browsers may keep a public file (names never change: a new upload is a new name).
PUBLIC_SECONDS = 3600


def _photo_access(user, name: str) -> str | None:
    people = Person.objects.filter(photo=name)
    if not people.exists():
        return None
    published = Event.objects.published()
    if people.filter(roles__item__block__event__in=published).exists():
        return "public"
    if not user.is_authenticated:
        return None
    projects = visible_projects(user)
    if people.filter(roles__item__block__event__project__in=projects).exists():
        return "private"
    # Not on any programme yet: people are chosen from one shared list, so any organiser may
    # see them (as the console's list of people shows them).
    if not people.filter(roles__isnull=False).exists() and projects.exists():
        return "private"
    return None


def _material_access(user, name: str) -> str | None:
    material = (
        Material.objects.select_related("event__project")
        .filter(file=name, kind=Material.Kind.DOCUMENT).first()
    )
    if material is None:
        return None
    if material.published and material.event.status != Event.Status.DRAFT:
        return "public"
    if allows(role_in(user, material.event.project), Role.VIEWER):
        return "private"
    return None


def _logo_set_access(user, name: str) -> str | None:
    # The programme's logo set is meant for everyone (only a current one: an old file kept for
    # the certificates that print it is not served).
    return "public" if Project.objects.filter(logo_set=name).exists() else None


def _partner_logo_access(user, name: str) -> str | None:
    # A partner's logo stands beside its name on the public pages.
    return "public" if Partner.objects.filter(logo=name).exists() else None


def _event_image_access(user, name: str) -> str | None:
    event = Event.objects.select_related("project").filter(image=name).first()
    if event is None:
        return None
    if event.status != Event.Status.DRAFT:
        return "public"
    if allows(role_in(user, event.project), Role.VIEWER):
        return "private"
    return None


ACCESS = {
    "people/": _photo_access, "materials/": _material_access,
    "logos/": _logo_set_access, "event-images/": _event_image_access,
    "partner-logos/": _partner_logo_access,
}
# Files a browser must save, never open in a tab (slides and documents from outside).
DOWNLOAD_ONLY = ("materials/",)


def access(user, name: str) -> str | None:
    """"public", "private" (only for this user, not to be cached by others) or None."""
    for prefix, check in ACCESS.items():
        if name.startswith(prefix) and ".." not in name.split("/"):
            return check(user, name)
    return None


@require_safe
def media(request, path):
    granted = access(request.user, path)
    if granted is None:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if path.startswith(DOWNLOAD_ONLY):
        response["Content-Disposition"] = "attachment"
    if granted == "public":
        patch_cache_control(response, public=True, max_age=PUBLIC_SECONDS)
    else:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
    return response
