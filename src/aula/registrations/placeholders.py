"""Placeholders in texts the organiser writes to registrants (messages to registrants, the
automatic e-mails they edit): ``{first_name}`` and the like, filled in per registrant. The text
is plain text; in the HTML e-mail it is escaped and its blank lines become paragraphs.
"""

import re

from django.utils import translation
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aula.core import timefmt
from aula.events.models import Event
from aula.registrations import display

PLACEHOLDERS = {
    "first_name": _("the registrant's first name"),
    "family_name": _("the registrant's family name"),
    "join_link": _("their personal link to join the online meeting"),
    "personal_link": _("their personal registration page"),
    "event_title": _("the event's title"),
    "event_time": _("the event's date and time, in the event's zone and their own"),
}
LINK_PLACEHOLDERS = frozenset({"join_link", "personal_link"})
# A placeholder: a name in braces, without spaces or further braces.
PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
# Stand-ins for placeholder values while the text is escaped (private-use characters).
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_OPEN}([a-z_]+){_CLOSE}")


def has_join_link(event: Event) -> bool:
    return event.format != Event.Format.IN_PERSON


def placeholder_help() -> str:
    """The placeholders one may use, for messages: "{first_name}, {family_name}, …"."""
    return ", ".join("{%s}" % name for name in PLACEHOLDERS)  # noqa: UP031


def unknown_placeholders(text: str) -> list[str]:
    """The placeholder names in ``text`` that are not ones we know, in order, once each."""
    unknown = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def fill_plain(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(
        lambda m: values.get(m.group(1), m.group(0)) if m.group(1) in PLACEHOLDERS
        else m.group(0),
        text,
    )


def fill_html(text: str, values: dict[str, str]) -> SafeString:
    """``text`` escaped, in paragraphs (blank lines) and lines (single breaks), with the
    placeholders filled in: values escaped, links made links."""
    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    marked = PLACEHOLDER.sub(
        lambda m: f"{_OPEN}{m.group(1)}{_CLOSE}" if m.group(1) in PLACEHOLDERS else m.group(0),
        text,
    )
    html = linebreaks(marked, autoescape=True)

    def value(match):
        name = match.group(1)
        filled = values.get(name, "")
        if name in LINK_PLACEHOLDERS and filled:
            return f'<a href="{escape(filled)}">{escape(filled)}</a>'
        return escape(filled)

    # Safe: linebreaks() escaped the text, value() escapes every value it puts in.
    return mark_safe(_MARKER.sub(value, html))  # noqa: S308


def placeholder_values(registration, event, language: str) -> dict[str, str]:
    when = timefmt.format_range(event.starts_at, event.ends_at, event.time_zone, language)
    own = display.own_zone(registration)
    if own:
        with translation.override(language):
            # Translators: the event's time in its own zone, then in the registrant's.
            when = gettext("%(event)s; your time: %(own)s") % {
                "event": when,
                "own": timefmt.format_range(event.starts_at, event.ends_at, own, language),
            }
    return {
        "first_name": registration.first_name,
        "family_name": registration.family_name,
        "join_link": display.join_url(registration) if has_join_link(event) else "",
        "personal_link": display.personal_url(registration, language),
        "event_title": event.text("title", language).text,
        "event_time": when,
    }
