"""Builders for registration tests: plain functions, usable with ``db`` and ``transactional_db``.

Events and projects come from ``tests.factories`` (``make_event``, ``make_project``): the one
factory of each, whose defaults already open the event for registration."""

import io
from datetime import timedelta

from openpyxl import Workbook

from aula.events.models import AgendaBlock
from aula.registrations.models import Question


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


def xlsx(rows) -> bytes:
    """An Excel workbook whose first sheet holds ``rows``."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()
