"""The record of what organisers (and Aula itself) changed or downloaded.

An entry is written by ``aula.audit.services.record`` in the transaction of the change it
describes, so a change that rolls back leaves no entry and no committed change lacks one. Entries
are never edited: ``save()`` of an existing entry, ``delete()`` and a bulk ``delete()`` raise
``EntryIsFinal`` (the admin is read-only too). They name the project and event by id, not by
foreign key: the record of a deleted event must outlive it. Personal data is referred to (a
registration's id), never copied, and registrations get no label: erasing a registrant's data
never has to touch the log.

Retention: entries are kept for as long as the project's records must be kept (the funding
programme's audit period). Deciding and enforcing that period is not this module's job; a
retention job would remove old entries with ``AuditEntry.objects.expire_before(moment)``, the
one way out of the log.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryIsFinal(RuntimeError):
    """An audit entry is written once and never changed or deleted through the app."""


class AuditEntryQuerySet(models.QuerySet):
    def delete(self):
        raise EntryIsFinal("audit entries are never deleted")

    delete.queryset_only = True

    def expire_before(self, moment) -> int:
        """Remove the entries older than ``moment`` (for a retention job only); returns how many
        went."""
        doomed = self.model.objects.filter(at__lt=moment)
        return doomed._raw_delete(doomed.db)


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("who"),
    )
    # The organiser's user name at the time (accounts can be renamed or removed); empty when
    # Aula acted by itself (the scheduler) or a registrant did.
    actor_name = models.CharField(_("who (name then)"), max_length=150, blank=True)
    # "api-token:<id>" and the like, for actions that were not a person in the console.
    via = models.CharField(_("through"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    project_id = models.IntegerField(_("project"), null=True, blank=True)
    event_id = models.IntegerField(_("event"), null=True, blank=True)
    target_type = models.CharField(_("kind of object"), max_length=60, blank=True)
    target_id = models.CharField(_("object"), max_length=64, blank=True)
    target_label = models.CharField(_("object (name then)"), max_length=300, blank=True)
    # {"field": [before, after]}; personal fields as {"field": ["changed"]}.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["project_id", "-at"], name="audit_project_at"),
            models.Index(fields=["event_id", "-at"], name="audit_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise EntryIsFinal("audit entries are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EntryIsFinal("audit entries are never deleted")
