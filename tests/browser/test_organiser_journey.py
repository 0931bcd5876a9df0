"""Issue 13's "done means": from an empty site with one account made by `createsuperuser`, and
never opening /admin/, an organiser sets a project up (partners, privacy notice, logo set),
creates an event, builds its agenda on one page, publishes it through the checks; three people
register on the public form; the organiser edits one, moves one, imports an XLSX written with
labels, schedules a message after seeing its preview, and cancels the event with a reason.

Screenshots of every step go to $AULA_VAR_DIR/shots/ (outside the repository)."""

import io
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from aula.audit.models import AuditEntry
from aula.campaigns.models import Campaign
from aula.events.models import AgendaBlock, Event
from aula.messaging.models import OutboxMessage
from aula.projects.models import Project
from aula.registrations.models import Registration, SessionChoice
from tests.browser.test_agenda_one_page import add_block, add_item, block_section
from tests.browser.test_project_setup import add_partner
from tests.registrations.factories import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEOPLE = [  # first name, family name, e-mail, session
    ("Ioana", "Popescu", "ioana@example.org", "Workshop A"),
    ("Jonas", "Weber", "jonas@example.org", "Workshop A"),
    ("Aoife", "Byrne", "aoife@example.org", "Workshop B"),
]


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    # The live server answers /media/ from the disk, as deployed.
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


class Shots:
    """Numbered full-page screenshots, kept outside the repository."""

    def __init__(self, page):
        self.page = page
        self.folder = Path(os.environ.get("AULA_VAR_DIR", "/tmp/aula")) / "shots"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.number = 0

    def __call__(self, step):
        self.number += 1
        self.page.screenshot(path=str(self.folder / f"{self.number:02d}-{step}.png"),
                             full_page=True)


def logo_set_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 100), "#003399").save(out, format="PNG")
    return out.getvalue()


def log_in(page, url):
    page.goto(f"{url}/en/console/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill("a-long-secret-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")


def set_up_the_project(page, shot):
    page.get_by_role("link", name="New project").click()
    page.locator('[name="name"]').fill("ECoC-SME")
    page.locator('[name="code"]').fill("PGI06047")
    page.locator('[name="slug"]').fill("ecoc-sme")
    page.locator('[name="programme"]').fill("Interreg Europe")
    page.locator('[name="full_title_en"]').fill("Capitals of culture for small firms")
    page.locator('[name="description_en"]').fill("A *cooperation* project.")
    page.locator('[name="starts_on"]').fill("2024-03-01")
    page.locator('[name="ends_on"]').fill("2031-02-28")
    page.get_by_role("button", name="Create the project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners")
    add_partner(page, "Municipality of Timișoara", "lead", "Timișoara", "RO")
    add_partner(page, "Kaunas District Municipality", "partner", "Kaunas", "LT")
    expect(page.locator("table tbody tr")).to_have_count(2)
    shot("partners")

    page.get_by_role("link", name="Privacy notice").click()
    page.get_by_role("link", name="Start from the template for Municipality of Timișoara").click()
    english = page.locator('[name="text_en"]')
    english.fill(english.input_value().replace(
        "[Name and contact details of the controller's data protection officer — to be "
        "completed by the organiser.]", "Ana Pop, dpo@primariatm.ro"))
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 of the project's privacy notice")
    shot("privacy-notice")

    page.get_by_role("link", name="Console").first.click()
    page.get_by_role("link", name="ECoC-SME", exact=True).first.click()
    expect(page.locator("#no-logo-set")).to_be_visible()
    page.get_by_role("link", name="Visibility: the project's logo set").click()
    page.get_by_label("Picture").set_input_files(
        {"name": "logo-set.png", "mimeType": "image/png", "buffer": logo_set_png()})
    page.locator('[name="alt_en"]').fill("Interreg Europe ECoC-SME, co-funded by the EU")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The logo set is saved.")).to_be_visible()
    logo = page.locator(".visibility-picture img")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("#no-logo-set")).to_have_count(0)
    shot("logo-set")


