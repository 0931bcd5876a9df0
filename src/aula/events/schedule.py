"""An event's programme in the frab schedule formats (XML and JSON, as pretalx writes them), for
conference apps such as Giggity, ConfClerk or the c3nav/Fahrplan family.

Aula's event is the conference; its days are the event's local days; a room is "Plenary" for
plenary blocks and breaks, and a parallel session's own title for that session; an entry is an
agenda item (or a block without items). Each entry's ``guid`` is a UUID5 over the event's UID and
the item (or block), so it stays the same across exports and apps update rather than duplicate.
The ``id`` (a positive integer in frab) is the item's id doubled, or a block's doubled plus one,
so items and blocks never share one.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.etree import ElementTree

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from aula.core.markdown import plain_text

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = {"name": "Aula", "version": "1"}
TIMESLOT = "00:05"


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    guid: str
    starts_at: datetime
    ends_at: datetime
    room: str
    title: str
    subtitle: str
    track: str
    type: str
    description: str
    people: list
    slug: str


def entry_guid(event, kind: str, pk: int) -> str:
    return str(uuid.uuid5(event.uid, f"{kind}:{pk}"))


def _hh_mm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _room(block, language: str, fallback: str) -> str:
    if block.is_parallel:
        return block.text("title", language, fallback).text or block.get_kind_display()
    return _("Plenary")


def _item_times(block) -> list[tuple]:
    """(item, start, end) for each item: an item starts at its own time, else where the one
    before it started (or the block's start); it lasts until a later item starts, else to the
    block's end."""
    items = list(block.items.all())
    starts = []
    previous = block.starts_at
    for item in items:
        previous = item.starts_at or previous
        starts.append(previous)
    times = []
    for index, (item, start) in enumerate(zip(items, starts, strict=True)):
        later = [s for s in starts[index + 1:] if s > start]
        times.append((item, start, min(later) if later else block.ends_at))
    return times


def _people(item, language: str, fallback: str) -> list[dict]:
    return [
        {
            "id": role.person_id,
            "name": role.person.name,
            "role": role.get_role_display(),
            "biography": plain_text(role.person.text("bio", language, fallback).text),
        }
        for role in item.roles.all()
    ]


def entries(event, slots, language: str) -> list[Entry]:
    """Every entry of the programme in time order (no queries: reads what ``agenda`` fetched)."""
    fallback = event.primary_language
    result = []
    with translation.override(language):
        for slot in slots:
            for block in slot.blocks:
                room = _room(block, language, fallback)
                track = block.text("title", language, fallback).text
                kind = block.get_kind_display()
                times = _item_times(block)
                if not times:
                    title = track or kind
                    result.append(Entry(
                        id=block.pk * 2 + 1, guid=entry_guid(event, "block", block.pk),
                        starts_at=block.starts_at, ends_at=block.ends_at, room=room,
                        title=title, subtitle="", track=track, type=kind,
                        description=plain_text(block.text("description", language, fallback).text),
                        people=[], slug=f"{event.slug}-{block.pk * 2 + 1}-{slugify(title)}"[:100],
                    ))
                for item, start, end in times:
                    title = item.text("title", language, fallback).text
                    result.append(Entry(
                        id=item.pk * 2, guid=entry_guid(event, "item", item.pk),
                        starts_at=start, ends_at=end, room=room, title=title,
                        subtitle=item.text("presenters", language, fallback).text,
                        track=track, type=kind,
                        description=plain_text(item.text("description", language, fallback).text),
                        people=_people(item, language, fallback),
                        slug=f"{event.slug}-{item.pk * 2}-{slugify(title)}"[:100],
                    ))
    result.sort(key=lambda entry: (entry.starts_at, entry.id))
    return result


@dataclass(frozen=True, slots=True)
class Day:
    index: int
    date: object
    starts_at: datetime
    ends_at: datetime
    entries: list


def days(event, all_entries: list[Entry]) -> list[Day]:
    """The event's local days, each from its start (or midnight) to its end (or midnight)."""
    first, last = event.local_start.date(), event.local_end.date()
    if event.local_end.time() == datetime.min.time() and last > first:
        last -= timedelta(days=1)  # ends at midnight: the day after is not a day of the event
    result = []
    for index in range((last - first).days + 1):
        day = first + timedelta(days=index)
        midnight = datetime.combine(day, datetime.min.time(), event.tz)
        start = max(event.local_start, midnight)
        end = min(event.local_end, midnight + timedelta(days=1))
        own = [e for e in all_entries if event.local(e.starts_at).date() == day]
        result.append(Day(index + 1, day, start, end, own))
    return result


def rooms(all_entries: list[Entry]) -> list[str]:
    """Room names in order of first appearance."""
    return list(dict.fromkeys(entry.room for entry in all_entries))


def _conference(event, language: str, base_url: str, the_days: list[Day]) -> dict:
    title = event.text("title", language).text
    if event.is_cancelled:
        with translation.override(language):
            title = _("Cancelled: %(title)s") % {"title": title}
    return {
        "acronym": event.slug,
        "title": title,
        "start": event.local_start,
        "end": event.local_end,
        "days": len(the_days),
        "time_zone_name": event.time_zone,
        "url": base_url,
    }


def schedule_xml(event, slots, language: str, page_url: str) -> bytes:
    """The frab ``schedule.xml``."""
    all_entries = entries(event, slots, language)
    the_days = days(event, all_entries)
    conference = _conference(event, language, page_url, the_days)
    root = ElementTree.Element("schedule")
    ElementTree.SubElement(root, "generator", GENERATOR)
    _text(root, "version", str(event.sequence))
    element = ElementTree.SubElement(root, "conference")
    _text(element, "acronym", conference["acronym"])
    _text(element, "title", conference["title"])
    _text(element, "start", conference["start"].date().isoformat())
    _text(element, "end", conference["end"].date().isoformat())
    _text(element, "days", str(conference["days"]))
    _text(element, "timeslot_duration", TIMESLOT)
    _text(element, "base_url", page_url)
    _text(element, "time_zone_name", event.time_zone)
    for day in the_days:
        day_element = ElementTree.SubElement(root, "day", {
            "index": str(day.index), "date": day.date.isoformat(),
            "start": day.starts_at.isoformat(), "end": day.ends_at.isoformat(),
        })
        for room in rooms(day.entries):
            room_element = ElementTree.SubElement(day_element, "room", {"name": room})
            for entry in day.entries:
                if entry.room == room:
                    _xml_entry(room_element, event, entry, language, page_url)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(parent, tag: str, value: str, attributes: dict | None = None):
    element = ElementTree.SubElement(parent, tag, attributes or {})
    element.text = value
    return element


def _xml_entry(parent, event, entry: Entry, language: str, page_url: str) -> None:
    element = ElementTree.SubElement(parent, "event", {"id": str(entry.id), "guid": entry.guid})
    _text(element, "date", event.local(entry.starts_at).isoformat())
    _text(element, "start", event.local(entry.starts_at).strftime("%H:%M"))
    _text(element, "duration", _hh_mm(entry.ends_at - entry.starts_at))
    _text(element, "room", entry.room)
    _text(element, "slug", entry.slug)
    _text(element, "url", page_url)
    _text(element, "title", entry.title)
    _text(element, "subtitle", entry.subtitle)
    _text(element, "track", entry.track)
    _text(element, "type", entry.type)
    _text(element, "language", language)
    _text(element, "abstract", "")
    _text(element, "description", entry.description)
    persons = ElementTree.SubElement(element, "persons")
    for person in entry.people:
        _text(persons, "person", person["name"], {"id": str(person["id"])})
    links = ElementTree.SubElement(element, "links")
    with translation.override(language):
        _text(links, "link", _("Programme and details"), {"href": page_url})


def schedule_json(event, slots, language: str, page_url: str) -> dict:
    """The frab ``schedule.json`` (the c3voc schema pretalx follows)."""
    all_entries = entries(event, slots, language)
    the_days = days(event, all_entries)
    conference = _conference(event, language, page_url, the_days)
    room_names = rooms(all_entries)
    return {
        "$schema": SCHEMA_URL,
        "generator": GENERATOR,
        "schedule": {
            "version": str(event.sequence),
            "base_url": page_url,
            "conference": {
                "acronym": conference["acronym"],
                "title": conference["title"],
                "start": conference["start"].isoformat(),
                "end": conference["end"].isoformat(),
                "daysCount": conference["days"],
                "timeslot_duration": TIMESLOT,
                "time_zone_name": event.time_zone,
                "url": page_url,
                "rooms": [
                    {"name": name, "guid": str(uuid.uuid5(event.uid, f"room:{name}"))}
                    for name in room_names
                ],
                "tracks": [
                    {"name": name}
                    for name in dict.fromkeys(e.track for e in all_entries if e.track)
                ],
                "days": [_json_day(event, day, language, page_url) for day in the_days],
            },
        },
    }


def _json_day(event, day: Day, language: str, page_url: str) -> dict:
    return {
        "index": day.index,
        "date": day.date.isoformat(),
        "day_start": day.starts_at.isoformat(),
        "day_end": day.ends_at.isoformat(),
        "rooms": {
            room: [
                _json_entry(event, entry, language, page_url)
                for entry in day.entries if entry.room == room
            ]
            for room in rooms(day.entries)
        },
    }


def _json_entry(event, entry: Entry, language: str, page_url: str) -> dict:
    with translation.override(language):
        link_title = _("Programme and details")
    return {
        "guid": entry.guid,
        "id": entry.id,
        "date": event.local(entry.starts_at).isoformat(),
        "start": event.local(entry.starts_at).strftime("%H:%M"),
        "duration": _hh_mm(entry.ends_at - entry.starts_at),
        "room": entry.room,
        "slug": entry.slug,
        "url": page_url,
        "title": entry.title,
        "subtitle": entry.subtitle,
        "track": entry.track or None,
        "type": entry.type,
        "language": language,
        "abstract": "",
        "description": entry.description,
        "recording_license": "",
        "do_not_record": True,
        "persons": [
            {
                "guid": str(uuid.uuid5(event.uid, f"person:{person['id']}")),
                "id": person["id"],
                "name": person["name"],
                "public_name": person["name"],
                "biography": person["biography"],
                "role": person["role"],
            }
            for person in entry.people
        ],
        "links": [{"url": page_url, "title": link_title}],
        "attachments": [],
    }
