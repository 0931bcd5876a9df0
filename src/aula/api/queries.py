"""The API's public reads: only what the public pages show (never a draft, never a registrant),
each in a fixed number of queries (events.queries does the agenda)."""

import re

from django.conf import settings
from django.http import Http404
from django.utils import translation

from aula.api.models import ApiToken, token_id_of_via
from aula.events import queries as event_queries
from aula.events.models import Event
from aula.projects.models import Project

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
ID = re.compile(r"[0-9]{1,18}")  # ASCII digits that fit a 64-bit key


def language_of(request, lang: str | None = None) -> str:
    """``?lang=`` when it is one of ours, else the request's language (Accept-Language, as
    LocaleMiddleware chose it)."""
    if lang and lang.split("-")[0].lower() in LANGUAGE_CODES:
        return lang.split("-")[0].lower()
    return translation.get_language() or settings.LANGUAGE_CODE


def projects():
    return Project.objects.order_by("name", "id")


def project(slug: str) -> Project:
    return event_queries.public_project(slug)


def project_events(project: Project, upcoming: bool | None = None, now=None):
    """The project's public events, soonest first (one query per page, plus the count)."""
    from django.utils import timezone

    events = event_queries.public_events().filter(project=project).order_by("starts_at", "id")
    if upcoming is not None:
        now = now or timezone.now()
        events = events.filter(ends_at__gt=now) if upcoming else events.filter(ends_at__lte=now)
    return events


def project_event(project_slug: str, event: str) -> Event:
    """A public event of the project, by its slug or its id; 404 for a draft or none."""
    events = Event.objects.published().select_related(
        "project", "host_partner", "contact_organisation"
    ).filter(project__slug=project_slug)
    found = events.filter(slug=event).first()
    if found is None and ID.fullmatch(event):
        found = events.filter(pk=int(event)).first()
    if found is None:
        raise Http404("No such event")
    return found


def token_names(vias) -> dict[str, str]:
    """``{"api-token:<id>": token name}`` for the audit entries' ``via`` values that name a
    token (one query; a token that no longer exists is named by its number)."""
    ids = {via: token_id_of_via(via) for via in set(vias) if via}
    ids = {via: pk for via, pk in ids.items() if pk is not None}
    if not ids:
        return {}
    found = dict(ApiToken.objects.filter(pk__in=ids.values()).values_list("pk", "name"))
    return {via: found.get(pk, f"#{pk}") for via, pk in ids.items()}
