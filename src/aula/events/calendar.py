"""An event as an iCalendar file (RFC 5545), for "add to calendar" and for e-mails.

The meeting address is never written into the file: a registrant's personal join link is,
when the caller passes it as ``attendee_url``.

icalendar (80 modules, ~2 MiB) is imported by the functions that write a file, not with this
module: a web worker that never writes one never loads it (docs/architecture.md, "Memory").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from icalendar import vCalAddress

PRODID = "-//Aula//Aula//EN"
METHODS = frozenset({"PUBLISH", "REQUEST", "CANCEL"})
# The VTIMEZONE describes the zone's rules from a year before the event to a year after it:
# enough for every time in the file, and far shorter than the rules since 1970.
ZONE_MARGIN = timedelta(days=366)
FEED_REFRESH = timedelta(hours=6)


def event_uid(event) -> str:
    """The event's iCalendar UID: the same in every file, so calendars update the event."""
    return f"{event.uid}@aula"


def calendar_filename(event) -> str:
    return f"{event.slug}.ics"


def event_calendar(
    event,
    language: str,
    page_url: str,
    *,
    method: str = "PUBLISH",
    attendee_url: str | None = None,
) -> bytes:
    """A VCALENDAR with the event as its one VEVENT and the VTIMEZONE of the event's zone."""
    if method not in METHODS:
        raise ValueError(f"Unsupported iCalendar METHOD {method!r}")
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    with translation.override(language):
        calendar.add_component(_vevent(event, language, page_url, method, attendee_url))
    first, last = _zone_range(event)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def feed_calendar(events: Iterable[tuple], language: str, name: str) -> bytes:
    """A subscribed calendar: ``(event, page_url)`` pairs, each VEVENT exactly as in the
    event's own file (the same function writes it), so one event never appears twice in a
    calendar that has both. Always METHOD:PUBLISH: a cancelled event stays, marked CANCELLED."""
    from icalendar import Calendar, vDuration

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # How often a client should fetch the feed again (RFC 7986; X-PUBLISHED-TTL for Outlook).
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    ranges = []
    with translation.override(language):
        for event, page_url in events:
            calendar.add_component(_vevent(event, language, page_url, "PUBLISH", None))
            ranges.append(_zone_range(event))
    if ranges:
        first = min(start for start, _end in ranges)
        last = max(end for _start, end in ranges)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def _vevent(event, language: str, page_url: str, method: str, attendee_url: str | None):
    from icalendar import Event as VEvent

    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.local_start)
    vevent.add("dtend", event.local_end)
    vevent.add("summary", event.text("title", language).text)
    vevent.add("description", _description(event, language, page_url, attendee_url))
    location = _location(event, language, attendee_url)
    if location:
        vevent.add("location", location)
    vevent.add("url", page_url)
    vevent.add("status", _status(event, method))
    organizer = _organizer(event)
    if organizer is not None:
        vevent.add("organizer", organizer)
    return vevent


def _status(event, method: str) -> str:
    return "CANCELLED" if event.is_cancelled or method == "CANCEL" else "CONFIRMED"


def _description(event, language: str, page_url: str, attendee_url: str | None) -> str:
    parts = []
    if event.is_cancelled:
        parts.append(_("This event has been cancelled."))
    summary = event.text("summary", language).text
    if summary:
        parts.append(summary)
    if attendee_url:
        parts.append(_("Your personal link to join: %(url)s") % {"url": attendee_url})
    parts.append(_("Programme and details: %(url)s") % {"url": page_url})
    return "\n\n".join(parts)


def _location(event, language: str, attendee_url: str | None) -> str:
    """The place as the organiser wrote it; for an online event a registrant's own link.

    Never the meeting address: that reaches registrants only through their personal link.
    """
    if attendee_url and event.format == event.Format.ONLINE:
        return attendee_url
    return event.text("location", language).text


def _organizer(event) -> vCalAddress | None:
    """The contact person; ORGANIZER is an address, so there is none without an e-mail."""
    if not event.contact_email:
        return None
    from icalendar import vCalAddress

    return vCalAddress.new(event.contact_email, cn=event.contact_name or None)


def _zone_range(event) -> tuple[date, date]:
    return (
        event.local_start.date() - ZONE_MARGIN,
        event.local_end.date() + ZONE_MARGIN,
    )
