"""The public pages: home, project, event, printable agenda and calendar file."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from aula.events.models import AgendaBlock, Event, ItemRole
from tests.factories import (
    add_role,
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

LANGUAGES = ["en", "ro"]
MEETING_URL = "https://zoom.example/j/secret-meeting-123"


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"events:{name}", kwargs=kwargs)


def event_urls(event, language="en"):
    kwargs = {"project": event.project.slug, "event": event.slug}
    return {name: url(name, language, **kwargs) for name in ("event", "agenda", "calendar")}


def all_public_urls(event, language="en"):
    return [
        url("home", language),
        url("project", language, project=event.project.slug),
        *event_urls(event, language).values(),
    ]


def upcoming_event(**fields):
    """Thirty days ahead, and (with no privacy notice) not yet open for registration."""
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=30)
    return make_event(starts_at=starts_at, **{"notice": False, **fields})


class Elements(HTMLParser):
    """Start tags with their attributes, and the text of <script type=application/ld+json>."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.json_ld = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def find(self, tag, **attrs):
        return [
            found for name, found in self.tags
            if name == tag
            and all(
                k.replace("_", "-") in found and found[k.replace("_", "-")] == v
                for k, v in attrs.items()
            )
        ]

    def meta(self, prop):
        (tag,) = self.find("meta", property=prop)
        return tag["content"]


