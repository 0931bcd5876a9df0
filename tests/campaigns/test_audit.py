"""Writing, sending and resuming a message to registrants are on the record: one entry each,
written in the action's transaction, with the group and the number of recipients and never
an address."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from aula.audit.models import AuditEntry
from aula.campaigns import services
from aula.campaigns.models import Campaign
from aula.registrations.models import Registration
from tests.campaigns.test_campaigns import draft
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return get_user_model().objects.create_user("lavinia", password="pw-long-enough-1")


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_a_draft_is_recorded_and_its_changes_without_the_texts(actor):
    event = make_event()
    campaign = draft(event, actor=actor, subject={"en": "First"}, body={"en": "Body"})
    (drafted,) = entries(services.DRAFTED)
    assert (drafted.actor, drafted.event_id, drafted.target_id) == (
        actor, event.pk, str(campaign.pk)
    )
    assert drafted.data == {"group": "all"}
    services.compose(
        event, actor=actor, campaign=campaign, group=Campaign.Group.CONFIRMED,
        subject={"en": "Second"}, body={"en": "Body"},
    )
    (changed,) = entries(services.CHANGED)
    assert changed.changes == {"group": ["all", "confirmed"], "subject": ["changed"]}
    # Saved unchanged: nothing to record.
    services.compose(
        event, actor=actor, campaign=campaign, group=Campaign.Group.CONFIRMED,
        subject={"en": "Second"}, body={"en": "Body"},
    )
    assert len(entries(services.CHANGED)) == 1


def test_sending_is_recorded_with_the_group_and_count_never_the_addresses(actor, no_worker):
    event = make_event()
    people = [make_registration(event, email=f"secret{n}@example.org") for n in range(3)]
    make_registration(event, status=Registration.Status.CANCELLED)
    campaign = services.send(draft(event, actor=actor), actor=actor)
    (sent,) = entries(services.SENT)
    assert sent.actor == actor and sent.event_id == event.pk
    assert sent.target_type == "campaigns.campaign" and sent.target_id == str(campaign.pk)
    assert sent.data == {"group": "all", "recipients": 3}
    recorded = json.dumps([sent.data, sent.changes, sent.target_label])
    assert not any(person.email in recorded for person in people)


def test_a_refused_send_records_nothing(actor, no_worker):
    event = make_event()
    campaign = services.send(draft(event, actor=actor), actor=actor)
    with pytest.raises(services.CampaignError):
        services.send(campaign, actor=actor)
    with pytest.raises(services.CampaignError):
        services.compose(
            event, actor=actor, campaign=campaign, group="all", subject={"en": "x"},
            body={"en": "y"},
        )
    assert len(entries(services.SENT)) == 1 and entries(services.CHANGED) == []


def test_resuming_is_recorded(actor, no_worker):
    event = make_event()
    make_registration(event)
    campaign = services.send(draft(event, actor=actor), actor=actor)
    Campaign.objects.filter(pk=campaign.pk).update(
        send_requested_at=campaign.send_requested_at - timedelta(hours=1)
    )
    assert services.resume(campaign, actor=actor)
    (resumed,) = entries(services.RESUMED)
    assert resumed.actor == actor
    assert resumed.data == {"group": "all", "recipients": 1, "written": 0}
    services.queue_all(campaign.pk)
    assert not services.resume(campaign, actor=actor)  # nothing left to resume: no entry
    assert len(entries(services.RESUMED)) == 1


def test_the_session_group_names_its_session(actor):
    from aula.events.models import AgendaBlock
    from tests.factories import make_block

    event = make_event()
    block = make_block(event, kind=AgendaBlock.Kind.PARALLEL)
    draft(event, actor=actor, group=Campaign.Group.SESSION, block=block)
    (drafted,) = entries(services.DRAFTED)
    assert drafted.data == {"group": "session", "block": block.pk}
