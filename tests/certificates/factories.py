"""Builders for the after-the-seminar tests (materials, feedback, certificates)."""

from itertools import count

from django.contrib.auth import get_user_model

from aula.console.models import Membership
from aula.registrations.models import Registration

_numbers = count(1)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_registration(event, **fields) -> Registration:
    n = next(_numbers)
    values = {
        "event": event,
        "email": f"person{n}@example.org",
        "first_name": "Ana",
        "family_name": f"Popescu{n}",
        "organisation": "Municipality of Timișoara",
        "organisation_type": "LocalPublicAuthority",
        "country": "RO",
        "language": "en",
        "status": Registration.Status.CONFIRMED,
    }
    values.update(fields)
    return Registration.objects.create(**values)


def organiser(project=None, role=None, name=None):
    user = get_user_model().objects.create_user(
        name or f"organiser{next(_numbers)}", password="pw-long-enough-1"
    )
    if project is not None:
        Membership.objects.create(user=user, project=project, role=role)
    return user


def make_started_event(**fields):
    """A published event that started yesterday: attendance, certificates and the survey are
    open (``events.lifecycle.after_seminar_refusal`` is None)."""
    from datetime import UTC, datetime, timedelta

    from tests.factories import make_event

    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    return make_event(starts_at=fields.pop("starts_at", start), **fields)
