"""The console's event pages: create, edit in the event's zone, agenda, registration settings,
questions, privacy notice, publish, unpublish and cancel."""

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aula.console.models import Membership, Role
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person
from aula.messaging.models import OutboxMessage
from aula.registrations import services as registrations
from aula.registrations.models import (
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
    SessionChoice,
)
from tests.console.confirming import CONFIRMED
from tests.factories import (
    add_role,
    make_block,
    make_event,
    make_item,
    make_person,
    make_project,
    organiser,
)
from tests.registrations.factories import make_slot, person

pytestmark = pytest.mark.django_db

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")


def vilnius(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VILNIUS)


@pytest.fixture
def event():
    return make_event(starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 13))


@pytest.fixture
def editor(client, event):
    client.force_login(organiser("editor", event.project))
    return client


def url(name, event, **kwargs):
    return reverse(f"console:{name}", kwargs={"event_id": event.pk, **kwargs})


def edit_data(event, **changes):
    local = event.local_start
    data = {
        "title_en": event.title.get("en", ""), "title_ro": event.title.get("ro", ""),
        "summary_en": "A summary.", "description_en": "", "location_en": "Online",
        "primary_language": event.primary_language, "slug": event.slug,
        "time_zone": event.time_zone,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.local_end.strftime("%Y-%m-%dT%H:%M"),
        "format": event.format, "meeting_url": event.meeting_url,
        "contact_name": event.contact_name, "contact_email": event.contact_email,
        "contact_phone": "", "contact_role_en": "", "move_agenda": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def mails(kind):
    return list(OutboxMessage.objects.filter(kind=f"registration_{kind}"))


# --- Creating ---------------------------------------------------------------------------------


def test_new_event_page_and_creation_in_the_given_zone(client):
    project = make_project()
    client.force_login(organiser("ed", project))
    page = reverse("console:event_new", kwargs={"project": project.slug})
    assert client.get(page).status_code == 200
    response = client.post(page, {
        "title_en": "Spring <seminar>", "slug": "", "primary_language": "en",
        "time_zone": "America/New_York", "starts_at": "2030-05-02T09:30",
        "ends_at": "2030-05-02T12:00", "format": "online",
    })
    event = Event.objects.get(project=project)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:event_edit", kwargs={"event_id": event.pk})
    assert event.status == Event.Status.DRAFT and event.slug == "spring-seminar"
    # Registrants of a new event confirm their address (the organiser may turn it off).
    assert RegistrationOptions.for_event(event).double_opt_in is True
    settings_page = client.get(
        reverse("console:event_registration", kwargs={"event_id": event.pk})
    ).content.decode()
    assert re.search(r'<input[^>]*name="options-double_opt_in"[^>]*checked', settings_page)
    assert event.starts_at == datetime(2030, 5, 2, 9, 30, tzinfo=zoneinfo.ZoneInfo(
        "America/New_York"))
    # The title is escaped wherever it shows.
    body = client.get(reverse("console:event_edit", kwargs={"event_id": event.pk})).content
    assert b"Spring &lt;seminar&gt;" in body and b"Spring <seminar>" not in body


def test_new_event_with_errors_stores_nothing_and_says_why(client):
    project = make_project()
    client.force_login(organiser("ed", project))
    page = reverse("console:event_new", kwargs={"project": project.slug})
    response = client.post(page, {
        "title_en": "", "title_ro": "Doar română", "primary_language": "en",
        "time_zone": "Mars/Olympus", "starts_at": "2030-05-02T12:00",
        "ends_at": "2030-05-02T09:00", "format": "online",
    })
    assert response.status_code == 200
    assert not Event.objects.filter(project=project).exists()
    text = response.content.decode()
    assert "is not a time zone name" in text
    assert "Give the title in the primary language" in text


# --- Editing ----------------------------------------------------------------------------------


def test_edit_page_shows_times_in_the_events_zone(editor, event):
    response = editor.get(url("event_edit", event))
    assert response.status_code == 200
    assert b'value="2030-03-14T10:00"' in response.content
    assert b"Europe/Vilnius" in response.content
    assert b'name="title_ro"' in response.content  # side by side, one input per language


def test_edit_saves_content_per_language(editor, event):
    response = editor.post(url("event_edit", event), edit_data(
        event, title_en="New title", title_ro="Titlu nou", description_ro="Descriere",
        contact_role_en="project manager",
    ))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == {"en": "New title", "ro": "Titlu nou"}
    assert event.description == {"ro": "Descriere"}
    assert event.contact_role == {"en": "project manager"}
    assert event.sequence == 0  # no time change


def test_moving_the_start_moves_the_agenda_and_tells_registrants(editor, event):
    block = make_block(event, starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 11))
    item = make_item(block, starts_at=vilnius(2030, 3, 14, 10, 15))
    registrations.register(event, person(1))
    registrations.register(event, person(2))
    response = editor.post(url("event_edit", event), edit_data(
        event, starts_at="2030-03-15T14:00", ends_at="2030-03-15T17:00",
    ))
    assert response.status_code == 302
    event.refresh_from_db()
    block.refresh_from_db()
    item.refresh_from_db()
    assert event.starts_at == vilnius(2030, 3, 15, 14) and event.sequence == 1
    assert (block.starts_at, block.ends_at) == (vilnius(2030, 3, 15, 14), vilnius(2030, 3, 15, 15))
    assert item.starts_at == vilnius(2030, 3, 15, 14, 15)
    assert len(mails("event_changed")) == 2


