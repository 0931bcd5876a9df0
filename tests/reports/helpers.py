"""Builders for the reports' tests: registrations with known types, countries and attendance."""

from datetime import timedelta

import pytest

from tests.factories import make_registration


def register(event, *, created_at=None, **fields):
    """A registration (``tests.factories.make_registration``) made five days before the event
    unless ``created_at`` says otherwise, so the reports' timelines have a known shape."""
    return make_registration(
        event, created_at=created_at or event.starts_at - timedelta(days=5), **fields
    )


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
