"""Scheduled messages: the organiser picks a moment (in the event's zone), the scheduler's tick
sends the message when it is due, once; it can be moved, changed or taken off the schedule
until then, and a sent one is final."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.campaigns import services
from aula.campaigns.models import Campaign
from aula.console.models import Role
from aula.core.errors import ActionRefused
from aula.messaging import periodic
from aula.messaging.models import OutboxMessage
from tests.campaigns.test_campaigns import draft
from tests.factories import clear_audit_log, make_event, make_registration, organiser, utc

pytestmark = pytest.mark.django_db

NOW = utc(2030, 5, 31, 12)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def event():
    # Vilnius: UTC+03:00 in summer.
    return make_event(starts_at=utc(2030, 6, 10, 7), ends_at=utc(2030, 6, 10, 10),
                      time_zone="Europe/Vilnius", title={"en": "Resilience seminar"})


@pytest.fixture
def editor(client, event):
    client.force_login(organiser("editor", event.project, Role.EDITOR))
    return client


def url(name, campaign):
    return reverse(f"console:{name}", kwargs={
        "event_id": campaign.event_id, "campaign_id": campaign.pk,
    })


def tick(captured):
    with captured(execute=True):
        periodic.run_all()


def test_the_tick_sends_a_scheduled_message_once_when_it_is_due(
    event, _now, django_capture_on_commit_callbacks
):
    make_registration(event)
    make_registration(event)
    campaign = services.schedule(draft(event), actor=None, when=utc(2030, 6, 1, 6))
    assert campaign.status == Campaign.Status.SCHEDULED

    _now.move_to(utc(2030, 6, 1, 5, 59))  # a minute early, the next day
    tick(django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.exists()
    assert Campaign.objects.get().status == Campaign.Status.SCHEDULED

    _now.move_to(utc(2030, 6, 1, 6, 1))
    tick(django_capture_on_commit_callbacks)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUEUED
    assert campaign.send_requested_at == utc(2030, 6, 1, 6, 1)
    assert OutboxMessage.objects.filter(campaign_id=campaign.pk).count() == 2
    (sent,) = AuditEntry.objects.filter(action=services.SENT)
    assert sent.actor is None and sent.actor_name == ""
    assert sent.data == {
        "group": "all", "recipients": 2, "scheduled_for": "2030-06-01T06:00:00+00:00"
    }

    _now.move_to(utc(2030, 6, 2))  # later ticks send nothing more
    tick(django_capture_on_commit_callbacks)
    assert services.send_due() == 0
    assert OutboxMessage.objects.count() == 2
    assert AuditEntry.objects.filter(action=services.SENT).count() == 1


def test_schedule_and_unschedule_are_on_the_record(event):
    editor = organiser("editor", event.project)
    campaign = draft(event)
    clear_audit_log()
    services.schedule(campaign, actor=editor, when=utc(2030, 6, 1, 6))
    services.schedule(campaign, actor=editor, when=utc(2030, 6, 2, 6))
    services.unschedule(campaign, actor=editor)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_for) == (Campaign.Status.DRAFT, None)
    entries = list(AuditEntry.objects.order_by("id").values_list("action", "actor", "changes"))
    assert entries == [
        (services.SCHEDULED, editor.pk, {"scheduled_for": [None, "2030-06-01T06:00:00+00:00"]}),
        (services.SCHEDULED, editor.pk, {"scheduled_for": [
            "2030-06-01T06:00:00+00:00", "2030-06-02T06:00:00+00:00"]}),
        (services.UNSCHEDULED, editor.pk, {"scheduled_for": [
            "2030-06-02T06:00:00+00:00", None]}),
    ]


def test_an_unscheduled_message_is_not_sent(event, _now, django_capture_on_commit_callbacks):
    make_registration(event)
    campaign = services.schedule(draft(event), actor=None, when=utc(2030, 6, 1, 6))
    services.unschedule(campaign, actor=None)
    _now.move_to(utc(2030, 6, 3))
    tick(django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.exists()
    assert Campaign.objects.get().status == Campaign.Status.DRAFT


def test_refusals_store_nothing(event, django_capture_on_commit_callbacks):
    make_registration(event)
    campaign = draft(event)
    clear_audit_log()
    with pytest.raises(ActionRefused, match="future"):
        services.schedule(campaign, actor=None, when=NOW)
    with pytest.raises(ActionRefused, match="not scheduled"):
        services.unschedule(campaign, actor=None)
    assert not AuditEntry.objects.exists()
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_for) == (Campaign.Status.DRAFT, None)

    # Sent: final. It can no longer be scheduled, unscheduled or changed.
    with django_capture_on_commit_callbacks(execute=True):
        services.send(campaign, actor=None)
    clear_audit_log()
    with pytest.raises(ActionRefused):
        services.schedule(campaign, actor=None, when=NOW + timedelta(days=1))
    with pytest.raises(ActionRefused):
        services.unschedule(campaign, actor=None)
    with pytest.raises(ActionRefused):
        draft(event, campaign=campaign)
    assert not AuditEntry.objects.exists()
    assert OutboxMessage.objects.count() == 1


def test_a_scheduled_message_can_be_changed_or_sent_at_once(
    event, _now, django_capture_on_commit_callbacks
):
    make_registration(event)
    campaign = services.schedule(draft(event), actor=None, when=utc(2030, 6, 1, 6))
    draft(event, campaign=campaign, subject={"en": "Changed {first_name}"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED  # changing keeps the schedule
    with django_capture_on_commit_callbacks(execute=True):
        services.send(campaign, actor=None)
    assert OutboxMessage.objects.get().subject.startswith("Changed Ana")
    _now.move_to(utc(2030, 6, 1, 7))
    tick(django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.count() == 1


# --- In the console --------------------------------------------------------------------------


def test_the_console_reads_and_shows_the_moment_in_the_events_zone(editor, event):
    campaign = draft(event)
    response = editor.post(url("message_schedule", campaign), {"send_at": "2030-06-01T09:00"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED
    assert campaign.scheduled_for == utc(2030, 6, 1, 6)  # 09:00 in Vilnius
    page = editor.get(url("message", campaign)).content.decode()
    assert "Saturday, 1 June 2030, 09:00 (Europe/Vilnius, EEST, UTC+03:00)" in page
    assert 'value="2030-06-01T09:00"' in page and "In Europe/Vilnius time" in page
    list_page = editor.get(reverse("console:messages", kwargs={"event_id": event.pk}))
    assert "Scheduled" in list_page.content.decode()
    assert AuditEntry.objects.get(action=services.SCHEDULED).actor.username == "editor"

    editor.post(url("message_unschedule", campaign))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


@pytest.mark.parametrize("value", ["2030-05-31T14:59", "not a date", ""])
def test_the_console_refuses_a_past_or_bad_moment(editor, event, value):
    campaign = draft(event)
    clear_audit_log()
    response = editor.post(url("message_schedule", campaign), {"send_at": value})
    assert response.status_code == 400
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and campaign.scheduled_for is None
    assert not AuditEntry.objects.exists()
    if value.startswith("2030"):  # 14:59 in Vilnius is 11:59 UTC: the past
        assert "Choose a moment in the future." in response.content.decode()


def test_a_viewer_cannot_schedule(client, event):
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    campaign = draft(event)
    assert client.post(url("message_schedule", campaign),
                       {"send_at": "2030-06-01T09:00"}).status_code == 403
    assert client.post(url("message_unschedule", campaign)).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_cancelling_the_event_takes_its_messages_off_the_schedule(
    event, _now, django_capture_on_commit_callbacks
):
    from aula.events import lifecycle

    make_registration(event)
    campaign = services.schedule(draft(event), actor=None, when=utc(2030, 6, 1, 6))
    editor = organiser("owner", event.project)
    clear_audit_log()
    lifecycle.cancel(event, actor=editor, reason="The venue flooded.")
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_for) == (Campaign.Status.DRAFT, None)
    entry = AuditEntry.objects.get(action=services.UNSCHEDULED)
    assert entry.actor is None and entry.data == {"event_cancelled": True}
    _now.move_to(utc(2030, 6, 2))
    tick(django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.filter(campaign_id=campaign.pk).exists()
    with pytest.raises(ActionRefused, match="cancelled"):
        services.schedule(campaign, actor=editor, when=utc(2030, 6, 3))
    assert AuditEntry.objects.filter(action=services.SCHEDULED).count() == 0
