"""Reads for certificates: who is eligible, the console's list and the public verification."""

from dataclasses import dataclass

from aula.attendance.queries import attendees
from aula.certificates.models import Certificate, CertificateRule
from aula.events.models import Event
from aula.registrations.models import Registration


def eligible(event: Event, rule: CertificateRule | None = None) -> dict[int, int | None]:
    """Registration id → minutes attended, for every confirmed registrant who attended long
    enough: at least the rule's minimum, or present without a known duration when the rule
    allows it. Erased registrations never qualify."""
    rule = rule or CertificateRule.for_event(event)
    present = attendees(event)
    if not present:
        return {}
    confirmed = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED, anonymised_at__isnull=True,
        pk__in=list(present),
    ).values_list("pk", flat=True)
    result = {}
    for registration_id in confirmed:
        minutes = present[registration_id]
        if minutes is None:
            if rule.allow_unknown_duration:
                result[registration_id] = None
        elif minutes >= rule.minimum_minutes:
            result[registration_id] = minutes
    return result


def for_console(event: Event) -> list[Certificate]:
    """The event's certificates with their registrants, in order of issue (one query)."""
    certificates = list(
        Certificate.objects.filter(event=event, registration__anonymised_at__isnull=True)
        .select_related("registration")
        .order_by("registration__family_name", "registration__first_name", "id")
    )
    for certificate in certificates:
        certificate.event = event
        certificate.registration.event = event
    return certificates


def in_event(event: Event, certificate_id: int, *, revoked: bool = False) -> Certificate | None:
    """One certificate of the event; a revoked one only when asked for (its PDF is not
    offered any more)."""
    found = Certificate.objects.select_related("registration").filter(
        event=event, pk=certificate_id, registration__anonymised_at__isnull=True
    )
    if not revoked:
        found = found.filter(revoked_at__isnull=True)
    certificate = found.first()
    if certificate is not None:
        certificate.event = certificate.registration.event = event
    return certificate


def _with_everything():
    return Certificate.objects.select_related(
        "registration", "event", "event__project", "event__host_partner"
    ).filter(registration__anonymised_at__isnull=True)


def _joined(certificate: Certificate | None) -> Certificate | None:
    if certificate is not None:
        certificate.registration.event = certificate.event
    return certificate


def by_code(code: str) -> Certificate | None:
    """The certificate with this verification code (typed in any case), or None. A revoked
    certificate is found (the page says it was revoked, and since when)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        return None
    return _joined(_with_everything().filter(code=code).first())


def of_registration(registration) -> Certificate | None:
    """The registrant's own certificate to download; None once it is revoked."""
    return _joined(
        _with_everything().filter(registration=registration, revoked_at__isnull=True).first()
    )


def has_certificate(registration) -> bool:
    """Whether the registrant has a certificate to download (one query): not when erased, not
    once revoked."""
    if registration is None or registration.anonymised_at:
        return False
    return Certificate.objects.filter(registration=registration, revoked_at__isnull=True).exists()


@dataclass(frozen=True, slots=True)
class Summary:
    eligible: int
    issued: int
    revoked: int


def summary(event: Event, certificates: list[Certificate], rule: CertificateRule) -> Summary:
    revoked = sum(1 for c in certificates if c.revoked_at)
    return Summary(eligible=len(eligible(event, rule)), issued=len(certificates) - revoked,
                   revoked=revoked)
