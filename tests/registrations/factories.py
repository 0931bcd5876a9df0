"""Builders for registration tests: plain functions, usable with ``db`` and ``transactional_db``."""

import itertools
from datetime import timedelta

from django.utils import timezone

from aula.events.models import AgendaBlock, Event
from aula.projects.models import Project
from aula.registrations.models import PrivacyNotice, Question, RegistrationOptions

MEETING_URL = "https://meet.example.org/secret-room-4711"
_numbers = itertools.count(1)


def make_project(**fields) -> Project:
    n = next(_numbers)
    defaults = {
        "name": "ECoC-SME",
        "code": f"PGI{n:05d}",
        "slug": f"ecoc-sme-{n}",
        "programme": "Interreg Europe",
        "full_title": {"en": "Creative SMEs in Capitals of Culture"},
        "primary_language": "en",
    }
    defaults.update(fields)
    return Project.objects.create(**defaults)


def make_event(project=None, *, notice=True, options=None, **fields) -> Event:
    project = project or make_project()
    starts = timezone.now() + timedelta(days=10)
    defaults = {
        "project": project,
        "slug": f"seminar-{next(_numbers)}",
        "title": {"en": "Culture & SMEs seminar", "ro": "Seminar cultură și IMM"},
        "summary": {"en": "How capitals of culture work with small businesses."},
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "status": Event.Status.PUBLISHED,
        "capacity": 50,
        "time_zone": "Europe/Vilnius",
        "format": Event.Format.ONLINE,
        "meeting_url": MEETING_URL,
        "contact_name": "Rūta K.",
        "contact_email": "contact@example.org",
    }
    defaults.update(fields)
    event = Event.objects.create(**defaults)
    if notice:
        PrivacyNotice.objects.create(
            project=project, version=1,
            text={"en": "The municipality processes your data as a public task.",
                  "ro": "Municipiul prelucrează datele dumneavoastră."},
        )
    if options:
        RegistrationOptions.objects.create(event=event, **options)
    return event


def make_slot(event, *capacities, offset_hours=1, length_hours=1) -> list[AgendaBlock]:
    """Parallel sessions of one slot, one per capacity (None: no limit of its own)."""
    starts = event.starts_at + timedelta(hours=offset_hours)
    return [
        AgendaBlock.objects.create(
            event=event, kind=AgendaBlock.Kind.PARALLEL, starts_at=starts,
            ends_at=starts + timedelta(hours=length_hours),
            title={"en": f"Workshop {chr(65 + index)}"}, capacity=capacity, order=index,
        )
        for index, capacity in enumerate(capacities)
    ]


def make_question(event, kind=Question.Kind.SHORT_TEXT, **fields) -> Question:
    defaults = {"event": event, "kind": kind, "label": {"en": "Your dietary needs"}}
    defaults.update(fields)
    return Question.objects.create(**defaults)


def person(n=1, **fields) -> dict:
    data = {
        "email": f"Person{n}@Example.org",
        "first_name": "Ana",
        "family_name": f"Popescu{n}",
        "organisation": "Municipality of Timișoara",
        "organisation_type": "LocalPublicAuthority",
        "country": "RO",
        "language": "en",
        "job_title": "Project officer",
        "time_zone": "America/New_York",
        "privacy_accepted": True,
    }
    data.update(fields)
    return data
