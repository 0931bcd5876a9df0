"""Every partner's language and every time zone: a registrant's language decides every e-mail
they get, whoever sends it and in whatever language the organiser works; times are in the
event's zone with its abbreviation and offset and, beside them, in the registrant's own zone,
right on both sides of a daylight-saving change; the registrant can change their zone."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from aula.campaigns import services as campaigns
from aula.console.models import Membership, Role
from aula.core.timefmt import format_range
from aula.messaging.models import OutboxMessage
from aula.registrations import services
from aula.registrations.models import PrivacyNotice, Registration
from tests.factories import make_event, make_registration
from tests.registrations.factories import person

pytestmark = pytest.mark.django_db
VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")
# Monday 29 March 2027, 10:00 in Vilnius: the day after Europe's change to summer time (Sunday
# 28 March, 03:00 → 04:00); New York changed on 14 March; Kolkata keeps UTC+05:30 all year.
STARTS = datetime(2027, 3, 29, 10, 0, tzinfo=VILNIUS)

ZONES = {
    # zone: what the registrant reads for 07:00–10:00 UTC
    "America/New_York": "Monday, 29 March 2027, 03:00–06:00 (America/New_York, EDT, UTC−04:00)",
    "Asia/Kolkata": "Monday, 29 March 2027, 12:30–15:30 (Asia/Kolkata, IST, UTC+05:30)",
    "Europe/London": "Monday, 29 March 2027, 08:00–11:00 (Europe/London, BST, UTC+01:00)",
}
EVENT_TIME = "Monday, 29 March 2027, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)"


@pytest.fixture
def spring_event():
    return make_event(
        starts_at=STARTS, ends_at=STARTS + timedelta(hours=3), time_zone="Europe/Vilnius",
        options={"double_opt_in": False, "reminder_offsets_minutes": [1440]},
    )


def register_in(event, n, zone, **fields):
    return services.register(
        event, person(n, time_zone=zone, **fields), now=STARTS - timedelta(days=30)
    ).registration


def test_the_event_starts_at_seven_utc():
    assert STARTS.astimezone(UTC) == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    assert format_range(STARTS, STARTS + timedelta(hours=3), "Europe/Vilnius", "en") == (
        EVENT_TIME
    )


def test_confirmation_emails_give_each_registrant_their_own_time(spring_event):
    for n, zone in enumerate(ZONES, start=1):
        registration = register_in(spring_event, n, zone)
        (message,) = OutboxMessage.objects.filter(
            registration_id=registration.pk, kind="registration_confirmation"
        )
        assert EVENT_TIME in message.text_body
        assert f"In your time zone: {ZONES[zone]}" in message.text_body


def test_the_personal_page_gives_the_registrants_time_beside_the_events(client, spring_event):
    for n, zone in enumerate(ZONES, start=1):
        registration = register_in(spring_event, n, zone)
        html = client.get(
            reverse("registrations:personal", kwargs={"token": registration.token})
        ).content.decode()
        assert EVENT_TIME in html
        assert ZONES[zone] in html


def test_the_one_day_reminder_after_the_sunday_change_is_due_24_real_hours_before(
    spring_event,
):
    people = {zone: register_in(spring_event, n, zone) for n, zone in enumerate(ZONES, 1)}
    # 24 real hours before Monday 07:00 UTC is Sunday 07:00 UTC (10:00 EEST, after the change;
    # a naive "same wall-clock time the day before" would be 10:00 EET = 08:00 UTC).
    due = datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    assert STARTS - due == timedelta(hours=24)
    assert services.send_due_reminders(now=due - timedelta(seconds=1)) == 0
    assert services.send_due_reminders(now=due) == 3
    assert services.send_due_reminders(now=due + timedelta(hours=1)) == 0
    for zone, registration in people.items():
        (reminder,) = OutboxMessage.objects.filter(
            registration_id=registration.pk, kind="registration_reminder"
        )
        assert EVENT_TIME in reminder.text_body
        assert ZONES[zone] in reminder.text_body


def test_an_event_crossing_the_change_shows_both_abbreviations():
    # Saturday 27 March 2027 22:00 EET to Sunday 28 March 06:00 EEST: 7 real hours.
    starts = datetime(2027, 3, 27, 20, 0, tzinfo=UTC)
    text = format_range(starts, starts + timedelta(hours=7), "Europe/Vilnius", "en")
    assert text == (
        "Saturday, 27 March 2027, 22:00 – Sunday, 28 March 2027, 06:00 "
        "(Europe/Vilnius, EET, UTC+02:00/EEST, UTC+03:00)"
    )


# --- The registrant's language, whatever the organiser's --------------------------------------


def organiser_client(client, event):
    user = get_user_model().objects.create_user("editor", password="pw-long-enough-1")
    Membership.objects.create(user=user, project=event.project, role=Role.EDITOR)
    client.force_login(user)
    return client


def console_url(name, event, registration=None):
    kwargs = {"event_id": event.pk}
    if registration is not None:
        kwargs["registration_id"] = registration.pk
    with translation.override("ro"):
        return reverse(f"console:{name}", kwargs=kwargs)


def reverse_campaign(event, campaign):
    with translation.override("ro"):
        return reverse(
            "console:message_send", kwargs={"event_id": event.pk, "campaign_id": campaign.pk}
        )


def lithuanian(event, registration=None):
    zone = registration.time_zone if registration else event.time_zone
    return format_range(event.starts_at, event.ends_at, zone, "lt")


def test_an_organiser_in_the_romanian_console_mails_a_lithuanian_registrant_in_lithuanian(
    client, spring_event, django_capture_on_commit_callbacks,
):
    event = spring_event
    organiser_client(client, event)
    assert console_url("registrant_add", event).startswith("/ro/")
    data = person(1, language="lt", privacy="on", privacy_notice=PrivacyNotice.objects.get().pk)
    data.pop("privacy_accepted")
    data.pop("time_zone")
    response = client.post(console_url("registrant_add", event), data)
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert registration.language == "lt"
    campaign = campaigns.compose(
        event, actor=None, group="all", subject={"ro": "Veste", "lt": "Žinia"},
        body={"ro": "Dragă {first_name}, {event_time}", "lt": "Sveiki, {first_name}: {event_time}"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse_campaign(event, campaign))
    assert response.status_code == 302
    client.post(console_url("registrant_cancel", event, registration))

    messages = OutboxMessage.objects.filter(registration_id=registration.pk).order_by("id")
    kinds = [message.kind for message in messages]
    assert "registration_confirmation" in kinds and "registration_cancellation" in kinds
    assert any(message.campaign_id == campaign.pk for message in messages)
    romanian = format_range(event.starts_at, event.ends_at, event.time_zone, "ro")
    for message in messages:
        assert message.language == "lt", message.kind
        assert lithuanian(event) in message.text_body, message.kind
        assert romanian not in message.text_body, message.kind


# --- Changing one's time zone -----------------------------------------------------------------


def details(registration, **fields):
    data = {
        "first_name": registration.first_name, "family_name": registration.family_name,
        "organisation": registration.organisation,
        "organisation_type": registration.organisation_type,
        "country": str(registration.country), "language": registration.language,
    }
    data.update(fields)
    return data


def test_the_registrant_changes_their_time_zone_on_their_page(client, spring_event):
    registration = register_in(spring_event, 1, "America/New_York")
    page = reverse("registrations:personal", kwargs={"token": registration.token})
    html = client.get(page).content.decode()
    assert '<option value="America/New_York" selected>America/New York</option>' in html
    assert 'value="US/Eastern"' not in html  # no legacy aliases to choose from

    response = client.post(page, details(registration, time_zone="Asia/Kolkata"))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.time_zone == "Asia/Kolkata"
    assert ZONES["Asia/Kolkata"] in client.get(page).content.decode()
    # The next e-mail uses the new zone.
    services.cancel(registration)
    message = OutboxMessage.objects.filter(
        registration_id=registration.pk, kind="registration_cancellation"
    ).get()
    assert ZONES["Asia/Kolkata"] in message.text_body


def test_an_unknown_time_zone_is_refused_and_nothing_stored(client, spring_event):
    registration = register_in(spring_event, 1, "Europe/London")
    page = reverse("registrations:personal", kwargs={"token": registration.token})
    for bad in ("Mars/Olympus_Mons", "../../etc/passwd", "Europe/London<script>"):
        response = client.post(page, details(registration, time_zone=bad, first_name="X"))
        assert response.status_code == 400, bad
        registration.refresh_from_db()
        assert registration.time_zone == "Europe/London" and registration.first_name == "Ana"


def test_leaving_the_time_zone_blank_keeps_the_one_stored(client, spring_event):
    registration = register_in(spring_event, 1, "Europe/London")
    page = reverse("registrations:personal", kwargs={"token": registration.token})
    response = client.post(page, details(registration, time_zone="", job_title="Officer"))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.time_zone == "Europe/London" and registration.job_title == "Officer"


# --- Names in any letters, sorted as people read them -----------------------------------------

NAMES = [
    ("Žydrūnė", "Kazlauskienė"), ("Ștefan", "Ștefănescu"), ("Đurđa", "Đurić"),
    ("Siobhán", "Ní Bhriain"), ("Seán", "O'Brien"), ("Jean-Luc", "Lefèvre-Dupont"),
]


def test_names_in_any_letters_are_accepted(client, spring_event):
    registration = register_in(spring_event, 1, "Europe/London")
    page = reverse("registrations:personal", kwargs={"token": registration.token})
    for n, (first, family) in enumerate(NAMES, start=2):
        stored = register_in(spring_event, n, "", first_name=first, family_name=family)
        assert (stored.first_name, stored.family_name) == (first, family)
        response = client.post(page, details(registration, first_name=first, family_name=family))
        assert response.status_code == 302, (first, family)
        registration.refresh_from_db()
        assert (registration.first_name, registration.family_name) == (first, family)


def test_the_console_table_sorts_names_by_their_letters_not_their_code_points(spring_event):
    from django.db import connection

    from aula.console import registrant_queries
    from aula.console.registrant_queries import Filters

    family_names = ["Zubović", "Žagar", "adams", "Baker", "Ștefănescu", "Stan", "Ávila",
                    "Dumitru", "Đurić", "O'Brien", "Ní Bhriain"]
    for n, family in enumerate(family_names, start=1):
        make_registration(
            event=spring_event, email=f"n{n}@example.org", first_name="A", family_name=family,
            organisation="O", organisation_type="Sme", country="LT",
            status=Registration.Status.CONFIRMED,
        )
    page = registrant_queries.registrant_page(spring_event, Filters(sort="name"))
    got = [row["family_name"] for row in page.rows]
    if connection.vendor == "postgresql":
        assert got == ["adams", "Ávila", "Baker", "Dumitru", "Đurić", "Ní Bhriain", "O'Brien",
                       "Stan", "Ștefănescu", "Žagar", "Zubović"]
    else:  # SQLite's NOCASE: ASCII case folded, other letters after z (see registrant_queries)
        plain = [name for name in got if name.isascii()]
        assert plain == sorted(plain, key=str.lower)
        assert got.index("adams") < got.index("Baker")
    descending = registrant_queries.registrant_page(
        spring_event, Filters(sort="name", descending=True)
    )
    assert [row["family_name"] for row in descending.rows] == got[::-1]
