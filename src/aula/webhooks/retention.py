"""Webhook payloads are not kept for ever: ``AULA_RETENTION_WEBHOOK_DAYS`` (default 30) after a
message was written, once delivered or given up, its data, personal fields and the receiver's
answers in its log are emptied (the log keeps times, statuses and errors). A purged message
can no longer be replayed. Run hourly by the scheduler's tick (``WebhooksConfig.ready``)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aula.webhooks.models import WebhookAttempt, WebhookMessage

WEBHOOK_DAYS = 30
BATCH_SIZE = 1000


def webhook_days() -> int:
    return int(getattr(settings, "AULA_RETENTION_WEBHOOK_DAYS", WEBHOOK_DAYS))


def purge_old_payloads(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=webhook_days())
    due = WebhookMessage.objects.filter(
        status__in=[WebhookMessage.Status.DELIVERED, WebhookMessage.Status.FAILED],
        created_at__lt=cutoff, purged=False,
    )
    purged = 0
    while True:
        ids = list(due.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return purged
        with transaction.atomic():
            WebhookAttempt.objects.filter(message_id__in=ids).update(response_excerpt="")
            purged += WebhookMessage.objects.filter(pk__in=ids).update(
                data={}, personal={}, purged=True)
