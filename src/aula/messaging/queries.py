"""Reads of the outbox: the local mail viewer and what other apps want to know about e-mails."""

from django.conf import settings
from django.db.models import Count, QuerySet

from aula.messaging.models import OutboxAttachment, OutboxMessage

# What a list row shows; the bodies stay in the database.
LIST_FIELDS = ("id", "recipient", "subject", "kind", "language", "status", "created_at", "sent_at",
               "registration_id", "to_render")


def mail_viewer_enabled() -> bool:
    """True when e-mail is kept in the local mail viewer instead of being sent: only where
    ``AULA_MAIL_VIEWER=true`` asks for it (the demo, ``make run``), never merely because no
    ``AULA_EMAIL_URL`` is set (the viewer is open to every visitor)."""
    return bool(getattr(settings, "AULA_MAIL_VIEWER", False))


def viewer_messages(to: str = "") -> QuerySet[OutboxMessage]:
    """Messages for the viewer's list, newest first, optionally only those to one address."""
    messages = OutboxMessage.objects.only(*LIST_FIELDS).annotate(
        attachment_count=Count("attachments")
    ).order_by("-created_at", "-id")
    to = to.strip()
    if to:
        messages = messages.filter(recipient__iexact=to)
    return messages


def viewer_message(pk: int) -> OutboxMessage | None:
    """One message with its attachments' names and sizes (not their content)."""
    message = OutboxMessage.objects.filter(pk=pk).select_related("event").first()
    if message is not None:
        message.attachment_list = list(message.attachments.defer("content"))
    return message


def attachment(message_pk: int, attachment_pk: int) -> OutboxAttachment | None:
    return OutboxAttachment.objects.filter(pk=attachment_pk, message_id=message_pk).first()


def messages_for_registration(registration_id: int) -> QuerySet[OutboxMessage]:
    """E-mails about one registration, newest first (bodies deferred)."""
    return OutboxMessage.objects.filter(registration_id=registration_id).defer(
        "text_body", "html_body"
    )


def status_counts() -> dict[str, int]:
    """Number of messages per status, every status present."""
    counts = dict.fromkeys(OutboxMessage.Status.values, 0)
    for row in OutboxMessage.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts
