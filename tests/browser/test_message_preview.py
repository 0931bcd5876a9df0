"""The preview of a message to registrants shows the e-mail, as HTML, inside its frame."""

import pytest
from playwright.sync_api import expect

from aula.campaigns import services
from aula.console.models import Role
from tests.factories import PASSWORD, make_event, make_project, make_registration, organiser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_frame_shows_the_email(page, live_server):
    event = make_event(make_project(), title={"en": "Resilience seminar"})
    make_registration(event, first_name="Ștefan", family_name="O'Brien")
    campaign = services.compose(
        event, actor=None, group="all", subject={"en": "News for {first_name}"},
        body={"en": 'Dear {first_name} "{family_name}",\n\n<b>see</b> you & {join_link}'},
    )
    organiser("lavinia", event.project, Role.EDITOR)

    page.goto(f"{live_server.url}/en/console/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/messages/{campaign.pk}/")

    frame = page.frame_locator("iframe").first
    expect(frame.locator("body")).to_contain_text('Dear Ștefan "O\'Brien",')
    # The organiser's markup is text in the e-mail, not markup.
    expect(frame.locator("body")).to_contain_text("<b>see</b> you &")
    expect(frame.locator("b")).to_have_count(0)
    expect(frame.locator("p").first).to_have_css("font-family", "Arial, Helvetica, sans-serif")
    expect(frame.locator("body")).to_contain_text("Resilience seminar")


def test_the_organiser_schedules_a_message_in_the_events_zone(page, live_server):
    from aula.campaigns.models import Campaign
    from tests.factories import utc

    event = make_event(make_project(), title={"en": "Resilience seminar"},
                       time_zone="Europe/Vilnius")
    make_registration(event)
    campaign = services.compose(event, actor=None, group="all", subject={"en": "Soon"},
                                body={"en": "Dear {first_name}"})
    organiser("lavinia", event.project, Role.EDITOR)
    page.goto(f"{live_server.url}/en/console/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/messages/{campaign.pk}/")
    expect(page.get_by_text("In Europe/Vilnius time, the event's zone.")).to_be_visible()
    page.get_by_label("Send at").fill("2031-01-15T09:30")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.locator("body")).to_contain_text(
        "Scheduled: the message will be sent on Wednesday, 15 January 2031, 09:30 "
        "(Europe/Vilnius, EET, UTC+02:00)."
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED
    assert campaign.scheduled_for == utc(2031, 1, 15, 7, 30)
    page.get_by_role("button", name="Do not send it at that time").click()
    expect(page.locator("body")).to_contain_text("The message is a draft again")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_the_organiser_edits_an_automatic_email_with_its_preview(page, live_server):
    from aula.registrations.models import EmailText

    event = make_event(make_project(), title={"en": "Resilience seminar"})
    make_registration(event, first_name="Ștefan")
    organiser("lavinia", event.project, Role.EDITOR)
    page.goto(f"{live_server.url}/en/console/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/")
    page.get_by_role("link", name="Automatic e-mails").click()
    page.get_by_role("row", name="Reminder before the start").get_by_role("link").first.click()
    frame = page.frame_locator("iframe").first
    expect(frame.locator("body")).to_contain_text("a reminder: Resilience seminar is coming up")
    page.get_by_label("Opening").fill("Hello {first_name}, see you <soon>.")
    page.get_by_role("button", name="Preview").click()
    expect(frame.locator("body")).to_contain_text("Hello Ștefan, see you <soon>.")
    assert not EmailText.objects.exists()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row", name="Reminder before the start")).to_contain_text("edited")
    assert EmailText.objects.get().body == "Hello {first_name}, see you <soon>."
