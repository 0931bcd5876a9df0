"""The outbox: every e-mail Aula sends is a row here first, written in the transaction that
causes it, and delivered afterwards by the task worker (``services.deliver_due``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aula.core.fields import TranslatedTextField
from aula.core.translation import localize


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
    campaign = models.ForeignKey(
        "messaging.Campaign", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="messages", verbose_name=_("message to registrants"),
    )
    # A plain id, not a foreign key: messaging must not depend on the registrations app.
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
                fields=["campaign", "registration_id"], name="outbox_campaign_once",
                condition=models.Q(campaign__isnull=False, registration_id__isnull=False),
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


class Campaign(models.Model):
    """An e-mail the organiser writes to a group of an event's registrants: one outbox message
    per recipient, linked back here (``OutboxMessage.campaign``), so its delivery can be
    followed. The texts are per language; registrants whose language has none get the event's
    primary language."""

    class Group(models.TextChoices):
        ALL = "all", _("Everyone registered (not cancelled)")
        CONFIRMED = "confirmed", pgettext_lazy("number of people", "Confirmed")
        WAITING = "waiting", _("On the waiting list")
        SESSION = "session", _("One parallel session")
        ATTENDED = "attended", pgettext_lazy("number of people", "Attended")
        ABSENT = "absent", _("Confirmed but did not attend")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Being queued")
        QUEUED = "queued", _("Queued")

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="campaigns",
        verbose_name=_("event"),
    )
    group = models.CharField(_("recipients"), max_length=16, choices=Group.choices)
    block = models.ForeignKey(
        "events.AgendaBlock", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("session"),
    )
    subject = TranslatedTextField(_("subject"), max_length=200, blank=False)
    body = TranslatedTextField(_("message"), multiline=True, max_length=20000, blank=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    send_requested_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    queued_at = models.DateTimeField(_("all queued at"), null=True, blank=True)
    # Set when sending starts (the group as it was then), corrected once everything is queued.
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("message to registrants")
        verbose_name_plural = _("messages to registrants")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return localize(self.subject, settings.LANGUAGE_CODE, settings.LANGUAGE_CODE).text
