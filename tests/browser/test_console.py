"""An organiser runs the demo seminar from the console: creates the next event, writes to the
registrants, imports the Zoom attendance report and downloads the participation report."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from aula.demo.loader import DateMode, load_demo
from aula.events.models import Event
from aula.messaging.models import OutboxMessage
from aula.registrations import services
from aula.registrations.models import RegistrationOptions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).parents[1] / "attendance" / "samples"
PEOPLE = [
    ("Emil", "Novák", "emil.novak@example.org"),
    ("Ștefan", "Popescu", "stefan.popescu@example.org"),
    ("Jonas", "Weber", "jonas.weber@example.org"),
    ("Priya", "Raman", "priya.raman@example.org"),
]


def register_people(event):
    session = event.blocks.filter(kind="parallel").first()
    for first, family, email in PEOPLE:
        outcome = services.register(event, {
            "first_name": first, "family_name": family, "email": email,
            "organisation": "Creative Hub", "organisation_type": "Sme", "country": "HR",
            "language": "en", "privacy_accepted": True, "sessions": [session.pk],
        })
        assert outcome.accepted


def test_organiser_runs_the_seminar_from_the_console(page, live_server):
    event = load_demo(DateMode.KEEP).event
    # This journey is about places and messages: the organisers chose not to ask registrants
    # to confirm their address (the demo, as every new event, asks by default).
    RegistrationOptions.objects.filter(event=event).update(double_opt_in=False)
    register_people(event)
    get_user_model().objects.create_superuser("lavinia", "lavinia@example.org", "a-long-secret-1")

    page.goto(f"{live_server.url}/en/console/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill("a-long-secret-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")

    # The next seminar, as a draft.
    page.get_by_role("link", name="ECoC-SME", exact=True).click()
    page.get_by_role("link", name="Resilience of regions", exact=False).first.click()
    page.get_by_role("link", name="New event").click()
    page.locator('[name="title_en"]').fill("Legacy of the Capitals of Culture")
    page.get_by_label("Time zone").fill("Europe/Bucharest")
    page.get_by_label("Starts at").fill("2027-03-04T10:00")
    page.get_by_label("Ends at").fill("2027-03-04T12:30")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content and time")
    created = Event.objects.get(slug__startswith="legacy-of-the-capitals")
    assert created.status == Event.Status.DRAFT
    assert created.local_start.hour == 10 and created.time_zone == "Europe/Bucharest"

    # Back to the seminar: one more registrant, added by hand.
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/")
    page.get_by_role("link", name="Add a registrant").click()
    page.get_by_label("First name").fill("Aoife")
    page.get_by_label("Family name").fill("Ní Bhriain")
    page.get_by_label("E-mail address").fill("aoife.nibhriain@example.org")
    page.get_by_label("Organisation", exact=True).fill("Galway Film Centre")
    page.get_by_label("Type of organisation").select_option("InterestGroups")
    page.get_by_label("Country").select_option("IE")
    page.get_by_label(re.compile("Session 1 Good practice")).check()
    page.get_by_label("The registrant has been given the privacy notice.").check()
    page.get_by_role("button", name="Add").click()
    expect(page.locator("body")).to_contain_text("Ní Bhriain")
    assert event.registrations.filter(status="confirmed").count() == 5

    # A message to everyone registered.
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/")
    page.get_by_role("link", name="Write a message").click()
    page.get_by_label("To").select_option("all")
    page.locator('[name="subject_en"]').fill("Slides and recording")
    page.locator('[name="body_en"]').fill("Dear {first_name},\n\nthank you for joining us.")
    page.get_by_role("button", name="Preview").click()
    # The e-mail is inside the preview's frame (one frame per language of the group).
    expect(page.frame_locator("iframe").first.get_by_text("Dear Emil,")).to_be_visible()
    page.get_by_role("button", name=re.compile("Send to 5 recipients")).click()
    expect(page.locator("progress")).to_be_visible()
    assert OutboxMessage.objects.filter(campaign_id__isnull=False).count() == 5

    # The Zoom webinar's attendee report, once the seminar took place (on the sample's day).
    Event.objects.filter(pk=event.pk).update(starts_at=datetime(2021, 6, 15, 15, tzinfo=UTC),
                                             ends_at=datetime(2021, 6, 15, 18, tzinfo=UTC))
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/")
    page.get_by_role("link", name=re.compile("^Attendance")).click()
    page.get_by_label("Attendance report").set_input_files(
        str(SAMPLES / "zoom-webinar-attendee-report.csv")
    )
    page.get_by_role("button", name="Import").click()
    # Imported in the background (at once in tests): the job's page, then its rows.
    expect(page.get_by_text("The report was imported.")).to_be_visible()
    page.get_by_role("link", name="See the rows and match by hand").click()
    expect(page.locator("body")).to_contain_text("Ștefan")
    expect(page.locator("body")).to_contain_text(re.compile("not matched|No match", re.I))

    # The participation report for the programme.
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert download_info.value.path().read_bytes().startswith(b"%PDF")
