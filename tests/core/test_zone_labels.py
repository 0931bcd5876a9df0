"""Every time carries the zone it is shown in: never "UTC" beside a time in another zone, never
"(UTC, UTC)", and in e-mails the event's zone once when the registrant's is unknown or the same."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aula.campaigns import queries as campaign_queries
from aula.campaigns import services as campaigns
from aula.console.models import Role
from aula.core.timefmt import format_local, format_range
from aula.messaging.models import OutboxMessage
from aula.registrations import emails
from tests.factories import make_event, make_registration, organiser, utc

pytestmark = pytest.mark.django_db
STARTS = utc(2026, 12, 6, 8)  # 10:00 in Vilnius and Bucharest (EET, UTC+02:00)


def test_a_zone_that_is_its_offset_is_named_once():
    assert format_range(STARTS, STARTS + timedelta(hours=3), "UTC", "en") == (
        "Sunday, 6 December 2026, 08:00–11:00 (UTC)"
    )
    assert format_range(STARTS, STARTS + timedelta(days=1), "UTC", "en") == (
        "Sunday, 6 December 2026, 08:00 – Monday, 7 December 2026, 08:00 (UTC)"
    )


def test_a_short_time_is_labelled_with_the_active_zone():
    with timezone.override("Europe/Bucharest"):
        assert format_local(STARTS) == "6 December 2026, 10:00 (EET, UTC+02:00)"
        with translation.override("hr"):  # the language's own format: month in the genitive
            assert format_local(STARTS) == "6. prosinca 2026. 10:00 (EET, UTC+02:00)"
    with timezone.override("UTC"):
        assert format_local(STARTS) == "6 December 2026, 08:00 (UTC)"


@pytest.mark.parametrize("zone", ["Europe/Vilnius", "Europe/Bucharest"])
@pytest.mark.parametrize("own", ["", "Europe/Vilnius", "Europe/Bucharest"])
def test_emails_name_the_events_zone_once_when_the_registrants_is_unknown_or_the_same(zone, own):
    event = make_event(starts_at=STARTS, ends_at=STARTS + timedelta(hours=3), time_zone=zone)
    registration = make_registration(event, time_zone=own)
    rendered = emails.prepare("confirmation", registration, event).rendered
    event_time = f"Sunday, 6 December 2026, 10:00–13:00 ({zone}, EET, UTC+02:00)"
    for body in (rendered.text, rendered.html):
        assert "UTC, UTC" not in body
        assert body.count(event_time) == 1
        assert ("In your time zone" in body) == (own not in ("", zone))


def test_an_event_in_utc_never_says_utc_twice():
    event = make_event(starts_at=STARTS, ends_at=STARTS + timedelta(hours=3), time_zone="UTC")
    registration = make_registration(event, time_zone="")
    rendered = emails.prepare("confirmation", registration, event).rendered
    assert "(UTC)" in rendered.text
    assert "UTC, UTC" not in rendered.text + rendered.html
    values = campaign_queries.placeholder_values(registration, event, "en")
    assert values["event_time"] == "Sunday, 6 December 2026, 08:00–11:00 (UTC)"


def test_campaign_times_name_the_events_zone_once_for_an_unknown_registrant_zone():
    event = make_event(
        starts_at=STARTS, ends_at=STARTS + timedelta(hours=3), time_zone="Europe/Vilnius"
    )
    registration = make_registration(event, time_zone="")
    values = campaign_queries.placeholder_values(registration, event, "en")
    assert values["event_time"] == (
        "Sunday, 6 December 2026, 10:00–13:00 (Europe/Vilnius, EET, UTC+02:00)"
    )


@pytest.mark.parametrize("zone", ["Europe/Vilnius", "Europe/Bucharest"])
def test_console_message_pages_label_times_with_the_events_zone_not_utc(client, zone):
    event = make_event(starts_at=STARTS, ends_at=STARTS + timedelta(hours=3), time_zone=zone)
    make_registration(event)
    user = organiser("owner", event.project, Role.OWNER)
    client.force_login(user)
    campaign = campaigns.compose(
        event, actor=user, group="all", subject={"en": "News"}, body={"en": "Hello"}
    )
    campaigns.send(campaign, actor=user)
    campaigns.queue_all(campaign.pk)
    OutboxMessage.objects.update(sent_at=timezone.now(), status=OutboxMessage.Status.SENT)
    for name, kwargs in [
        ("console:messages", {"event_id": event.pk}),
        ("console:message", {"event_id": event.pk, "campaign_id": campaign.pk}),
    ]:
        html = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert "EET, UTC+02:00)" in html, name
        assert " UTC<" not in html and "UTC</td>" not in html
