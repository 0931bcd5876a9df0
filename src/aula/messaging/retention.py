"""Sent e-mails are not kept whole for ever: after ``AULA_RETENTION_OUTBOX_DAYS`` (default 90)
a sent or finally failed message keeps only what counts and the campaign log need (kind,
status, language, event, campaign, registration id, timestamps); its address, subject, body,
error and attachments go. Run by the scheduler's tick (``MessagingConfig.ready``)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from aula.messaging.models import OutboxAttachment, OutboxMessage

OUTBOX_DAYS = 90
BATCH_SIZE = 1000


def outbox_days() -> int:
    return int(getattr(settings, "AULA_RETENTION_OUTBOX_DAYS", OUTBOX_DAYS))


def purge_old_messages(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> int:
    """Empty the personal parts of messages finished more than the period ago, batch by batch
    (each its own transaction; a second run at once finds them empty already)."""
    cutoff = (now or timezone.now()) - timedelta(days=outbox_days())
    due = (
        OutboxMessage.objects.filter(
            status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED]
        )
        .alias(finished=Coalesce("sent_at", "created_at"))
        .filter(finished__lt=cutoff)
        .filter(~Q(recipient="") | ~Q(text_body="") | ~Q(html_body="") | ~Q(subject=""))
    )
    purged = 0
    while True:
        ids = list(due.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return purged
        with transaction.atomic():
            OutboxAttachment.objects.filter(message_id__in=ids).delete()
            purged += OutboxMessage.objects.filter(pk__in=ids).update(
                recipient="", reply_to="", subject="", text_body="", html_body="", last_error=""
            )
