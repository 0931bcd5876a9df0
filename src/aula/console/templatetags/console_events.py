"""The event's hub and the events list offer the moves of the event's life cycle through this
tag: exactly those ``aula.events.lifecycle`` allows now."""

from django import template

from aula.events import lifecycle

register = template.Library()


@register.simple_tag
def event_moves(event):
    """The names of the moves ``event`` allows now ("publish", "unpublish", "mark_held",
    "close", "reopen", "cancel")."""
    return lifecycle.moves(event)
