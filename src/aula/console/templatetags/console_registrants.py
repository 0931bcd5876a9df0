"""The registrants section of the event's hub reads its counts through this tag, so the hub
view (shared by every area of the console) needs no registrant-specific context."""

from django import template

from aula.console import registrant_queries

register = template.Library()


@register.simple_tag
def registrant_summary(event):
    """(status, label, count) per status of the event's registrations: one query."""
    return registrant_queries.hub_summary(event)
