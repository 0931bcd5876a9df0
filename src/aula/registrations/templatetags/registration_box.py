"""The registration box on the public event page: whether and how one can register now."""

from django import template
from django.urls import reverse
from django.utils import timezone, translation

from aula.core import timefmt
from aula.core.translation import localize
from aula.registrations import display, queries, services
from aula.registrations.services import Result

register = template.Library()


def _sessions(event, language: str, *, waiting: bool) -> list[tuple[str, str]]:
    """(title, places) of each parallel session with a limit, from the sessions' counters (one
    query however many sessions): '12 places left', 'full', 'full — waiting list'."""
    return [
        (localize(block.title, language, event.primary_language).text
         or str(block.get_kind_display()),
         display.session_places(left, waiting))
        for block, left in queries.limited_sessions_left(event)
    ]


@register.inclusion_tag("registrations/_box.html", takes_context=True)
def registration_box(context, event):
    language = translation.get_language()
    now = timezone.now()
    state = services.why_closed(event, now)
    if state is None and queries.current_privacy_notice(event) is None:
        state = Result.UNAVAILABLE
    box = {"event": event, "state": state, "content_language": event.primary_language}
    if state == Result.NOT_OPEN:
        box["opens"] = timefmt.format_moment(event.registration_opens_at, event.time_zone, language)
    if state is None:
        options = queries.options_for(event)
        left = queries.places_left(event)
        box.update(
            places_left=left,
            full=left == 0,
            # A full session has its own waiting list whenever the event has one.
            sessions=_sessions(event, language, waiting=options.waiting_list),
            waiting_list=options.waiting_list,
            register_url=reverse(
                "registrations:register",
                kwargs={"project": event.project.slug, "event": event.slug},
            ),
            closes=timefmt.format_moment(
                event.registration_closes_at or event.ends_at, event.time_zone, language
            ),
        )
    return box
