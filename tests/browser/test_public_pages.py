"""A visitor finds the demo seminar, reads its agenda in two languages and takes the .ics."""

import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from aula.demo.loader import DateMode, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_the_seminar_in_english_and_romanian(page, live_server):
    load_demo(DateMode.KEEP)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=re.compile("Resilience of regions")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resilience of regions")
    expect(page.get_by_text("Europe/Vilnius, EET, UTC+02:00").first).to_be_visible()
    # The viewer's own time, added by the browser (this context is in Europe/Amsterdam).
    expect(page.get_by_text(re.compile(r"Your time: .*\(CET\)")).first).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Session 1 Good practice"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Session 2 Good practice"))).to_be_visible()
    expect(page.get_by_text("Ekaterina Travkina").first).to_be_visible()
    assert "meet.example.org" not in page.content()

    # Keyboard: the skip link is the first stop and leads to the main content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("href", "#main")

    page.get_by_role("link", name="Română").click()
    expect(page).to_have_url(re.compile(r"/ro/p/ecoc-sme/resilience-seminar/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Reziliența regiunilor și a Capitalelor Europene ale Culturii"
    )
    expect(page.locator("html")).to_have_attribute("lang", "ro")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"\.ics")).first.click()
    calendar = Calendar.from_ical(download_info.value.path().read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Reziliența regiunilor")
    assert event["DTSTART"].params["TZID"] == "Europe/Vilnius"
