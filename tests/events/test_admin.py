"""The admin organisers work in: every page renders, forms round-trip (translated text, times
in the event's zone), agenda and model rules show on the form, and typed text stays text."""

import re
import zoneinfo
from datetime import datetime, time, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aula.audit.models import AuditEntry
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person, check_agenda
from aula.projects.models import Partner, Project
from tests.factories import (
    add_role,
    clear_audit_log,
    make_block,
    make_event,
    make_item,
    make_model_seminar,
    make_partner,
    make_person,
    make_project,
    utc,
)

pytestmark = pytest.mark.django_db

LANGS = ["en", "ro", "lt", "nl", "it", "hr"]
VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")


class FormReader(HTMLParser):
    """What a browser would submit from the page's main form, unchanged: inputs, checked boxes,
    selected options and textareas (skipping submit buttons and __prefix__ templates)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self.select = None
        self.option = None
        self.textarea = None

    def add(self, name, value):
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.add(attrs.get("name"), attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = {"name": attrs.get("name"), "chosen": [], "first": None}
        elif tag == "option" and self.select is not None:
            self.option = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = self.option
            if "selected" in attrs:
                self.select["chosen"].append(self.option)
        elif tag == "textarea":
            self.textarea = {"name": attrs.get("name"), "text": ""}

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or [self.select["first"] or ""]
            for value in chosen:
                self.add(self.select["name"], value)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.add(self.textarea["name"], self.textarea["text"].removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data


def form_data(response, model_name) -> dict:
    reader = FormReader(f"{model_name}_form")
    reader.feed(response.content.decode())
    assert reader.data, "the admin form was not found"
    return {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def translated(field, **texts):
    return {f"{field}_{lang}": texts.get(lang, "") for lang in LANGS}


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def event_post(project, **overrides):
    """The add form of an event as an organiser fills it in, times in the given zone."""
    data = {
        "project": str(project.pk),
        "slug": "kaunas-2021",
        "status": "draft",
        "primary_language": "en",
        **translated("title", en="Resilience of regions", ro="Reziliența regiunilor"),
        **translated("summary"),
        **translated("description"),
        "time_zone": "Europe/Vilnius",
        "starts_at_0": "2021-06-10",
        "starts_at_1": "10:00",
        "ends_at_0": "2021-06-10",
        "ends_at_1": "13:00",
        "format": "online",
        **translated("location", en="Online, from Kaunas"),
        "meeting_url": "",
        "host_partner": "",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "capacity": "",
        "contact_name": "",
        **translated("contact_role"),
        "contact_organisation": "",
        "contact_phone": "",
        "contact_email": "",
        **management("blocks"),
    }
    data.update(overrides)
    return data


def block_post(index, kind="plenary", start="10:00", end="11:00", title="Block", day="2021-06-10",
               **extra):
    prefix = f"blocks-{index}"
    data = {
        f"{prefix}-kind": kind,
        f"{prefix}-order": "0",
        f"{prefix}-starts_at_0": day,
        f"{prefix}-starts_at_1": start,
        f"{prefix}-ends_at_0": day,
        f"{prefix}-ends_at_1": end,
        f"{prefix}-capacity": "",
        **{f"{prefix}-{k}": v for k, v in translated("title", en=title).items()},
        **{f"{prefix}-{k}": v for k, v in translated("description").items()},
    }
    data.update({f"{prefix}-{key}": value for key, value in extra.items()})
    return data


def errors_of(response) -> str:
    """The page's error texts, for assertion messages."""
    html = response.content.decode()
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return unescape(" | ".join(re.sub(r"<[^>]+>", " ", part) for part in found))


def input_value(html, name):
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


# --- every page renders --------------------------------------------------------------------


@pytest.fixture
def seminar():
    return make_model_seminar()


def objects_of(seminar):
    item = AgendaItem.objects.filter(roles__isnull=False).first()
    return {
        Project: seminar.project,
        Partner: seminar.host_partner,
        Person: item.people.first(),
        Event: seminar,
        AgendaBlock: seminar.blocks.first(),
        AgendaItem: item,
    }


@pytest.mark.parametrize("model", [Project, Partner, Person, Event, AgendaBlock, AgendaItem])
def test_changelist_add_and_change_pages_render(admin_client, seminar, model):
    obj = objects_of(seminar)[model]
    changelist = admin_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert admin_client.get(admin_url(model, "changelist"), {"q": "a"}).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    change = admin_client.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", [Project, Partner, Person, Event, AgendaBlock, AgendaItem])
def test_change_page_posted_back_unchanged_saves(admin_client, seminar, model):
    obj = objects_of(seminar)[model]
    url = admin_url(model, "change", obj.pk)
    before = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields
              if f.name != "updated_at"}
    response = admin_client.post(url, form_data(admin_client.get(url), model._meta.model_name))
    assert response.status_code == 302, errors_of(response)
    obj.refresh_from_db()
    after = {name: getattr(obj, name) for name in before}
    assert after == before


def test_changelist_filters_render(admin_client, seminar):
    for model, query in [
        (Event, {"status__exact": "published"}),
        (Event, {"project__id__exact": seminar.project_id}),
        (AgendaBlock, {"kind__exact": "parallel"}),
        (AgendaBlock, {"event__id__exact": seminar.pk}),
        (AgendaItem, {"block__event__id__exact": seminar.pk}),
        (Partner, {"role__exact": "lead"}),
        (Project, {"primary_language__exact": "en"}),
    ]:
        response = admin_client.get(admin_url(model, "changelist"), query)
        assert response.status_code == 200
        assert response.context["cl"].result_count >= 1, (model, query)


