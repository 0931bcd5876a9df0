"""What registrations tell the project's webhooks (``aula.webhooks.services.emit``): one call
per change, inside its transaction. Everyone subscribed gets the ids, status and sessions;
names and the address only the endpoints that asked for personal data (kept apart, so that
erasure empties them: ``personal.anonymise`` calls ``webhooks.forget_registration``).

Nothing is read from the database unless an endpoint of the project listens."""

from aula.webhooks import services as webhooks


def _data(registration, blocks) -> dict:
    if blocks is None:
        sessions = list(registration.session_choices.values_list("block_id", flat=True))
    else:
        sessions = [block.pk for block in blocks]
    return {
        "registration_id": registration.pk,
        "event_id": registration.event_id,
        "status": registration.status,
        "sessions": sorted(sessions),
        "registered_at": registration.created_at,
        "confirmed_at": registration.confirmed_at,
        "cancelled_at": registration.cancelled_at,
    }


def _personal(registration) -> dict:
    return {
        "first_name": registration.first_name,
        "family_name": registration.family_name,
        "email": registration.email,
        "organisation": registration.organisation,
        "job_title": registration.job_title,
        "language": registration.language,
    }


def tell(event_type: str, registration, project_id: int, *, blocks=None) -> None:
    """Emit ``event_type`` about ``registration`` (in the caller's transaction). ``blocks``:
    its sessions when the caller has them (else read only if someone listens)."""
    webhooks.emit(
        project_id, event_type, lambda: _data(registration, blocks),
        personal=lambda: _personal(registration), registration_id=registration.pk,
    )
