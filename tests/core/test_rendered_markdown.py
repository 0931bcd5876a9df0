"""Markdown rendered when the text is saved (core.fields.RenderedMarkdownField): the public
pages show the stored HTML and never parse Markdown, and they are the same as when the text is
rendered on the page; a render the text has left behind is never shown."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from aula.core import fastlane, markdown
from aula.events.models import AgendaBlock, AgendaItem, Event
from aula.feedback.models import Survey
from aula.projects.models import Project
from aula.registrations.models import PrivacyNotice
from tests.factories import make_block, make_event, make_item

pytestmark = pytest.mark.django_db

DESCRIPTION = {
    "en": "# Programme\n\nSee **the agenda** at https://example.org/agenda and <b>this</b>.",
    "ro": "# Program\n\nVedeți *agenda*.",
}
RENDERED_FIELDS = {  # model: (field, its render)
    Project: [("description", "description_html")],
    Event: [("summary", "summary_html"), ("description", "description_html")],
    AgendaBlock: [("description", "description_html")],
    AgendaItem: [("description", "description_html")],
    PrivacyNotice: [("text", "text_html")],
    Survey: [("intro", "intro_html")],
}


def seminar_in_markdown() -> Event:
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=30)
    event = make_event(starts_at=starts_at, description=DESCRIPTION,
                       summary={"en": "A *summary* with [a link](https://example.org)."})
    project = event.project
    project.description = {"en": "## Our project\n\n- one\n- two"}
    project.save()
    block = make_block(event, description={"en": "1. first\n2. second"})
    make_item(block, description={"en": "> quoted, with `code`"})
    notice = PrivacyNotice.objects.get(project=project, event=None)
    notice.text = {"en": "## Your data\n\nWrite to <dpo@example.org>.", "ro": "Datele *tale*."}
    notice.save()
    return event


def public_pages(event: Event, language: str = "en") -> dict[str, bytes]:
    """The event page, the project page and the registration form, rendered now."""
    from django.test import Client

    cache.clear()
    fastlane.clear()
    kwargs = {"project": event.project.slug, "event": event.slug}
    with translation.override(language):
        urls = {
            "event": reverse("events:event", kwargs=kwargs),
            "project": reverse("events:project", kwargs={"project": event.project.slug}),
            "register": reverse("registrations:register", kwargs=kwargs),
        }
    pages = {}
    for name, address in urls.items():
        response = Client().get(address)
        assert response.status_code == 200, (name, response.status_code)
        # The form's CSRF token and signed start time differ from one request to the next.
        pages[name] = response.content.decode()
    return pages


def without_tokens(html: str) -> str:
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="started" value="[^"]*"', "", html)


def test_every_save_stores_each_languages_render():
    event = seminar_in_markdown()
    for model, fields in RENDERED_FIELDS.items():
        for row in model.objects.all():
            for source, rendered in fields:
                texts = {lang: text for lang, text in getattr(row, source).items() if text}
                stored = model.objects.values_list(rendered, flat=True).get(pk=row.pk)
                assert set(stored) == set(texts), (model, source)
                for lang, text in texts.items():
                    assert stored[lang]["html"] == markdown.page_html(text)
                    assert stored[lang]["digest"] == markdown.digest(text)
    event.refresh_from_db()
    assert "<h3>Programme</h3>" in event.description_html["en"]["html"]
    assert "&lt;b&gt;this&lt;/b&gt;" in event.description_html["en"]["html"]  # typed, not HTML


def test_the_public_pages_show_the_stored_render_and_parse_no_markdown(monkeypatch):
    event = seminar_in_markdown()

    def no_parsing(*args, **kwargs):
        raise AssertionError("a public page parsed Markdown")

    monkeypatch.setattr(markdown, "to_html", no_parsing)
    for language in ("en", "ro"):
        pages = public_pages(event, language)
        assert "<h3>Programme</h3>" in pages["event"] or "<h3>Program</h3>" in pages["event"]
        assert '<a href="https://example.org/agenda"' in pages["event"] or language == "ro"
        assert "<li>one</li>" in pages["project"]
        assert "<h4>Your data</h4>" in pages["register"] or "<em>tale</em>" in pages["register"]


def test_the_pages_are_the_same_rendered_now_and_stored():
    event = seminar_in_markdown()
    for language in ("en", "ro", "lt"):
        stored = public_pages(event, language)
        for model, fields in RENDERED_FIELDS.items():
            model.objects.update(**{rendered: {} for _source, rendered in fields})
        rendered_now = public_pages(event, language)
        for name, html in stored.items():
            assert without_tokens(html) == without_tokens(rendered_now[name]), (language, name)
        for model in RENDERED_FIELDS:
            for row in model.objects.all():
                row.save()  # stores the renders again for the next language


def test_a_render_the_text_has_left_behind_is_not_shown():
    event = seminar_in_markdown()
    Event.objects.filter(pk=event.pk).update(description={"en": "Now *new* text."})
    page = public_pages(event)["event"]
    assert "<em>new</em>" in page
    assert "Programme" not in page


def test_saving_some_fields_saves_their_renders_with_them():
    event = seminar_in_markdown()
    event.description = {"en": "## Changed"}
    event.save(update_fields=["description"])
    assert Event.objects.get(pk=event.pk).description_html["en"]["html"] == "<h4>Changed</h4>"
    notice = PrivacyNotice.objects.get(project=event.project, event=None)
    notice.text = {"en": "Changed *too*."}
    notice.save(update_fields=["text"])
    assert PrivacyNotice.objects.get(pk=notice.pk).text_html["en"]["html"] == (
        "<p>Changed <em>too</em>.</p>"
    )


def test_a_save_renders_only_the_languages_that_changed(monkeypatch):
    event = seminar_in_markdown()
    rendered = []
    page_html = markdown.page_html

    def counted(text):
        rendered.append(text)
        return page_html(text)

    monkeypatch.setattr(markdown, "page_html", counted)
    event.description = {**event.description, "ro": "Alt *text*."}
    event.save()
    assert rendered == ["Alt *text*."]


def test_a_newer_rendering_is_not_served_what_an_older_one_stored(monkeypatch):
    event = seminar_in_markdown()
    Event.objects.filter(pk=event.pk).update(
        description_html={"en": {"digest": markdown.digest(DESCRIPTION["en"]), "html": "OLD"}})
    assert "OLD" in public_pages(event)["event"]
    monkeypatch.setattr(markdown, "RENDERING", markdown.RENDERING + "-next")
    page = public_pages(event)["event"]
    assert "OLD" not in page
    assert "<h3>Programme</h3>" in page


def test_the_migration_renders_the_rows_already_there():
    from django.apps import apps

    from aula.core.fields import render_markdown_of

    event = seminar_in_markdown()
    Event.objects.update(description_html={}, summary_html={})

    class Editor:
        class connection:  # noqa: N801 - the schema editor's attribute
            alias = "default"

    render_markdown_of("events", "Event")(apps, Editor())
    event.refresh_from_db()
    assert event.description_html["en"]["html"] == markdown.page_html(DESCRIPTION["en"])
    assert set(event.summary_html) == {"en"}