def create_the_event(page, shot):
    page.get_by_role("link", name="Console").first.click()
    page.get_by_role("link", name="ECoC-SME", exact=True).first.click()
    page.get_by_role("link", name="New event", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New event")
    page.locator('[name="title_en"]').fill("Resilience of creative regions")
    page.locator('[name="time_zone"]').fill("Europe/Vilnius")
    page.locator('[name="starts_at"]').fill("2030-03-14T10:00")
    page.locator('[name="ends_at"]').fill("2030-03-14T17:00")
    page.locator('[name="format"]').select_option("online")
    shot("new-event")
    page.get_by_role("button").filter(has_text=re.compile("^Create")).click()
    expect(page.locator('[name="slug"]')).to_have_value("resilience-of-creative-regions")
    shot("event-created")
    return Event.objects.get(slug="resilience-of-creative-regions")


def build_the_agenda(page, shot, console, event):
    page.goto(f"{console}/e/{event.pk}/")
    page.get_by_role("link", name="Agenda", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda")
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
    item = page.locator("li", has_text="Digital skills").first
    item.get_by_text("Add a person").click()
    item.locator('[name="person-name"]').fill("Lavinia Simion")
    item.locator('[name="person-role"]').select_option("moderator")
    item.get_by_role("button", name="Add the new person").click()
    expect(page.get_by_text("Lavinia Simion (Moderator)")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shot("agenda")
    assert AgendaBlock.objects.filter(event=event).count() == 3


def publish(page, shot, console, event):
    page.goto(f"{console}/e/{event.pk}/")
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the event")
    expect(page.locator("#publish-problems")).to_have_count(0)
    shot("publish-checks")
    page.get_by_role("button", name=re.compile("^Publish")).click()
    expect(page.get_by_text("State:")).to_contain_text("Published")
    shot("published")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def register_on_the_public_page(page, shot, url, event, first, family, email, session):
    page.goto(f"{url}/en/p/ecoc-sme/{event.slug}/")
    page.get_by_role("link", name="Register now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Organisation", exact=True).fill("Asociația Creativ Timișoara")
    page.get_by_label("Type of organisation").select_option("InterestGroups")
    page.get_by_label("Country").select_option("RO")
    page.get_by_label(re.compile(session)).check()
    page.get_by_label("I have read the privacy notice above.").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Almost done: please confirm your e-mail address")
    # The person opens the link in the e-mail the outbox holds for them.
    mail = OutboxMessage.objects.filter(recipient=email).latest("pk")
    confirm_path = re.search(r"https?://[^/\s]+(/en/r/[\w-]+/confirm/)", mail.text_body).group(1)
    page.goto(url + confirm_path)
    shot(f"confirm-{first.lower()}")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("confirm", re.I))
    assert Registration.objects.get(email=email).status == Registration.Status.CONFIRMED


def test_an_organiser_runs_an_event_from_an_empty_site(page, live_server, settings):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0  # a script fills faster than a person
    get_user_model().objects.create_superuser("lavinia", "lavinia@example.org", "a-long-secret-1")
    assert not Project.objects.exists()
    url, console = live_server.url, f"{live_server.url}/en/console"
    page.set_viewport_size({"width": 1280, "height": 900})
    shot = Shots(page)

    log_in(page, url)
    shot("logged-in")
    set_up_the_project(page, shot)
    event = create_the_event(page, shot)
    build_the_agenda(page, shot, console, event)
    publish(page, shot, console, event)

    page.goto(f"{url}/en/p/ecoc-sme/{event.slug}/")
    expect(page.locator(".logo-set img")).to_be_visible()
    shot("public-page")
    for first, family, email, session in PEOPLE:
        register_on_the_public_page(page, shot, url, event, first, family, email, session)
    assert Registration.objects.filter(event=event).count() == 3

    # Edit one registrant, move another to the other workshop.
    page.goto(f"{console}/e/{event.pk}/")
    page.get_by_role("link", name="All registrants: search, filter, export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrants")
    shot("registrants")
    page.get_by_role("link", name="Weber, Jonas").click()
    page.get_by_role("link", name="Edit the details, address or sessions").click()
    page.get_by_label("E-mail address").fill("jonas.weber@example.eu")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("The registrant's details are saved.")).to_be_visible()
    shot("registrant-edited")
    assert Registration.objects.filter(email="jonas.weber@example.eu").exists()

    page.goto(f"{console}/e/{event.pk}/registrants/")
    page.get_by_label("Select Popescu Ioana").check()
    page.get_by_label("Action").select_option("move")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("1 registrant will be moved")
    workshop_b = AgendaBlock.objects.get(event=event, title={"en": "Workshop B"})
    page.get_by_label("Session", exact=True).select_option(str(workshop_b.pk))
    shot("move-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Done for 1 registrant.")).to_be_visible()
    shot("moved")
    assert SessionChoice.objects.get(registration__email="ioana@example.org").block == workshop_b

    # An XLSX written with labels, not codes.
    page.goto(f"{console}/e/{event.pk}/")
    page.get_by_role("link", name="Import from a CSV file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import registrants from a file")
    content = xlsx([
        ["E-mail", "First name", "Family name", "Organisation", "Type of organisation",
         "Country", "Sessions"],
        ["rasa@example.org", "Rasa", "Kazlauskienė", "Kaunas District Municipality",
         "Local public authority", "Lithuania", "Workshop A"],
        ["mihai@example.org", "Mihai", "Ionescu", "Primăria Timișoara",
         "Local public authority", "Romania", "Workshop B"],
    ])
    page.locator('input[type="file"]').set_input_files(
        {"name": "people.xlsx", "mimeType": XLSX_TYPE, "buffer": content})
    page.get_by_role("button", name="Next: match the columns").click()
    expect(page.get_by_role("status")).to_contain_text(
        "2 rows can be imported; 0 rows are rejected.")
    shot("import-preview")
    page.get_by_role("button", name="Import the valid rows").click()
    expect(page.get_by_text("2 registrants imported")).to_be_visible()
    shot("imported")
    mihai = Registration.objects.get(email="mihai@example.org")
    assert (mihai.organisation_type, mihai.country) == ("LocalPublicAuthority", "RO")
    assert mihai.session_choices.get().block == workshop_b

    # A message: written, previewed, scheduled.
    page.goto(f"{console}/e/{event.pk}/")
    page.get_by_role("link", name="Write a message").click()
    page.locator('[name="subject_en"]').fill("Your seminar, {first_name}")
    page.locator('[name="body_en"]').fill("Dear {first_name},\n\nsee you on 14 March.")
    page.get_by_role("button", name="Preview").click()
    frame = page.frame_locator("iframe").first
    expect(frame.locator("body")).to_contain_text("see you on 14 March.")
    expect(frame.locator("body")).to_contain_text("Resilience of creative regions")
    # The project's logo set heads the message, as every e-mail of the event (and it loads).
    logo = frame.locator("img")
    expect(logo).to_have_attribute("alt", "Interreg Europe ECoC-SME, co-funded by the EU")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.get_by_text("In Europe/Vilnius time, the event's zone.")).to_be_visible()
    shot("message-preview")
    page.get_by_label("Send at").fill("2030-03-01T09:30")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.locator("body")).to_contain_text(
        "Scheduled: the message will be sent on Friday, 1 March 2030, 09:30")
    shot("message-scheduled")
    assert Campaign.objects.get(event=event).status == Campaign.Status.SCHEDULED

    # Called off, with a reason every registrant is told.
    page.goto(f"{console}/e/{event.pk}/")
    page.get_by_role("link", name="Cancel the event").click()
    expect(page.get_by_text("5 registrants are told by e-mail")).to_be_visible()
    page.get_by_label("Reason").fill("The venue is closed for repairs.")
    shot("cancel")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_text("The event is cancelled and its registrants are told.")).to_be_visible()
    expect(page.get_by_text("State:")).to_contain_text(
        "Cancelled — The venue is closed for repairs.")
    shot("cancelled")
    told = OutboxMessage.objects.filter(event=event, kind="registration_event_cancelled")
    assert told.count() == 5

    # Every move is on the record, by the one account.
    actions = set(AuditEntry.objects.filter(actor__username="lavinia")
                  .values_list("action", flat=True))
    assert actions >= {
        "project.created", "partner.added", "privacy_notice.new_version",
        "project.logo_set_set", "event.created", "agenda.block_added", "agenda.item_added",
        "event.published", "registration.details_updated", "registration.session_switched",
        "registration.imported", "campaign.drafted", "campaign.scheduled", "event.cancelled",
    }
