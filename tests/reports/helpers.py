"""Builders for the reports' tests: registrations with known types, countries and attendance."""

from datetime import timedelta
from itertools import count

import pytest
from django.contrib.auth import get_user_model

from aula.console.models import Membership
from aula.registrations.models import Registration, SessionChoice

_serial = count(1)


def register(event, *, status="confirmed", country="RO", organisation_type="LocalPublicAuthority",
             organisation="Municipality of Timișoara", created_at=None, sessions=(), **fields):
    n = next(_serial)
    values = {
        "event": event,
        "email": f"registrant{n}@example.org",
        "first_name": "Ioana",
        "family_name": f"Registrant{n}",
        "organisation": organisation,
        "organisation_type": organisation_type,
        "country": country,
        "status": status,
        "created_at": created_at or event.starts_at - timedelta(days=5),
    }
    if status == "held":
        values["hold_expires_at"] = values["created_at"] + timedelta(hours=48)
    if status == "confirmed":
        values["confirmed_at"] = values["created_at"]
    values.update(fields)
    registration = Registration.objects.create(**values)
    for block in sessions:
        SessionChoice.objects.create(
            registration=registration, block=block, slot_starts_at=block.starts_at
        )
    return registration


def organiser(name, project=None, role=None):
    user = get_user_model().objects.create_user(name, password="pw-long-enough-1")
    if project:
        Membership.objects.create(user=user, project=project, role=role)
    return user


class Attendance:
    """Stands in for ``aula.attendance.queries.attendees``: a dict per event id."""

    def __init__(self):
        self.lists: dict[int, dict[int, int | None]] = {}

    def mark(self, *registrations, minutes=60):
        for registration in registrations:
            self.lists.setdefault(registration.event_id, {})[registration.pk] = minutes

    def __call__(self, event):
        return dict(self.lists.get(event.pk, {}))


@pytest.fixture
def attendance(monkeypatch):
    fake = Attendance()
    monkeypatch.setattr("aula.reports.queries.attendees_of", fake)
    return fake
