"""The outbox: every e-mail Aula sends is a row here first, written in the transaction that
causes it, and delivered afterwards by the task worker (``services.deliver_due``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.EmailField(_("recipient"), max_length=254, db_index=True)
    reply_to = models.EmailField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=40, help_text=_("e.g. confirmation, reminder")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    event = models.ForeignKey(
        "events.Event", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="outbox_messages", verbose_name=_("event"),
    )
    # Plain ids, not foreign keys: messaging must not depend on the apps that write e-mails.
    # A message to many (the campaigns app's) is written once per registration (see Meta).
    campaign_id = models.PositiveBigIntegerField(
        _("message to registrants"), null=True, blank=True, db_index=True
    )
    registration_id = models.PositiveBigIntegerField(
        _("registration"), null=True, blank=True, db_index=True
    )
    # Sent as the Message-ID header, so a message sent twice (worker killed between sending
    # and marking) is recognisable as one message by the receiving side.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # While status is "sending": the claim runs out at this moment and another worker may take
    # the message over. The value also identifies the claim (see services._claim).
    lease_expires_at = models.DateTimeField(_("claim expires at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # An e-mail written "to render": subject and bodies are empty until the delivery worker
    # renders them from stored state just before the first send (``services.render_later``);
    # then they are stored here like any other message's and this is cleared. Holds the name
    # of the renderer an app registered and that renderer's arguments (JSON).
    to_render = models.JSONField(_("to render"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The two halves of the delivery query: due queued messages, expired claims.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_expires_at"], name="outbox_lease"),
        ]
        constraints = [
            # A campaign writes to each registration once, however often its task runs.
            models.UniqueConstraint(
                fields=["campaign_id", "registration_id"], name="outbox_campaign_once",
                condition=models.Q(campaign_id__isnull=False, registration_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class OutboxAttachment(models.Model):
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("e-mail"),
    )
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
