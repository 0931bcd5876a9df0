"""Console page: the registration form on a partner's site. The HTML to copy (a frame and
Aula's ``/embed.js``) in the language the partner chooses, a preview, and the sites the
project allows (``Project.embed_origins``, edited by owners on the project's page). Editors and
owners see it (``permissions.may_see_embed_snippet``); it changes nothing."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from aula.console.models import Role
from aula.console.permissions import allows, event_for, require_embed_snippet
from aula.projects import origins
from aula.registrations import queries


@login_required
@require_safe
def event_embed(request, event_id):
    event, role = event_for(request.user, event_id)
    require_embed_snippet(role)
    languages = queries.embed_languages(event)
    language = request.GET.get("language")
    if language not in languages:
        language = event.primary_language if event.primary_language in languages else languages[0]
    allowed = origins.header_sources(event.project.embed_origins)
    return render(request, "console/events/embed.html", {
        "event": event, "project": event.project, "role": role,
        "can_edit": allows(role, Role.EDITOR), "is_owner": allows(role, Role.OWNER),
        "content_language": event.primary_language,
        "languages": [(code, translation.get_language_info(code)["name_local"])
                      for code in languages],
        "language": language,
        "snippet": queries.embed_snippet(event, language, settings.AULA_BASE_URL),
        "embed_url": queries.embed_address(event, language),
        "origins": allowed,
        # A draft has no public form yet (the frame would say "not found").
        "is_public": event.status != event.Status.DRAFT,
    })
