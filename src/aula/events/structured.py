"""An event as schema.org structured data (JSON-LD), for search engines and other readers.

Public data only: online events are located at their public page, never at the meeting address.
"""

import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from aula.events.models import Event, ItemRole, Person

SCHEMA = "https://schema.org"
ATTENDANCE_MODES = {
    Event.Format.ONLINE: f"{SCHEMA}/OnlineEventAttendanceMode",
    Event.Format.IN_PERSON: f"{SCHEMA}/OfflineEventAttendanceMode",
    Event.Format.HYBRID: f"{SCHEMA}/MixedEventAttendanceMode",
}
# JSON inside <script> ends at the first "</script>"; these escapes keep it valid JSON.
SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def event_json_ld(
    event: Event, page_url: str, language: str, *, people: Iterable[Person] | None = None
) -> dict:
    """The schema.org Event for ``event``'s page, in ``language`` where translated.

    ``people``: the people on the agenda in programme order, when the caller already has them;
    otherwise they are fetched in one query.
    """
    data = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.text("title", language).text,
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat(),
        "eventStatus": f"{SCHEMA}/{'EventCancelled' if event.is_cancelled else 'EventScheduled'}",
        "eventAttendanceMode": ATTENDANCE_MODES[event.format],
        "location": _location(event, page_url, language),
        "organizer": _organizer(event),
        "inLanguage": language,
        "url": page_url,
    }
    summary = event.text("summary", language).text
    if summary:
        data["description"] = summary
    performers = [
        _person(person, language)
        for person in _unique(agenda_people(event) if people is None else people)
        if person.name
    ]
    if performers:
        data["performer"] = performers
    return data


def json_ld_script(data: dict) -> SafeString:
    """``data`` in a ``<script type="application/ld+json">`` element, safe in any HTML page."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def agenda_people(event: Event) -> list[Person]:
    """Everyone with a role on the agenda, in programme order (with repeats), in one query."""
    roles = (
        ItemRole.objects.filter(item__block__event=event)
        .select_related("person")
        .order_by(
            "item__block__starts_at", "item__block__order", "item__block_id",
            "item__order", "item_id", "order", "id",
        )
    )
    return [role.person for role in roles]


def _unique(people: Iterable[Person]) -> list[Person]:
    seen = set()
    unique = []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


def _location(event: Event, page_url: str, language: str) -> dict | list[dict]:
    virtual = {"@type": "VirtualLocation", "url": page_url}
    if event.format == Event.Format.ONLINE:
        return virtual
    place = _place(event, language)
    if event.format == Event.Format.HYBRID:
        return [virtual, place]
    return place


def _place(event: Event, language: str) -> dict:
    text = event.text("location", language).text
    partner = event.host_partner
    if text:
        return {"@type": "Place", "name": text, "address": text}
    if partner is not None:
        address = {
            "@type": "PostalAddress",
            "addressLocality": partner.city,
            "addressCountry": str(partner.country),
        }
        return {"@type": "Place", "name": partner.city, "address": address}
    return {"@type": "Place", "name": event.project.name}


def _organizer(event: Event) -> dict:
    project = event.project
    partner = event.host_partner
    organizer = {
        "@type": "Organization",
        "name": partner.organisation if partner is not None else project.name,
    }
    if project.website:
        organizer["url"] = project.website
    return organizer


def _person(person: Person, language: str) -> dict:
    data = {"@type": "Person", "name": person.name}
    job_title = person.text("job_title", language).text
    if job_title:
        data["jobTitle"] = job_title
    if person.organisation:
        data["affiliation"] = {"@type": "Organization", "name": person.organisation}
    return data
