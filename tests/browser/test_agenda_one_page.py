"""An organiser builds an agenda on one page: a plenary and two parallel sessions at the same
times (the second in one click), items with their times and people, all without leaving the
agenda page; at 1280 px."""

import os
import zoneinfo
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from aula.events.models import AgendaBlock, AgendaItem, ItemRole
from tests.factories import make_event, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")


def shot(page, name):
    folder = os.environ.get("AULA_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def add_block(page, kind, start, end, title):
    form = page.locator("#add-block + form")
    form.locator('[name="block-kind"]').select_option(kind)
    form.locator('[name="block-start_time"]').fill(start)
    form.locator('[name="block-end_time"]').fill(end)
    form.locator('[name="block-title_en"]').fill(title)
    form.get_by_role("button", name="Add the block").click()
    expect(page.get_by_text("The block is added.")).to_be_visible()


def block_section(page, title):
    return page.locator("section.agenda-block").filter(
        has=page.get_by_role("heading", level=2, name=title))


def add_item(page, block_title, title, time):
    section = block_section(page, block_title)
    section.get_by_text("Add an item to this block").click()
    section.locator('[name="item-title_en"]').last.fill(title)
    section.locator('[name="item-start_time"]').last.fill(time)
    section.get_by_role("button", name="Add the item").click()
    expect(page.get_by_text("The item is added.")).to_be_visible()


def test_organiser_builds_the_agenda_on_one_page(page, live_server):
    event = make_event(starts_at=datetime(2030, 3, 14, 10, tzinfo=VILNIUS),
                       ends_at=datetime(2030, 3, 14, 17, tzinfo=VILNIUS))
    known = make_person(name="Ekaterina Travkina", project=event.project)
    get_user_model().objects.create_superuser("lavinia", "lavinia@example.org", "a-long-secret-1")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/agenda/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill("a-long-secret-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda")
    # Times only: the one day comes from the event.
    expect(page.locator('#add-block + form [name="block-day"]')).to_be_hidden()

    add_block(page, "plenary", "10:00", "11:00", "Opening")
    add_block(page, "parallel", "11:00", "12:30", "Workshop A")
    block_section(page, "Workshop A").get_by_role(
        "button", name="Add a parallel session at these times").click()
    expect(page.get_by_text("A parallel session is added at the same times")).to_be_visible()
    opened = page.locator("details.inline-edit[open]")
    opened.locator('[name="block-title_en"]').fill("Workshop B")
    opened.get_by_role("button", name="Save the block").click()
    expect(page.get_by_text("The block is saved.")).to_be_visible()

    add_item(page, "Opening", "Welcome words", "10:05")
    add_item(page, "Workshop A", "Heritage and tourism", "11:00")
    add_item(page, "Workshop B", "Digital skills", "11:15")

    item = page.locator("li", has_text="Welcome words").first
    item.get_by_text("Add a person").click()
    item.locator('[name="role-person"]').select_option(str(known.pk))
    item.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("The person is added.")).to_be_visible()
    item = page.locator("li", has_text="Digital skills").first
    item.get_by_text("Add a person").click()
    item.locator('[name="person-name"]').fill("Lavinia Simion")
    item.locator('[name="person-role"]').select_option("moderator")
    item.get_by_role("button", name="Add the new person").click()
    expect(page.get_by_text("The person is added.")).to_be_visible()

    # Workshop B to the left of Workshop A, one button; times place the plenary.
    expect(block_section(page, "Opening").get_by_role("button", name="Move left")).to_have_count(0)
    block_section(page, "Workshop B").get_by_role("button", name="Move left").click()
    headings = page.locator("section.agenda-block h2").all_inner_texts()
    assert [h.split(" ", 1)[1] for h in headings] == ["Opening", "Workshop B", "Workshop A"]
    assert "10:00–11:00" in headings[0] and "11:00–12:30" in headings[2]
    expect(page.get_by_text("Ekaterina Travkina (Speaker)")).to_be_visible()
    expect(page.get_by_text("Lavinia Simion (Moderator)")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "agenda-one-page")

    a, b = AgendaBlock.objects.filter(kind="parallel").order_by("order")
    assert (a.title, a.starts_at, a.ends_at) == ({"en": "Workshop B"}, b.starts_at, b.ends_at)
    assert AgendaItem.objects.count() == 3 and ItemRole.objects.count() == 2