def test_event_changelist_shows_local_times_and_finds_translated_titles(admin_client, seminar):
    response = admin_client.get(admin_url(Event, "changelist"))
    assert "2021-06-10 10:00–13:00 Europe/Vilnius" in response.content.decode()
    found = admin_client.get(admin_url(Event, "changelist"), {"q": "Reziliența"})
    assert list(found.context["cl"].result_list) == [seminar]
    missing = admin_client.get(admin_url(Event, "changelist"), {"q": "nowhere-to-be-found"})
    assert list(missing.context["cl"].result_list) == []


def test_block_changelist_shows_local_times(admin_client, seminar):
    html = admin_client.get(admin_url(AgendaBlock, "changelist")).content.decode()
    assert "2021-06-10 11:30–12:30 Europe/Vilnius" in html  # the parallel sessions


def test_person_autocomplete_on_agenda_items(admin_client, seminar):
    response = admin_client.get(reverse("admin:autocomplete"), {
        "app_label": "events", "model_name": "itemrole", "field_name": "person", "term": "travk",
        "project": seminar.project_id,
    })
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        "Ekaterina Travkina (OECD Centre for Entrepreneurship, SMEs, Regions and Cities)"
    ]
    page = admin_client.get(admin_url(AgendaItem, "change", objects_of(seminar)[AgendaItem].pk))
    assert "admin-autocomplete" in page.content.decode()


def test_block_autocomplete_labels_times_in_the_event_zone(admin_client, seminar):
    response = admin_client.get(reverse("admin:autocomplete"), {
        "app_label": "events", "model_name": "agendaitem", "field_name": "block", "term": "Closing",
    })
    assert [r["text"] for r in response.json()["results"]] == [
        "Closing (12:30–13:00 Europe/Vilnius)"
    ]


# --- translated text -----------------------------------------------------------------------


def test_translated_widget_renders_one_input_per_language(admin_client, seminar):
    html = admin_client.get(admin_url(Event, "change", seminar.pk)).content.decode()
    assert 'class="translated-inputs"' in html
    for lang in LANGS:
        assert f'name="title_{lang}"' in html
        assert f'name="blocks-0-title_{lang}"' in html
    assert input_value(html, "title_ro").startswith("Reziliența regiunilor")
    assert input_value(html, "title_lt") == ""
    assert html.count('<textarea name="summary_') == len(LANGS)


def test_translated_text_round_trips_through_add_and_change(admin_client):
    project = make_project()
    response = admin_client.post(admin_url(Event, "add"), event_post(
        project, **translated("title", en="  Resilience  ", ro="Reziliența", hr=""),
        **translated("summary", lt="Pirma eilutė\r\nantra eilutė"),
    ))
    assert response.status_code == 302, errors_of(response)
    event = Event.objects.get()
    assert event.title == {"en": "Resilience", "ro": "Reziliența"}
    assert event.summary == {"lt": "Pirma eilutė\r\nantra eilutė"}
    assert event.description == {} and event.contact_role == {}

    url = admin_url(Event, "change", event.pk)
    data = form_data(admin_client.get(url), "event")
    assert data["title_en"] == "Resilience" and data["title_hr"] == ""
    assert data["summary_lt"] == "Pirma eilutė\r\nantra eilutė"
    data["title_ro"] = ""  # an emptied language disappears
    data["description_it"] = "Descrizione"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    event.refresh_from_db()
    assert event.title == {"en": "Resilience"}
    assert event.description == {"it": "Descrizione"}
    assert event.summary == {"lt": "Pirma eilutė\r\nantra eilutė"}


def test_translated_text_errors_show_on_the_form(admin_client):
    response = admin_client.post(admin_url(Event, "add"), event_post(
        make_project(), **translated("title", en="Line\nbreak", ro="x" * 301),
    ))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["title"]
    assert "Romanian: keep this to 300 characters (it has 301)." in errors
    assert not Event.objects.exists()


def test_required_translated_title_needs_a_language(admin_client):
    response = admin_client.post(admin_url(Event, "add"), event_post(
        make_project(), **translated("title"),
    ))
    assert response.status_code == 200
    assert "This field is required." in response.context["adminform"].form.errors["title"]


# --- time zones ----------------------------------------------------------------------------


def test_event_times_entered_and_shown_in_the_event_zone(admin_client):
    project = make_project()
    response = admin_client.post(admin_url(Event, "add"), event_post(
        project, time_zone="Europe/Vilnius",
        **block_post(0, start="10:00", end="11:15", title="Opening"),
        **management("blocks", total=1),
    ))
    assert response.status_code == 302, errors_of(response)
    event = Event.objects.get()
    assert event.starts_at == utc(2021, 6, 10, 7)
    assert event.ends_at == utc(2021, 6, 10, 10)
    opening = event.blocks.get()
    assert (opening.starts_at, opening.ends_at) == (utc(2021, 6, 10, 7), utc(2021, 6, 10, 8, 15))

    html = admin_client.get(admin_url(Event, "change", event.pk)).content.decode()
    assert input_value(html, "starts_at_1") == "10:00:00"
    assert input_value(html, "ends_at_1") == "13:00:00"
    assert input_value(html, "blocks-0-starts_at_1") == "10:00:00"
    assert "Times on this page are in Europe/Vilnius time (UTC+03:00 at the event&#x27;s start)." \
        in html
    assert "In Europe/Vilnius time." in html