def test_changing_the_zone_keeps_clock_times(editor, event):
    block = make_block(event, starts_at=vilnius(2030, 3, 14, 11), ends_at=vilnius(2030, 3, 14, 12))
    response = editor.post(url("event_edit", event), edit_data(event, time_zone="Europe/Lisbon"))
    assert response.status_code == 302
    event.refresh_from_db()
    block.refresh_from_db()
    lisbon = zoneinfo.ZoneInfo("Europe/Lisbon")
    assert event.starts_at == datetime(2030, 3, 14, 10, tzinfo=lisbon)
    assert block.starts_at == datetime(2030, 3, 14, 11, tzinfo=lisbon)


def test_shortening_the_event_below_its_agenda_is_refused_and_nothing_stored(editor, event):
    make_block(event, starts_at=vilnius(2030, 3, 14, 12), ends_at=vilnius(2030, 3, 14, 13))
    registrations.register(event, person(1))
    response = editor.post(url("event_edit", event), edit_data(
        event, ends_at="2030-03-14T12:30", title_en="Changed",
    ))
    assert response.status_code == 200
    assert "lies outside the event" in response.content.decode()
    event.refresh_from_db()
    assert event.ends_at == vilnius(2030, 3, 14, 13) and event.title["en"] != "Changed"
    assert event.sequence == 0 and not mails("event_changed")


def test_edit_errors_store_nothing(editor, event):
    response = editor.post(url("event_edit", event), edit_data(
        event, title_en="", ends_at="2030-03-14T09:00", contact_email="not an address",
    ))
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.title["en"] == "Culture & SMEs seminar"
    assert event.ends_at == vilnius(2030, 3, 14, 13)


def test_the_edit_page_leaves_capacity_and_window_to_the_registration_settings(editor, event):
    body = editor.get(url("event_edit", event)).content.decode()
    for name in ("capacity", "registration_opens_at", "registration_closes_at"):
        assert f'name="{name}"' not in body
    response = editor.post(url("event_edit", event), edit_data(
        event, capacity="1", registration_opens_at="2030-01-01T09:00",
    ))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 50 and event.registration_opens_at is None


# --- Publishing and cancelling ----------------------------------------------------------------


def test_publish_needs_a_title_and_a_privacy_notice(editor):
    draft = make_event(notice=False, status=Event.Status.DRAFT,
                       starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 13))
    Membership.objects.create(user=get_user_model().objects.get(username="editor"),
                              project=draft.project, role=Role.EDITOR)
    response = editor.post(url("event_publish", draft), follow=True)
    assert "Write a privacy notice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT
    PrivacyNotice.objects.create(project=draft.project, event=draft, text={"en": "Notice"})
    editor.post(url("event_publish", draft))
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED and draft.sequence == 1


