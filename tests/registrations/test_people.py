"""The organiser's actions on people: correcting the address, moving between sessions with the
capacity kept (or knowingly exceeded, recorded), confirming by hand, the waiting list per
session, and the same actions on many registrants at once."""

import pytest
from django.core.exceptions import ValidationError

from aula.audit.models import AuditEntry
from aula.messaging.models import OutboxMessage
from aula.registrations import services
from aula.registrations.models import CapacityCounter, Registration, SessionChoice
from aula.registrations.services import NoPlace, RegistrationError, Result, SessionFull
from tests.factories import make_event, make_registration, organiser
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_slot, person

Status = Registration.Status
pytestmark = pytest.mark.django_db


def taken(event, block=None) -> int:
    return CapacityCounter.objects.get(event=event, block=block).taken


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def in_session(block) -> set[int]:
    return set(SessionChoice.objects.filter(block=block).values_list("registration_id", flat=True))


# --- Correcting the address --------------------------------------------------------------------


def test_the_organiser_corrects_the_address_and_the_log_names_the_field_only():
    event = make_event(options=NO_OPT_IN)
    registration = services.register(event, person(1, email="old@example.org")).registration
    actor = organiser()
    services.update_details(registration, {"email": " New@Example.org ", "organisation": "X"},
                            actor=actor)
    registration.refresh_from_db()
    assert registration.email == "new@example.org"
    [entry] = entries("registration.details_updated")
    assert entry.actor == actor
    assert entry.changes["email"] == ["changed"]
    assert "new@example.org" not in str(entry.changes) and "old@" not in str(entry.changes)


def test_an_address_registered_already_or_invalid_is_refused_and_nothing_stored():
    event = make_event(options=NO_OPT_IN)
    services.cancel(services.register(event, person(1, email="taken@example.org")).registration)
    registration = services.register(
        event, person(2, email="mine@example.org", organisation="Before")
    ).registration
    for address in ("TAKEN@example.org", "not an address"):
        with pytest.raises(ValidationError) as refused:
            services.update_details(
                registration, {"email": address, "organisation": "After"}, actor=organiser()
            )
        assert "email" in refused.value.error_dict
        registration.refresh_from_db()
        assert (registration.email, registration.organisation) == ("mine@example.org", "Before")
    assert not entries("registration.details_updated")


# --- Moving between sessions ----------------------------------------------------------------


def test_a_move_into_a_full_session_is_refused_unless_knowingly_over_and_recorded():
    event = make_event(capacity=10, options=NO_OPT_IN)
    a, b = make_slot(event, 5, 1)
    mover = services.register(event, person(1, sessions=[a.pk])).registration
    services.register(event, person(2, sessions=[b.pk]))
    with pytest.raises(SessionFull):
        services.switch_session(mover, b, actor=organiser())
    assert in_session(b) == {Registration.objects.get(email="person2@example.org").pk}
    assert not entries("registration.session_switched")

    services.switch_session(mover, b, actor=organiser(), over_capacity=True)
    assert (taken(event, a), taken(event, b)) == (0, 2)
    [entry] = entries("registration.session_switched")
    assert entry.changes == {"session": [a.pk, b.pk]}
    assert entry.data == {"over_capacity": [str(b.pk)]}


def test_a_move_with_room_records_no_override():
    event = make_event(capacity=10, options=NO_OPT_IN)
    a, b = make_slot(event, 5, 5)
    mover = services.register(event, person(1, sessions=[a.pk])).registration
    services.switch_session(mover, b, actor=organiser(), over_capacity=True)
    assert entries("registration.session_switched")[0].data == {}


def test_a_place_freed_in_a_session_goes_to_the_first_waiting_for_that_session():
    """The waiting list per parallel session: the first in line waits for a session still
    full and keeps their position; the one behind, waiting for the session that freed, moves up.
    """
    event = make_event(capacity=2, options=NO_OPT_IN)
    a, b = make_slot(event, 1, 1)
    in_a = services.register(event, person(1, sessions=[a.pk])).registration
    services.register(event, person(2, sessions=[b.pk]))
    first = services.register(event, person(3, sessions=[b.pk])).registration
    second = services.register(event, person(4, sessions=[a.pk])).registration
    assert first.status == second.status == Status.WAITING
    services.cancel(in_a, actor=organiser())
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.WAITING, Status.CONFIRMED)
    assert OutboxMessage.objects.filter(
        kind="registration_promotion", recipient=second.email
    ).count() == 1


def test_moving_someone_out_of_a_session_promotes_who_waits_for_it():
    event = make_event(capacity=3, options=NO_OPT_IN)
    a, b = make_slot(event, 1, 5)
    leaving = services.register(event, person(1, sessions=[a.pk])).registration
    services.register(event, person(2, sessions=[b.pk]))
    # The event fills up; once it has room again, session A is still full.
    services.register(event, person(3, sessions=[b.pk]))
    waiting = services.register(event, person(4, sessions=[a.pk])).registration
    assert waiting.status == Status.WAITING
    services.change_event_capacity(event, 4, actor=organiser())
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING  # session A is still full
    services.switch_session(leaving, b, actor=organiser())
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert (taken(event, a), taken(event, b)) == (1, 3)


# --- Confirming by hand and adding over capacity ----------------------------------------------