def test_another_zone_for_another_event(admin_client):
    response = admin_client.post(admin_url(Event, "add"), event_post(
        make_project(), time_zone="America/New_York",
    ))
    assert response.status_code == 302, errors_of(response)
    assert Event.objects.get().starts_at == utc(2021, 6, 10, 14)


def test_add_page_uses_the_default_zone_and_says_so(admin_client):
    html = admin_client.get(admin_url(Event, "add")).content.decode()
    assert "Times on this page are in Europe/Brussels time" in html
    assert input_value(html, "time_zone") == "Europe/Brussels"
    assert '<datalist id="aula-time-zones">' in html and 'value="Europe/Vilnius"' in html


def test_invalid_time_zone_shown_on_the_form(admin_client):
    response = admin_client.post(admin_url(Event, "add"), event_post(
        make_project(), time_zone="Europe/Atlantis",
    ))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["time_zone"] == [
        "Europe/Atlantis is not a time zone name such as Europe/Vilnius."
    ]
    assert not Event.objects.exists()


def test_changing_the_zone_keeps_the_clock_times(admin_client, seminar):
    closing_item = AgendaItem.objects.get(starts_at__isnull=False)
    assert closing_item.starts_at == utc(2021, 6, 10, 9, 40)  # 12:40 in Vilnius
    url = admin_url(Event, "change", seminar.pk)
    data = form_data(admin_client.get(url), "event")
    data["time_zone"] = "Europe/Brussels"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    seminar.refresh_from_db()
    assert seminar.starts_at == utc(2021, 6, 10, 8)  # 10:00 in Brussels
    assert seminar.blocks.first().starts_at == utc(2021, 6, 10, 8)
    closing_item.refresh_from_db()
    assert closing_item.starts_at == utc(2021, 6, 10, 10, 40)
    assert check_agenda_problems(seminar) == []


def check_agenda_problems(event):
    return check_agenda(event, list(event.blocks.all()))


def test_calendar_sequence_goes_up_when_the_time_changes(admin_client, seminar):
    url = admin_url(Event, "change", seminar.pk)
    data = form_data(admin_client.get(url), "event")
    data["title_en"] = "New title"
    assert admin_client.post(url, data).status_code == 302
    seminar.refresh_from_db()
    assert seminar.sequence == 0
    data["ends_at_1"] = "13:30"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    seminar.refresh_from_db()
    assert seminar.sequence == 1
    assert seminar.ends_at == utc(2021, 6, 10, 10, 30)


# --- a moved or cancelled event tells its registrants (events.services.record_event_change) ---


@pytest.fixture
def booked():
    """A published seminar three weeks ahead, 10:00–13:00 in Vilnius with two blocks, and two
    registrants (one in the organiser's own language, one in Romanian)."""
    from aula.registrations import services as registrations
    from tests.registrations.factories import person

    day = (timezone.now() + timedelta(days=21)).astimezone(VILNIUS).date()
    starts = datetime.combine(day, time(10), VILNIUS)
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=3))
    make_block(event, starts_at=starts, ends_at=starts + timedelta(hours=1))
    make_block(event, starts_at=starts + timedelta(hours=1), ends_at=starts + timedelta(hours=2),
               title={"en": "Workshop"})
    for n, language in ((1, "en"), (2, "ro")):
        registrations.register(event, person(n, language=language))
    return event


def outbox(kind):
    from aula.messaging.models import OutboxMessage

    return list(
        OutboxMessage.objects.filter(kind=f"registration_{kind}").prefetch_related("attachments")
    )


def calendar_file(message) -> str:
    (attachment,) = message.attachments.all()
    assert attachment.filename.endswith(".ics")
    return bytes(attachment.content).decode()


def save_event(admin_client, event, **changes):
    url = admin_url(Event, "change", event.pk)
    data = form_data(admin_client.get(url), "event")
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    event.refresh_from_db()
    return data


def test_moving_a_published_event_tells_each_registrant_once_with_the_new_calendar(
    admin_client, booked
):
    save_event(
        admin_client, booked, starts_at_1="11:00", ends_at_1="14:00",
        **{"blocks-0-starts_at_1": "11:00", "blocks-0-ends_at_1": "12:00",
           "blocks-1-starts_at_1": "12:00", "blocks-1-ends_at_1": "13:00"},
    )
    assert booked.local_start.hour == 11
    assert [booked.local(b.starts_at).hour for b in booked.blocks.all()] == [11, 12]
    assert booked.sequence == 1  # once, however many blocks were saved with it
    notices = outbox("event_changed")
    assert sorted(m.recipient for m in notices) == ["person1@example.org", "person2@example.org"]
    for message in notices:
        ics = calendar_file(message)
        assert "METHOD:PUBLISH" in ics and "SEQUENCE:1" in ics
        assert f"DTSTART;TZID=Europe/Vilnius:{booked.local_start:%Y%m%dT110000}" in ics
    # The e-mail gives the time before the move next to the new one.
    english = next(m for m in notices if m.language == "en")
    assert "It was: " in english.text_body and "10:00–13:00 (Europe/Vilnius" in (
        english.text_body.split("It was: ")[1].split("\n")[0]
    )
    assert "11:00–14:00 (Europe/Vilnius" in english.text_body.split("It is now: ")[1]
    assert not outbox("event_cancelled")


def test_cancelling_a_published_event_removes_it_from_the_registrants_calendars(booked):
    from aula.events import lifecycle

    lifecycle.cancel(booked, actor=None)
    booked.refresh_from_db()
    assert booked.sequence == 1
    notices = outbox("event_cancelled")
    assert len(notices) == 2
    for message in notices:
        ics = calendar_file(message)
        assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:1" in ics
    assert not outbox("event_changed")


