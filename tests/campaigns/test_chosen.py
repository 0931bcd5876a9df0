"""A message to the registrants chosen in the registrants table (group CHOSEN): only the
event's registrations among the chosen ids, and at sending time only those still registered
(not cancelled, not erased), each once, on the record with how many were chosen."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from aula.audit.models import AuditEntry
from aula.campaigns import queries, services
from aula.campaigns.models import Campaign
from aula.messaging.models import OutboxMessage
from aula.registrations.models import Registration
from tests.campaigns.test_campaigns import draft
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db
CHOSEN = Campaign.Group.CHOSEN


@pytest.fixture
def actor():
    return get_user_model().objects.create_user("lavinia", password="pw-long-enough-1")


def test_only_the_chosen_still_registered_get_it_once(actor, no_worker):
    event = make_event()
    one, two, later_cancelled, later_erased = (make_registration(event) for _ in range(4))
    make_registration(event)  # not chosen
    campaign = draft(
        event, group=CHOSEN, actor=actor,
        chosen_ids=[two.pk, one.pk, later_cancelled.pk, later_erased.pk, one.pk],
    )
    assert campaign.chosen_ids == sorted([one.pk, two.pk, later_cancelled.pk, later_erased.pk])
    Registration.objects.filter(pk=later_cancelled.pk).update(
        status=Registration.Status.CANCELLED
    )
    Registration.objects.filter(pk=later_erased.pk).update(anonymised_at=timezone.now())
    services.send(campaign, actor=actor)
    assert services.queue_all(campaign.pk) == 2
    assert services.queue_all(campaign.pk) == 2  # again: nobody twice
    assert sorted(OutboxMessage.objects.filter(campaign_id=campaign.pk).values_list(
        "registration_id", flat=True)) == sorted([one.pk, two.pk])
    (sent,) = AuditEntry.objects.filter(action=services.SENT)
    assert sent.actor == actor
    assert sent.data == {"group": "chosen", "chosen": 4, "recipients": 2}


def test_another_events_ids_are_dropped_and_none_left_is_refused(actor):
    event, other = make_event(), make_event()
    mine, theirs = make_registration(event), make_registration(other)
    campaign = draft(event, group=CHOSEN, actor=actor, chosen_ids=[mine.pk, theirs.pk])
    assert campaign.chosen_ids == [mine.pk]
    (drafted,) = AuditEntry.objects.filter(action=services.DRAFTED)
    assert drafted.data == {"group": "chosen", "chosen": 1}
    assert list(queries.recipients(event, CHOSEN, chosen_ids=[theirs.pk])) == []
    with pytest.raises(services.CampaignError):
        draft(event, group=CHOSEN, actor=actor, chosen_ids=[theirs.pk])
    with pytest.raises(services.CampaignError):
        draft(event, group=CHOSEN, actor=actor, chosen_ids=[])
    assert Campaign.objects.count() == 1
    assert AuditEntry.objects.filter(action=services.DRAFTED).count() == 1


def test_changing_the_group_forgets_the_chosen_and_is_recorded(actor):
    event = make_event()
    people = [make_registration(event) for _ in range(2)]
    campaign = draft(event, group=CHOSEN, actor=actor, chosen_ids=[p.pk for p in people])
    services.compose(
        event, actor=actor, campaign=campaign, group=Campaign.Group.ALL,
        subject=campaign.subject, body=campaign.body, chosen_ids=[people[0].pk],
    )
    campaign.refresh_from_db()
    assert campaign.chosen_ids == []
    (changed,) = AuditEntry.objects.filter(action=services.CHANGED)
    assert changed.changes == {
        "chosen_ids": [[p.pk for p in people], []], "group": ["chosen", "all"],
    }


def test_chosen_names_are_the_recipients_by_name():
    event = make_event()
    ana = make_registration(event, first_name="Ana", family_name="Zamfir")
    ion = make_registration(event, first_name="Ion", family_name="Albu")
    gone = make_registration(event, status=Registration.Status.CANCELLED)
    campaign = draft(event, group=CHOSEN, chosen_ids=[ana.pk, ion.pk, gone.pk])
    assert queries.chosen_names(campaign) == ["Albu, Ion", "Zamfir, Ana"]
    assert queries.preview(campaign).count == 2
    assert queries.chosen_names(draft(event)) == []
