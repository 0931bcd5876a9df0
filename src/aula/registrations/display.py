"""Times and links as registrants see them: always with the zone, in their language."""

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from aula.core.timefmt import format_offset


def zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def format_moment(moment: datetime, zone_name: str, language: str) -> str:
    """'Tuesday, March 3, 2026, 09:00 (Europe/Vilnius, UTC+02:00)' in ``language``."""
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(zone_name))
    with translation.override(language):
        day = formats.date_format(local, "l") + ", " + formats.date_format(local, "DATE_FORMAT")
        return f"{day}, {local:%H:%M} ({zone_name}, {format_offset(local)})"


def format_range(start: datetime, end: datetime, zone_name: str, language: str) -> str:
    """'Tuesday, March 3, 2026, 09:00–12:00 (Europe/Vilnius, UTC+02:00)'; both dates when the
    range crosses midnight in that zone."""
    zone = zoneinfo.ZoneInfo(zone_name)
    local_start = timezone.localtime(start, zone)
    local_end = timezone.localtime(end, zone)
    with translation.override(language):
        def day(value):
            return formats.date_format(value, "l") + ", " + formats.date_format(
                value, "DATE_FORMAT"
            )

        if local_start.date() == local_end.date():
            text = f"{day(local_start)}, {local_start:%H:%M}–{local_end:%H:%M}"
        else:
            text = (
                f"{day(local_start)}, {local_start:%H:%M} – {day(local_end)}, {local_end:%H:%M}"
            )
    return f"{text} ({zone_name}, {format_offset(local_start)})"


def own_zone(registration) -> str:
    """The registrant's zone when it differs from the event's, else ''."""
    zone = registration.time_zone
    if zone and zone != registration.event.time_zone and zone_or_none(zone) is not None:
        return zone
    return ""


def absolute(path: str) -> str:
    return settings.AULA_BASE_URL + path


def personal_url(registration, language: str | None = None) -> str:
    with translation.override(language or registration.language):
        return absolute(reverse("registrations:personal", kwargs={"token": registration.token}))


def confirm_url(registration, language: str | None = None) -> str:
    with translation.override(language or registration.language):
        return absolute(reverse("registrations:confirm", kwargs={"token": registration.token}))


def join_url(registration) -> str:
    return absolute(reverse("join:join", kwargs={"token": registration.token}))


def event_url(event, language: str) -> str:
    with translation.override(language):
        return absolute(
            reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug})
        )


def register_url(event, language: str) -> str:
    with translation.override(language):
        return absolute(
            reverse(
                "registrations:register",
                kwargs={"project": event.project.slug, "event": event.slug},
            )
        )
