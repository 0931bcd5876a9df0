"""The organiser's event and agenda actions (events.services, events.agenda): one transaction
each with its audit entry, refusals storing nothing, and the agenda's one way of moving in
time."""

import zoneinfo
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from aula.audit.models import AuditEntry
from aula.core.errors import ActionRefused
from aula.events import agenda, services
from aula.events.models import AgendaBlock, AgendaItem, Event, Person
from tests.factories import (
    add_role,
    clear_audit_log,
    make_block,
    make_event,
    make_item,
    make_person,
)

pytestmark = pytest.mark.django_db

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")
ROME = zoneinfo.ZoneInfo("Europe/Rome")


def vilnius(*args):
    return datetime(*args, tzinfo=VILNIUS)


class Boom(Exception):
    pass


@pytest.fixture
def user():
    return get_user_model().objects.create_user("ana", password="pw-long-enough-1")


@pytest.fixture
def event():
    return make_event(starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 13))


# --- Time --------------------------------------------------------------------------------------


def test_shift_keeps_the_clock_time_across_zones_and_summer_time():
    moment = vilnius(2030, 3, 14, 10)
    assert agenda.shift(moment, VILNIUS, ROME) == datetime(2030, 3, 14, 10, tzinfo=ROME)
    assert agenda.shift(moment, VILNIUS, VILNIUS, timedelta(days=120)) == vilnius(
        2030, 7, 12, 10)
    assert agenda.shift(None, VILNIUS, ROME) is None
    assert agenda.clock_delta(moment, VILNIUS, datetime(2030, 3, 14, 11, tzinfo=ROME),
                              ROME) == timedelta(hours=1)


def test_shift_agenda_moves_blocks_and_items_or_items_only(event):
    block = make_block(event, starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 11))
    item = make_item(block, starts_at=vilnius(2030, 3, 14, 10, 15))
    untimed = make_item(block)
    agenda.shift_agenda(event, VILNIUS, timedelta(hours=1))
    block.refresh_from_db()
    item.refresh_from_db()
    assert block.starts_at == vilnius(2030, 3, 14, 11) and block.ends_at == vilnius(2030, 3, 14, 12)
    assert item.starts_at == vilnius(2030, 3, 14, 11, 15)
    assert AgendaItem.objects.get(pk=untimed.pk).starts_at is None
    # The zone changed (the admin: blocks were on the form already): items keep clock times.
    Event.objects.filter(pk=event.pk).update(time_zone="Europe/Rome")
    event.refresh_from_db()
    agenda.shift_agenda(event, VILNIUS, blocks=False)
    item.refresh_from_db()
    assert item.starts_at == datetime(2030, 3, 14, 11, 15, tzinfo=ROME)
    assert AgendaBlock.objects.get(pk=block.pk).starts_at == vilnius(2030, 3, 14, 11)


# --- The event ---------------------------------------------------------------------------------


def test_create_event_is_a_draft_with_a_free_address_on_the_record(user, event):
    event.title, event.slug = {"en": "Seminar 1"}, "seminar-1"  # the title's address, taken
    event.save()
    new = Event(project=event.project, title={"en": event.title["en"]}, primary_language="en",
                time_zone="Europe/Vilnius", starts_at=event.starts_at, ends_at=event.ends_at,
                status=Event.Status.PUBLISHED, slug="")
    assert event.slug == "seminar-" + event.title["en"].split()[-1]  # the title's address
    services.create_event(new, actor=user)
    assert new.status == Event.Status.DRAFT and new.slug.endswith("-2")
    (entry,) = AuditEntry.objects.all()
    assert entry.action == "event.created" and entry.actor_id == user.pk
    assert entry.changes["slug"] == [None, new.slug]


def test_a_refused_update_stores_nothing_and_leaves_no_entry(user, event):
    make_block(event, starts_at=vilnius(2030, 3, 14, 12), ends_at=vilnius(2030, 3, 14, 13))
    old = Event.objects.get(pk=event.pk)
    event.ends_at = vilnius(2030, 3, 14, 12)  # shorter than its agenda
    with pytest.raises(ValidationError):
        services.update_event(event, actor=user, old=old)
    assert Event.objects.get(pk=event.pk).ends_at == vilnius(2030, 3, 14, 13)
    assert not AuditEntry.objects.exists()


def test_an_update_rolls_back_with_its_entry(user, event):
    old = Event.objects.get(pk=event.pk)
    event.summary = {"en": "Changed."}
    with pytest.raises(Boom), transaction.atomic():
        services.update_event(event, actor=user, old=old)
        assert AuditEntry.objects.count() == 1
        raise Boom
    assert Event.objects.get(pk=event.pk).summary != {"en": "Changed."}
    assert not AuditEntry.objects.exists()


