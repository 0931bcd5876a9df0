"""A message from the organiser to a group of an event's registrants (a "campaign")."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aula.core.fields import TranslatedTextField
from aula.core.translation import localize


class Campaign(models.Model):
    """An e-mail the organiser writes to a group of an event's registrants: one outbox message
    per recipient, each carrying this campaign's id (``OutboxMessage.campaign_id``, a plain id:
    the outbox knows no campaigns), so its delivery can be followed. The texts are per
    language; registrants whose language has none get the event's primary language."""

    class Group(models.TextChoices):
        ALL = "all", _("Everyone registered (not cancelled)")
        CONFIRMED = "confirmed", pgettext_lazy("number of people", "Confirmed")
        WAITING = "waiting", _("On the waiting list")
        SESSION = "session", _("One parallel session")
        ATTENDED = "attended", pgettext_lazy("number of people", "Attended")
        ABSENT = "absent", _("Confirmed but did not attend")
        CHOSEN = "chosen", _("Chosen registrants")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
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
    # The registrations chosen in the registrants table (group CHOSEN): ids, read again at
    # sending time, when only those of this event, not cancelled and not erased, get it.
    chosen_ids = models.JSONField(_("chosen registrants"), default=list, blank=True)
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
    # When the scheduler's tick sends a scheduled message (status SCHEDULED); kept once sent.
    scheduled_for = models.DateTimeField(_("to be sent at"), null=True, blank=True)
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
