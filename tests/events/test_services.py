"""record_event_change: the one place that says an event's time or status changed. It raises
the calendar revision once and tells the other apps, inside the transaction of the change."""

from datetime import timedelta

import pytest
from django.db import transaction

from aula.events import services
from aula.events.models import Event
from aula.messaging.models import OutboxMessage
from aula.registrations import services as registrations
from tests.factories import make_event
from tests.registrations.factories import person

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def heard():
    """The signals sent, as (name, event pk, the event's sequence then)."""
    sent = []

    def listener(name):
        def receive(sender, event, **kwargs):
            sent.append((name, event.pk, event.sequence))
        return receive

    rescheduled, cancelled = listener("rescheduled"), listener("cancelled")
    services.event_rescheduled.connect(rescheduled)
    services.event_cancelled.connect(cancelled)
    yield sent
    services.event_rescheduled.disconnect(rescheduled)
    services.event_cancelled.disconnect(cancelled)


def move(event, hours=1):
    event.starts_at += timedelta(hours=hours)
    event.ends_at += timedelta(hours=hours)
    event.save()
    return {"starts_at", "ends_at"}


def test_a_change_of_other_fields_records_nothing(heard):
    event = make_event()
    assert not services.record_event_change(event, {"description", "capacity"})
    assert not services.record_event_change(event, [])
    event.refresh_from_db()
    assert event.sequence == 0 and heard == []


def test_moving_a_published_event_raises_the_sequence_once_and_says_so(heard):
    event = make_event()
    assert services.record_event_change(event, move(event) | {"time_zone", "title"})
    assert event.sequence == 1  # refreshed on the instance too
    assert Event.objects.get(pk=event.pk).sequence == 1
    assert heard == [("rescheduled", event.pk, 1)]  # receivers see the raised sequence


def test_the_sequence_is_raised_in_the_database_not_from_a_stale_copy(heard):
    event = make_event()
    changed = move(event)
    Event.objects.filter(pk=event.pk).update(sequence=4)  # raised elsewhere meanwhile
    services.record_event_change(event, changed)
    assert event.sequence == Event.objects.get(pk=event.pk).sequence == 5


def test_cancelling_says_cancelled_even_when_the_time_changed_too(heard):
    event = make_event()
    event.status = Event.Status.CANCELLED
    changed = move(event) | {"status"}
    services.record_event_change(event, changed)
    assert event.sequence == 1
    assert heard == [("cancelled", event.pk, 1)]


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED])
def test_moving_an_event_that_is_not_published_tells_nobody(heard, status):
    event = make_event(status=status)
    services.record_event_change(event, move(event))
    assert event.sequence == 1  # calendars that have it still update
    assert heard == []


def test_publishing_or_unpublishing_raises_the_sequence_only(heard):
    event = make_event(status=Event.Status.DRAFT)
    event.status = Event.Status.PUBLISHED
    event.save()
    services.record_event_change(event, {"status"})
    event.status = Event.Status.DRAFT
    event.save()
    services.record_event_change(event, {"status"})
    assert event.sequence == 2 and heard == []


def test_registrants_are_told_in_the_transaction_of_the_change():
    event = make_event()
    for n in (1, 2):
        registrations.register(event, person(n))
    confirmations = OutboxMessage.objects.count()

    with pytest.raises(Boom), transaction.atomic():
        services.record_event_change(event, move(event))
        assert OutboxMessage.objects.filter(kind="registration_event_changed").count() == 2
        raise Boom  # the change does not commit: neither do its e-mails
    assert OutboxMessage.objects.count() == confirmations
    assert Event.objects.get(pk=event.pk).sequence == 0

    services.record_event_change(event, move(event))
    assert OutboxMessage.objects.filter(kind="registration_event_changed").count() == 2


def test_a_receiver_that_fails_undoes_the_recorded_change():
    event = make_event()

    def broken(sender, event, **kwargs):
        raise Boom

    services.event_rescheduled.connect(broken)
    try:
        with pytest.raises(Boom):
            services.record_event_change(event, move(event))
    finally:
        services.event_rescheduled.disconnect(broken)
    assert Event.objects.get(pk=event.pk).sequence == 0