def test_editing_only_the_description_tells_nobody(admin_client, booked):
    save_event(admin_client, booked, description_en="Bring your questions.")
    assert booked.description["en"] == "Bring your questions."
    assert booked.sequence == 0
    assert not outbox("event_changed") and not outbox("event_cancelled")


def test_moving_a_draft_tells_nobody(admin_client, booked):
    Event.objects.filter(pk=booked.pk).update(status=Event.Status.DRAFT)
    save_event(admin_client, booked, starts_at_1="09:00")
    assert booked.local_start.hour == 9
    assert booked.sequence == 1
    assert not outbox("event_changed")


def test_a_change_that_fails_after_saving_leaves_no_email(admin_client, booked, monkeypatch):
    from aula.events.admin import EventAdmin

    class Boom(Exception):
        pass

    def fail(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(EventAdmin, "log_change", fail)  # the admin's last step, same transaction
    url = admin_url(Event, "change", booked.pk)
    data = form_data(admin_client.get(url), "event")
    with pytest.raises(Boom):
        admin_client.post(url, {**data, "starts_at_1": "09:00"})
    booked.refresh_from_db()
    assert booked.local_start.hour == 10 and booked.sequence == 0
    assert not outbox("event_changed")
    assert not AuditEntry.objects.exists()  # the entry rolled back with the change


def test_a_refused_change_tells_nobody(admin_client, booked):
    url = admin_url(Event, "change", booked.pk)
    data = form_data(admin_client.get(url), "event")
    data["starts_at_1"] = "14:00"  # after the end
    assert admin_client.post(url, data).status_code == 200
    booked.refresh_from_db()
    assert booked.sequence == 0 and not outbox("event_changed")


def test_block_page_in_the_event_zone(admin_client, seminar):
    closing = seminar.blocks.get(title__en="Closing")
    url = admin_url(AgendaBlock, "change", closing.pk)
    page = admin_client.get(url)
    html = page.content.decode()
    assert input_value(html, "starts_at_1") == "12:30:00"
    assert "Times on this page are in Europe/Vilnius time" in html
    assert "Closing (12:30–13:00 Europe/Vilnius)" in html  # the page title
    data = form_data(page, "agendablock")
    data["ends_at_1"] = "12:55"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    closing.refresh_from_db()
    assert closing.ends_at == utc(2021, 6, 10, 9, 55)


def test_block_add_page_takes_the_zone_of_the_event_asked_for(admin_client, seminar):
    html = admin_client.get(admin_url(AgendaBlock, "add"), {"event": seminar.pk}).content.decode()
    assert "Times on this page are in Europe/Vilnius time" in html
    other = make_event(time_zone="Europe/Rome")
    html = admin_client.get(admin_url(AgendaBlock, "add"), {"event": other.pk}).content.decode()
    assert "Times on this page are in Europe/Rome time" in html


def test_item_page_in_the_event_zone(admin_client, seminar):
    item = AgendaItem.objects.get(starts_at__isnull=False)
    url = admin_url(AgendaItem, "change", item.pk)
    page = admin_client.get(url)
    assert input_value(page.content.decode(), "starts_at_1") == "12:40:00"
    data = form_data(page, "agendaitem")
    data["starts_at_1"] = "12:45"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    item.refresh_from_db()
    assert item.starts_at == utc(2021, 6, 10, 9, 45)

    data["starts_at_1"] = "13:05"  # after its block
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_at"] == [
        "The item's time lies outside its block."
    ]


def test_item_with_speakers_added_on_its_page(admin_client, seminar):
    closing = seminar.blocks.get(title__en="Closing")
    person = make_person(name="Lavinia Simion", project=seminar.project)
    response = admin_client.post(admin_url(AgendaItem, "add"), {
        "block": str(closing.pk),
        "starts_at_0": "2021-06-10", "starts_at_1": "12:50",
        "order": "5",
        **translated("title", en="Thanks"),
        **translated("presenters"),
        **translated("description"),
        **management("roles", total=1),
        "roles-0-person": str(person.pk),
        "roles-0-role": ItemRole.Role.CLOSING_REMARKS,
        "roles-0-order": "0",
    })
    assert response.status_code == 302, errors_of(response)
    item = AgendaItem.objects.get(title__en="Thanks")
    assert item.starts_at == utc(2021, 6, 10, 9, 50)
    assert list(item.people.all()) == [person]


# --- the agenda as a whole and model rules on the form -------------------------------------


def test_agenda_problems_shown_on_the_event_form(admin_client):
    response = admin_client.post(admin_url(Event, "add"), event_post(
        make_project(),
        **block_post(0, start="09:30", end="10:30", title="Too early"),
        **block_post(1, start="10:30", end="11:30", title="Keynote"),
        **block_post(2, start="11:00", end="12:00", title="Panel"),
        **management("blocks", total=3),
    ))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    problems = formset.non_form_errors()
    assert len(problems) == 2
    assert "“Too early (09:30–10:30 Europe/Vilnius)” lies outside" in problems[0]
    assert "“Keynote (10:30–11:30 Europe/Vilnius)” and “Panel (11:00–12:00 Europe/Vilnius)” " \
           "overlap" in problems[1]
    html = response.content.decode()
    assert "lies outside the event&#x27;s start and end" in html
    assert not Event.objects.exists() and not AgendaBlock.objects.exists()


