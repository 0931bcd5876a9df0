"""Writes for certificates: the event's rule, issuing, reissuing and revoking them.

* **Issuing** gives a certificate to every eligible registrant who has none and freezes on it
  what it says (``freeze``): the name, the event's title in the certificate's language, its
  dates, format and place, the minutes, the project and host. Issuing again adds the newly
  eligible and leaves issued certificates as they are.
* **Reissuing** is an explicit action (one certificate, or all of an event's): it writes the
  record again from the registration and the event as they are now. The verification code stays
  the same: it is already printed on the PDF the person holds and perhaps handed on, and the
  verification page then shows the current record and says when it was reissued, so a stale
  copy is recognisable instead of silently orphaned. Revoking is what withdraws a certificate.
* **Revoking**: cancelling an event revokes its certificates, in the cancellation's transaction
  (``revoke_for_cancelled_event``, connected to ``events.services.event_cancelled``).

Issuing and reissuing are refused unless the event's life cycle allows certificates now
(``events.lifecycle.after_seminar_refusal``). Each action takes ``actor`` and is audited.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.certificates import queries
from aula.certificates.models import Certificate, CertificateRule
from aula.core.errors import ActionRefused
from aula.core.translation import localize
from aula.events.lifecycle import require_after_seminar
from aula.events.models import Event
from aula.registrations import display
from aula.registrations.models import FollowUp, Registration
from aula.registrations.services import followups

RULE_SAVED = audit.action("certificates.rule_saved", gettext_lazy("Saved the certificate rule"))
ISSUED = audit.action("certificates.issued", gettext_lazy("Issued certificates"))
REISSUED = audit.action("certificates.reissued", gettext_lazy("Reissued a certificate"))
REISSUED_ALL = audit.action("certificates.reissued_all",
                            gettext_lazy("Reissued every certificate of the event"))
REVOKED = audit.action("certificates.revoked", gettext_lazy("Revoked certificates"))

RULE_FIELDS = ("minimum_minutes", "allow_unknown_duration")
# The fields of the frozen record (what a reissue may change).
RECORD_FIELDS = (
    "holder_name", "language", "event_title", "event_title_language", "event_starts_at",
    "event_ends_at", "event_time_zone", "event_format", "event_location", "project_name",
    "project_code", "programme", "project_title", "project_title_language", "host", "minutes",
    "logo_set",
)
PERSONAL_FIELDS = ("holder_name",)


def _locked_event(event: Event) -> Event:
    locked = Event.objects.select_for_update(of=("self",)).select_related(
        "project", "host_partner"
    ).get(pk=event.pk)
    require_after_seminar(locked)
    return locked


@transaction.atomic
def save_rule(event: Event, *, actor, minimum_minutes: int,
              allow_unknown_duration: bool) -> CertificateRule:
    rule, _created = CertificateRule.objects.select_for_update().get_or_create(event=event)
    before = audit.snapshot(rule, RULE_FIELDS)
    rule.minimum_minutes = minimum_minutes
    rule.allow_unknown_duration = allow_unknown_duration
    rule.full_clean()
    rule.save()
    audit.record(actor, RULE_SAVED, rule, event=event,
                 changes=audit.changes_between(before, audit.snapshot(rule, RULE_FIELDS)))
    return rule


def freeze(certificate: Certificate, registration: Registration, event: Event,
           minutes: int | None) -> Certificate:
    """Write on ``certificate`` what it says, from the registration and the event as they are
    now, in the registrant's language (falling back to the event's primary language)."""
    language = registration.language or event.primary_language
    project, host = event.project, event.host_partner
    title = localize(event.title, language, event.primary_language)
    project_title = localize(project.full_title, language, project.primary_language)
    certificate.holder_name = registration.full_name[:300]
    certificate.language = language
    certificate.event_title, certificate.event_title_language = title.text[:300], title.lang
    certificate.event_starts_at, certificate.event_ends_at = event.starts_at, event.ends_at
    certificate.event_time_zone = event.time_zone
    certificate.event_format = event.format
    certificate.event_location = localize(
        event.location, language, event.primary_language
    ).text[:300]
    certificate.project_name, certificate.project_code = project.name, project.code
    certificate.programme = project.programme
    certificate.project_title = (project_title.text or "")[:500]
    certificate.project_title_language = project_title.lang or ""
    certificate.host = f"{host.organisation}, {host.city}"[:300] if host else ""
    certificate.logo_set = project.logo_set.name or ""
    certificate.minutes = minutes
    return certificate


@dataclass(frozen=True, slots=True)
class Issued:
    created: int
    unchanged: int


def issue_all(event: Event, *, actor, now: datetime | None = None) -> Issued:
    """A certificate for every eligible registrant of the event who has none yet; issued ones
    stay as they are (reissuing is its own action)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(event)
        eligible = queries.eligible(event)
        existing = set(
            Certificate.objects.filter(registration_id__in=list(eligible))
            .values_list("registration_id", flat=True)
        )
        registrations = Registration.objects.filter(
            pk__in=[pk for pk in eligible if pk not in existing]
        )
        new = [
            freeze(Certificate(registration=registration, event=event, issued_at=now,
                               updated_at=now),
                   registration, event, eligible[registration.pk])
            for registration in registrations
        ]
        # ignore_conflicts: a certificate issued meanwhile by a concurrent run stays as it is.
        Certificate.objects.bulk_create(new, ignore_conflicts=True)
        issued = Issued(created=len(new), unchanged=len(existing))
        audit.record(actor, ISSUED, event, data={
            "created": issued.created, "unchanged": issued.unchanged,
            "registrations": sorted(c.registration_id for c in new),
        })
        # "Your certificate is ready", when the organiser switched it on: in this transaction.
        send_certificate_notices(event)
    return issued


