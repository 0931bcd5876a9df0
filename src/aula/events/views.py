"""The public pages: home, a project, an event, its printable agenda and its calendar file.

Thin views: the reads are in ``aula.events.queries``; what is computed here is computed once per
page (addresses, the event's date line) so that templates stay free of ``{% url %}`` in loops.
"""

import hashlib
import json
import re
from datetime import UTC
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import engines
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from aula.core import pagecache
from aula.core.markdown import plain_text
from aula.core.timefmt import format_range
from aula.events import queries
from aula.events.calendar import calendar_filename, feed_calendar
from aula.events.calendar import event_calendar as build_calendar
from aula.events.models import Event
from aula.events.schedule import schedule_json, schedule_xml
from aula.events.structured import event_json_ld, json_ld_script

# og:locale wants language_TERRITORY.
OG_LOCALES = {
    "en": "en_GB",
    "ro": "ro_RO",
    "lt": "lt_LT",
    "nl": "nl_NL",
    "it": "it_IT",
    "hr": "hr_HR",
}
NOT_DIALLED = re.compile(r"[^\d+]")


def absolute(path: str) -> str:
    return f"{settings.AULA_BASE_URL}{path}"


def format_when(event: Event) -> str:
    """'Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)', in the active
    language and the event's own zone."""
    return format_range(event.starts_at, event.ends_at, event.time_zone)


def utc_iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _listed(events, project_path: str) -> list[Event]:
    """Events with what a list shows: ``url`` (built from the project's address, reversed once)
    and ``when``."""
    for event in events:
        event.url = f"{project_path}{event.slug}/"
        event.when = format_when(event)
    return events


def _project_path(project) -> str:
    return reverse("events:project", kwargs={"project": project.slug})


def _until_first_end(events) -> dict:
    """The page lists these events as upcoming: keep it until the first of them is over."""
    ends = [event.ends_at for event in events]
    return {"pagecache_until": min(ends)} if ends else {}


def _with(response, **attributes):
    for name, value in attributes.items():
        setattr(response, name, value)
    return response


def _site(kwargs) -> str:
    return pagecache.SITE


def _project(kwargs) -> str:
    return kwargs["project"]


# The registration box changes with every registration: rendered per request, never cached.
REGISTRATION_BOX = b'<section id="register"'
_box_template = None


def render_registration_box(event: Event) -> str:
    global _box_template
    if _box_template is None:
        _box_template = engines["django"].from_string(
            "{% load registration_box %}{% registration_box event %}"
        )
    html = _box_template.render({"event": event})
    # Exactly the span ``_live_box`` cut out of the page.
    start = html.find(REGISTRATION_BOX.decode())
    end = html.find("</section>", start) + len("</section>")
    return html[start:end]


def _live_box(content: bytes, event: Event):
    """(start, end, event) of the registration box in the page; False when not found once."""
    if content.count(REGISTRATION_BOX) != 1:
        return False
    start = content.index(REGISTRATION_BOX)
    end = content.find(b"</section>", start)
    return False if end < 0 else (start, end + len(b"</section>"), event)


@pagecache.cached_page(_site)
def home(request):
    projects = queries.projects_with_upcoming_events()
    for project in projects:
        project.url = _project_path(project)
        _listed(project.upcoming_events, project.url)
    upcoming = [event for project in projects for event in project.upcoming_events]
    return _with(
        render(request, "events/home.html", {"projects": projects}), **_until_first_end(upcoming)
    )


@pagecache.cached_page(_project)
def project_home(request, project):
    project = queries.public_project(project)
    project_path = _project_path(project)
    events = queries.project_events(project)
    partners = queries.partners(project)
    hosts = {event.host_partner_id for event in (*events.upcoming, *events.past)}
    for partner in partners:
        # A feed to offer only for a partner that hosts a public event.
        partner.feed = feed_addresses(project, partner) if partner.pk in hosts else None
    context = {
        "project": project,
        "content_language": project.primary_language,
        "partners": partners,
        "hosting_partners": [partner for partner in partners if partner.feed],
        "feed": feed_addresses(project),
        "events_json_url": absolute(
            reverse("events:events_json", kwargs={"project": project.slug})
        ),
        "upcoming": _listed(events.upcoming, project_path),
        "past": _listed(events.past, project_path),
        "page_url": absolute(project_path),
        "og_locale": OG_LOCALES.get(get_language(), get_language()),
    }
    response = render(request, "events/project.html", context)
    return _with(response, **_until_first_end(events.upcoming))


def _event_addresses(event: Event) -> dict:
    kwargs = {"project": event.project.slug, "event": event.slug}
    page_path = reverse("events:event", kwargs=kwargs)
    return {
        "project_url": reverse("events:project", kwargs={"project": event.project.slug}),
        "page_path": page_path,
        "page_url": absolute(page_path),
        "agenda_url": reverse("events:agenda", kwargs=kwargs),
        "calendar_url": reverse("events:calendar", kwargs=kwargs),
        "schedule_xml_url": reverse("events:schedule_xml", kwargs=kwargs),
        "schedule_json_url": reverse("events:schedule_json", kwargs=kwargs),
    }


def _event_context(event: Event) -> dict:
    return {
        "event": event,
        "project": event.project,
        "content_language": event.primary_language or event.project.primary_language,
        "when": format_when(event),
        "starts_utc": utc_iso(event.starts_at),
        "ends_utc": utc_iso(event.ends_at),
        # Held or closed (the organiser said so, or it ended): it has taken place.
        "is_past": event.is_past() or event.is_held or event.is_closed,
        **_event_addresses(event),
    }


def _until_over(event: Event) -> dict:
    """An event's pages change when it is over (registration gives way to 'has taken place')."""
    return {} if event.is_past() else {"pagecache_until": event.ends_at}


