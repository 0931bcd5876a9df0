from django import template

from aula.certificates import queries

register = template.Library()


@register.simple_tag
def has_certificate(registration) -> bool:
    """Whether the registrant has a certificate to download (one query; not once revoked)."""
    return queries.has_certificate(registration)
