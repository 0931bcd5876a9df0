"""Webhooks: a project's owners subscribe a URL to some of its events; every delivery is a
``WebhookMessage`` row written in the transaction that causes it and delivered afterwards by
the task worker (``services.deliver_due``), signed as the Standard Webhooks specification says.

The project is a foreign key given as a string: this app sits below ``projects`` and imports
no app but ``core``, ``audit`` and ``messaging`` (docs/architecture.md)."""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A signing secret in the Standard Webhooks format: ``whsec_`` + base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id() -> str:
    return f"msg_{secrets.token_urlsafe(18)}"


class WebhookEndpoint(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="webhook_endpoints",
        verbose_name=_("project"),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    personal_data = models.BooleanField(
        _("with personal data"), default=False,
        help_text=_("Payloads carry names and e-mail addresses; otherwise only ids, status "
                    "and sessions."),
    )
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "active"], name="webhook_endpoint_project")]

    def __str__(self) -> str:
        return self.url


class WebhookMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    # Sent as ``webhook-id``: the same on every retry and replay, so receivers deduplicate.
    message_id = models.CharField(
        _("webhook id"), max_length=40, unique=True, default=new_message_id, editable=False
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="messages",
        verbose_name=_("endpoint"),
    )
    event_type = models.CharField(_("event type"), max_length=60)
    # What every subscriber may get (ids, status, sessions, counts)…
    data = models.JSONField(_("data"), default=dict)
    # …and the personal fields, kept apart so that erasure empties them alone (only written
    # for endpoints that asked for personal data).
    personal = models.JSONField(_("personal data"), default=dict)
    # The registration whose personal data ``personal`` holds (a plain id: erasure finds it).
    registration_id = models.PositiveBigIntegerField(
        _("registration"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # While "sending": the claim runs out then; the value also identifies the claim.
    lease_until = models.DateTimeField(_("claim expires at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    purged = models.BooleanField(_("payload purged"), default=False)

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due"),
            models.Index(fields=["status", "lease_until"], name="webhook_lease"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_endpoint_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"


class WebhookAttempt(models.Model):
    message = models.ForeignKey(
        WebhookMessage, on_delete=models.CASCADE, related_name="attempt_log",
        verbose_name=_("message"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=1024, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration in ms"), default=0)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.http_status or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300
