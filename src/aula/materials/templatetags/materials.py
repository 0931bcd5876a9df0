from django import template

from aula.materials import queries

register = template.Library()


@register.simple_tag
def published_materials(event):
    """The event's published materials for its public page (one query)."""
    return queries.published(event)
