import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.messaging.models import OutboxMessage
from aula.messaging.services import Attachment
from tests.messaging.helpers import queue_many

pytestmark = pytest.mark.django_db


def test_changelist_filters_by_status_and_is_read_only(admin_client):
    messages = queue_many(3, attachments=[Attachment("a.txt", b"a", "text/plain")])
    OutboxMessage.objects.filter(pk=messages[0].pk).update(status="failed")
    url = reverse("admin:messaging_outboxmessage_changelist")
    response = admin_client.get(url, {"status__exact": "failed"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert admin_client.get(reverse("admin:messaging_outboxmessage_add")).status_code == 403

    change = admin_client.get(reverse("admin:messaging_outboxmessage_change",
                                      args=[messages[0].pk]))
    assert change.status_code == 200
    assert b"a.txt" in change.content
    assert b'name="subject"' not in change.content  # shown, not editable


def test_requeue_action(admin_client):
    (message,) = queue_many(1)
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", attempts=8)
    response = admin_client.post(
        reverse("admin:messaging_outboxmessage_changelist"),
        {"action": "requeue", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)
    entry = AuditEntry.objects.get(action="outbox.requeued")
    assert entry.actor == get_user_model().objects.get(username="admin")
    assert entry.changes == {"status": ["failed", "queued"]}
    assert entry.data == {"messages": [message.pk], "count": 1}


def test_requeue_of_no_failed_email_is_refused_and_leaves_no_entry(admin_client):
    (message,) = queue_many(1)
    OutboxMessage.objects.filter(pk=message.pk).update(status="sent")
    response = admin_client.post(
        reverse("admin:messaging_outboxmessage_changelist"),
        {"action": "requeue", "_selected_action": [message.pk]},
        follow=True,
    )
    assert "None of the chosen e-mails had failed" in response.content.decode()
    message.refresh_from_db()
    assert message.status == "sent"
    assert not AuditEntry.objects.filter(action="outbox.requeued").exists()
