"""A new user registers for the demo seminar, reads the confirmation in the mail viewer, opens
their personal page from it and cancels."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aula.demo.loader import DateMode, load_demo
from aula.messaging.services import deliver_due
from aula.registrations.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_read_the_confirmation_and_cancel(page, live_server, settings):
    # A person takes longer than the bots' minimum fill time; a script does not.
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0
    settings.AULA_MAIL_VIEWER = True  # the demo's (make run sets AULA_MAIL_VIEWER=true)
    load_demo(DateMode.KEEP)

    page.goto(f"{live_server.url}/en/p/ecoc-sme/resilience-seminar/")
    page.get_by_role("link", name="Register now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")

    page.get_by_label("First name").fill("Ioana")
    page.get_by_label("Family name").fill("Popescu-Țăranu")
    page.get_by_label("E-mail address").fill("ioana@example.org")
    page.get_by_label("Organisation", exact=True).fill("Asociația <b>Creativ</b> Timișoara")
    page.get_by_label("Type of organisation").select_option("InterestGroups")
    page.get_by_label("Country").select_option("RO")
    page.get_by_label("Language for our e-mails").select_option("ro")
    page.get_by_label(re.compile("Session 2 Good practice")).check()
    page.get_by_label("I have read the privacy notice above.").check()
    page.get_by_role("button", name="Register").click()

    # Markup is refused with a message in words, at the top and beside the field; nothing stored.
    expect(page.get_by_role("heading", name="Please correct the following")).to_be_visible()
    expect(page.get_by_text("Remove the characters < and >.").first).to_be_visible()
    assert not Registration.objects.exists()
    page.get_by_label("Organisation", exact=True).fill("Asociația Creativ Timișoara")
    page.get_by_label("I have read the privacy notice above.").check()
    page.get_by_role("button", name="Register").click()

    # The demo, as every new event, asks registrants to confirm their address.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Almost done: please confirm your e-mail address"
    )
    registration = Registration.objects.get(email="ioana@example.org")
    assert registration.status == Registration.Status.HELD
    assert registration.language == "ro"
    assert registration.time_zone == "Europe/Amsterdam"  # taken from the browser
    deliver_due()  # what the task worker does after the commit

    page.get_by_role("link", name="Mail viewer").click()
    page.get_by_role("link", name=re.compile("Reziliența regiunilor")).first.click()
    text = page.locator("body").inner_text()
    confirm_path = re.search(r"https?://[^/\s]+(/ro/r/[\w-]+/confirm/)", text).group(1)
    page.goto(live_server.url + confirm_path)
    page.locator("main form button[type=submit]").click()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    deliver_due()

    page.goto(live_server.url + reverse("messaging:list"))  # the page is in Romanian now
    page.get_by_role("link", name=re.compile("Reziliența regiunilor")).first.click()
    body = page.locator("body")
    expect(body).to_contain_text("ioana@example.org")
    expect(body).to_contain_text(".ics")

    # The personal link as the e-mail gives it (absolute, on the configured base URL).
    text = page.locator("body").inner_text()
    path = re.search(r"https?://[^/\s]+(/ro/r/[\w-]+/)", text).group(1)
    assert registration.token in path
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("înregistrare", re.I))
    page.get_by_role("link", name=re.compile("Anulați|Anulare", re.I)).first.click()
    page.get_by_role("button").filter(has_text=re.compile("anula", re.I)).first.click()

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    expect(page.locator("body")).to_contain_text(re.compile("anulat", re.I))


def test_the_join_link_takes_a_browser_to_the_meeting_and_counts_once(page, live_server):
    """In a real browser the join page's script posts at once: the person lands in the meeting
    and is counted once; the GET alone (what a mail scanner does) counted nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from aula.registrations import services
    from aula.registrations.models import Registration
    from tests.factories import make_event
    from tests.registrations.factories import person

    now = timezone.now()
    meeting = f"{live_server.url}/meeting-room/"
    event = make_event(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
                       meeting_url=meeting, options={"double_opt_in": False})
    registration = services.register(event, person(), now=now - timedelta(days=1)).registration
    assert registration.status == Registration.Status.CONFIRMED
    page.goto(f"{live_server.url}/j/{registration.token}")
    page.wait_for_url(meeting)
    registration.refresh_from_db()
    assert registration.join_count == 1
