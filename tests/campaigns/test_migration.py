"""The campaigns left the messaging app: an existing campaign and its outbox messages survive
the migration (the table is taken over and renamed, the outbox keeps the campaign's id)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aula.campaigns.models import Campaign
from aula.messaging.models import OutboxMessage
from tests.factories import make_event

BEFORE = [("messaging", "0002_campaign_outboxmessage_campaign_and_more"), ("campaigns", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_a_campaign_and_its_messages_survive_the_move():
    event = make_event()
    old = migrate(BEFORE)
    OldCampaign = old.get_model("messaging", "Campaign")
    OldMessage = old.get_model("messaging", "OutboxMessage")
    campaign = OldCampaign.objects.create(
        event_id=event.pk, group="confirmed", subject={"en": "Hello"}, body={"en": "Text"},
        status="queued", recipient_count=1,
    )
    OldMessage.objects.create(
        recipient="ana@example.org", subject="Hello", text_body="Text", kind="campaign",
        language="en", campaign=campaign, registration_id=7, message_id="<m1@aula.example>",
    )
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)

    moved = Campaign.objects.get(pk=campaign.pk)
    assert (moved.event, moved.group, moved.subject, moved.status) == (
        event, "confirmed", {"en": "Hello"}, "queued"
    )
    message = OutboxMessage.objects.get(message_id="<m1@aula.example>")
    assert message.campaign_id == campaign.pk and message.registration_id == 7
    assert Campaign._meta.db_table in connection.introspection.table_names()
    assert "messaging_campaign" not in connection.introspection.table_names()
