"""The list of an event's registrations for the API (``queries.registration_list``), one
registration of a project (``queries.registration_in_project``) and ``updated_at``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aula.registrations import queries, services
from aula.registrations.models import Registration
from tests.factories import make_event, make_project, make_registration, utc
from tests.registrations.factories import make_slot

Status = Registration.Status
pytestmark = pytest.mark.django_db


def ids(registrations) -> list[int]:
    return [r.pk for r in registrations]


def test_every_filter_and_a_stable_order(event):
    a, b = make_slot(event, None, None)
    early = make_registration(event, created_at=utc(2026, 1, 1), sessions=[a],
                              first_name="Jūratė", organisation="Kaunas 2022")
    waiting = make_registration(event, status=Status.WAITING, sessions=[b],
                                email="m.rossi@comune.example")
    late = make_registration(event, sessions=[a])
    make_registration(make_event(), first_name="Jūratė")  # another event
    F = queries.ListFilters
    assert ids(queries.registration_list(event)) == [early.pk, waiting.pk, late.pk]
    assert ids(queries.registration_list(event, F(status="waiting"))) == [waiting.pk]
    assert ids(queries.registration_list(event, F(session=a.pk))) == [early.pk, late.pk]
    assert ids(queries.registration_list(event, F(q="jūratė kaunas"))) == [early.pk]
    assert ids(queries.registration_list(event, F(q="ROSSI@comune"))) == [waiting.pk]
    assert ids(queries.registration_list(event, F(created_since=utc(2026, 2, 1)))) == [
        waiting.pk, late.pk]
    moment = timezone.now()
    assert ids(queries.registration_list(event, F(updated_since=moment))) == []
    services.cancel(early)  # its place goes to the one waiting: both changed
    assert ids(queries.registration_list(event, F(updated_since=moment))) == [
        early.pk, waiting.pk]


def test_a_page_costs_two_queries_whatever_its_length(event, django_assert_num_queries):
    a, b = make_slot(event, None, None)
    for n in range(30):
        make_registration(event, sessions=[a if n % 2 else b])
    with django_assert_num_queries(2):
        rows = list(queries.registration_list(event)[:20])
        choices = [[c.block_id for c in r.session_choices.all()] for r in rows]
    assert len(rows) == 20 and all(len(c) == 1 for c in choices)


def test_a_registration_of_another_project_is_not_found(event):
    registration = make_registration(event)
    assert queries.registration_in_project(event.project_id, registration.pk) == registration
    assert queries.registration_in_project(make_project().pk, registration.pk) is None


def test_every_change_moves_updated_at(event):
    a, b = make_slot(event, None, None)
    registration = make_registration(event, sessions=[a], created_at=utc(2026, 1, 1),
                                     privacy_accepted_at=utc(2026, 1, 1))
    Registration.objects.filter(pk=registration.pk).update(updated_at=utc(2026, 1, 1))
    registration.refresh_from_db()
    services.switch_session(registration, b)
    registration.refresh_from_db()
    assert registration.updated_at > timezone.now() - timedelta(minutes=1)
    Registration.objects.filter(pk=registration.pk).update(updated_at=utc(2026, 1, 1))
    services.update_details(registration, {"job_title": "Mayor"})
    registration.refresh_from_db()
    assert registration.updated_at > timezone.now() - timedelta(minutes=1)


def test_cancelling_a_place_in_a_session_without_a_counter_yet(event):
    """A registration from before the session's counter existed: the counter made while
    cancelling counts its place, then gives it back (it went below zero)."""
    from aula.registrations.models import CapacityCounter

    a, _b = make_slot(event, 5, None)
    registration = make_registration(event, sessions=[a])
    assert not CapacityCounter.objects.filter(block=a).exists()
    services.cancel(registration)
    assert CapacityCounter.objects.get(block=a).taken == 0
    assert CapacityCounter.objects.get(event=event, block=None).taken == 0
