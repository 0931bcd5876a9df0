"""Changing a capacity takes the counter's lock: never below the places taken, for the event and
for a parallel session; raised, the waiting list moves up (automatic promotion)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from aula.audit.models import AuditEntry
from aula.events import services as event_services
from aula.events.models import AgendaBlock
from aula.registrations import services
from aula.registrations.models import CapacityCounter, Registration
from aula.registrations.services import Result
from tests import factories
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_slot, person

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return factories.organiser("organiser")


def statuses(event):
    return list(
        Registration.objects.filter(event=event).order_by("pk").values_list("status", flat=True)
    )


def test_the_event_capacity_is_never_cut_below_the_places_taken(organiser):
    event = make_event(capacity=5)
    for n in range(4):
        services.register(event, person(n))
    with pytest.raises(ValidationError) as error:
        services.change_event_capacity(event, 3, actor=organiser)
    assert "4 places are taken already" in error.value.message_dict["capacity"][0]
    event.refresh_from_db()
    assert event.capacity == 5
    assert not AuditEntry.objects.filter(action="event.capacity_changed").exists()
    services.change_event_capacity(event, 4, actor=organiser)  # down to the places taken: fine
    event.refresh_from_db()
    assert event.capacity == 4
    entry = AuditEntry.objects.get(action="event.capacity_changed")
    assert entry.actor == organiser and entry.changes == {"capacity": [5, 4]}
    assert services.register(event, person(9)).result == Result.WAITING


def test_held_places_count_as_taken(organiser):
    event = make_event(capacity=5, options={"double_opt_in": True})
    services.register(event, person(1))
    services.register(event, person(2))
    with pytest.raises(ValidationError):
        services.change_event_capacity(event, 1, actor=organiser)


def test_raising_the_capacity_fills_the_new_places_at_once(organiser):
    event = make_event(options=NO_OPT_IN, capacity=1)
    for n in range(4):
        services.register(event, person(n))
    promoted = services.change_event_capacity(event, 3, actor=organiser)
    assert len(promoted) == 2
    assert statuses(event) == [Status.CONFIRMED] * 3 + [Status.WAITING]
    assert CapacityCounter.objects.get(event=event, block=None).taken == 3
    # No limit at all: everyone waiting gets a place.
    assert len(services.change_event_capacity(event, None, actor=organiser)) == 1


def test_with_manual_promotion_raising_gives_no_place_by_itself(organiser):
    event = make_event(capacity=1, options={"promotion": "manual"})
    for n in range(3):
        services.register(event, person(n))
    assert services.change_event_capacity(event, 3, actor=organiser) == []
    assert statuses(event).count(Status.WAITING) == 2


def test_the_same_capacity_records_nothing(organiser):
    event = make_event(capacity=5)
    services.change_event_capacity(event, 5, actor=organiser)
    assert not AuditEntry.objects.exists()


# --- Parallel sessions ---------------------------------------------------------------------------


def test_a_session_is_never_cut_below_the_places_taken_in_it(organiser):
    event = make_event(capacity=1)
    a, b = make_slot(event, 10, 10)
    services.register(event, person(1, sessions=[a.pk]))
    # Waiting registrants who chose the session do not count: they take no place in it.
    services.register(event, person(2, sessions=[a.pk]))
    services.register(event, person(3, sessions=[a.pk]))
    with pytest.raises(ValidationError) as error:
        services.change_session_capacity(a, 0, actor=organiser)
    assert "1 place is taken already" in error.value.message_dict["capacity"][0]
    a.refresh_from_db()
    assert a.capacity == 10
    services.change_session_capacity(a, 1, actor=organiser)
    a.refresh_from_db()
    assert a.capacity == 1
    entry = AuditEntry.objects.get(action="session.capacity_changed")
    assert entry.changes == {"capacity": [10, 1]} and entry.event_id == event.pk


def test_raising_a_session_lets_its_waiting_list_move_up(organiser):
    event = make_event(options=NO_OPT_IN, capacity=1)
    (a,) = make_slot(event, 1)
    services.register(event, person(1, sessions=[a.pk]))
    waiting = services.register(event, person(2, sessions=[a.pk])).registration
    assert waiting.status == Status.WAITING
    services.change_event_capacity(event, 2, actor=organiser)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING  # the event has room, the session not
    services.change_session_capacity(a, 2, actor=organiser)
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert CapacityCounter.objects.get(block=a).taken == 2


def test_with_manual_promotion_a_raised_session_gives_no_place_by_itself(organiser):
    event = make_event(capacity=1, options={"promotion": "manual"})
    (a,) = make_slot(event, 1)
    services.register(event, person(1, sessions=[a.pk]))
    waiting = services.register(event, person(2, sessions=[a.pk])).registration
    services.change_event_capacity(event, 2, actor=organiser)
    services.change_session_capacity(a, 2, actor=organiser)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING


def test_the_agenda_signal_refuses_a_cut_below_the_places_taken():
    """What the agenda's save sends (events.services.session_capacity_changing): registrations
    answers with a ValidationError on ``capacity``, which undoes the save."""
    event = make_event(capacity=10)
    (a,) = make_slot(event, 5)
    services.register(event, person(1, sessions=[a.pk]))
    services.register(event, person(2, sessions=[a.pk]))
    with pytest.raises(ValidationError) as error, transaction.atomic():
        event_services.session_capacity_changing.send(sender=AgendaBlock, block=a, capacity=1)
    assert "capacity" in error.value.message_dict
    with transaction.atomic():
        event_services.session_capacity_changing.send(sender=AgendaBlock, block=a, capacity=2)
        event_services.session_capacity_changing.send(sender=AgendaBlock, block=a, capacity=None)


def test_the_agenda_signal_fills_a_raised_session_after_commit(
    django_capture_on_commit_callbacks,
):
    event = make_event(options=NO_OPT_IN, capacity=1)
    (a,) = make_slot(event, 1)
    services.register(event, person(1, sessions=[a.pk]))
    waiting = services.register(event, person(2, sessions=[a.pk])).registration
    services.change_event_capacity(event, 2, actor=None)  # the event has room, the session not
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_services.session_capacity_changing.send(sender=AgendaBlock, block=a, capacity=2)
        AgendaBlock.objects.filter(pk=a.pk).update(capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_the_settings_page_goes_through_the_lock(client, organiser):
    from django.urls import reverse

    from aula.console.models import Membership, Role

    event = make_event(capacity=5)
    Membership.objects.create(user=organiser, project=event.project, role=Role.EDITOR)
    client.force_login(organiser)
    for n in range(3):
        services.register(event, person(n))
    data = {
        "event-capacity": "2", "event-registration_opens_at": "",
        "event-registration_closes_at": "", "options-waiting_list": "on",
        "options-promotion": "automatic", "options-hold_hours": "48",
        "options-join_opens_minutes_before": "30", "options-reminders": "1 day",
    }
    url = reverse("console:event_registration", kwargs={"event_id": event.pk})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "3 places are taken already" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 5
    assert not AuditEntry.objects.exists()
    response = client.post(url, {**data, "event-capacity": "3"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 3
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"event.capacity_changed", "registration_options.changed"} <= actions
    assert set(AuditEntry.objects.values_list("actor", flat=True)) == {organiser.pk}
