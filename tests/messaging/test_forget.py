"""Erasure reaches the outbox: a registration's unsent e-mails go, sent ones keep only what
counts need (messaging.services.forget_registration)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aula.messaging import services
from aula.messaging.models import OutboxAttachment, OutboxMessage
from aula.messaging.services import Attachment

Status = OutboxMessage.Status
pytestmark = pytest.mark.django_db

ICS = Attachment("event.ics", b"BEGIN:VCALENDAR\r\nURL:https://x/j/secret\r\n", "text/calendar")


def queue(registration_id, status, **fields):
    message = services.queue_email(
        to=f"ana{registration_id}@example.org", reply_to="organiser@example.org",
        subject="Ana, your place", text="Dear Ana", html="<p>Dear Ana</p>", kind=status,
        language="ro", registration_id=registration_id, attachments=[ICS],
    )
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, **fields)
    return message.pk


def test_unsent_messages_go_and_sent_ones_keep_only_what_counts_need(no_worker):
    sent_at = timezone.now() - timedelta(hours=1)
    queued, failed = queue(7, Status.QUEUED), queue(7, Status.FAILED, last_error="550 ana7@…")
    sent = queue(7, Status.SENT, sent_at=sent_at, attempts=1, last_error="421 ana7@… later")
    sending = queue(7, Status.SENDING, lease_expires_at=timezone.now() + timedelta(minutes=5))
    other = queue(8, Status.QUEUED)

    services.forget_registration(7)

    assert not OutboxMessage.objects.filter(pk__in=[queued, failed]).exists()
    for pk, status in ((sent, Status.SENT), (sending, Status.SENDING)):
        message = OutboxMessage.objects.get(pk=pk)
        assert (message.recipient, message.reply_to, message.subject) == ("", "", "")
        assert (message.text_body, message.html_body, message.last_error) == ("", "", "")
        assert not message.attachments.exists()
        # Counts: what kind, whether and when it went, in which language.
        assert (message.kind, message.status, message.language) == (status, status, "ro")
        assert message.registration_id == 7 and message.created_at is not None
    assert OutboxMessage.objects.get(pk=sent).sent_at == sent_at
    assert OutboxMessage.objects.get(pk=other).recipient == "ana8@example.org"
    assert OutboxAttachment.objects.filter(message_id=other).exists()
    assert OutboxAttachment.objects.count() == 1


def test_an_erased_message_whose_worker_stopped_is_never_sent(real_sending):
    from django.core import mail

    pk = queue(7, Status.SENDING, lease_expires_at=timezone.now() - timedelta(seconds=1))
    services.forget_registration(7)
    report = services.deliver_due()  # the claim ran out: another worker takes it over
    assert (report.sent, report.failed) == (0, 1)
    assert mail.outbox == []
    message = OutboxMessage.objects.get(pk=pk)
    assert message.status == Status.FAILED and message.recipient == ""


def test_forgetting_twice_or_without_messages_changes_nothing(no_worker):
    services.forget_registration(99)
    pk = queue(7, Status.SENT)
    services.forget_registration(7)
    services.forget_registration(7)
    assert OutboxMessage.objects.get(pk=pk).status == Status.SENT
