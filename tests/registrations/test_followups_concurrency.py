"""Never twice, under real concurrency: overlapping scheduler ticks (threads with their own
database connections) send each follow-up once, and a scheduled message is started by exactly
one of a tick and a click."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aula.audit.models import AuditEntry
from aula.campaigns import services as campaigns
from aula.campaigns.models import Campaign
from aula.events.models import Event
from aula.feedback import services as feedback
from aula.messaging.models import OutboxMessage
from aula.registrations.services import followups
from tests.campaigns.test_campaigns import draft
from tests.factories import make_event, make_registration
from tests.registrations.test_concurrency import in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_overlapping_ticks_invite_each_registrant_once():
    event = make_event(days_ahead=-1, status=Event.Status.HELD)
    for _ in range(20):
        make_registration(event)
    followups.set_follow_ups(event, actor=None, kinds=["survey"])
    feedback.save_settings(event, actor=None, intro={}, is_open=True, closes_at=None)
    counts = in_threads(lambda _n: feedback.send_survey_invitations(), range(8), max_workers=8)
    assert sum(counts) == 20
    invitations = OutboxMessage.objects.filter(kind="registration_followup_survey")
    assert invitations.count() == 20
    assert invitations.values("registration_id").distinct().count() == 20


def test_a_scheduled_message_is_started_once_by_ticks_and_clicks_at_once():
    event = make_event()
    for _ in range(5):
        make_registration(event)
    campaign = campaigns.schedule(draft(event), actor=None,
                                  when=timezone.now() + timedelta(seconds=1))
    Campaign.objects.filter(pk=campaign.pk).update(
        scheduled_for=timezone.now() - timedelta(seconds=1)
    )

    def tick_or_click(n):
        if n % 2:
            return campaigns.send_due()
        try:
            campaigns.send(Campaign.objects.get(pk=campaign.pk), actor=None)
        except campaigns.CampaignError:
            return 0
        return 1

    assert sum(in_threads(tick_or_click, range(8), max_workers=8)) == 1
    assert AuditEntry.objects.filter(action=campaigns.SENT).count() == 1
    assert OutboxMessage.objects.filter(campaign_id=campaign.pk).count() == 5