def test_publish_refuses_a_missing_primary_title(editor, event):
    Event.objects.filter(pk=event.pk).update(status="draft", title={"ro": "Doar română"})
    response = editor.post(url("event_publish", event), follow=True)
    assert "Give the title in the primary language" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_unpublish_only_without_registrants(editor, event):
    registrations.register(event, person(1))
    response = editor.post(url("event_unpublish", event), follow=True)
    assert "cancel the event instead" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    other = make_event(event.project, notice=False)
    editor.post(url("event_unpublish", other))
    other.refresh_from_db()
    assert other.status == Event.Status.DRAFT


def test_cancel_confirms_with_the_number_told_then_cancels_and_mails(editor, event):
    registrations.register(event, person(1))
    registrations.register(event, person(2))
    registrations.register(event, person(3))
    registrations.cancel(Registration.objects.get(email="person3@example.org"))
    page = editor.get(url("event_cancel", event))
    assert page.status_code == 200
    assert "2 registrants are told by e-mail" in page.content.decode()
    assert editor.post(url("event_cancel", event)).status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED and event.sequence == 1
    assert len(mails("event_cancelled")) == 2


def test_a_draft_can_be_cancelled_but_a_held_event_cannot(editor, event):
    Event.objects.filter(pk=event.pk).update(status="draft")
    editor.post(url("event_cancel", event))
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    Event.objects.filter(pk=event.pk).update(status="held")
    editor.post(url("event_cancel", event))
    event.refresh_from_db()
    assert event.status == Event.Status.HELD


def test_hub_links_to_the_event_pages(editor, event):
    body = editor.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    for name in ("event_edit", "event_agenda", "event_registration", "event_questions",
                 "event_privacy", "event_clone", "event_cancel", "event_unpublish"):
        assert url(name, event) in body
    assert reverse("console:event_new", kwargs={"project": event.project.slug}) in body


def test_project_events_page(editor, event):
    page = reverse("console:project_events", kwargs={"project": event.project.slug})
    response = editor.get(page)
    assert response.status_code == 200
    assert reverse("console:event_new", kwargs={"project": event.project.slug}) in (
        response.content.decode()
    )


# --- Agenda -----------------------------------------------------------------------------------


def block_data(**changes):
    data = {"block-kind": "plenary", "block-day": "2030-03-14", "block-start_time": "10:00",
            "block-end_time": "11:00", "block-order": "0",
            "block-title_en": "Opening", "block-description_en": "", "block-capacity": ""}
    data.update(changes)
    return data


def test_agenda_page_adds_a_block_in_the_events_zone(editor, event):
    assert editor.get(url("event_agenda", event)).status_code == 200
    response = editor.post(url("event_agenda", event), block_data())
    assert response.status_code == 302
    block = AgendaBlock.objects.get(event=event)
    assert block.starts_at == vilnius(2030, 3, 14, 10)


@pytest.mark.parametrize("changes, words", [
    ({"block-start_time": "08:00"}, "lies outside the event"),
    # An end before the start is on the next day: here past the event's end.
    ({"block-end_time": "09:00"}, "lies outside the event"),
    ({"block-day": "2030-03-15"}, "Select a valid choice"),
    ({"block-capacity": "20"}, "Only parallel sessions have a capacity"),
    ({"block-start_time": "10:30", "block-end_time": "11:30"}, "overlap"),
])
def test_bad_blocks_are_refused_in_words_and_nothing_stored(editor, event, changes, words):
    make_block(event, starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 11))
    response = editor.post(url("event_agenda", event), block_data(**{
        "block-start_time": "11:00", "block-end_time": "12:00", **changes,
    }))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert AgendaBlock.objects.filter(event=event).count() == 1


