"""Writes for certificates: the event's rule and issuing them.

Issuing is idempotent: a registrant has at most one certificate, whose code never changes;
issuing again adds the newly eligible and brings the minutes of the others up to date.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from aula.certificates import queries
from aula.certificates.models import Certificate, CertificateRule
from aula.events.models import Event


@transaction.atomic
def save_rule(event: Event, *, minimum_minutes: int,
              allow_unknown_duration: bool) -> CertificateRule:
    rule, _created = CertificateRule.objects.get_or_create(event=event)
    rule.minimum_minutes = minimum_minutes
    rule.allow_unknown_duration = allow_unknown_duration
    rule.full_clean()
    rule.save()
    return rule


@dataclass(frozen=True, slots=True)
class Issued:
    created: int
    updated: int
    unchanged: int


def issue_all(event: Event, *, now: datetime | None = None) -> Issued:
    """A certificate for every eligible registrant of the event."""
    now = now or timezone.now()
    eligible = queries.eligible(event)
    with transaction.atomic():
        existing = {
            certificate.registration_id: certificate
            for certificate in Certificate.objects.select_for_update().filter(
                registration_id__in=list(eligible)
            )
        }
        changed = []
        for registration_id, certificate in existing.items():
            if certificate.minutes != eligible[registration_id]:
                certificate.minutes = eligible[registration_id]
                certificate.updated_at = now
                changed.append(certificate)
        Certificate.objects.bulk_update(changed, ["minutes", "updated_at"])
        new = [
            Certificate(registration_id=registration_id, event=event, minutes=minutes,
                        issued_at=now, updated_at=now)
            for registration_id, minutes in eligible.items()
            if registration_id not in existing
        ]
        # ignore_conflicts: a certificate issued meanwhile by a concurrent run stays as it is.
        Certificate.objects.bulk_create(new, ignore_conflicts=True)
    return Issued(
        created=len(new), updated=len(changed), unchanged=len(existing) - len(changed)
    )