def _certificate_link(registration: Registration) -> str:
    with translation.override(registration.language):
        return display.absolute(reverse("certificates:mine", kwargs={"token": registration.token}))


def send_certificate_notices(event: Event) -> int:
    """Tell the holders of the event's (unrevoked) certificates that theirs is ready, once
    each, if the organiser switched it on (``registrations.services.followups``)."""
    holders = Registration.objects.filter(
        certificate__event=event, certificate__revoked_at__isnull=True,
    ).order_by("id")
    return followups.send_follow_up(event, FollowUp.CERTIFICATE, holders, _certificate_link)


def send_due_certificate_notices() -> int:
    """The scheduler's tick: certificates issued before the follow-up was switched on."""
    return sum(
        send_certificate_notices(event) for event in followups.events_due(FollowUp.CERTIFICATE)
    )


def _reissue(certificate: Certificate, event: Event, present: dict, now) -> dict:
    registration = certificate.registration
    before = audit.snapshot(certificate, RECORD_FIELDS)
    minutes = present.get(registration.pk, certificate.minutes)
    freeze(certificate, registration, event, minutes)
    certificate.reissued_at = certificate.updated_at = now
    certificate.save(update_fields=[*RECORD_FIELDS, "reissued_at", "updated_at"])
    return audit.changes_between(before, audit.snapshot(certificate, RECORD_FIELDS),
                                 personal=PERSONAL_FIELDS)


def _reissuable(event: Event):
    return Certificate.objects.select_for_update().select_related("registration").filter(
        event=event, revoked_at__isnull=True, registration__anonymised_at__isnull=True
    )


def reissue(certificate: Certificate, *, actor, now: datetime | None = None) -> Certificate:
    """Write the certificate's record again from the registration and the event as they are
    now (minutes from the current attendance list when the person is on it). Same code."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(certificate.event)
        found = _reissuable(event).filter(pk=certificate.pk).first()
        if found is None:
            raise ActionRefused(_("This certificate was revoked or withdrawn: it cannot be "
                                  "reissued."))
        certificate = found
        present = queries.attendees(event, [certificate.registration_id])
        changes = _reissue(certificate, event, present, now)
        audit.record(actor, REISSUED, certificate, event=event, changes=changes)
    return certificate


def reissue_all(event: Event, *, actor, now: datetime | None = None) -> int:
    """Reissue every (not revoked) certificate of the event; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(event)
        present = queries.attendees(event)
        certificates = list(_reissuable(event))
        changed = sum(1 for c in certificates if _reissue(c, event, present, now))
        audit.record(actor, REISSUED_ALL, event, data={
            "reissued": len(certificates), "changed": changed,
        })
    return len(certificates)


def revoke_for_cancelled_event(event: Event, *, actor=None,
                               now: datetime | None = None) -> int:
    """Revoke every certificate of a cancelled event. Runs inside the cancellation's
    transaction (the signal is sent there), so both happen or neither; by Aula (actor None)."""
    now = now or timezone.now()
    with transaction.atomic():
        revoked = Certificate.objects.filter(event=event, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=Certificate.Revocation.EVENT_CANCELLED,
            updated_at=now,
        )
        if revoked:
            audit.record(actor, REVOKED, event, data={
                "revoked": revoked, "reason": Certificate.Revocation.EVENT_CANCELLED,
            })
    return revoked


def on_event_cancelled(sender, event: Event, **kwargs) -> None:
    revoke_for_cancelled_event(event)


def download_for_organiser(certificate: Certificate, *, actor) -> bytes:
    """The PDF of a certificate downloaded by an organiser: personal data, so recorded. A
    revoked certificate has no PDF any more."""
    from aula.certificates.document import certificate_pdf

    if certificate.revoked_at:
        raise ActionRefused(_("This certificate was revoked: it has no PDF any more."))
    audit.record_download(actor, "certificate", event=certificate.event,
                          data={"certificate": certificate.pk, "code": certificate.code})
    return certificate_pdf(certificate)


def forget_registration(registration: Registration) -> int:
    """On erasure: the name frozen on the certificate goes too (it no longer verifies)."""
    return Certificate.objects.filter(registration=registration).update(holder_name="")
