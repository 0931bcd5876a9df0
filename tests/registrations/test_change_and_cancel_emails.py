"""What the registrants read when the organiser moves the event (its old time next to the new,
in the event's zone and their own) or cancels their registration (the organiser's reason)."""

import copy
from datetime import timedelta

import pytest

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.events import services as event_services
from aula.events.models import Event
from aula.messaging.models import OutboxMessage
from aula.registrations import services
from aula.registrations.models import Registration
from tests.console.test_registrants import url
from tests.factories import make_event, make_registration, organiser, utc

pytestmark = pytest.mark.django_db

OLD_TIME = "Thursday, 10 June 2027, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)"
NEW_TIME = "Friday, 11 June 2027, 11:00–14:00 (Europe/Vilnius, EEST, UTC+03:00)"
OLD_OWN = "Thursday, 10 June 2027, 03:00–06:00 (America/New_York, EDT, UTC−04:00)"
NEW_OWN = "Friday, 11 June 2027, 04:00–07:00 (America/New_York, EDT, UTC−04:00)"


@pytest.fixture
def event():
    return make_event(starts_at=utc(2027, 6, 10, 7), ends_at=utc(2027, 6, 10, 10),
                      time_zone="Europe/Vilnius", title={"en": "Resilience seminar"})


def test_the_changed_email_gives_the_old_and_the_new_time_in_both_zones(event):
    make_registration(event, time_zone="America/New_York")
    local = make_registration(event, time_zone="Europe/Vilnius")
    old = copy.copy(event)
    event.starts_at = utc(2027, 6, 11, 8)
    event.ends_at = utc(2027, 6, 11, 11)
    event_services.update_event(event, actor=None, old=old)

    away, home = OutboxMessage.objects.filter(kind="registration_event_changed").order_by("id")
    text = away.text_body
    assert f"It was: {OLD_TIME}\nIn your time zone: {OLD_OWN}\n" in text
    assert f"It is now: {NEW_TIME}\nIn your time zone: {NEW_OWN}\n" in text
    assert OLD_TIME in away.html_body and NEW_OWN in away.html_body
    # In the event's own zone: no second line.
    assert home.recipient == local.email
    assert f"It was: {OLD_TIME}\nIt is now: {NEW_TIME}\n" in home.text_body


def test_a_new_zone_shows_the_old_time_in_the_old_zone(event):
    make_registration(event)
    old = copy.copy(event)
    event.time_zone = "Europe/Bucharest"  # the same instants, read in another zone
    event_services.update_event(event, actor=None, old=old, move_agenda=False)
    (notice,) = OutboxMessage.objects.filter(kind="registration_event_changed")
    assert f"It was: {OLD_TIME}" in notice.text_body
    assert "It is now: Thursday, 10 June 2027, 10:00–13:00 (Europe/Bucharest" in notice.text_body


def test_without_the_old_time_the_email_says_only_the_new(event):
    make_registration(event)
    Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at + timedelta(hours=1))
    event.refresh_from_db()
    assert services.notify_event_changed(event) == 1
    notice = OutboxMessage.objects.get(kind="registration_event_changed")
    assert "It was:" not in notice.text_body and "It is now:" not in notice.text_body


# --- The registrant's cancellation by the organiser -------------------------------------------


@pytest.fixture
def editor(client, event):
    client.force_login(organiser("editor", event.project, Role.EDITOR))
    return client


def test_the_organisers_reason_is_in_the_cancellation_email_and_on_the_record(editor, event):
    registration = make_registration(event)
    response = editor.post(url("registrant_cancel", event, registration),
                           {"reason": "  Duplicate <b>registration</b> & wrong e-mail.  "})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    notice = OutboxMessage.objects.get(kind="registration_cancellation")
    assert "The organisers' reason:\nDuplicate <b>registration</b> & wrong e-mail.\n" in (
        notice.text_body
    )
    assert "Duplicate &lt;b&gt;registration&lt;/b&gt; &amp; wrong e-mail." in notice.html_body
    entry = AuditEntry.objects.get(action="registration.cancelled")
    assert entry.actor.username == "editor"
    assert entry.data == {"reason": "Duplicate <b>registration</b> & wrong e-mail."}


def test_without_a_reason_the_email_gives_none(editor, event):
    registration = make_registration(event)
    editor.post(url("registrant_cancel", event, registration))
    notice = OutboxMessage.objects.get(kind="registration_cancellation")
    assert "reason" not in notice.text_body
    assert AuditEntry.objects.get(action="registration.cancelled").data == {}


def test_a_too_long_reason_is_refused_and_nothing_changes(editor, event):
    registration = make_registration(event)
    response = editor.post(url("registrant_cancel", event, registration), {"reason": "x" * 2001},
                           follow=True)
    assert "at most 2000 characters" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert not OutboxMessage.objects.exists()
    assert not AuditEntry.objects.filter(action="registration.cancelled").exists()


def test_the_registrant_page_offers_the_reason_field(editor, event):
    registration = make_registration(event)
    page = editor.get(url("registrant", event, registration)).content.decode()
    assert 'name="reason"' in page and "Told to the registrant" in page
    services.cancel(registration, actor=None)
    page = editor.get(url("registrant", event, registration)).content.decode()
    assert 'name="reason"' not in page