def test_confirming_a_waiting_registrant_needs_room_or_the_override():
    event = make_event(capacity=1, options=NO_OPT_IN)
    services.register(event, person(1))
    waiting = services.register(event, person(2)).registration
    with pytest.raises(NoPlace):
        services.confirm_by_hand(waiting, actor=organiser())
    assert not entries("registration.confirmed_by_hand")
    actor = organiser()
    services.confirm_by_hand(waiting, actor=actor, over_capacity=True)
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED and waiting.waiting_since is None
    assert taken(event) == 2
    [entry] = entries("registration.confirmed_by_hand")
    assert entry.actor == actor
    assert entry.changes == {"status": ["waiting", "confirmed"]}
    assert entry.data == {"over_capacity": ["event"]}
    assert OutboxMessage.objects.filter(
        kind="registration_promotion", recipient=waiting.email
    ).exists()


def test_confirming_a_waiting_registrant_with_room_and_refusing_the_confirmed():
    event = make_event(capacity=1, options={**NO_OPT_IN, "promotion": "manual"})
    first = services.register(event, person(1)).registration
    waiting = services.register(event, person(2)).registration
    services.cancel(first)
    services.confirm_by_hand(waiting, actor=organiser())
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert entries("registration.confirmed_by_hand")[0].data == {}
    with pytest.raises(RegistrationError):
        services.confirm_by_hand(waiting, actor=organiser())
    assert len(entries("registration.confirmed_by_hand")) == 1


def test_a_waiting_registrant_whose_session_is_full_needs_the_override():
    event = make_event(capacity=1, options=NO_OPT_IN)
    [a] = make_slot(event, 1)
    services.register(event, person(1, sessions=[a.pk]))
    waiting = services.register(event, person(2, sessions=[a.pk])).registration
    services.change_event_capacity(event, 5, actor=organiser())
    with pytest.raises(SessionFull):
        services.confirm_by_hand(waiting, actor=organiser())
    services.promote(waiting, actor=organiser(), over_capacity=True)
    assert taken(event, a) == 2
    assert entries("registration.promoted")[-1].data == {"over_capacity": [str(a.pk)]}


def test_adding_someone_knowingly_over_the_capacity():
    event = make_event(capacity=1, options=NO_OPT_IN)
    services.register(event, person(1))
    actor = organiser()
    outcome = services.register(event, person(2), actor=actor)
    assert outcome.result == Result.WAITING
    outcome = services.register(event, person(3), actor=actor, over_capacity=True)
    assert outcome.result == Result.CONFIRMED
    assert taken(event) == 2
    entry = entries("registration.added")[-1]
    assert entry.data["over_capacity"] == ["event"]
    assert "over_capacity" not in entries("registration.added")[0].data


# --- Many at once ---------------------------------------------------------------------------------


def test_bulk_move_fills_the_room_then_refuses_each_by_name_one_entry_per_person():
    event = make_event(capacity=20, options=NO_OPT_IN)
    a, b = make_slot(event, 10, 2)
    people = [services.register(event, person(n, sessions=[a.pk])).registration
              for n in range(4)]
    other = make_event(options=NO_OPT_IN)
    stranger = make_registration(other)
    actor = organiser()
    result = services.bulk_move(event, [p.pk for p in people] + [stranger.pk], b, actor=actor)
    assert result.done == [people[0].pk, people[1].pk]
    assert set(result.refused) == {people[2].pk, people[3].pk}
    assert (taken(event, a), taken(event, b)) == (2, 2)
    moved = entries("registration.session_switched")
    assert [(e.target_id, e.via) for e in moved] == [
        (str(people[0].pk), "bulk"), (str(people[1].pk), "bulk")
    ]
    result = services.bulk_move(event, [people[2].pk], b, actor=actor, over_capacity=True)
    assert result.done == [people[2].pk] and taken(event, b) == 3


def test_bulk_cancel_and_resend():
    event = make_event(capacity=2, options=NO_OPT_IN)
    people = [services.register(event, person(n)).registration for n in range(3)]
    actor = organiser()
    result = services.bulk_resend(event, [p.pk for p in people], actor=actor)
    assert result.done == [p.pk for p in people]
    assert len(entries("registration.email_resent")) == 3
    result = services.bulk_cancel(event, [people[0].pk, people[1].pk], actor=actor)
    assert result.done == [people[0].pk, people[1].pk]
    assert taken(event) == 1  # the one waiting moved up into one of the two places
    result = services.bulk_cancel(event, [people[0].pk], actor=actor)
    assert result.done == [] and list(result.refused) == [people[0].pk]
    assert len(entries("registration.cancelled")) == 2


def test_a_batch_over_the_limit_is_refused_whole(monkeypatch):
    from aula.core.errors import ActionRefused
    from aula.registrations.services import bulk

    event = make_event(options=NO_OPT_IN)
    people = [make_registration(event) for _ in range(3)]
    monkeypatch.setattr(bulk, "BULK_LIMIT", 2)
    with pytest.raises(ActionRefused):
        services.bulk_cancel(event, [p.pk for p in people], actor=organiser())
    assert not Registration.objects.filter(status=Status.CANCELLED).exists()


def test_adding_someone_into_a_full_session_knowingly():
    event = make_event(capacity=10, options={**NO_OPT_IN, "waiting_list": False})
    [a] = make_slot(event, 1)
    services.register(event, person(1, sessions=[a.pk]))
    actor = organiser()
    refused = services.register(event, person(2, sessions=[a.pk]), actor=actor)
    assert refused.result == Result.SESSION_FULL and not entries("registration.added")
    outcome = services.register(event, person(2, sessions=[a.pk]), actor=actor,
                                over_capacity=True)
    assert outcome.result == Result.CONFIRMED
    assert (taken(event), taken(event, a)) == (2, 2)
    assert entries("registration.added")[0].data["over_capacity"] == [str(a.pk)]