def test_parallel_sessions_of_one_slot_are_fine_on_the_event_form(admin_client):
    response = admin_client.post(admin_url(Event, "add"), event_post(
        make_project(),
        **block_post(0, kind="parallel", start="11:00", end="12:00", title="Session 1",
                     capacity="40"),
        **block_post(1, kind="parallel", start="11:00", end="12:00", title="Session 2"),
        **block_post(2, kind="parallel", start="11:15", end="12:00", title="Session 3"),
        **management("blocks", total=3),
    ))
    assert response.status_code == 200
    problems = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert len(problems) == 2  # Session 3 against each of the others
    assert all("Session 3" in problem for problem in problems)

    data = event_post(
        make_project(),
        **block_post(0, kind="parallel", start="11:00", end="12:00", title="Session 1",
                     capacity="40"),
        **block_post(1, kind="parallel", start="11:00", end="12:00", title="Session 2"),
        **management("blocks", total=2),
    )
    response = admin_client.post(admin_url(Event, "add"), data)
    assert response.status_code == 302, errors_of(response)
    assert AgendaBlock.objects.filter(kind="parallel").count() == 2


def test_moving_the_event_checks_its_existing_agenda(admin_client, seminar):
    url = admin_url(Event, "change", seminar.pk)
    data = form_data(admin_client.get(url), "event")
    data["ends_at_1"] = "12:00"  # the closing and the sessions now end after the event
    response = admin_client.post(url, data)
    assert response.status_code == 200
    problems = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert any("Closing" in problem for problem in problems)
    seminar.refresh_from_db()
    assert seminar.ends_at == utc(2021, 6, 10, 10)


