"""An organiser's text with placeholders as an e-mail's HTML and text parts: Markdown rendered
(and sanitised) first, the values filled in after, escaped, so a registrant's name is never
read as Markdown or HTML; the link placeholders become links."""

import re

from aula.registrations.placeholders import fill_body

VALUES = {
    "first_name": "**Ana** <b>x</b>", "family_name": "www.evil.example",
    "join_link": "https://aula.example/j/abc?x=1&y=2", "personal_link": "https://aula.example/r/t",
    "event_title": "Culture & SMEs", "event_time": "10 June",
}


def test_markdown_is_rendered_bold_lists_and_links():
    body = fill_body(
        "Dear {first_name},\n\n- **bold** and *italic*\n- [our site](https://example.org)\n\n"
        "1. one\n2. two", VALUES,
    )
    assert "<strong>bold</strong> and <em>italic</em>" in body.html
    assert "<ul>" in body.html and "<ol>" in body.html and "<li>one</li>" in body.html
    assert '<a href="https://example.org"' in body.html
    assert "- bold and italic\n- our site (https://example.org)" in body.text
    assert "1. one\n2. two" in body.text and "**" not in body.text.split("\n", 1)[1]


def test_scripts_raw_html_and_javascript_links_are_stripped():
    body = fill_body(
        '<script>alert(1)</script> [click](javascript:alert(1)) <a href="x" onclick="y">a</a>'
        "\n\n<img src=x onerror=alert(1)>", VALUES,
    )
    assert "<script" not in body.html and "<img" not in body.html
    assert '<a href="x"' not in body.html
    assert 'href="javascript' not in body.html
    assert not re.search(r"<[^>]*(onclick|onerror)", body.html)
    assert "&lt;script&gt;" in body.html  # shown as typed, harmless


def test_placeholder_values_are_escaped_never_markdown_or_html():
    body = fill_body("Dear {first_name} {family_name} of {event_title}", VALUES)
    assert "**Ana** &lt;b&gt;x&lt;/b&gt;" in body.html
    assert "<strong>" not in body.html and "<b>" not in body.html
    assert "<a " not in body.html  # a name that looks like an address is not made a link
    assert "Culture &amp; SMEs" in body.html
    assert body.text == "Dear **Ana** <b>x</b> www.evil.example of Culture & SMEs"


def test_link_placeholders_become_links_also_as_a_links_address():
    body = fill_body("Your page: {personal_link}\n\n[Join the meeting]({join_link})", VALUES)
    assert (
        '<a href="https://aula.example/r/t">https://aula.example/r/t</a>' in body.html
    )
    assert '<a href="https://aula.example/j/abc?x=1&amp;y=2" rel="noopener noreferrer">' \
        'Join the meeting</a>' in body.html
    assert "Your page: https://aula.example/r/t" in body.text
    assert "Join the meeting (https://aula.example/j/abc?x=1&y=2)" in body.text


def test_another_value_as_a_links_address_is_inert():
    body = fill_body("[x]({first_name})", {**VALUES, "first_name": "javascript:alert(1)"})
    assert 'href="javascript:' not in body.html
    assert 'href="javascript%3Aalert%281%29"' in body.html  # a relative address: nothing runs


def test_unknown_placeholders_and_marker_characters_stay_as_typed():
    body = fill_body("Hi {nickname} \ue0000\ue001", VALUES)
    assert "{nickname}" in body.html and "**Ana**" not in body.html


def test_a_link_to_a_link_placeholder_without_a_value_is_its_label():
    body = fill_body("[Join the meeting]({join_link}) or {join_link}.", {**VALUES, "join_link": ""})
    assert body.html == "<p>Join the meeting or .</p>"
    assert body.text == "Join the meeting or ."
