"""The event's life cycle in the console (hub, events list, cancel page) and the organiser's
event and agenda actions on the record (one audit entry each, by the signed-in person)."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.events.models import AgendaBlock, AgendaItem, Event
from aula.events.services import session_capacity_changing
from aula.messaging.models import OutboxMessage
from aula.registrations import services as registrations
from tests.console.confirming import CONFIRMED
from tests.console.test_events import block_data, edit_data, url
from tests.factories import make_block, make_event, make_person, organiser
from tests.registrations.factories import make_slot, person

pytestmark = pytest.mark.django_db

S = Event.Status
VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")
MOVES = {
    "publish": "event_publish", "unpublish": "event_unpublish", "mark_held": "event_mark_held",
    "close": "event_close", "reopen": "event_reopen", "cancel": "event_cancel",
}


def vilnius(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VILNIUS)


@pytest.fixture
def event():
    # No location yet: saving the edit form (location "Online") records one.
    return make_event(starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 13),
                      location={})


@pytest.fixture
def user(event):
    return organiser("editor", event.project)


@pytest.fixture
def editor(client, user):
    client.force_login(user)
    return client


def hub(client, event):
    return client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()


def set_state(event, status, *, started=False):
    starts = timezone.now() - timedelta(hours=1) if started else event.starts_at
    Event.objects.filter(pk=event.pk).update(status=status, starts_at=starts,
                                             ends_at=starts + timedelta(hours=3))
    event.refresh_from_db()


@pytest.mark.parametrize("status, started, offered", [
    (S.DRAFT, False, {"publish", "cancel"}),
    (S.PUBLISHED, False, {"unpublish", "cancel"}),
    (S.PUBLISHED, True, {"unpublish", "mark_held", "cancel"}),
    (S.HELD, True, {"close"}),
    (S.CLOSED, True, {"reopen"}),
    (S.CANCELLED, False, set()),
])
def test_hub_and_list_show_the_state_and_exactly_the_moves_allowed(
    editor, event, status, started, offered
):
    set_state(event, status, started=started)
    body = hub(editor, event)
    assert event.get_status_display() in body
    listing = editor.get(reverse("console:project_events",
                                 kwargs={"project": event.project.slug})).content.decode()
    for move, name in MOVES.items():
        assert (url(name, event) in body) == (move in offered), move
        assert (url(name, event) in listing) == (move in offered), move


def test_a_viewer_sees_the_state_but_no_moves_and_is_refused_each(client, event):
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    body = hub(client, event)
    assert "Published" in body and url("event_unpublish", event) not in body
    for name in MOVES.values():
        assert client.post(url(name, event), {"reason": "no"}).status_code == 403, name
    event.refresh_from_db()
    assert event.status == S.PUBLISHED and not AuditEntry.objects.exists()


def test_mark_held_close_and_reopen_from_the_hub(editor, user, event):
    response = editor.post(url("event_mark_held", event), follow=True)
    assert "has not started yet" in response.content.decode()  # refused in words
    assert not AuditEntry.objects.exists()
    set_state(event, S.PUBLISHED, started=True)
    for name, status in (("event_mark_held", S.HELD), ("event_close", S.CLOSED),
                         ("event_reopen", S.HELD)):
        response = editor.post(url(name, event))
        assert response["Location"] == reverse("console:event", kwargs={"event_id": event.pk})
        event.refresh_from_db()
        assert event.status == status
    assert [(e.action, e.actor_id) for e in AuditEntry.objects.order_by("id")] == [
        ("event.held", user.pk), ("event.closed", user.pk), ("event.reopened", user.pk)]
    response = editor.post(url("event_reopen", event), follow=True)
    assert "Only a closed event can be reopened." in response.content.decode()


def test_a_move_from_the_list_returns_to_the_list(editor, event):
    set_state(event, S.DRAFT)
    response = editor.post(url("event_publish", event), {"next": "list"})
    assert response["Location"] == reverse("console:project_events",
                                           kwargs={"project": event.project.slug})
    event.refresh_from_db()
    assert event.status == S.PUBLISHED


def test_cancel_page_says_what_follows_and_takes_a_reason(editor, user, event):
    registrations.register(event, person(1))
    body = editor.get(url("event_cancel", event)).content.decode()
    assert "1 registrant is told by e-mail" in body
    assert "Certificates already issued for it are revoked." in body
    assert "no longer counted" in body
    assert '<textarea name="reason"' in body
    response = editor.post(url("event_cancel", event), {"reason": "The <b>venue</b> flooded."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == S.CANCELLED and event.cancellation_reason == "The <b>venue</b> flooded."
    entry = AuditEntry.objects.get(action="event.cancelled")
    assert entry.actor_id == user.pk and entry.data == {"reason": "The <b>venue</b> flooded."}
    assert OutboxMessage.objects.filter(kind="registration_event_cancelled").count() == 1
    # The public page gives the reason, escaped.
    page = editor.get(reverse("events:event", kwargs={
        "project": event.project.slug, "event": event.slug})).content.decode()
    assert "This seminar has been cancelled." in page
    assert "The &lt;b&gt;venue&lt;/b&gt; flooded." in page and "<b>venue</b>" not in page
    # Once cancelled, nothing more to cancel.
    body = editor.get(url("event_cancel", event)).content.decode()
    assert '<textarea name="reason"' not in body
    response = editor.post(url("event_cancel", event), {"reason": "again"}, follow=True)
    assert "Only a draft or a published event can be cancelled" in response.content.decode()
    assert AuditEntry.objects.filter(action="event.cancelled").count() == 1


def test_a_held_event_page_says_it_has_taken_place(client, event):
    set_state(event, S.HELD, started=True)  # started, not ended
    page = client.get(reverse("events:event", kwargs={
        "project": event.project.slug, "event": event.slug})).content.decode()
    assert "This seminar has taken place." in page


# --- On the record ------------------------------------------------------------------------------


def actions():
    return [entry.action for entry in AuditEntry.objects.order_by("id")]


def test_event_created_and_updated_on_the_record(editor, user, event):
    response = editor.post(reverse("console:event_new", kwargs={"project": event.project.slug}), {
        "title_en": "Next one", "slug": "", "primary_language": "en",
        "time_zone": "Europe/Vilnius", "starts_at": "2030-05-01T10:00",
        "ends_at": "2030-05-01T12:00", "format": "online",
    })
    assert response.status_code == 302
    created = AuditEntry.objects.get(action="event.created")
    new = Event.objects.get(slug="next-one")
    assert created.event_id == new.pk and created.actor_id == user.pk
    assert created.changes["title"] == [None, {"en": "Next one"}]
    response = editor.post(url("event_edit", event), edit_data(
        event, starts_at="2030-03-14T11:00", ends_at="2030-03-14T14:00", summary_en="Other.",
    ))
    assert response.status_code == 302
    updated = AuditEntry.objects.get(action="event.updated")
    assert updated.actor_id == user.pk and updated.event_id == event.pk
    assert updated.changes["starts_at"] == ["2030-03-14T08:00:00+00:00",
                                            "2030-03-14T09:00:00+00:00"]
    assert set(updated.changes) == {"starts_at", "ends_at", "summary", "location"}
    # Saved unchanged: nothing to record.
    event.refresh_from_db()
    editor.post(url("event_edit", event), edit_data(event, summary_en="Other."))
    assert AuditEntry.objects.filter(action="event.updated").count() == 1


def test_agenda_actions_on_the_record(editor, user, event):
    editor.post(url("event_agenda", event), block_data())
    block = AgendaBlock.objects.get(event=event)
    editor.post(url("event_block", event, block_id=block.pk),
                block_data(**{"block-title_en": "Welcome"}))
    editor.post(url("event_item_new", event, block_id=block.pk), {
        "item-title_en": "Hello", "item-start_time": "10:15", "item-order": "1"})
    item = AgendaItem.objects.get(block=block)
    editor.post(url("event_item", event, item_id=item.pk), {
        "item-title_en": "Hello all", "item-start_time": "10:15", "item-order": "1"})
    known = make_person(name="Ana", project=event.project)
    editor.post(url("event_role_add", event, item_id=item.pk),
                {"role-person": known.pk, "role-role": "speaker"})
    editor.post(url("event_person_new", event, item_id=item.pk), {
        "person-name": "Bo", "person-organisation": "", "person-role": "moderator"})
    role = item.roles.get(person=known)
    editor.post(url("event_role_delete", event, item_id=item.pk, role_id=role.pk), CONFIRMED)
    editor.post(url("event_item_delete", event, item_id=item.pk), CONFIRMED)
    editor.post(url("event_block_delete", event, block_id=block.pk), CONFIRMED)
    assert actions() == [
        "agenda.block_added", "agenda.block_changed", "agenda.item_added",
        "agenda.item_changed", "agenda.person_added", "person.created", "agenda.person_added",
        "agenda.person_removed", "agenda.item_deleted", "agenda.block_deleted",
    ]
    entries = list(AuditEntry.objects.order_by("id"))
    assert all(e.actor_id == user.pk for e in entries)
    assert all(e.event_id == event.pk for e in entries if not e.action.startswith("person."))
    assert entries[1].changes == {"title": [{"en": "Opening"}, {"en": "Welcome"}]}


def test_a_refused_block_change_leaves_no_entry(editor, event):
    response = editor.post(url("event_agenda", event),
                           block_data(**{"block-start_time": "08:00"}))
    assert response.status_code == 200 and not AuditEntry.objects.exists()


@pytest.fixture
def heard():
    sent = []

    def listen(sender, block, capacity, **kwargs):
        sent.append((block.pk, block.capacity, capacity))
        if capacity == 1:
            raise ValidationError({"capacity": "2 people chose this session."})

    session_capacity_changing.connect(listen)
    yield sent
    session_capacity_changing.disconnect(listen)


def session_data(block, capacity):
    local = block.event.local
    return block_data(**{
        "block-kind": "parallel", "block-order": str(block.order),
        "block-day": local(block.starts_at).date().isoformat(),
        "block-start_time": local(block.starts_at).strftime("%H:%M"),
        "block-end_time": local(block.ends_at).strftime("%H:%M"),
        "block-title_en": block.title["en"], "block-capacity": capacity,
    })


def test_a_sessions_capacity_set_or_lowered_asks_registrations(editor, event, heard):
    session, other = make_slot(event, 10, None)
    page = url("event_block", event, block_id=session.pk)
    assert editor.post(page, session_data(session, "20")).status_code == 302  # raised: not asked
    assert editor.post(page, session_data(session, "20")).status_code == 302  # unchanged
    assert heard == []
    assert editor.post(page, session_data(session, "5")).status_code == 302
    assert heard == [(session.pk, 20, 5)]
    response = editor.post(page, session_data(session, "1"))  # refused by the receiver
    assert response.status_code == 200
    assert "2 people chose this session." in response.content.decode()
    assert AgendaBlock.objects.get(pk=session.pk).capacity == 5
    other_page = url("event_block", event, block_id=other.pk)
    assert editor.post(other_page, session_data(other, "7")).status_code == 302  # newly set
    assert heard[-1] == (other.pk, None, 7)
    # A new session with a capacity: asked with the unsaved block.
    heard.clear()
    response = editor.post(url("event_agenda", event), block_data(**{
        "block-kind": "parallel", "block-order": "2", "block-title_en": "Workshop C",
        "block-day": event.local(session.starts_at).date().isoformat(),
        "block-start_time": event.local(session.starts_at).strftime("%H:%M"),
        "block-end_time": event.local(session.ends_at).strftime("%H:%M"),
        "block-capacity": "8",
    }))
    assert response.status_code == 302
    assert heard == [(None, 8, 8)]


def test_moving_the_agenda_keeps_the_chosen_slots(editor, event):
    session, _other = make_slot(event, None, None)
    make_block(event, starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1))
    registrations.register(event, person(1, sessions=[session.pk]))
    response = editor.post(url("event_edit", event), edit_data(
        event, starts_at="2030-03-15T10:00", ends_at="2030-03-15T13:00"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == vilnius(2030, 3, 15, 11)
    assert list(session.session_choices.values_list("slot_starts_at", flat=True)) == [
        vilnius(2030, 3, 15, 11)]


def test_moving_the_event_before_its_registration_closes_is_said_at_the_top(editor, event):
    Event.objects.filter(pk=event.pk).update(registration_closes_at=vilnius(2030, 3, 14, 12))
    event.refresh_from_db()
    response = editor.post(url("event_edit", event), edit_data(
        event, starts_at="2030-03-14T09:00", ends_at="2030-03-14T11:00"))
    assert response.status_code == 200
    assert "Registration cannot close after the event ends." in response.content.decode()
    event.refresh_from_db()
    assert event.ends_at == vilnius(2030, 3, 14, 13) and not AuditEntry.objects.exists()
