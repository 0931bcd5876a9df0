"""core.markdown: what organisers write at length, as HTML that can carry nothing harmful,
as plain text and as document blocks; and the event page showing it."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from aula.core import markdown
from tests.factories import make_event

DESCRIPTION = """Five partners present their **action plans**.

- item one
- item *two*

Register at https://example.org/r or write to ana@example.org.

# Programme"""


def test_markdown_becomes_html():
    html = markdown.to_html(DESCRIPTION)
    assert "<strong>action plans</strong>" in html
    assert "<ul>\n<li>item one</li>\n<li>item <em>two</em></li>\n</ul>" in html
    assert ('<a href="https://example.org/r" rel="noopener noreferrer">'
            "https://example.org/r</a>") in html
    assert 'href="mailto:ana@example.org"' in html
    assert "<h1>Programme</h1>" in html
    assert "<h3>Programme</h3>" in markdown.to_html(DESCRIPTION, heading_offset=2)


@pytest.mark.parametrize("typed", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "<a href='https://x' onclick='alert(1)'>x</a>",
    '<div style="position:fixed">x</div>',
    "![pic](https://evil.example/track.png)",
])
def test_nothing_typed_becomes_markup_of_its_own(typed):
    elements = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            elements.append((tag, dict(attrs)))

    Collect().feed(str(markdown.to_html(typed)))
    for tag, attributes in elements:
        assert tag in markdown.TAGS
        assert set(attributes) <= {"href", "title", "rel", "start"}
        assert attributes.get("href", "https:").split(":")[0] in markdown.URL_SCHEMES


def test_blocks_and_plain_text_follow_the_same_parse():
    blocks = markdown.blocks(DESCRIPTION)
    assert [b.kind for b in blocks] == ["paragraph", "list", "paragraph", "heading"]
    assert [s.text for s in blocks[1].items[1]] == ["item ", "two"]
    assert blocks[1].items[1][1].italic
    text = markdown.plain_text("Read [the agenda](https://e.org/a).\n\n1. one\n2. two")
    assert text == "Read the agenda (https://e.org/a).\n\n1. one\n2. two"


def test_escape_keeps_a_value_from_becoming_markup():
    value = "# Title *with* [link](u)\n- item"
    assert markdown.unescape(markdown.escape(value)) == "# Title *with* [link](u) - item"
    assert "<h1>" not in markdown.to_html(markdown.escape(value))


@pytest.mark.django_db
def test_the_event_page_renders_the_description_as_markdown(client):
    event = make_event(description={"en": DESCRIPTION + "\n\n<script>alert(1)</script>"})
    page = client.get(reverse("events:event", kwargs={
        "project": event.project.slug, "event": event.slug})).content.decode()
    assert "<strong>action plans</strong>" in page and "**action plans**" not in page
    assert "<li>item one</li>" in page
    assert '<a href="https://example.org/r"' in page
    assert "<h3>Programme</h3>" in page
    assert "<script>alert(1)" not in page