def test_update_records_the_contact_person_without_copying_them(user, event):
    old = Event.objects.get(pk=event.pk)
    event.contact_email = "someone@example.org"
    event.contact_phone = "+40 1"
    services.update_event(event, actor=user, old=old)
    entry = AuditEntry.objects.get()
    assert entry.changes == {"contact_email": ["changed"], "contact_phone": ["changed"]}


def test_clone_sends_event_cloned_inside_its_transaction(user, event):
    heard = []

    def listen(sender, source, copy, **kwargs):
        heard.append((source.pk, copy.pk, transaction.get_connection().in_atomic_block))

    services.event_cloned.connect(listen)
    try:
        copy = services.clone_event(event, actor=user, starts_on=date(2030, 4, 1))
    finally:
        services.event_cloned.disconnect(listen)
    assert heard == [(event.pk, copy.pk, True)]
    assert copy.status == Event.Status.DRAFT and copy.starts_at == vilnius(2030, 4, 1, 10)


def test_a_failing_clone_receiver_undoes_the_copy(user, event):
    def broken(sender, **kwargs):
        raise Boom

    services.event_cloned.connect(broken)
    try:
        with pytest.raises(Boom):
            services.clone_event(event, actor=user, starts_on=date(2030, 4, 1))
    finally:
        services.event_cloned.disconnect(broken)
    assert Event.objects.count() == 1 and not AuditEntry.objects.exists()


# --- The agenda --------------------------------------------------------------------------------


def test_a_block_outside_the_event_is_refused_and_nothing_recorded(user, event):
    block = AgendaBlock(event=event, kind="plenary", starts_at=vilnius(2030, 3, 14, 8),
                        ends_at=vilnius(2030, 3, 14, 9), title={"en": "Early"})
    with pytest.raises(ValidationError, match="outside"):
        agenda.save_block(block, actor=user)
    assert not AgendaBlock.objects.exists() and not AuditEntry.objects.exists()


def test_block_item_and_people_actions_on_the_record(user, event):
    block = agenda.save_block(AgendaBlock(
        event=event, kind="plenary", starts_at=vilnius(2030, 3, 14, 10),
        ends_at=vilnius(2030, 3, 14, 11), title={"en": "Opening"}), actor=user)
    block.ends_at = vilnius(2030, 3, 14, 11, 30)
    agenda.save_block(block, actor=user)
    agenda.save_block(block, actor=user)  # unchanged: no entry
    item = agenda.save_item(AgendaItem(block=block, title={"en": "Hi"}), actor=user)
    role = agenda.add_new_person(item, Person(name="Ana"), "speaker", actor=user)
    person = role.person
    person.organisation = "Kaunas"
    agenda.save_person(person, actor=user)
    agenda.remove_role(role, actor=user)
    agenda.delete_item(item, actor=user)
    agenda.delete_block(block, actor=user)
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [
        "agenda.block_added", "agenda.block_changed", "agenda.item_added", "person.created",
        "agenda.person_added", "person.changed", "agenda.person_removed",
        "agenda.item_deleted", "agenda.block_deleted",
    ]
    assert entries[1].changes == {"ends_at": ["2030-03-14T09:00:00+00:00",
                                              "2030-03-14T09:30:00+00:00"]}
    assert entries[5].changes == {"organisation": ["", "Kaunas"]}
    assert entries[6].event_id == event.pk and entries[6].project_id == event.project_id
    assert all(e.actor_id == user.pk for e in entries)


def test_deleting_a_chosen_block_is_refused(user):
    from aula.registrations import services as registrations
    from tests.registrations.factories import make_slot, person

    event = make_event()
    chosen, free = make_slot(event, None, None)
    registrations.register(event, person(1, sessions=[chosen.pk]))
    clear_audit_log()
    with pytest.raises(ActionRefused, match="1 registrant chose this session"):
        agenda.delete_block(chosen, actor=user)
    assert AgendaBlock.objects.filter(pk=chosen.pk).exists() and not AuditEntry.objects.exists()
    assert agenda.chosen_by(chosen) == 1 and agenda.chosen_by(free) == 0


def test_a_refused_session_capacity_stores_nothing(user, event):
    block = make_block(event, kind="parallel", capacity=10)

    def refuse(sender, block, capacity, **kwargs):
        raise ValidationError({"capacity": "Too few."})

    services.session_capacity_changing.connect(refuse)
    try:
        block.capacity = 4
        with pytest.raises(ValidationError):
            agenda.save_block(block, actor=user)
    finally:
        services.session_capacity_changing.disconnect(refuse)
    assert AgendaBlock.objects.get(pk=block.pk).capacity == 10
    assert not AuditEntry.objects.exists()


def test_the_organiser_agenda_counts_choices(event):
    block = make_block(event)
    add_role(make_item(block), make_person())
    (read,) = agenda.organiser_agenda(event)
    assert read.chosen == 0 and agenda.problems_of(event, [read]) == []
