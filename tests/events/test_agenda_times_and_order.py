"""The agenda's rules for clock times on the event's days (zone- and DST-safe), the one-click
parallel session and moving blocks and items up or down, each on the record."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from aula.audit.models import AuditEntry
from aula.core.errors import ActionRefused
from aula.events import agenda
from aula.events.models import AgendaBlock
from tests.factories import make_block, make_event, make_item, organiser

pytestmark = pytest.mark.django_db

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")


def vilnius(*args):
    return datetime(*args, tzinfo=VILNIUS)


def test_the_events_days_in_its_zone():
    # 23:00 UTC on the 13th is already the 14th in Vilnius.
    event = make_event(starts_at=vilnius(2030, 3, 14, 1), ends_at=vilnius(2030, 3, 16, 12))
    assert agenda.event_days(event) == [date(2030, 3, 14), date(2030, 3, 15), date(2030, 3, 16)]


def test_block_times_are_clock_times_on_the_day_in_the_events_zone():
    event = make_event(starts_at=vilnius(2030, 3, 14, 9), ends_at=vilnius(2030, 3, 15, 18))
    start, end = agenda.block_times(event, date(2030, 3, 15), time(10), time(11, 30))
    assert (start, end) == (vilnius(2030, 3, 15, 10), vilnius(2030, 3, 15, 11, 30))
    # An end at or before the start is on the next day.
    start, end = agenda.block_times(event, date(2030, 3, 14), time(22), time(1))
    assert end == vilnius(2030, 3, 15, 1)
    with pytest.raises(ValidationError, match="one of the event's days"):
        agenda.block_times(event, date(2030, 3, 16), time(10), time(11))


def test_block_times_across_the_clock_changes():
    spring = make_event(starts_at=vilnius(2030, 3, 31, 0), ends_at=vilnius(2030, 3, 31, 12))
    start, end = agenda.block_times(spring, date(2030, 3, 31), time(2), time(5))
    assert lasts(start, end) == timedelta(hours=2)  # the clocks skip 03:00–04:00
    with pytest.raises(ValidationError, match="does not exist"):
        agenda.block_times(spring, date(2030, 3, 31), time(3, 30), time(5))
    autumn = make_event(starts_at=vilnius(2030, 10, 27, 0), ends_at=vilnius(2030, 10, 27, 12))
    start, end = agenda.block_times(autumn, date(2030, 10, 27), time(2), time(5))
    assert lasts(start, end) == timedelta(hours=4)  # 03:00–04:00 happens twice
    start, _end = agenda.block_times(autumn, date(2030, 10, 27), time(3, 30), time(5))
    assert start.utcoffset() == timedelta(hours=3)  # the first 03:30 (summer time)


def lasts(start, end):
    return end.astimezone(UTC) - start.astimezone(UTC)  # not the wall-clock difference


def slot(event, count=2):
    starts = event.starts_at + timedelta(hours=1)
    return [make_block(event, kind=AgendaBlock.Kind.PARALLEL, starts_at=starts,
                       ends_at=starts + timedelta(hours=1), title={"en": f"Workshop {n}"},
                       order=n) for n in range(count)]


def test_a_parallel_session_at_the_same_times_in_one_call():
    event = make_event()
    user = organiser("editor", event.project)
    first, second = slot(event)
    session = agenda.add_parallel_session(first, actor=user)
    assert (session.starts_at, session.ends_at, session.kind) == (
        first.starts_at, first.ends_at, AgendaBlock.Kind.PARALLEL)
    assert session.order == 2  # after the slot's sessions
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.event_id) == (user, "agenda.block_added", event.pk)
    assert entry.changes["starts_at"][1] is not None


def test_only_a_parallel_session_gets_one_at_its_times():
    event = make_event()
    plenary = make_block(event)
    with pytest.raises(ActionRefused):
        agenda.add_parallel_session(plenary, actor=organiser("editor", event.project))
    assert AgendaBlock.objects.count() == 1 and not AuditEntry.objects.exists()


def test_moving_a_session_within_its_slot_is_on_the_record():
    event = make_event()
    user = organiser("editor", event.project)
    make_block(event)  # the plenary before the slot
    first, second, third = slot(event, 3)
    agenda.move_block(third, agenda.UP, actor=user)
    places = sorted(AgendaBlock.objects.filter(kind="parallel"), key=agenda.block_place)
    assert [b.pk for b in places] == [first.pk, third.pk, second.pk]
    entries = list(AuditEntry.objects.order_by("id"))
    assert {(e.action, e.target_id) for e in entries} == {
        ("agenda.block_changed", str(third.pk)), ("agenda.block_changed", str(second.pk))}
    assert all(e.actor == user and set(e.changes) == {"order"} for e in entries)


def test_times_set_the_place_of_blocks_at_other_times():
    event = make_event()
    user = organiser("editor", event.project)
    plenary = make_block(event)
    first, _second = slot(event)
    with pytest.raises(ActionRefused, match="Its time sets its place"):
        agenda.move_block(first, agenda.UP, actor=user)
    with pytest.raises(ActionRefused, match="already at that end"):
        agenda.move_block(plenary, agenda.UP, actor=user)
    assert not AuditEntry.objects.exists()


def test_items_move_among_those_of_their_time():
    event = make_event()
    user = organiser("editor", event.project)
    block = make_block(event)
    timed = make_item(block, starts_at=block.starts_at + timedelta(minutes=30), order=0)
    early = make_item(block, starts_at=block.starts_at, order=5)
    a, b = make_item(block, order=1), make_item(block, order=2)
    places = [i.pk for i in sorted(block.items.all(), key=agenda.item_place)]
    assert places == [early.pk, timed.pk, a.pk, b.pk]  # by time, then the untimed by order
    agenda.move_item(b, agenda.UP, actor=user)
    assert [i.pk for i in sorted(block.items.all(), key=agenda.item_place)][2:] == [b.pk, a.pk]
    entry = AuditEntry.objects.get(action="agenda.item_changed")  # only b's number changed
    assert (entry.target_id, entry.changes) == (str(b.pk), {"order": [2, 0]})
    with pytest.raises(ActionRefused):
        agenda.move_item(b, agenda.UP, actor=user)  # the one above has a time
    with pytest.raises(ActionRefused):
        agenda.move_item(timed, agenda.UP, actor=user)


def test_the_public_agenda_places_items_as_the_console_does():
    from aula.events import queries

    event = make_event()
    block = make_block(event)
    late = make_item(block, starts_at=block.starts_at + timedelta(minutes=30), order=0)
    untimed = make_item(block, order=0)
    early = make_item(block, starts_at=block.starts_at, order=9)
    shown = [i.pk for i in queries.agenda(event)[0].blocks[0].items.all()]
    assert shown == [early.pk, late.pk, untimed.pk]
    assert shown == [i.pk for i in sorted(block.items.all(), key=agenda.item_place)]
