"""What the reports keep of themselves: the counts of distinct organisations of an event whose
registrants' personal data was erased at the end of its retention period (the organisations'
names went with it, so they cannot be counted afresh)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.events.models import Event


class OrganisationCounts(models.Model):
    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="organisation_counts",
        verbose_name=_("event"),
    )
    registered = models.PositiveIntegerField(_("organisations registered"))
    # Counted on the attendance list as it was, whatever the event's state: the reports apply
    # the state (a cancelled event counts none) when they read it.
    attending = models.PositiveIntegerField(_("organisations attending"))
    taken_at = models.DateTimeField(_("counted at"), default=timezone.now)

    class Meta:
        verbose_name = _("organisations counted before erasure")
        verbose_name_plural = _("organisations counted before erasure")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.registered}/{self.attending}"