# -- Every page renders ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_each_language(client, language):
    event = make_model_seminar()
    for address in all_public_urls(event, language):
        response = client.get(address)
        assert response.status_code == 200, address
        if response["Content-Type"].startswith("text/html"):
            assert f'<html lang="{language}">' in response.content.decode()


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_base_page_landmarks_and_skip_link(client):
    event = make_model_seminar()
    html = client.get(event_urls(event)["event"]).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html
    assert "aula/aula.css" in html and "aula/aula.js" in html
    # One h1; headings do not skip a level.
    levels = [int(tag[1]) for tag, _ in Elements(html).tags if re.fullmatch(r"h[1-6]", tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


# -- Drafts ---------------------------------------------------------------------------------


def test_drafts_are_never_public(client):
    draft = upcoming_event(status=Event.Status.DRAFT, title={"en": "Secret draft seminar"})
    for address in event_urls(draft).values():
        assert client.get(address).status_code == 404, address
    for address in (url("home"), url("project", project=draft.project.slug)):
        response = client.get(address)
        assert response.status_code == 200
        assert "Secret draft seminar" not in response.content.decode()


def test_unknown_addresses_are_404(client):
    event = make_event()
    assert client.get(url("project", project="nope")).status_code == 404
    assert client.get(url("event", project="nope", event=event.slug)).status_code == 404
    assert client.get(url("event", project=event.project.slug, event="nope")).status_code == 404


def test_event_of_another_project_is_404(client):
    event = make_event()
    other = make_project()
    assert client.get(url("event", project=other.slug, event=event.slug)).status_code == 404


def test_cancelled_event_is_public_and_says_so(client):
    event = upcoming_event(status=Event.Status.CANCELLED)
    html = client.get(event_urls(event)["event"]).content.decode()
    assert "This seminar has been cancelled." in html
    assert "notice--cancelled" in html
    assert "Registration opens soon" not in html
    assert "Cancelled" in client.get(url("project", project=event.project.slug)).content.decode()


# -- Home and project -----------------------------------------------------------------------


def test_home_lists_upcoming_events_of_each_project(client):
    soon = upcoming_event(title={"en": "Coming seminar"})
    past = make_event(soon.project, starts_at=utc(2021, 6, 10, 7), title={"en": "Old seminar"})
    other = upcoming_event(title={"en": "Seminar of another project"})
    html = client.get(url("home")).content.decode()
    assert "Coming seminar" in html and "Seminar of another project" in html
    assert "Old seminar" not in html
    assert f'href="{url("project", project=soon.project.slug)}"' in html
    assert f'href="{event_urls(soon)["event"]}"' in html
    assert f'href="{event_urls(other)["event"]}"' in html
    assert past.project == soon.project


def test_project_page_shows_project_partners_and_events(client):
    event = make_model_seminar()
    coming = upcoming_event(project=event.project, title={"en": "Next seminar"})
    html = client.get(url("project", project="ecoc-sme")).content.decode()
    assert "<h1>ECoC-SME</h1>" in html
    assert "Actions for inducing SME growth" in html
    assert "PGI06047" in html and "Interreg Europe" in html
    assert 'href="https://www.interregeurope.eu/ecoc-sme/"' in html
    assert "Municipality of Timișoara" in html and "Romania" in html
    assert "Lead partner" in html
    assert "European Capital of Culture 2023 (originally 2021)" in html
    upcoming, past = html.split('id="past-heading"')
    assert "Next seminar" in upcoming and f'href="{event_urls(coming)["event"]}"' in upcoming
    assert "Resilience of regions" in past


def test_project_page_in_romanian_uses_translations(client):
    make_model_seminar()
    html = client.get(url("project", "ro", project="ecoc-sme")).content.decode()
    assert "Acțiuni de stimulare" in html
    assert "inițial 2021" in html
    assert "România" in html  # country names in the visitor's language


# -- Event page -----------------------------------------------------------------------------


def test_event_page_content(client):
    event = make_model_seminar()
    html = client.get(event_urls(event)["event"]).content.decode()
    assert "<h1>Resilience of regions" in html
    assert "Online, from Kaunas" in html and "Online" in html
    assert 'id="register"' in html
    assert "Ekaterina Travkina" in html and "Closing remarks" in html
    assert "The five project partners" in html  # presenters not listed by name
    # Contact person.
    assert "Lavinia Simion" in html and "project manager" in html
    assert 'href="tel:0256408371"' in html
    assert 'href="mailto:lavinia.simion@primariatm.ro"' in html
    # Links to the project, its website, the printable agenda and the calendar file.
    urls = event_urls(event)
    assert f'href="{url("project", project="ecoc-sme")}"' in html
    assert 'href="https://www.interregeurope.eu/ecoc-sme/"' in html
    assert f'href="{urls["agenda"]}"' in html
    assert f'href="{urls["calendar"]}"' in html
    # Partners of the project.
    assert "Materahub" in html and "European Capital of Culture 2019" in html


def test_upcoming_event_invites_to_register(client):
    event = upcoming_event()
    html = client.get(event_urls(event)["event"]).content.decode()
    assert 'id="register"' in html
    assert "Registration opens soon." in html


def test_times_are_in_the_event_zone_with_offset(client):
    event = make_model_seminar()  # 07:00–10:00 UTC, Europe/Vilnius in summer: UTC+03:00
    html = client.get(event_urls(event)["event"]).content.decode()
    assert "Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)" in html
    (time,) = Elements(html).find("time", data_local_time=None)
    assert time["datetime"] == "2021-06-10T07:00:00Z"
    assert time["data-local-end"] == "2021-06-10T10:00:00Z"
    # Agenda blocks and items in the event's zone too.
    assert "11:30" in html and "12:30" in html and "12:40" in html
    assert "09:40" not in html
    html = client.get(event_urls(event, "ro")["event"]).content.decode()
    # Day and month names from Django's catalogue (which capitalises them in Romanian).
    assert "joi, 10 iunie 2021, 10:00–13:00 (europe/vilnius, eest, utc+03:00)" in html.lower()


def test_winter_event_shows_winter_offset(client):
    event = make_event(starts_at=utc(2021, 12, 9, 8), time_zone="Europe/Vilnius")
    html = client.get(event_urls(event)["event"]).content.decode()
    assert "10:00–13:00 (Europe/Vilnius, EET, UTC+02:00)" in html


def test_parallel_sessions_share_one_slot_container(client):
    event = make_model_seminar()
    html = client.get(event_urls(event)["event"]).content.decode()
    slots = re.split(r'<div class="slot(?=[ "])', html)[1:]
    parallel = [slot for slot in slots if slot.startswith(" slot--parallel")]
    assert len(parallel) == 1
    assert "Session 1: Good practices from Kaunas" in parallel[0]
    assert "Session 2: Good practices from the EU" in parallel[0]
    assert parallel[0].index("Session 1") < parallel[0].index("Session 2")
    assert 'class="slot__sessions"' in parallel[0]
    # Plenary, break, the parallel slot and the closing, in time order.
    assert len(slots) == 4
    assert "interregional cooperation" in slots[0] and "Closing" in slots[3]


def test_missing_translation_falls_back_with_lang_attribute(client):
    event = make_model_seminar()
    html = client.get(event_urls(event, "ro")["event"]).content.decode()
    # Translated: shown as is.
    assert "<h1>Reziliența regiunilor" in html
    # Not translated into Romanian: the event's primary language, marked as such.
    assert '<span lang="en">Session 1: Good practices from Kaunas</span>' in html
    assert '<span lang="en">The OECD&#x27;s perspective</span>' in html


def test_fallback_to_primary_language_other_than_english(client):
    project = make_project(primary_language="lt")
    event = upcoming_event(
        project=project, primary_language="lt",
        title={"lt": "Kultūra ir verslas", "nl": "Cultuur en bedrijven"},
    )
    html = client.get(event_urls(event, "ro")["event"]).content.decode()
    assert '<h1><span lang="lt">Kultūra ir verslas</span></h1>' in html


def test_multiline_text_becomes_paragraphs(client):
    event = upcoming_event(description={"en": "First <b>line</b>\nsecond line\n\nNext paragraph"})
    html = client.get(event_urls(event, "ro")["event"]).content.decode()
    assert (
        '<div class="prose" lang="en"><p>First &lt;b&gt;line&lt;/b&gt;<br>\nsecond line</p>\n'
        "<p>Next paragraph</p></div>"
    ) in html


def test_speakers_are_distinct_people_of_the_agenda(client):
    event = upcoming_event()
    block = make_block(event)
    person = make_person(name="Ada Speaker", job_title={"en": "Director"}, organisation="OECD")
    add_role(make_item(block), person)
    add_role(make_item(block), person, ItemRole.Role.MODERATOR)
    html = client.get(event_urls(event)["event"]).content.decode()
    speakers = html.split('id="speakers-heading"')[1]
    assert speakers.count("Ada Speaker") == 1
    assert "Director" in speakers and "OECD" in speakers


def test_head_tags(client):
    event = make_model_seminar()
    address = event_urls(event, "ro")["event"]
    html = client.get(address).content.decode()
    page = Elements(html)
    assert "<title>Reziliența regiunilor" in html
    assert page.find("meta", name="description")
    assert page.meta("og:url") == f"http://testserver{address}"
    assert page.meta("og:title").startswith("Reziliența regiunilor")
    assert page.meta("og:description")
    assert page.meta("og:type") == "website"
    assert page.meta("og:locale") == "ro_RO"
    assert page.meta("og:site_name") == "Aula"
    alternates = {tag["hreflang"]: tag["href"] for tag in page.find("link", rel="alternate")}
    assert alternates["en"] == f"http://testserver{event_urls(event, 'en')['event']}"
    assert set(alternates) == {"en", "ro", "lt", "nl", "it", "hr"}
    (json_ld,) = page.json_ld
    data = json.loads(json_ld)
    assert data["@type"] == "Event"
    assert data["url"] == f"http://testserver{address}"


def test_language_switcher_keeps_the_page(client):
    event = make_model_seminar()
    for name, address in event_urls(event).items():
        if name == "calendar":
            continue
        links = Elements(client.get(address).content.decode()).find("a", hreflang="ro")
        if name == "agenda":  # the printable page has no navigation, only the alternates
            assert not links
            continue
        (link,) = links
        assert link["href"] == event_urls(event, "ro")[name]
        assert link["lang"] == "ro"
    page = Elements(client.get(event_urls(event, "ro")["event"]).content.decode())
    (current,) = page.find("a", aria_current="true")
    assert current["hreflang"] == "ro"
    (english,) = page.find("a", hreflang="en")
    assert english["href"] == event_urls(event, "en")["event"]
    assert "aria-current" not in english


# -- Safety ---------------------------------------------------------------------------------

EVIL = '<script>alert("x")</script> & </script><!--'


def test_user_markup_is_escaped_everywhere(client):
    project = make_project(
        name="Evil <b>project</b>", full_title={"en": EVIL}, description={"en": EVIL}
    )
    make_partner(project, organisation="<i>Org</i>", ecoc_year=2022, ecoc_note={"en": EVIL})
    event = upcoming_event(
        project=project, title={"en": EVIL}, summary={"en": EVIL}, description={"en": EVIL},
        location={"en": EVIL}, contact_name="<b>Bob</b>", contact_role={"en": EVIL},
        contact_email="bob@example.org", format=Event.Format.HYBRID,
    )
    block = make_block(event, title={"en": EVIL}, description={"en": EVIL})
    item = make_item(block, title={"en": EVIL}, description={"en": EVIL}, presenters={"en": EVIL})
    add_role(item, make_person(name="<img src=x onerror=alert(1)>", job_title={"en": EVIL},
                               organisation="<u>O</u>"))
    for address in all_public_urls(event):
        if address.endswith(".ics"):
            continue
        html = client.get(address).content.decode()
        for raw in ('<script>alert', "<b>", "<i>Org", "<img src=x", "<u>O", "<!--"):
            assert raw not in html, (address, raw)
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in html, address
    html = client.get(event_urls(event)["event"]).content.decode()
    page = Elements(html)
    assert page.meta("og:title") == EVIL  # the parser unescapes: the attribute held it safely
    assert 'content="&lt;script&gt;alert(&quot;x&quot;)' in html
    # JSON-LD: valid JSON that reads back as the organiser's text, with no markup in the script.
    (json_ld,) = page.json_ld
    assert "<" not in json_ld and ">" not in json_ld and "&" not in json_ld
    data = json.loads(json_ld)
    assert data["name"] == EVIL
    assert html.count("<script") == 2  # aula.js and the JSON-LD, nothing the organiser typed


def test_meeting_url_never_public(client):
    event = upcoming_event(meeting_url=MEETING_URL)
    make_item(make_block(event))
    past = make_model_seminar()
    for language in LANGUAGES:
        for shown in (event, past):
            for address in all_public_urls(shown, language):
                response = client.get(address)
                assert response.status_code == 200
                assert b"secret-meeting-123" not in response.content, address
                assert b"zoom.example" not in response.content, address


# -- Printable agenda and calendar ----------------------------------------------------------


def test_printable_agenda(client):
    event = make_model_seminar()
    html = client.get(event_urls(event)["agenda"]).content.decode()
    assert "<h1>Resilience of regions" in html
    assert "Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)" in html
    assert "Session 1: Good practices from Kaunas" in html
    assert "slot--parallel" in html
    assert 'class="languages"' not in html  # no navigation
    assert 'id="register"' not in html
    assert f'href="{event_urls(event)["event"]}"' in html


def test_calendar_file(client):
    event = make_model_seminar()
    response = client.get(event_urls(event)["calendar"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert f"http://testserver{event_urls(event)['event']}" in body.replace("\r\n ", "")


def test_calendar_in_romanian_links_romanian_page(client):
    event = make_model_seminar()
    body = client.get(event_urls(event, "ro")["calendar"]).content.decode().replace("\r\n ", "")
    assert f"http://testserver{event_urls(event, 'ro')['event']}" in body


# -- Queries --------------------------------------------------------------------------------


def build_agenda(event, slots, items_per_block, people_per_item):
    """``slots`` slots of an hour from the event's start, every second one two parallel
    sessions, each block with items and people (people also repeat across items)."""
    start = event.starts_at
    pool = [make_person(photo="people/p.jpg") for _ in range(max(1, people_per_item * 2))]
    for index in range(slots):
        starts_at = start + timedelta(minutes=20 * index)
        ends_at = starts_at + timedelta(minutes=20)
        parallel = index % 2 == 1
        kinds = [AgendaBlock.Kind.PARALLEL] * 2 if parallel else [AgendaBlock.Kind.PLENARY]
        for order, kind in enumerate(kinds):
            block = make_block(event, kind=kind, order=order, starts_at=starts_at,
                               ends_at=ends_at, title={"en": f"Block {index}.{order}"})
            for n in range(items_per_block):
                item = make_item(block, starts_at=starts_at if n == 0 else None)
                for p in range(people_per_item):
                    add_role(item, pool[(n + p) % len(pool)], order=p)


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_event_page_queries_do_not_grow_with_the_agenda(client, django_assert_max_num_queries):
    small = upcoming_event()
    build_agenda(small, slots=1, items_per_block=1, people_per_item=1)
    large = upcoming_event()
    build_agenda(large, slots=8, items_per_block=6, people_per_item=3)
    for n in range(8):
        make_partner(large.project, organisation=f"Partner {n}")
    for name in ("event", "agenda"):
        client.get(event_urls(small)[name])  # warm up: caches, translations
        small_count = count_queries(client, event_urls(small)[name])
        large_count = count_queries(client, event_urls(large)[name])
        assert small_count == large_count, name
    # The event with its project, the agenda (3), partners, and the registration box
    # (privacy notice, registration options, places taken): constant, whatever the agenda.
    with django_assert_max_num_queries(9):
        client.get(event_urls(large)["event"])
    with django_assert_max_num_queries(4):
        client.get(event_urls(large)["agenda"])
    with django_assert_max_num_queries(1):
        client.get(event_urls(large)["calendar"])


def test_project_and_home_queries_do_not_grow_with_events(client, django_assert_max_num_queries):
    small = make_project()
    upcoming_event(project=small)
    make_partner(small)
    large = make_project()
    for n in range(12):
        upcoming_event(project=large)
        make_event(large, starts_at=utc(2020, 1, 1 + n, 9))
        make_partner(large, organisation=f"Partner {n}")
    client.get(url("project", project=small.slug))
    assert count_queries(client, url("project", project=small.slug)) == count_queries(
        client, url("project", project=large.slug)
    )
    with django_assert_max_num_queries(3):
        client.get(url("project", project=large.slug))
    with django_assert_max_num_queries(2):
        client.get(url("home"))


@pytest.mark.django_db
def test_language_links_are_what_translate_url_gives_for_every_page(client):
    """``in_language`` swaps the language prefix instead of reversing the page in each
    language (the resolver's tables per language in every worker): the same addresses."""
    from django.urls import translate_url

    from aula.core.templatetags.aula import in_language

    event = make_model_seminar()
    kwargs = {"project": event.project.slug, "event": event.slug}
    with translation.override("ro"):
        register = reverse("registrations:register", kwargs=kwargs)
        thanks = reverse("registrations:thanks", kwargs=kwargs) + "?result=confirmed"
    paths = [*all_public_urls(event, "ro"), register, thanks]
    with translation.override("ro"):  # as on a Romanian page
        for path in paths:
            for code, _name in settings.LANGUAGES:
                assert in_language(path, code) == translate_url(path, code), (path, code)
    assert in_language("/j/some-token/", "lt") == "/j/some-token/"  # no language prefix
    html = client.get(all_public_urls(event, "ro")[2]).content.decode()
    assert f'hreflang="lt" href="http://testserver{event_urls(event, "lt")["event"]}"' in html \
        or f'href="{event_urls(event, "lt")["event"]}"' in html
