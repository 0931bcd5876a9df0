"""Reminders: each sent once per start of the event, re-armed when the event moves, due at the
right instant across a daylight-saving change, never to a cancelled registrant nor late to one
who registered after its time; and a tick's queries do not grow with the registrants."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aula.events.models import Event
from aula.events.services import record_event_change
from aula.messaging.models import OutboxMessage
from aula.registrations import emails, services
from aula.registrations.models import Registration, ReminderSent
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_slot, person

pytestmark = pytest.mark.django_db
VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")


def reminders(email=None):
    messages = OutboxMessage.objects.filter(kind="registration_reminder").order_by("id")
    return list(messages.filter(recipient=email) if email else messages)


def tick(at) -> int:
    return services.send_due_reminders(now=at)


def test_a_moved_event_gets_its_reminders_again_for_the_new_time(event):
    old_start = event.starts_at
    registration = services.register(
        event, person(1), now=old_start - timedelta(days=5)
    ).registration
    assert tick(old_start - timedelta(hours=23)) == 1  # the one-day reminder for the old time

    moved_at = old_start - timedelta(hours=22)
    event.starts_at = new_start = old_start + timedelta(days=2)
    event.ends_at = new_start + timedelta(hours=3)
    event.save()
    record_event_change(event, {"starts_at", "ends_at"})
    assert OutboxMessage.objects.filter(kind="registration_event_changed").count() == 1

    assert tick(moved_at) == 0
    assert tick(new_start - timedelta(days=1, seconds=1)) == 0
    assert tick(new_start - timedelta(days=1)) == 1  # for the new time, when it is due
    assert tick(new_start - timedelta(hours=2)) == 0  # once
    assert tick(new_start - timedelta(minutes=60)) == 1
    assert tick(new_start - timedelta(minutes=1)) == 0
    assert len(reminders(registration.email)) == 3
    assert sorted(
        ReminderSent.objects.values_list("offset_minutes", "event_starts_at")
    ) == [(60, new_start), (1440, old_start), (1440, new_start)]


def test_moving_back_to_a_start_already_reminded_of_sends_nothing_again(event):
    start = event.starts_at
    services.register(event, person(1), now=start - timedelta(days=5))
    assert tick(start - timedelta(hours=23)) == 1
    for shift in (timedelta(days=2), timedelta(0)):  # away, and back before anything was due
        Event.objects.filter(pk=event.pk).update(
            starts_at=start + shift, ends_at=start + shift + timedelta(hours=3)
        )
        assert tick(start - timedelta(hours=22)) == 0
    assert len(reminders()) == 1


@pytest.mark.parametrize(
    ("local_start", "offsets", "due_utc"),
    [
        # Monday 31 March 2025 02:00 EEST (UTC+3) is Sunday 23:00 UTC. One day before is Saturday
        # 23:00 UTC, i.e. Sunday 01:00 EET (UTC+2): 24 real hours, 23 by the clock on the wall,
        # since clocks went forward at 03:00 on Sunday 30 March.
        (datetime(2025, 3, 31, 2, 0), [1440], datetime(2025, 3, 29, 23, 0, tzinfo=UTC)),
        # 10:00 on that Monday is 07:00 UTC; two days before is Saturday 07:00 UTC, 09:00 EET.
        (datetime(2025, 3, 31, 10, 0), [2880], datetime(2025, 3, 29, 7, 0, tzinfo=UTC)),
    ],
)
def test_a_reminder_across_the_change_to_summer_time_is_due_in_real_hours(
    local_start, offsets, due_utc
):
    starts = local_start.replace(tzinfo=VILNIUS)
    event = make_event(
        starts_at=starts, ends_at=starts + timedelta(hours=3), time_zone="Europe/Vilnius",
        options={"double_opt_in": False, "reminder_offsets_minutes": offsets},
    )
    services.register(event, person(1), now=starts - timedelta(days=10))
    assert starts - due_utc == timedelta(minutes=offsets[0])
    assert tick(due_utc - timedelta(seconds=1)) == 0
    assert tick(due_utc) == 1
    assert tick(due_utc + timedelta(hours=1)) == 0


def test_a_cancelled_registrant_gets_no_reminder(event):
    start = event.starts_at
    kept, cancelled = (
        services.register(event, person(n), now=start - timedelta(days=5)).registration
        for n in (1, 2)
    )
    services.cancel(cancelled, now=start - timedelta(days=2))
    assert tick(start - timedelta(hours=23)) == 1
    assert tick(start - timedelta(minutes=59)) == 1
    assert {m.recipient for m in reminders()} == {kept.email}


@pytest.mark.parametrize("meanwhile", ["cancel", "erase"])
def test_who_cancels_or_is_erased_while_the_reminders_are_rendered_gets_none(
    event, monkeypatch, meanwhile
):
    start = event.starts_at
    first, second = (
        services.register(event, person(n), now=start - timedelta(days=5)).registration
        for n in (1, 2)
    )
    prepare = emails.prepare

    def prepare_while_second_leaves(name, registration, *args, **kwargs):
        if registration.pk == first.pk:  # the tick has read both already
            getattr(services, meanwhile)(Registration.objects.get(pk=second.pk))
        return prepare(name, registration, *args, **kwargs)

    monkeypatch.setattr(emails, "prepare", prepare_while_second_leaves)
    assert tick(start - timedelta(hours=23)) == 1
    assert [m.recipient for m in reminders()] == [first.email]
    assert not ReminderSent.objects.filter(registration=second).exists()


def test_an_event_moved_while_the_reminders_are_rendered_gets_them_at_its_new_time(
    event, monkeypatch
):
    start = event.starts_at
    services.register(event, person(1), now=start - timedelta(days=5))
    prepare = emails.prepare

    def prepare_while_moving(*args, **kwargs):
        Event.objects.filter(pk=event.pk).update(
            starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=3)
        )
        return prepare(*args, **kwargs)

    monkeypatch.setattr(emails, "prepare", prepare_while_moving)
    assert tick(start - timedelta(hours=23)) == 0  # rendered for a time that no longer holds
    monkeypatch.setattr(emails, "prepare", prepare)
    assert tick(start + timedelta(hours=1)) == 1  # 23 hours before the new start
    assert ReminderSent.objects.get().event_starts_at == start + timedelta(days=1)


def test_who_registered_after_a_reminder_time_gets_that_one_not_late_but_the_next(event):
    start = event.starts_at
    early = services.register(event, person(1), now=start - timedelta(days=5)).registration
    late = services.register(event, person(2), now=start - timedelta(hours=20)).registration
    assert tick(start - timedelta(hours=19)) == 1
    assert [m.recipient for m in reminders()] == [early.email]
    assert tick(start - timedelta(minutes=59)) == 2
    assert len(reminders(late.email)) == 1


def test_a_tick_does_not_query_per_registrant(django_assert_max_num_queries):
    def queries_for(registrants: int) -> int:
        event = make_event(options=NO_OPT_IN, capacity=None)
        a, b = make_slot(event, None, None)
        start = event.starts_at
        for n in range(registrants):
            services.register(event, person(
                1000 * registrants + n, sessions=[(a, b)[n % 2].pk]
            ), now=start - timedelta(days=5))
        with CaptureQueriesContext(connection) as captured:
            assert tick(start - timedelta(hours=23)) == registrants
        Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)  # out of the way
        return len(captured)

    assert queries_for(3) == queries_for(12)
    reminder = reminders()[-1]
    assert "Workshop" in reminder.text_body  # sessions came with the prefetch


def test_the_event_receivers_are_connected_once_however_often_ready_runs(event):
    services.register(event, person(1))
    apps.get_app_config("registrations").ready()
    event.status = Event.Status.CANCELLED
    event.save()
    record_event_change(event, {"status"})
    assert OutboxMessage.objects.filter(kind="registration_event_cancelled").count() == 1
