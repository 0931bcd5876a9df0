"""Cloning an event: the next seminar from the last one, and reminder offsets in words."""

import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Membership, Role
from aula.events import services as event_rules
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole
from aula.registrations import services as registrations
from aula.registrations import setup as registration_setup
from aula.registrations.models import (
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
)
from tests.factories import add_role, make_block, make_event, make_item, make_person
from tests.registrations.factories import make_slot, person

pytestmark = pytest.mark.django_db

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")


def vilnius(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VILNIUS)


@pytest.fixture
def source():
    # Winter time (UTC+2) in March; the copy in July is in summer time (UTC+3).
    event = make_event(
        starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 13),
        description={"en": "All about it."}, sequence=3,
    )
    plenary = make_block(event, starts_at=vilnius(2030, 3, 14, 10),
                         ends_at=vilnius(2030, 3, 14, 11), title={"en": "Opening"})
    item = make_item(plenary, starts_at=vilnius(2030, 3, 14, 10, 15), title={"en": "Welcome"},
                     presenters={"en": "The partners"})
    add_role(item, make_person(name="Ana"), ItemRole.Role.MODERATOR)
    add_role(item, make_person(name="Bo"))
    sessions = make_slot(event, 30, None)
    RegistrationOptions.objects.create(event=event, promotion="manual",
                                       reminder_offsets_minutes=[2880])
    Question.objects.create(event=event, kind="short_text", label={"en": "Diet"}, order=1)
    PrivacyNotice.objects.create(project=event.project, event=event, version=4,
                                 text={"en": "The event's notice."})
    outcome = registrations.register(event, person(1, sessions=[sessions[0].pk]))
    assert outcome.accepted
    Event.objects.filter(pk=event.pk).update(  # after registering: it opens in 2030
        registration_opens_at=vilnius(2030, 2, 1, 9),
        registration_closes_at=vilnius(2030, 3, 13, 18),
    )
    event.refresh_from_db()
    return event


def test_clone_copies_content_agenda_options_and_questions_at_the_new_date(source):
    copy = event_rules.clone_event(source, actor=None, starts_on=date(2030, 7, 2))
    assert copy.pk != source.pk and copy.uid != source.uid
    assert copy.slug == f"{source.slug}-2030-07-02"
    assert copy.status == Event.Status.DRAFT and copy.sequence == 0
    assert copy.title == source.title and copy.description == source.description
    assert copy.meeting_url == source.meeting_url and copy.capacity == source.capacity
    # Clock times kept in the event's zone across the change to summer time.
    assert copy.starts_at == vilnius(2030, 7, 2, 10) and copy.ends_at == vilnius(2030, 7, 2, 13)
    assert copy.registration_opens_at == vilnius(2030, 5, 22, 9)
    assert copy.registration_closes_at == vilnius(2030, 7, 1, 18)
    blocks = list(AgendaBlock.objects.filter(event=copy).order_by("starts_at", "order"))
    assert [(b.kind, b.title["en"], b.capacity) for b in blocks] == [
        ("plenary", "Opening", None), ("parallel", "Workshop A", 30),
        ("parallel", "Workshop B", None),
    ]
    assert blocks[0].starts_at == vilnius(2030, 7, 2, 10)
    assert blocks[1].starts_at == vilnius(2030, 7, 2, 11)
    item = AgendaItem.objects.get(block__event=copy)
    assert item.starts_at == vilnius(2030, 7, 2, 10, 15) and item.presenters == {
        "en": "The partners"}
    assert [(r.person.name, r.role) for r in item.roles.order_by("order", "id")] == [
        ("Ana", "moderator"), ("Bo", "speaker"),
    ]
    options = RegistrationOptions.objects.get(event=copy)
    assert options.promotion == "manual" and options.reminder_offsets_minutes == [2880]
    assert list(Question.objects.filter(event=copy).values_list("label", flat=True)) == [
        {"en": "Diet"}]
    notice = PrivacyNotice.objects.get(event=copy)
    assert notice.version == 1 and notice.text == {"en": "The event's notice."}
    assert not Registration.objects.filter(event=copy).exists()
    # The source is untouched.
    source.refresh_from_db()
    assert source.sequence == 3 and AgendaBlock.objects.filter(event=source).count() == 3
    assert Registration.objects.filter(event=source).count() == 1
    # One entry, on the copy, naming its source.
    entry = AuditEntry.objects.get(action="event.cloned")
    assert entry.event_id == copy.pk and entry.data == {"source": source.pk}
    assert entry.changes["starts_at"] == [None, copy.starts_at.astimezone(UTC).isoformat()]


def test_a_clone_asks_registrants_to_confirm_unless_its_source_said_not():
    without_options = make_event()
    copy = event_rules.clone_event(without_options, actor=None, starts_on=date(2030, 7, 2))
    assert RegistrationOptions.for_event(copy).double_opt_in is True
    turned_off = make_event(options={"double_opt_in": False})
    copy = event_rules.clone_event(turned_off, actor=None, starts_on=date(2030, 7, 2))
    assert RegistrationOptions.objects.get(event=copy).double_opt_in is False  # their choice


def test_clone_page(client, source):
    user = get_user_model().objects.create_user("ed", password="pw-long-enough-1")
    Membership.objects.create(user=user, project=source.project, role=Role.EDITOR)
    client.force_login(user)
    page = reverse("console:event_clone", kwargs={"event_id": source.pk})
    response = client.get(page)
    assert response.status_code == 200
    assert "14 March 2030, 10:00, Europe/Vilnius" in response.content.decode()  # not UTC
    # A taken address: refused, nothing stored.
    response = client.post(page, {"starts_on": "2030-09-01", "slug": source.slug})
    assert "Another event of this project has this address" in response.content.decode()
    response = client.post(page, {"starts_on": "not a date"})
    assert response.status_code == 200
    assert Event.objects.count() == 1
    response = client.post(page, {"starts_on": "2030-09-01", "slug": "autumn"})
    copy = Event.objects.get(slug="autumn")
    assert response["Location"] == reverse("console:event_edit", kwargs={"event_id": copy.pk})
    assert copy.starts_at == vilnius(2030, 9, 1, 10)


@pytest.mark.parametrize("text, minutes", [
    ("1 day, 1 hour", [1440, 60]),
    ("1440, 60", [1440, 60]),
    ("30 minutes; 2 h, 1 week", [10080, 120, 30]),
    ("60, 1 hour", [60]),
    ("", []),
    (" 3 Days ", [4320]),
])
def test_reminders_are_parsed_to_minutes(text, minutes):
    assert registration_setup.parse_reminders(text) == minutes


@pytest.mark.parametrize("text", ["soon", "1 fortnight", "0", "-5", "61 days", "1.5 hours",
                                  "day"])
def test_bad_reminders_are_refused_in_words(text):
    with pytest.raises(ValidationError) as error:
        registration_setup.parse_reminders(text)
    assert "“" in error.value.messages[0]


def test_reminders_in_words():
    assert registration_setup.format_reminders([10080, 1440, 90, 60, 1]) == (
        "1 week, 1 day, 90 minutes, 1 hour, 1 minute"
    )
    assert registration_setup.format_reminders([]) == ""
