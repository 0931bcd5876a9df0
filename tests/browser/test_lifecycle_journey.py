"""An owner takes the demo seminar through its life in the console: marks it held, imports the
Zoom attendance report, issues certificates (one verified on its public page), cancels the
project's next event, and reads all of it in the audit log and its CSV export."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aula.console.models import Role
from aula.demo.loader import DateMode, load_demo
from aula.events.models import Event
from aula.messaging.models import OutboxMessage
from tests.attendance.helpers import register, register_cast
from tests.factories import PASSWORD, make_event, organiser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).parents[1] / "attendance" / "samples"
HELD = "Marked the event as held"
IMPORTED = "Imported an attendance report"
ISSUED = "Issued certificates"
CANCELLED = "Cancelled the event"


def the_seminar_and_the_next_one():
    """The demo seminar, moved to the day of the Zoom sample (15 June 2021, 18:00–19:30 in
    Vilnius) with the sample's people registered, and a published next event with one
    registrant."""
    seminar = load_demo(DateMode.ORIGINAL).event
    Event.objects.filter(pk=seminar.pk).update(starts_at=datetime(2021, 6, 15, 15, tzinfo=UTC),
                                               ends_at=datetime(2021, 6, 15, 16, 30, tzinfo=UTC))
    register_cast(seminar)
    following = make_event(seminar.project, title={"en": "Creative hubs after the pandemic"},
                           slug="creative-hubs")
    register(following, "Ivana", "Horvat", "ivana.horvat@example.org")
    organiser("lavinia", seminar.project, Role.OWNER)
    return seminar, following


def row(page, what):
    return page.get_by_role("row").filter(has_text=what)


def test_owner_runs_an_event_through_its_life_on_the_record(page, live_server):
    seminar, following = the_seminar_and_the_next_one()
    console = f"{live_server.url}/en/console"

    page.goto(f"{console}/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")

    # The seminar took place: published, started and ended; the owner marks it held.
    page.get_by_role("link", name="ECoC-SME", exact=True).click()
    page.get_by_role("link", name=re.compile("Resilience of regions")).first.click()
    state = page.get_by_text("State:")
    expect(state).to_contain_text("Published")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_text("The event is marked as held.")).to_be_visible()
    expect(state).to_contain_text("Held")
    expect(page.get_by_role("button", name="Mark as held")).to_have_count(0)
    expect(page.get_by_role("link", name="Cancel the event")).to_have_count(0)

    # The Zoom webinar's attendee report, through the attendance page.
    page.get_by_role("link", name="Attendance: imports, matching, marks").click()
    page.get_by_label("Attendance report").set_input_files(
        str(SAMPLES / "zoom-webinar-attendee-report.csv")
    )
    page.get_by_role("button", name="Import").click()
    # Imported in the background (at once in tests): the job's page, then its rows.
    expect(page.get_by_text("The report was imported.")).to_be_visible()
    expect(page.locator("dl")).to_contain_text(re.compile(r"Matched\s*7"))
    page.get_by_role("link", name="See the rows and match by hand").click()
    expect(page.locator("dl")).to_contain_text(re.compile(r"Matched by e-mail\s*7"))
    expect(row(page, "Ștefan Popescu")).to_contain_text("81")  # three sessions, 81 minutes
    expect(row(page, "Kasia (iPad)")).to_be_visible()  # not registered: not matched

    # Certificates for those who stayed at least 80 minutes (Emil, Ștefan, Žydrūnė, Aoife).
    page.goto(f"{console}/e/{seminar.pk}/")
    page.get_by_role("link", name="Certificates", exact=True).click()
    page.get_by_label("Minimum minutes attended").fill("80")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.get_by_text("The rule is saved.")).to_be_visible()
    page.get_by_role("button", name="Issue certificates to everyone eligible").click()
    expect(page.get_by_text("Certificates issued: 4 new")).to_be_visible()
    for holder in ("Emil", "Ștefan", "Žydrūnė", "Aoife"):
        expect(row(page, holder)).to_have_count(1)
    expect(row(page, "Jonas Weber")).to_have_count(0)  # 45 minutes
    row(page, "Kazlauskienė").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate verification")
    expect(page.get_by_text("This certificate of attendance is valid.")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Žydrūnė Kazlauskienė")

    # The next event is called off, with a reason its registrant is told.
    page.goto(f"{console}/e/{following.pk}/")
    page.get_by_role("link", name="Cancel the event").click()
    expect(page.get_by_text("1 registrant is told by e-mail")).to_be_visible()
    page.get_by_label("Reason").fill("The venue is closed for repairs.")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_text("The event is cancelled and its registrants are told.")).to_be_visible()
    expect(page.get_by_text("State:")).to_contain_text(
        "Cancelled — The venue is closed for repairs."
    )
    told = OutboxMessage.objects.get(event=following, recipient="ivana.horvat@example.org")
    assert told.kind == "registration_event_cancelled"
    assert "The venue is closed for repairs." in told.text_body
    assert not OutboxMessage.objects.filter(event=seminar, kind=told.kind).exists()

    # The project's audit log: every move in words, by the owner.
    page.goto(f"{console}/p/{seminar.project.slug}/")
    page.get_by_role("link", name="Audit log: who changed or downloaded what").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    for what in (HELD, IMPORTED, ISSUED, CANCELLED):
        expect(row(page, what)).to_have_count(1)
        expect(row(page, what)).to_contain_text("lavinia")
    expect(row(page, CANCELLED)).to_contain_text("Creative hubs after the pandemic")
    expect(row(page, CANCELLED)).to_contain_text("The venue is closed for repairs.")
    expect(row(page, HELD)).to_contain_text(re.compile(r"Published\s*→\s*Held"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export as CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"audit-log-{seminar.project.slug}.csv"
    exported = download.path().read_text(encoding="utf-8-sig")
    for what in (HELD, IMPORTED, ISSUED, CANCELLED):
        assert what in exported
    assert exported.count("lavinia") >= 5

    # Filtered by a kind of action: the certificates' entries only.
    page.get_by_label("Kind of action").select_option(label="Certificates")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("2 entries")).to_be_visible()
    expect(row(page, ISSUED)).to_have_count(1)
    expect(row(page, "Saved the certificate rule")).to_have_count(1)
    for other in (HELD, IMPORTED, CANCELLED):
        expect(row(page, other)).to_have_count(0)

    # The seminar's own log: its moves, not the other event's cancellation.
    page.goto(f"{console}/e/{seminar.pk}/")
    page.get_by_role("link", name="Who changed or downloaded what in this event").click()
    for what in (HELD, IMPORTED, ISSUED):
        expect(row(page, what)).to_contain_text("lavinia")
    expect(row(page, CANCELLED)).to_have_count(0)
