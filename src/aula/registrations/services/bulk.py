"""One action on many registrants at once: cancel, move to a session, send their e-mail again.

One transaction per person, each the single action it stands for (``cancel``,
``switch_session``, ``resend_confirmation``) with its own audit entry (``via="bulk"``), never
one transaction for the batch: each person's change is whole on its own (their e-mail is written
with it), a refusal for one (the session filled up, someone cancelled meanwhile) need not undo
the others and is reported by name, and the event's counter lock is held for one person at a
time, so public registrations are never queued behind a batch of hundreds.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aula.core.errors import ActionRefused
from aula.events.models import AgendaBlock, Event
from aula.registrations.models import Registration
from aula.registrations.services.capacity import cancel, switch_session
from aula.registrations.services.confirmation import resend_confirmation

# A batch runs in the request that asked for it: beyond this, the organiser narrows the filter.
BULK_LIMIT = 500
VIA = "bulk"


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # registration id → why


def _each(event: Event, registration_ids: Iterable[int], act: Callable) -> BulkResult:
    """``act(registration)`` for the event's registrations among ``registration_ids``, oldest
    first (who gets the last places of a session is then predictable)."""
    ids = sorted(set(registration_ids))
    if len(ids) > BULK_LIMIT:
        raise ActionRefused(_("At most %(limit)d registrants at once: narrow the filter.")
                            % {"limit": BULK_LIMIT})
    registrations = Registration.objects.filter(
        event_id=event.pk, pk__in=ids
    ).select_related("event", "event__project").order_by("created_at", "id")
    result = BulkResult()
    for registration in registrations:
        try:
            act(registration)
        except ActionRefused as refusal:
            result.refused[registration.pk] = str(refusal.message)
        else:
            result.done.append(registration.pk)
    return result


def _not_erased(registration: Registration) -> None:
    if registration.anonymised_at:
        raise ActionRefused(_("This registration has been erased."))


def bulk_cancel(event: Event, registration_ids: Iterable[int], *, actor) -> BulkResult:
    """Cancel each (their places go to the waiting list as one cancellation would)."""

    def act(registration):
        if registration.status == Registration.Status.CANCELLED:
            raise ActionRefused(_("Cancelled already."))
        cancel(registration, actor=actor, via=VIA)

    return _each(event, registration_ids, act)


def bulk_move(
    event: Event, registration_ids: Iterable[int], block: AgendaBlock, *, actor,
    over_capacity: bool = False,
) -> BulkResult:
    """Move each into ``block`` (a parallel session), as many as it has room for unless the
    organiser knowingly goes over (``over_capacity``)."""

    def act(registration):
        _not_erased(registration)
        if registration.session_choices.filter(block_id=block.pk).exists():
            raise ActionRefused(_("Already in this session."))
        switch_session(registration, block, actor=actor, via=VIA, over_capacity=over_capacity)

    return _each(event, registration_ids, act)


def bulk_resend(event: Event, registration_ids: Iterable[int], *, actor) -> BulkResult:
    """Send each the e-mail that says where they stand."""

    def act(registration):
        resend_confirmation(registration, actor=actor, via=VIA)

    return _each(event, registration_ids, act)
