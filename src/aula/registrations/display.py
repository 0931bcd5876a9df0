"""Times and links as registrants see them: always with the zone, in their language."""

import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from aula.core import numbers


def zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def own_zone(registration) -> str:
    """The registrant's zone when it differs from the event's, else ''."""
    zone = registration.time_zone
    if zone and zone != registration.event.time_zone and zone_or_none(zone) is not None:
        return zone
    return ""


def absolute(path: str) -> str:
    return settings.AULA_BASE_URL + path


def logo_set(project, language: str) -> dict:
    """The project's logo set as an e-mail shows it: its absolute address and description."""
    if not project.logo_set:
        return {"logo_set_url": "", "logo_set_alt": ""}
    return {
        "logo_set_url": absolute(project.logo_set.url),
        "logo_set_alt": project.text("logo_set_alt", language).text or project.name,
    }


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


def session_places(places_left: int | None, waiting_list: bool) -> str:
    """'12 places left', 'One place left', 'full', 'full — waiting list' (a full session one can
    still ask for on the waiting list), or '' for a session without a limit."""
    if places_left is None:
        return ""
    if places_left > 0:
        return ngettext("One place left", "%(count)s places left", places_left) % {
            "count": numbers.count(places_left)
        }
    if waiting_list:
        # Translators: beside a parallel session that is full while the waiting list is open.
        return gettext("full — waiting list")
    return gettext("full")