def test_deleted_blocks_are_left_out_of_the_agenda_check(admin_client, seminar):
    url = admin_url(Event, "change", seminar.pk)
    data = form_data(admin_client.get(url), "event")
    data["ends_at_1"] = "12:30"
    closing_index = next(
        key.split("-")[1] for key, value in data.items()
        if key.endswith("-title_en") and value == "Closing"
    )
    data[f"blocks-{closing_index}-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    assert not seminar.blocks.filter(title__en="Closing").exists()


def test_block_errors_shown_before_the_agenda_check(admin_client):
    response = admin_client.post(admin_url(Event, "add"), event_post(
        make_project(),
        **block_post(0, start="11:00", end="10:00", title="Backwards"),
        **block_post(1, kind="plenary", start="10:00", end="11:00", title="Plenary",
                     capacity="30"),
        **management("blocks", total=2),
    ))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "A block must end after it starts." in formset.forms[0].non_field_errors()
    assert "Only parallel sessions have a capacity of their own." in (
        formset.forms[1].non_field_errors()
    )
    assert not formset.non_form_errors()


def test_block_page_checks_the_rest_of_the_agenda(admin_client, seminar):
    data = {
        "event": str(seminar.pk),
        "kind": "plenary", "order": "0",
        "starts_at_0": "2021-06-10", "starts_at_1": "12:00",
        "ends_at_0": "2021-06-10", "ends_at_1": "12:30",
        **translated("title", en="Extra"), **translated("description"), "capacity": "",
        **management("items"),
    }
    response = admin_client.post(admin_url(AgendaBlock, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 2  # against each parallel session; nothing about older problems
    assert all("Extra (12:00–12:30 Europe/Vilnius)" in error for error in errors)

    data["starts_at_1"], data["ends_at_1"] = "13:00", "13:30"
    response = admin_client.post(admin_url(AgendaBlock, "add"), data)
    assert response.status_code == 200
    assert "lies outside" in response.context["adminform"].form.non_field_errors()[0]


def test_model_clean_errors_show_on_the_event_form(admin_client):
    project = make_project()
    stranger = make_partner(make_project(), organisation="Elsewhere")
    response = admin_client.post(admin_url(Event, "add"), event_post(
        project, primary_language="lt", host_partner=str(stranger.pk),
    ))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["title"] == ["Give the title in the primary language (Lithuanian)."]
    assert errors["host_partner"] == ["Choose a partner of this event's project."]
    html = response.content.decode()
    assert "Give the title in the primary language (Lithuanian)." in html


def test_constraint_errors_show_on_the_event_form(admin_client):
    project = make_project()
    make_event(project, slug="taken")
    response = admin_client.post(admin_url(Event, "add"), event_post(
        project, slug="taken", ends_at_1="09:00",
    ))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "The event must end after it starts." in errors
    assert "Another event of this project has this address." in errors


def test_partner_choices_limited_to_the_event_project(admin_client, seminar):
    make_partner(make_project(), organisation="Not in this project")
    page = admin_client.get(admin_url(Event, "change", seminar.pk))
    choices = page.context["adminform"].form.fields["host_partner"].queryset
    assert set(choices) == set(seminar.project.partners.all())
    add = admin_client.get(admin_url(Event, "add"))
    labels = [label for _value, label in add.context["adminform"].form.fields["host_partner"]
              .choices]
    assert "Not in this project, Kaunas — " + Partner.objects.get(
        organisation="Not in this project").project.name in labels


# --- projects and partners -----------------------------------------------------------------


def partner_post(index, organisation, role="partner", **extra):
    prefix = f"partners-{index}"
    data = {
        f"{prefix}-organisation": organisation, f"{prefix}-role": role,
        f"{prefix}-order": str(index), f"{prefix}-city": "Kaunas", f"{prefix}-country": "LT",
        f"{prefix}-website": "", f"{prefix}-ecoc_year": "",
        **{f"{prefix}-{k}": v for k, v in translated("ecoc_note").items()},
    }
    data.update({f"{prefix}-{key}": value for key, value in extra.items()})
    return data


def project_post(**overrides):
    data = {
        "name": "ECoC-SME", "code": "PGI06047", "slug": "ecoc-sme",
        **translated("full_title", en="Actions for SME growth", ro="Acțiuni"),
        "programme": "Interreg Europe", "website": "interregeurope.eu/ecoc-sme",
        "primary_language": "en", "starts_on": "2019-08-01", "ends_on": "2022-07-31",
        **translated("description"), **management("partners"),
    }
    data.update(overrides)
    return data


def test_project_added_with_its_partners(admin_client):
    response = admin_client.post(admin_url(Project, "add"), project_post(
        **partner_post(0, "University of Eastern Finland", role="lead"),
        **partner_post(1, "Municipality of Timișoara", ecoc_year="2023",
                       ecoc_note_en="originally 2021", ecoc_note_ro="inițial 2021"),
        **management("partners", total=2),
    ))
    assert response.status_code == 302, errors_of(response)
    project = Project.objects.get()
    assert project.full_title == {"en": "Actions for SME growth", "ro": "Acțiuni"}
    assert project.website == "https://interregeurope.eu/ecoc-sme"
    timisoara = project.partners.get(ecoc_year=2023)
    assert timisoara.ecoc_note == {"en": "originally 2021", "ro": "inițial 2021"}


def test_two_lead_partners_rejected_on_the_project_form(admin_client):
    response = admin_client.post(admin_url(Project, "add"), project_post(
        **partner_post(0, "First", role="lead"), **partner_post(1, "Second", role="lead"),
        **management("partners", total=2),
    ))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == ["A project has one lead partner."]
    assert not Project.objects.exists()


def test_new_lead_partner_next_to_the_existing_one_rejected(admin_client):
    project = make_project()
    make_partner(project, role="lead")
    url = admin_url(Project, "change", project.pk)
    data = form_data(admin_client.get(url), "project")
    data.update(partner_post(1, "Second lead", role="lead"))
    data["partners-TOTAL_FORMS"] = "2"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "A project has one lead partner." in errors_of(response)


def test_lead_role_handed_over_in_one_save(admin_client):
    project = make_project()
    first = make_partner(project, role="lead", order=1)
    second = make_partner(project, role="partner", order=2)
    url = admin_url(Project, "change", project.pk)
    data = form_data(admin_client.get(url), "project")
    data["partners-0-role"], data["partners-1-role"] = "partner", "lead"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, second.role) == ("partner", "lead")


def test_duplicate_organisation_rejected_on_the_project_form(admin_client):
    response = admin_client.post(admin_url(Project, "add"), project_post(
        **partner_post(0, "Materahub"), **partner_post(1, "Materahub"),
        **management("partners", total=2),
    ))
    assert response.status_code == 200
    assert "Please correct the duplicate data for organisation" in errors_of(response)


def test_project_dates_checked_on_the_form(admin_client):
    response = admin_client.post(admin_url(Project, "add"), project_post(
        starts_on="2022-01-01", ends_on="2021-01-01",
    ))
    assert response.status_code == 200
    assert "The project cannot end before it starts." in errors_of(response)


def test_partner_page_checks_the_lead_partner_and_ecoc_year(admin_client):
    project = make_project()
    make_partner(project, role="lead")
    response = admin_client.post(admin_url(Partner, "add"), {
        "project": str(project.pk),
        **{key.removeprefix("partners-0-"): value
           for key, value in partner_post(0, "Second", role="lead", ecoc_year="1984").items()},
    })
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "A project has one lead partner." in form.non_field_errors()
    assert "ecoc_year" in form.errors


# --- what organisers type stays text ------------------------------------------------------


def test_script_in_a_title_is_escaped_in_changelists(admin_client):
    script = "<script>alert('x')</script>"
    project = make_project(name="<b>bold</b>")
    event = make_event(project, title={"en": script})
    block = make_block(event, title={"en": script})
    make_item(block, title={"en": script})
    add_role(AgendaItem.objects.get(), make_person(name=script))
    for model in (Event, AgendaBlock, AgendaItem, Person):
        html = admin_client.get(admin_url(model, "changelist")).content.decode()
        assert script not in html, model
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, model
    html = admin_client.get(admin_url(Project, "changelist")).content.decode()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    html = admin_client.get(admin_url(Event, "change", event.pk)).content.decode()
    assert script not in html
    assert "<b>bold</b>" not in html


def test_delete_event_with_agenda(admin_client, seminar):
    url = admin_url(Event, "delete", seminar.pk)
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Event.objects.exists() and not AgendaBlock.objects.exists()
    assert Person.objects.exists()  # people stay for other events


def test_admin_needs_login(client, seminar):
    response = client.get(admin_url(Event, "change", seminar.pk))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_changelist_query_count_does_not_grow_with_rows(admin_client, seminar,
                                                         django_assert_max_num_queries):
    for n in range(5):
        make_event(seminar.project, starts_at=utc(2022, 1, 1) + timedelta(days=n))
    with django_assert_max_num_queries(12):
        admin_client.get(admin_url(Event, "changelist"))
    with django_assert_max_num_queries(12):
        admin_client.get(admin_url(AgendaBlock, "changelist"))
    with django_assert_max_num_queries(12):
        admin_client.get(admin_url(AgendaItem, "changelist"))


# --- the admin goes through the same rules as the console ----------------------------------


@pytest.fixture
def chosen():
    """A published event in ten days with a slot of two sessions, one chosen by a registrant."""
    from aula.registrations import services as registrations
    from tests.registrations.factories import make_slot, person

    # In the morning (UTC), so that moving a session by half an hour never crosses midnight in
    # the event's zone, whatever the hour the test runs.
    starts = (timezone.now() + timedelta(days=10)).replace(
        hour=7, minute=0, second=0, microsecond=0)
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=3))
    sessions = make_slot(event, 10, None)
    assert registrations.register(event, person(1, sessions=[sessions[0].pk])).accepted
    clear_audit_log()
    return event, sessions


