"""Announcements of an event: a press release, an e-mail invitation and a social-media post per
language, drafted from the event's data and then edited by the organiser (Markdown)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aula.events.models import Event


class Announcement(models.Model):
    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        INVITATION = "invitation", _("E-mail invitation")
        SOCIAL = "social", _("Social-media post")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="announcements", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(_("text (Markdown)"), max_length=50000)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "language"], name="announcement_unique_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind} {self.language}"