def test_block_page_edits_and_deletes(editor, event):
    block = make_block(event, starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 11))
    page = url("event_block", event, block_id=block.pk)
    assert b'value="10:00"' in editor.get(page).content
    response = editor.post(page, block_data(**{"block-title_en": "Welcome",
                                               "block-end_time": "11:30"}))
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.title == {"en": "Welcome"} and block.ends_at == vilnius(2030, 3, 14, 11, 30)
    editor.post(url("event_block_delete", event, block_id=block.pk), CONFIRMED)
    assert not AgendaBlock.objects.filter(pk=block.pk).exists()


def test_a_chosen_session_keeps_its_time_and_is_not_deleted(editor, event):
    session, _other = make_slot(event, None, None)
    registrations.register(event, person(1, sessions=[session.pk]))
    page = url("event_block", event, block_id=session.pk)
    response = editor.post(page, block_data(**{
        "block-kind": "parallel", "block-start_time": "12:00",
        "block-end_time": "13:00", "block-order": "0",
    }))
    assert response.status_code == 200 and "Registrants chose this session" in (
        response.content.decode()
    )
    response = editor.post(url("event_block_delete", event, block_id=session.pk), CONFIRMED,
                           follow=True)
    assert "1 registrant chose this session" in response.content.decode()
    assert AgendaBlock.objects.filter(pk=session.pk).exists()


def test_items_and_people(editor, event):
    block = make_block(event, starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 11))
    response = editor.post(url("event_item_new", event, block_id=block.pk), {
        "item-title_en": "Welcome", "item-start_time": "10:15", "item-order": "1",
        "item-presenters_en": "The partners",
    })
    item = AgendaItem.objects.get(block=block)
    assert response.status_code == 302
    assert item.starts_at == vilnius(2030, 3, 14, 10, 15)
    page = url("event_item", event, item_id=item.pk)
    assert b'value="10:15"' in editor.get(page).content
    # Outside the block: refused in words, nothing changed.
    response = editor.post(page, {"item-title_en": "Welcome", "item-start_time": "11:30",
                                  "item-order": "1"})
    assert "outside its block" in response.content.decode()
    item.refresh_from_db()
    assert item.starts_at == vilnius(2030, 3, 14, 10, 15)
    # People: from the list, and a new one.
    known = make_person(name="Ekaterina Travkina", project=event.project)
    editor.post(url("event_role_add", event, item_id=item.pk),
                {"role-person": known.pk, "role-role": "speaker"})
    response = editor.post(url("event_role_add", event, item_id=item.pk),
                           {"role-person": known.pk, "role-role": "speaker"})
    assert "already has this role" in response.content.decode()
    editor.post(url("event_person_new", event, item_id=item.pk), {
        "person-name": "Lavinia <b>Simion</b>", "person-organisation": "Timișoara",
        "person-job_title_en": "Manager", "person-role": "moderator",
    })
    assert [(r.person.name, r.role) for r in item.roles.order_by("order")] == [
        ("Ekaterina Travkina", "speaker"), ("Lavinia <b>Simion</b>", "moderator"),
    ]
    body = editor.get(page).content.decode()
    assert "Lavinia &lt;b&gt;Simion&lt;/b&gt;" in body and "<b>Simion" not in body
    role = item.roles.get(person=known)
    editor.post(url("event_role_delete", event, item_id=item.pk, role_id=role.pk), CONFIRMED)
    assert item.roles.count() == 1
    editor.post(url("event_item_delete", event, item_id=item.pk), CONFIRMED)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert Person.objects.filter(pk=known.pk).exists()


def test_new_person_with_errors_stores_nothing(editor, event):
    item = make_item(make_block(event))
    response = editor.post(url("event_person_new", event, item_id=item.pk), {
        "person-name": "", "person-role": "speaker",
    })
    assert response.status_code == 200
    assert not ItemRole.objects.filter(item=item).exists()


def test_agenda_page_queries_do_not_grow_with_the_agenda(editor, event):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert editor.get(url("event_agenda", event)).status_code == 200
        return len(queries)

    block = make_block(event)
    add_role(make_item(block), make_person())
    small = count()
    for hour in (1, 2):
        more = make_block(event, starts_at=event.starts_at + timedelta(hours=hour))
        for _n in range(3):
            item = make_item(more)
            add_role(item, make_person())
            add_role(item, make_person(), ItemRole.Role.MODERATOR)
    assert count() == small
    assert small <= 12


