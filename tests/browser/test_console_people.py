"""An organiser fixes registrations in a few clicks: ticks people in the table, moves them to
another session (knowingly over its capacity), and corrects one registrant's address."""

import os

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from aula.registrations import services
from aula.registrations.models import Registration, SessionChoice
from tests.factories import make_event
from tests.registrations.factories import make_slot, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    folder = os.environ.get("AULA_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_organiser_moves_ticked_registrants_and_corrects_an_address(page, live_server):
    event = make_event(capacity=50)
    a, b = make_slot(event, 20, 1)
    for n in range(3):
        services.register(event, person(n, sessions=[a.pk]))
    get_user_model().objects.create_superuser("lavinia", "lavinia@example.org", "a-long-secret-1")

    page.goto(f"{live_server.url}/en/console/e/{event.pk}/registrants/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill("a-long-secret-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrants")

    page.get_by_label("Select Popescu0 Ana").check()
    page.get_by_label("Select Popescu1 Ana").check()
    page.get_by_label("Action").select_option("move")
    shot(page, "people-table")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("2 registrants will be moved")
    page.get_by_label("Session", exact=True).select_option(str(b.pk))
    page.get_by_label("Go over the capacity knowingly", exact=False).check()
    shot(page, "people-bulk-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Done for 2 registrants.")).to_be_visible()
    assert SessionChoice.objects.filter(block=b).count() == 2

    page.get_by_role("link", name="Popescu2, Ana").click()
    page.get_by_role("link", name="Edit the details, address or sessions").click()
    page.get_by_label("E-mail address").fill("ana.popescu@example.eu")
    shot(page, "people-edit")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("The registrant's details are saved.")).to_be_visible()
    assert Registration.objects.filter(email="ana.popescu@example.eu").exists()