@pagecache.cached_page(_project, render_live=render_registration_box)
def event_page(request, project, event):
    event = queries.published_event(project, event)
    slots = queries.agenda(event)
    people = queries.speakers(slots)
    language = get_language()
    context = _event_context(event)
    context.update(
        slots=slots,
        speakers=people,
        partners=queries.partners(event.project),
        contact_phone_href=NOT_DIALLED.sub("", event.contact_phone),
        og_locale=OG_LOCALES.get(language, language),
        json_ld=json_ld_script(event_json_ld(event, context["page_url"], language, people=people)),
    )
    response = render(request, "events/event.html", context)
    if not context["is_past"]:
        # Served from the cache, the box is rendered anew with this event (no query for it).
        response.pagecache_live = _live_box(response.content, event)
    return _with(response, **_until_over(event))


@pagecache.cached_page(_project)
def event_agenda_print(request, project, event):
    event = queries.published_event(project, event)
    context = _event_context(event)
    context["slots"] = queries.agenda(event)
    return _with(render(request, "events/agenda.html", context), **_until_over(event))


@pagecache.cached_page(_project)
def event_calendar(request, project, event):
    event = queries.published_event(project, event)
    page_url = _event_addresses(event)["page_url"]
    response = HttpResponse(
        build_calendar(event, get_language(), page_url),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=calendar_filename(event)
    )
    return response


# --- Open interfaces: calendar feeds, the frab schedule, the JSON list (docs/api.md) ---


def _with_etag(view):
    """An ETag over the body, and 304 for a client that already has it (also when the page
    came from the cache, which keeps the header with the body)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return wrapper


def webcal(url: str) -> str:
    """The same address for calendar programs that subscribe on a webcal:// link."""
    return "webcal://" + url.split("://", 1)[1]


def feed_addresses(project, partner=None) -> dict:
    if partner is None:
        path = reverse("events:project_feed", kwargs={"project": project.slug})
    else:
        path = reverse(
            "events:partner_feed", kwargs={"project": project.slug, "partner": partner.pk}
        )
    return {"https": absolute(path), "webcal": webcal(absolute(path))}


def _feed_response(request, project, events, name: str) -> HttpResponse:
    project_path = _project_path(project)
    pairs = [(event, absolute(f"{project_path}{event.slug}/")) for event in events]
    return HttpResponse(
        feed_calendar(pairs, get_language(), name), content_type="text/calendar; charset=utf-8"
    )


@require_safe
@_with_etag
@pagecache.cached_page(_project)
def project_feed(request, project):
    project = queries.public_project(project)
    name = _("%(project)s seminars") % {"project": project.name}
    return _feed_response(request, project, queries.feed_events(project), name)


@require_safe
@_with_etag
@pagecache.cached_page(_project)
def partner_feed(request, project, partner):
    project = queries.public_project(project)
    partner = queries.public_partner(project, partner)
    name = _("%(project)s seminars hosted by %(partner)s") % {
        "project": project.name, "partner": partner.name_in(get_language()),
    }
    return _feed_response(request, project, queries.feed_events(project, partner), name)


def _schedule_parts(project, event):
    event = queries.published_event(project, event)
    return event, queries.agenda(event), _event_addresses(event)["page_url"]


@require_safe
@_with_etag
@pagecache.cached_page(_project)
def event_schedule_xml(request, project, event):
    event, slots, page_url = _schedule_parts(project, event)
    return HttpResponse(
        schedule_xml(event, slots, get_language(), page_url),
        content_type="application/xml; charset=utf-8",
    )


@require_safe
@_with_etag
@pagecache.cached_page(_project)
def event_schedule_json(request, project, event):
    event, slots, page_url = _schedule_parts(project, event)
    response = JsonResponse(schedule_json(event, slots, get_language(), page_url))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _translations(value: dict | None, convert=str) -> dict:
    return {lang: convert(text) for lang, text in (value or {}).items() if text}


def _public_event(event, language: str, project_path: str) -> dict:
    kwargs = {"project": event.project.slug, "event": event.slug}
    page_path = f"{project_path}{event.slug}/"
    host = event.host_partner
    return {
        "uid": str(event.uid),
        "slug": event.slug,
        "title": _translations(event.title),
        "summary": _translations(event.summary, plain_text),
        "start": event.local_start.isoformat(),
        "end": event.local_end.isoformat(),
        "time_zone": event.time_zone,
        "format": event.format,
        "location": _translations(event.location),
        "status": event.status,
        "cancelled": event.is_cancelled,
        "language": event.primary_language,
        "urls": {
            "page": absolute(page_path),
            "calendar": absolute(f"{page_path}calendar.ics"),
            "registration": absolute(f"{page_path}register/")
            if event.is_published and not event.is_past() else None,
            "schedule_json": absolute(reverse("events:schedule_json", kwargs=kwargs)),
            "schedule_xml": absolute(reverse("events:schedule_xml", kwargs=kwargs)),
        },
        "host_partner": None if host is None else {
            "id": host.pk, "name": host.name_in(language), "city": host.city,
            "country": str(host.country), "website": host.website or None,
            "calendar": feed_addresses(event.project, host)["https"],
        },
    }


@require_safe
@_with_etag
@pagecache.cached_page(_project)
def project_events_json(request, project):
    """The project's public events for partners' websites: any origin may read it."""
    project = queries.public_project(project)
    language = get_language()
    project_path = _project_path(project)
    events = queries.feed_events(project)
    body = {
        "project": {
            "slug": project.slug,
            "name": project.name,
            "url": absolute(project_path),
            "calendar": feed_addresses(project),
        },
        "language": language,
        "events": [_public_event(event, language, project_path) for event in events],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return _with(response, **_until_first_end([e for e in events if not e.is_past()]))
