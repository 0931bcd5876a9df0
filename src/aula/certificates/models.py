"""Certificates of attendance: the event's rule for who gets one, and one certificate per
registration with a code anybody can verify."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from aula.events.models import Event
from aula.registrations.models import Registration

# No 0/O, 1/I/L: codes are read off paper and typed in.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4


def new_code() -> str:
    """'7KQM-R2XD-94HT': 60 random bits in three groups."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


class CertificateRule(models.Model):
    """Who of an event's registrants gets a certificate. Events without a row use the defaults."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="certificate_rule", verbose_name=_("event")
    )
    minimum_minutes = models.PositiveIntegerField(
        _("minimum minutes attended"), default=60,
        help_text=_("Confirmed registrants who attended at least this long get a certificate."),
    )
    allow_unknown_duration = models.BooleanField(
        _("count presence without a known duration"), default=False,
        help_text=_("Also certify people known to be present (a join-link click, a mark by "
                    "hand) whose minutes are not known."),
    )

    class Meta:
        verbose_name = _("certificate rule")
        verbose_name_plural = _("certificate rules")

    def __str__(self) -> str:
        return str(self.event)

    @classmethod
    def for_event(cls, event: Event) -> "CertificateRule":
        """The event's rule; unsaved defaults when the organiser never set one."""
        rule = cls.objects.filter(event=event).first()
        return rule if rule is not None else cls(event=event)


class Certificate(models.Model):
    """A certificate of attendance: a frozen record of what it says, written when it is issued
    (and again only when the organiser reissues it). The PDF and the verification page render
    from this record, never from the event as it is now: editing or moving the event later does
    not change a certificate already issued.

    A cancelled event revokes its certificates (``revoked_at``); erasing the registrant's data
    withdraws theirs (the name is blanked and it no longer verifies)."""

    class Revocation(models.TextChoices):
        EVENT_CANCELLED = "event_cancelled", _("The event was cancelled.")

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate",
        verbose_name=_("registration"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("event")
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True, default=new_code,
                            editable=False)
    minutes = models.PositiveIntegerField(_("minutes attended"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    updated_at = models.DateTimeField(_("updated at"))
    # What the certificate says, as issued.
    holder_name = models.CharField(_("name on the certificate"), max_length=300, blank=True)
    language = models.CharField(_("language of the certificate"), max_length=8, blank=True)
    event_title = models.CharField(_("event's title"), max_length=300, blank=True)
    event_title_language = models.CharField(max_length=8, blank=True)
    event_starts_at = models.DateTimeField(_("event's start"), null=True, blank=True)
    event_ends_at = models.DateTimeField(_("event's end"), null=True, blank=True)
    event_time_zone = models.CharField(_("event's time zone"), max_length=64, blank=True)
    event_format = models.CharField(_("event's format"), max_length=16, blank=True,
                                    choices=Event.Format.choices)
    event_location = models.CharField(_("event's location"), max_length=300, blank=True)
    project_name = models.CharField(_("project"), max_length=200, blank=True)
    project_code = models.CharField(_("project code"), max_length=50, blank=True)
    programme = models.CharField(_("funding programme"), max_length=200, blank=True)
    project_title = models.CharField(_("project's full title"), max_length=500, blank=True)
    project_title_language = models.CharField(max_length=8, blank=True)
    # The project's logo set file (its stored name) as at issue: a new logo set shows only on
    # reissued certificates.
    logo_set = models.CharField(_("logo set file"), max_length=200, blank=True)
    host = models.CharField(_("hosting partner"), max_length=300, blank=True)
    reissued_at = models.DateTimeField(_("reissued at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("why it was revoked"), max_length=32, blank=True,
                                      choices=Revocation.choices)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["issued_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_reason="")
                | (models.Q(revoked_at__isnull=False) & ~models.Q(revoked_reason="")),
                name="certificate_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
