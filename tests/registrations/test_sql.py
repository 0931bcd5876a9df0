"""The registration path's raw statements (``registrations/services/sql.py``) give what the
ORM gives, on both databases, and the decisions taken with them see the state as it is under
the lock: a session filled or cut after the form's snapshot, a counter not yet there."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import signals
from django.utils import timezone

from aula.events.models import AgendaBlock, Event
from aula.messaging.models import OutboxMessage
from aula.registrations import emails, queries, services
from aula.registrations.models import CapacityCounter, Registration, SessionChoice
from aula.registrations.services import Result, sql
from aula.registrations.services.validation import RegistrationData, _new_registration
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_question, make_slot, person

pytestmark = pytest.mark.django_db


def test_places_taken_is_the_counters_value_and_none_without_a_counter():
    event = make_event(options=NO_OPT_IN, capacity=10)
    assert sql.places_taken(event.pk) is None
    services.register(event, person(1))
    services.register(event, person(2))
    assert sql.places_taken(event.pk) == 2 == queries.places_taken(event)
    CapacityCounter.objects.filter(event=event).delete()
    assert sql.places_taken(event.pk) is None
    assert queries.places_taken(event) == 2  # counted from the rows then


@pytest.mark.parametrize("opens", [None, timedelta(days=-1)])
def test_event_state_is_what_the_orm_reads(opens):
    now = timezone.now().replace(microsecond=123456)
    event = make_event(capacity=None if opens is None else 7,
                       registration_opens_at=None if opens is None else now + opens,
                       registration_closes_at=now + timedelta(days=2))
    fresh = Event.objects.get(pk=event.pk)
    state = sql.event_state(event.pk)
    assert state == {name: getattr(fresh, name) for name in sql.EVENT_STATE_FIELDS}
    for name in ("registration_closes_at", "ends_at"):
        assert state[name].utcoffset() == timedelta(0)
    assert sql.event_state(event.pk + 1000) is None


def test_take_sessions_adds_a_place_and_reads_the_capacity_now():
    event = make_event(options=NO_OPT_IN, capacity=10)
    a, b = make_slot(event, 3, None)
    services.register(event, person(1, sessions=[a.pk]))
    services.register(event, person(2, sessions=[b.pk]))
    AgendaBlock.objects.filter(pk=a.pk).update(capacity=5)
    taken = sql.take_sessions([b.pk, a.pk])
    counters = {c.block_id: c for c in CapacityCounter.objects.filter(block__in=[a, b])}
    assert taken == {a.pk: (counters[a.pk].pk, 2, 5), b.pk: (counters[b.pk].pk, 2, None)}
    assert counters[a.pk].taken == 2 and counters[b.pk].taken == 2
    assert sql.take_sessions([]) == {}


def test_a_session_cut_after_the_forms_snapshot_puts_the_next_one_on_its_waiting_list(
    monkeypatch,
):
    """The form's setup still says 5 places; the organiser cut the session to 1 meanwhile:
    the place taken on the event and on the session is rolled back, the registrant waits."""
    event = make_event(options=NO_OPT_IN, capacity=10)
    (a,) = make_slot(event, 5)
    setup = queries.registration_setup(event)
    services.register(event, person(1, sessions=[a.pk]), setup=setup)
    AgendaBlock.objects.filter(pk=a.pk).update(capacity=1)
    monkeypatch.setattr(queries, "session_places_left", lambda event, slots=None: {a.pk: 4})
    outcome = services.register(event, person(2, sessions=[a.pk]), setup=setup, taken=1)
    assert outcome.result == Result.WAITING and outcome.full_sessions == (a.pk,)
    assert outcome.registration.status == Registration.Status.WAITING
    assert CapacityCounter.objects.get(block=a).taken == 1
    assert CapacityCounter.objects.get(event=event, block=None).taken == 1


def test_a_session_without_a_counter_gets_one_counted_from_its_choices():
    event = make_event(options=NO_OPT_IN, capacity=10)
    a, b = make_slot(event, 3, 3)
    services.register(event, person(1, sessions=[a.pk]))
    services.register(event, person(2, sessions=[b.pk]))
    CapacityCounter.objects.filter(block__isnull=False).delete()
    outcome = services.register(event, person(3, sessions=[a.pk]))
    assert outcome.result == Result.CONFIRMED
    assert CapacityCounter.objects.get(block=a).taken == 2
    assert not CapacityCounter.objects.filter(block=b).exists()  # not chosen: not created


def test_an_event_cancelled_while_waiting_for_the_lock_refuses_with_nothing_stored():
    event = make_event(options=NO_OPT_IN, capacity=10)
    setup = queries.registration_setup(event)
    services.register(event, person(1), setup=setup)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    outcome = services.register(event, person(2), setup=setup, taken=1)  # the view's copy
    assert outcome.result == Result.EVENT_CANCELLED
    assert Registration.objects.count() == 1
    assert CapacityCounter.objects.get(event=event, block=None).taken == 1
    assert event.status == Event.Status.PUBLISHED  # the caller's object is not changed


def test_registration_of_address_is_the_events_row_of_that_address():
    event = make_event(options=NO_OPT_IN, capacity=10)
    other = make_event(options=NO_OPT_IN, capacity=10)
    registration = services.register(event, person(1)).registration
    assert sql.registration_of_address(event.pk, registration.email) == (
        registration.pk, Registration.Status.CONFIRMED
    )
    assert sql.registration_of_address(other.pk, registration.email) is None
    assert sql.registration_of_address(event.pk, "nobody@example.org") is None


def test_lock_counter_reads_the_counter_without_changing_it():
    event = make_event(options=NO_OPT_IN, capacity=10)
    assert sql.lock_counter(event.pk) is None
    services.register(event, person(1))
    counter = CapacityCounter.objects.get(event=event, block=None)
    assert sql.lock_counter(event.pk) == (counter.pk, 1)
    assert CapacityCounter.objects.get(pk=counter.pk).taken == 1


@pytest.mark.parametrize("take", [False, True])
def test_state_and_sessions_is_event_state_with_the_sessions_counters(take):
    event = make_event(options=NO_OPT_IN, capacity=10)
    a, b, c = make_slot(event, 3, None, 4)
    services.register(event, person(1, sessions=[a.pk]))
    services.register(event, person(2, sessions=[b.pk]))
    AgendaBlock.objects.filter(pk=a.pk).update(capacity=5)  # the capacity as it is now
    counters = {x.block_id: x for x in CapacityCounter.objects.filter(block__isnull=False)}
    state, sessions = sql.state_and_sessions(event.pk, [b.pk, a.pk, c.pk], take=take)
    assert state == sql.event_state(event.pk)
    # c has no counter yet: left out, as take_sessions leaves it out
    assert sessions == {a.pk: (counters[a.pk].pk, 1 + take, 5),
                        b.pk: (counters[b.pk].pk, 1 + take, None)}
    assert CapacityCounter.objects.get(block=a).taken == 1 + take
    assert sql.state_and_sessions(event.pk, [], take=take) == (state, {})
    assert sql.state_and_sessions(event.pk + 1000, [a.pk], take=take) == (None, {})


def _row(instance, *, leave_out=()):
    return {field.attname: getattr(instance, field.attname)
            for field in type(instance)._meta.concrete_fields
            if field.attname not in {"id", *leave_out}}


def test_insert_registration_writes_the_rows_the_orm_writes(render_in_worker, no_worker):
    """The same registration, session choices and outbox row, written by the ORM and by the
    one statement: read back, they differ only where they must (ids, address, key, times)."""
    event = make_event(options=NO_OPT_IN, capacity=10)
    a, b = make_slot(event, 3, None)
    question = make_question(event)
    setup = queries.registration_setup(event)
    now = timezone.now()
    written = {}
    for n, by_orm in ((1, True), (2, False)):
        data = RegistrationData.of(person(n, consent_recording=True, time_zone="Europe/Vilnius",
                                          answers={str(question.pk): "Ferries, ports"}))
        registration = _new_registration(event, data, setup.notice, setup.questions, now)
        registration.status, registration.confirmed_at = Registration.Status.CONFIRMED, now
        choices = [SessionChoice(block=a, slot_starts_at=a.starts_at)]
        with transaction.atomic():
            if by_orm:
                registration.save(force_insert=True)
                for choice in choices:
                    choice.registration = registration
                SessionChoice.objects.bulk_create(choices)
                emails.queue_later("confirmation", registration, event)
            else:
                message = emails.later_message("confirmation", registration, event)
                sql.insert_registration(registration, choices, message)
                assert message.pk and message.registration_id == registration.pk
        assert registration.pk and not registration._state.adding
        written[by_orm] = registration
    orm, raw = (Registration.objects.get(pk=written[flag].pk) for flag in (True, False))
    different = {"email", "family_name", "token", "updated_at"}
    assert _row(raw, leave_out=different) == _row(orm, leave_out=different)
    assert raw.answers == {str(question.pk): "Ferries, ports"} and raw.country == "RO"
    assert raw.updated_at >= raw.created_at
    assert [_row(c, leave_out={"registration_id"}) for c in raw.session_choices.all()] == [
        _row(c, leave_out={"registration_id"}) for c in orm.session_choices.all()]
    by_orm, by_sql = (OutboxMessage.objects.get(registration_id=r.pk) for r in (orm, raw))
    different = {"recipient", "registration_id", "message_id", "next_attempt_at", "created_at"}
    assert _row(by_sql, leave_out=different) == _row(by_orm, leave_out=different)
    assert by_sql.to_render == {"renderer": "registration", "name": "confirmation",
                                "status": "confirmed", "extra": {}}


def test_insert_registration_of_a_known_address_writes_nothing():
    event = make_event(options=NO_OPT_IN, capacity=10)
    (a,) = make_slot(event, 3)
    services.register(event, person(1, sessions=[a.pk]))
    setup = queries.registration_setup(event)
    again = _new_registration(event, RegistrationData.of(person(1)), setup.notice, [],
                              timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.insert_registration(again, [SessionChoice(block=a, slot_starts_at=a.starts_at)],
                                None)
    assert Registration.objects.count() == SessionChoice.objects.count() == 1


@pytest.mark.parametrize("model", [Registration, SessionChoice, OutboxMessage])
def test_no_save_signal_is_connected_to_the_rows_the_registration_path_inserts(model):
    """``sql.insert_registration`` sends no signals: one connected later would be skipped."""
    assert not signals.pre_save.has_listeners(model)
    assert not signals.post_save.has_listeners(model)


def test_registering_again_after_cancelling_overwrites_the_cancelled_row():
    event = make_event(options=NO_OPT_IN, capacity=10)
    first = services.register(event, person(1)).registration
    services.cancel(first)
    outcome = services.register(event, person(1, first_name="Ioana"))
    assert outcome.result == Result.CONFIRMED and not outcome.existing
    assert outcome.registration.pk == first.pk
    assert Registration.objects.get().first_name == "Ioana"
    again = services.register(event, person(1))
    assert again.existing and again.registration is None


def _postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a pipeline of statements is PostgreSQL's (set AULA_DATABASE_URL to run)")


@pytest.mark.parametrize("take", [False, True])
def test_insert_lock_and_read_gives_what_the_statements_give_one_by_one(render_in_worker, take):
    _postgresql_only()
    event = make_event(options=NO_OPT_IN, capacity=10)
    a, b = make_slot(event, 3, None)
    services.register(event, person(1, sessions=[a.pk]))
    setup = queries.registration_setup(event)
    registration = _new_registration(event, RegistrationData.of(person(2)), setup.notice, [],
                                     timezone.now())
    registration.status = Registration.Status.WAITING
    message = emails.later_message("waiting", registration, event)
    choices = [SessionChoice(block=a, slot_starts_at=a.starts_at)]
    with transaction.atomic():
        before = CapacityCounter.objects.get(event=event, block=None)
        found, state, sessions = sql.insert_lock_and_read(
            registration, choices, message, event.pk, [a.pk], take=take)
        assert found == (before.pk, 1 + take)
        assert state == sql.event_state(event.pk)
        assert sessions == {a.pk: (CapacityCounter.objects.get(block=a).pk, 1 + take, 3)}
        assert Registration.objects.get(pk=registration.pk).email == registration.email
        assert OutboxMessage.objects.get(pk=message.pk).registration_id == registration.pk
        assert SessionChoice.objects.filter(registration_id=registration.pk).count() == 1
        transaction.set_rollback(True)
    assert not Registration.objects.filter(pk=registration.pk).exists()


def test_insert_lock_and_read_of_a_known_address_raises_and_writes_nothing(render_in_worker):
    _postgresql_only()
    event = make_event(options=NO_OPT_IN, capacity=10)
    services.register(event, person(1))
    setup = queries.registration_setup(event)
    again = _new_registration(event, RegistrationData.of(person(1)), setup.notice, [],
                              timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.insert_lock_and_read(again, [], emails.later_message("confirmation", again, event),
                                 event.pk, [], take=True)
    assert Registration.objects.count() == OutboxMessage.objects.count() == 1
    assert CapacityCounter.objects.get(event=event, block=None).taken == 1
    assert services.register(event, person(2)).result == Result.CONFIRMED  # the connection works