def entries():
    return list(AuditEntry.objects.order_by("id"))


def test_the_status_is_read_only_and_changed_by_the_life_cycle_only(admin_client, seminar):
    url = admin_url(Event, "change", seminar.pk)
    html = admin_client.get(url).content.decode()
    assert 'name="status"' not in html
    Event.objects.filter(pk=seminar.pk).update(status=Event.Status.DRAFT)
    save_event(admin_client, seminar, status="published")
    assert seminar.status == Event.Status.DRAFT
    assert not AuditEntry.objects.filter(action__startswith="event.publ").exists()


def test_publishing_a_draft_without_a_privacy_notice_is_refused_in_the_admin(admin_client):
    from aula.registrations.models import PrivacyNotice

    draft = make_event(status=Event.Status.DRAFT, notice=False)
    changelist = admin_url(Event, "changelist")
    response = admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]},
                                 follow=True)
    assert "Write a privacy notice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT and not entries()
    PrivacyNotice.objects.create(project=draft.project, event=draft, text={"en": "Notice"})
    response = admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]},
                                 follow=True)
    assert "is published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    (entry,) = entries()
    assert entry.action == "event.published" and entry.actor_name == "admin"
    assert entry.changes == {"status": ["draft", "published"]}


def test_marking_held_before_the_start_is_refused_in_the_admin(admin_client):
    event = make_event()  # a year ahead
    changelist = admin_url(Event, "changelist")
    response = admin_client.post(
        changelist, {"action": "mark_held", "_selected_action": [event.pk]}, follow=True
    )
    assert "has not started yet" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and not entries()
    started = make_event(starts_at=timezone.now() - timedelta(hours=1))
    admin_client.post(changelist, {"action": "mark_held", "_selected_action": [started.pk]})
    admin_client.post(changelist, {"action": "close", "_selected_action": [started.pk]})
    admin_client.post(changelist, {"action": "reopen", "_selected_action": [started.pk]})
    started.refresh_from_db()
    assert started.status == Event.Status.HELD
    assert [e.action for e in entries()] == ["event.held", "event.closed", "event.reopened"]


def test_capacity_and_registration_window_are_not_editable_in_the_admin(admin_client, booked):
    url = admin_url(Event, "change", booked.pk)
    html = admin_client.get(url).content.decode()
    for name in ("capacity", "registration_opens_at_0", "registration_closes_at_0"):
        assert f'name="{name}"' not in html
    save_event(admin_client, booked, capacity="1", registration_opens_at_0="2020-01-01",
               registration_opens_at_1="10:00")
    assert booked.capacity == 50 and booked.registration_opens_at is None