# --- Registration settings --------------------------------------------------------------------


def settings_data(**changes):
    data = {
        "event-capacity": "60", "event-registration_opens_at": "2030-02-01T09:00",
        "event-registration_closes_at": "2030-03-13T18:00",
        "options-waiting_list": "on", "options-promotion": "manual",
        "options-double_opt_in": "on", "options-hold_hours": "24",
        "options-join_opens_minutes_before": "15", "options-reminders": "1 day, 2 hours, 30",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_registration_settings_are_saved(editor, event):
    page = url("event_registration", event)
    body = editor.get(page).content.decode()
    assert 'value="1 day, 1 hour"' in body  # the defaults, in words
    assert editor.post(page, settings_data()).status_code == 302
    event.refresh_from_db()
    options = RegistrationOptions.objects.get(event=event)
    assert event.capacity == 60
    assert event.registration_opens_at == vilnius(2030, 2, 1, 9)
    assert options.reminder_offsets_minutes == [1440, 120, 30]
    assert options.promotion == "manual" and options.double_opt_in and options.hold_hours == 24
    assert options.join_opens_minutes_before == 15
    assert 'value="1 day, 2 hours, 30 minutes"' in editor.get(page).content.decode()


@pytest.mark.parametrize("changes, words", [
    ({"options-reminders": "1 fortnight"}, "is not a time before the start"),
    ({"options-reminders": "61 days"}, "between one minute and 60 days"),
    ({"options-reminders": "0"}, "between one minute and 60 days"),
    ({"options-hold_hours": "0"}, "greater than or equal to 1"),
    ({"event-registration_closes_at": "2030-03-15T18:00"}, "cannot close after the event ends"),
    ({"event-registration_closes_at": "2030-01-15T18:00"}, "must close after it opens"),
])
def test_bad_registration_settings_store_nothing(editor, event, changes, words):
    response = editor.post(url("event_registration", event), settings_data(**changes))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not RegistrationOptions.objects.filter(event=event).exists()
    event.refresh_from_db()
    assert event.capacity == 50


# --- Questions --------------------------------------------------------------------------------


def question_data(**changes):
    data = {"kind": "single_choice", "label_en": "Lunch?", "label_ro": "Prânz?",
            "help_en": "", "required": "on", "choices_en": "Meat\nVegetarian",
            "choices_ro": "Carne\nVegetarian"}
    data.update(changes)
    return data


def test_questions_are_added_edited_reordered_and_deleted(editor, event):
    page = url("event_questions", event)
    assert editor.get(page).status_code == 200
    assert editor.post(page, question_data()).status_code == 302
    question = Question.objects.get(event=event)
    assert question.label == {"en": "Lunch?", "ro": "Prânz?"} and question.required
    assert question.choices == [
        {"key": "meat", "label": {"en": "Meat", "ro": "Carne"}},
        {"key": "vegetarian", "label": {"en": "Vegetarian", "ro": "Vegetarian"}},
    ]
    # Reordered lines keep their keys; a new line gets a new one.
    edit = url("event_question", event, question_id=question.pk)
    assert "Vegetarian" in editor.get(edit).content.decode()
    editor.post(edit, question_data(choices_en="Vegetarian\nMeat\nFish",
                                    choices_ro="Vegetarian\nCarne\nPește"))
    question.refresh_from_db()
    assert [c["key"] for c in question.choices] == ["vegetarian", "meat", "fish"]
    second = Question.objects.create(event=event, kind="short_text", label={"en": "Diet"},
                                     order=5)
    editor.post(url("event_question_up", event, question_id=second.pk))
    assert list(Question.objects.filter(event=event).order_by("order")) == [second, question]
    editor.post(url("event_question_down", event, question_id=second.pk))
    assert list(Question.objects.filter(event=event).order_by("order")) == [question, second]
    editor.post(url("event_question_delete", event, question_id=second.pk), CONFIRMED)
    assert list(Question.objects.filter(event=event)) == [question]


@pytest.mark.parametrize("changes, words", [
    ({"choices_en": "", "choices_ro": ""}, "Give each choice a key and a label"),
    ({"kind": "short_text"}, "Only choice questions have choices"),
    ({"label_en": "", "label_ro": ""}, "This field is required"),
])
def test_bad_questions_store_nothing(editor, event, changes, words):
    response = editor.post(url("event_questions", event), question_data(**changes))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Question.objects.filter(event=event).exists()


# --- Privacy notice ---------------------------------------------------------------------------


def test_privacy_notice_edit_makes_a_new_version_and_keeps_the_accepted_one(editor, event):
    registrations.register(event, person(1))
    accepted = Registration.objects.get().privacy_notice
    page = url("event_privacy", event)
    body = editor.get(page).content.decode()
    assert "1 registrant accepted this version" in body
    assert editor.post(page, {"text_en": "A new notice.", "text_ro": ""}).status_code == 302
    notice = PrivacyNotice.objects.get(event=event)
    assert notice.version == 1 and notice.text == {"en": "A new notice."}
    accepted_text = accepted.text
    accepted.refresh_from_db()
    assert accepted.text == accepted_text
    editor.post(page, {"text_en": "A new notice."})  # unchanged: no new version
    editor.post(page, {"text_en": "A newer notice."})
    assert list(PrivacyNotice.objects.filter(event=event).order_by("version")
                .values_list("version", flat=True)) == [1, 2]
    response = editor.post(page, {"text_en": "", "text_ro": ""})
    assert response.status_code == 200
    assert PrivacyNotice.objects.filter(event=event).count() == 2


def test_an_answered_question_is_not_deleted_nor_changes_kind(editor, event):
    question = Question.objects.create(event=event, kind="short_text", label={"en": "Diet"})
    outcome = registrations.register(event, person(1, answers={str(question.pk): "None"}))
    assert outcome.accepted
    response = editor.post(url("event_question_delete", event, question_id=question.pk), CONFIRMED,
                           follow=True)
    assert "1 registrant answered this question" in response.content.decode()
    response = editor.post(url("event_question", event, question_id=question.pk),
                           question_data(label_en="Diet?", choices_en="", choices_ro=""))
    assert "its kind stays as it is" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == "short_text" and question.label == {"en": "Diet"}
    editor.post(url("event_question", event, question_id=question.pk), question_data(
        kind="short_text", label_en="Diet?", label_ro="", choices_en="", choices_ro=""))
    question.refresh_from_db()
    assert question.label == {"en": "Diet?"}


def test_raising_the_capacity_gives_the_waiting_list_places(
    editor, event, django_capture_on_commit_callbacks
):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    RegistrationOptions.objects.create(event=event, double_opt_in=False)  # places, not addresses
    event.refresh_from_db()
    for n in (1, 2, 3):
        registrations.register(event, person(n))
    assert Registration.objects.filter(status="waiting").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url("event_registration", event), settings_data(**{
            "event-capacity": "2", "options-promotion": "automatic",
            "event-registration_opens_at": "", "event-registration_closes_at": "",
            "options-double_opt_in": None,
        }))
    assert response.status_code == 302
    assert Registration.objects.filter(status="confirmed").count() == 2
    assert Registration.objects.filter(status="waiting").count() == 1


def test_moving_the_event_moves_the_slots_registrants_chose(editor, event):
    first = make_slot(event, None, None, offset_hours=0)
    second = make_slot(event, None, None, offset_hours=1)
    outcome = registrations.register(event, person(1, sessions=[first[0].pk, second[1].pk]))
    assert outcome.accepted
    # One hour later: the first slot moves onto the second's old time, in the same transaction.
    response = editor.post(url("event_edit", event), edit_data(
        event, starts_at="2030-03-14T11:00", ends_at="2030-03-14T14:00",
    ))
    assert response.status_code == 302
    slots = sorted(SessionChoice.objects.values_list("slot_starts_at", flat=True))
    assert slots == [vilnius(2030, 3, 14, 11), vilnius(2030, 3, 14, 12)]
    assert len(mails("event_changed")) == 1
