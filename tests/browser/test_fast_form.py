"""A form filled faster than a person types (autofill, a script) is never told "thank you"
while nothing is stored: it lands on the "check and send" page, and sending that registers."""

import re
import time

import pytest
from playwright.sync_api import expect

from aula.registrations.models import Registration
from tests.factories import make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_instantly_filled_form_is_checked_then_registered(page, live_server, settings):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 60  # whatever the script does is too fast
    event = make_event()  # double opt-in, the default
    page.goto(f"{live_server.url}/en/p/{event.project.slug}/{event.slug}/register/")
    page.get_by_label("First name").fill("Ioana")
    page.get_by_label("Family name").fill("Popescu")
    page.get_by_label("E-mail address").fill("ioana@example.org")
    page.get_by_label("Organisation", exact=True).fill("Asociația Creativ")
    page.get_by_label("Type of organisation").select_option("InterestGroups")
    page.get_by_label("Country").select_option("RO")
    page.get_by_label("I have read the privacy notice above.").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your details")
    expect(page.locator("dl")).to_contain_text("ioana@example.org")
    expect(page.locator("dl")).to_contain_text("Romania")
    assert not Registration.objects.exists()

    # Pressed at once, as a script would: still not registered, and not thanked.
    page.get_by_role("button", name="Confirm and register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your details")
    expect(page.get_by_text(re.compile("check your details once more"))).to_be_visible()
    assert not Registration.objects.exists()

    time.sleep(1.2)  # a person reads the page
    page.get_by_role("button", name="Confirm and register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Almost done: please confirm your e-mail address"
    )
    registration = Registration.objects.get()
    assert registration.email == "ioana@example.org"
    assert registration.status == Registration.Status.HELD
    assert registration.time_zone == "Europe/Amsterdam"  # carried from the first step
