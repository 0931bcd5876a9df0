from django import template

from aula.certificates.models import Certificate

register = template.Library()


@register.simple_tag
def has_certificate(registration) -> bool:
    """Whether the registrant has a certificate to download (one query)."""
    if registration is None or registration.anonymised_at:
        return False
    return Certificate.objects.filter(registration=registration).exists()
