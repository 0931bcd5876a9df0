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
    """A certificate of attendance. The name on it is read from the registration, so erasing
    the registrant's data also withdraws the certificate."""

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

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return self.code
