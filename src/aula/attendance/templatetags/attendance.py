"""The attendance summary on the event's hub."""

from django import template

from aula.attendance import queries

register = template.Library()


@register.simple_tag
def attendance_summary(event):
    return queries.hub_summary(event)