def test_a_chosen_block_is_not_deleted_from_its_page(admin_client, chosen):
    _event, (taken, free) = chosen
    url = admin_url(AgendaBlock, "delete", taken.pk)
    for response in (admin_client.get(url, follow=True),
                     admin_client.post(url, {"post": "yes"}, follow=True)):
        assert "1 registrant chose this session: it cannot be deleted." in (
            response.content.decode())
    assert AgendaBlock.objects.filter(pk=taken.pk).exists() and not entries()
    response = admin_client.post(admin_url(AgendaBlock, "delete", free.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not AgendaBlock.objects.filter(pk=free.pk).exists()
    (entry,) = entries()
    assert entry.action == "agenda.block_deleted" and entry.event_id == free.event_id


def test_a_chosen_block_is_not_deleted_nor_moved_on_the_event_form(admin_client, chosen):
    event, (taken, _free) = chosen
    url = admin_url(Event, "change", event.pk)
    data = form_data(admin_client.get(url), "event")
    index = next(i for i in range(2) if data[f"blocks-{i}-id"] == str(taken.pk))
    response = admin_client.post(url, {**data, f"blocks-{index}-DELETE": "on"})
    assert response.status_code == 200  # Django's own check of protected rows comes first
    assert "protected" in errors_of(response) or "chose this session" in errors_of(response)
    moved = event.local(taken.ends_at + timedelta(minutes=30)).strftime("%H:%M")
    response = admin_client.post(url, {**data, f"blocks-{index}-ends_at_1": moved})
    assert response.status_code == 200
    assert "Registrants chose this session: its time and kind stay" in errors_of(response)
    taken.refresh_from_db()
    assert taken.ends_at == event.starts_at + timedelta(hours=2) and not entries()


def test_a_chosen_block_keeps_its_time_on_its_page(admin_client, chosen):
    event, (taken, _free) = chosen
    url = admin_url(AgendaBlock, "change", taken.pk)
    data = form_data(admin_client.get(url), "agendablock")
    data["kind"] = "plenary"
    data["capacity"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Registrants chose this session" in errors_of(response)
    assert AgendaBlock.objects.get(pk=taken.pk).kind == "parallel" and not entries()


def test_an_agenda_block_outside_the_event_is_refused_in_the_admin(admin_client, seminar):
    url = admin_url(AgendaBlock, "add")
    response = admin_client.post(url, {
        "event": str(seminar.pk), "kind": "plenary", "order": "0",
        "starts_at_0": "2021-06-10", "starts_at_1": "14:00",
        "ends_at_0": "2021-06-10", "ends_at_1": "15:00",
        **translated("title", en="Late"), **translated("description"), "capacity": "",
        **management("items"),
    })
    assert response.status_code == 200
    assert "outside" in errors_of(response) or "lies" in errors_of(response)
    assert not seminar.blocks.filter(title__en="Late").exists() and not entries()


def test_a_sessions_capacity_asks_registrations_first(admin_client, chosen):
    from aula.events.services import session_capacity_changing

    event, (taken, free) = chosen
    heard = []

    def refuse(sender, block, capacity, **kwargs):
        heard.append((block.pk, block.capacity, capacity))
        raise ValidationError("Fewer places than the people who chose it.")

    session_capacity_changing.connect(refuse)
    try:
        url = admin_url(AgendaBlock, "change", taken.pk)
        data = form_data(admin_client.get(url), "agendablock")
        response = admin_client.post(url, {**data, "capacity": "5"})
        assert response.status_code == 200
        assert "Fewer places than the people who chose it." in errors_of(response)
        assert AgendaBlock.objects.get(pk=taken.pk).capacity == 10 and not entries()
        # Raised: nothing to ask.
        response = admin_client.post(url, {**data, "capacity": "20"})
        assert response.status_code == 302, errors_of(response)
        assert heard == [(taken.pk, 10, 5)]
        # Newly set, on the event's form: asked as well.
        event_url = admin_url(Event, "change", event.pk)
        data = form_data(admin_client.get(event_url), "event")
        index = next(i for i in range(2) if data[f"blocks-{i}-id"] == str(free.pk))
        response = admin_client.post(event_url, {**data, f"blocks-{index}-capacity": "3"})
        assert response.status_code == 200
        assert heard[-1] == (free.pk, None, 3)
        assert AgendaBlock.objects.get(pk=free.pk).capacity is None
    finally:
        session_capacity_changing.disconnect(refuse)


def test_admin_saves_and_deletes_are_on_the_record(admin_client, seminar):
    save_event(admin_client, seminar, title_en="New title", ends_at_1="13:30",
               contact_name="Somebody Else")
    entry = AuditEntry.objects.get(action="event.updated")
    assert entry.actor_name == "admin" and entry.via == "admin" and entry.event_id == seminar.pk
    assert entry.changes["title"][1]["en"] == "New title"
    assert entry.changes["ends_at"] == ["2021-06-10T10:00:00+00:00", "2021-06-10T10:30:00+00:00"]
    assert entry.changes["contact_name"] == ["changed"]  # referred to, not copied
    # Saved unchanged: no entry.
    save_event(admin_client, seminar)
    assert AuditEntry.objects.filter(action="event.updated").count() == 1

    person_url = admin_url(Person, "add")
    response = admin_client.post(person_url, {"name": "Ana Pop", "organisation": "",
                                              "project": str(seminar.project_id),
                                              **translated("job_title"), **translated("bio")})
    assert response.status_code == 302, errors_of(response)
    assert AuditEntry.objects.get(action="person.created").changes["name"] == [None, "Ana Pop"]

    block = seminar.blocks.get(title__en="Closing")
    item = make_item(block, title={"en": "Thanks"})
    url = admin_url(AgendaItem, "change", item.pk)
    data = form_data(admin_client.get(url), "agendaitem")
    data.update({"roles-0-person": str(Person.objects.get(name="Ana Pop").pk),
                 "roles-0-role": "speaker", "roles-0-order": "1"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    added = AuditEntry.objects.get(action="agenda.person_added")
    assert added.event_id == seminar.pk and added.project_id == seminar.project_id

    partner = seminar.host_partner
    url = admin_url(Partner, "change", partner.pk)
    data = form_data(admin_client.get(url), "partner")
    response = admin_client.post(url, {**data, "city": "Elsewhere"})
    assert response.status_code == 302, errors_of(response)
    changed = AuditEntry.objects.get(action="partner.changed")
    assert changed.project_id == seminar.project_id
    assert changed.changes == {"city": [partner.city, "Elsewhere"]}

    draft = make_event(seminar.project, status=Event.Status.DRAFT)
    response = admin_client.post(admin_url(Event, "delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEntry.objects.get(action="event.deleted")
    assert deleted.event_id == draft.pk and deleted.target_label == str(draft)


def test_an_event_added_in_the_admin_is_a_draft_on_the_record(admin_client):
    project = make_project()
    response = admin_client.post(admin_url(Event, "add"), event_post(
        project, status="published",
        **block_post(0), **management("blocks", total=1),
    ))
    assert response.status_code == 302, errors_of(response)
    event = Event.objects.get()
    assert event.status == Event.Status.DRAFT
    assert [e.action for e in entries()] == ["event.created", "agenda.block_added"]
    assert all(e.event_id == event.pk for e in entries())


def test_moving_the_event_before_its_registration_closes_is_said_at_the_top(admin_client, booked):
    Event.objects.filter(pk=booked.pk).update(registration_closes_at=booked.ends_at)
    url = admin_url(Event, "change", booked.pk)
    data = form_data(admin_client.get(url), "event")
    data.update({"starts_at_1": "09:00", "ends_at_1": "09:30"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Registration cannot close after the event ends." in (
        response.context["adminform"].form.non_field_errors())
