"""Follow-ups after the event: e-mails the organiser switches on per event (an invitation to
the survey, "your certificate is ready", "the materials are online"). The apps that know when
one is due (feedback, certificates, materials) call ``send_follow_up`` with whom and which link;
this module keeps the rules every follow-up shares:

* only for a held event (never a draft, a published, a closed or a cancelled one);
* only when the organiser switched it on for the event;
* at most once per registrant and kind, whoever tries (ticks overlapping, an action and a
  tick): the switch row is locked while sending and ``FollowUpSent`` is unique per pair;
* through the outbox, in the transaction that records it.
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.events.models import Event
from aula.registrations import emails
from aula.registrations.models import FollowUp, FollowUpSent, FollowUpSwitch, Registration

SWITCHED = audit.action("follow_ups.switched", _("Switched the e-mails after the event"))


def switched_on(event: Event) -> set[str]:
    return set(FollowUpSwitch.objects.filter(event=event).values_list("kind", flat=True))


def set_follow_ups(event: Event, *, actor, kinds: Iterable[str]) -> set[str]:
    """Switch on exactly ``kinds`` for ``event`` (the others off). Refused for a cancelled
    event, which sends nothing after it."""
    wanted = set(kinds)
    if not wanted <= set(FollowUp.values):
        raise ActionRefused(gettext("There is no such e-mail after the event."))
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED and wanted:
            raise ActionRefused(gettext("The event is cancelled: no e-mails go out after it."))
        before = switched_on(event)
        if before == wanted:
            return wanted
        FollowUpSwitch.objects.filter(event=event).exclude(kind__in=wanted).delete()
        FollowUpSwitch.objects.bulk_create(
            [FollowUpSwitch(event=event, kind=kind) for kind in sorted(wanted - before)]
        )
        audit.record(actor, SWITCHED, event, changes={
            kind: [kind in before, kind in wanted]
            for kind in FollowUp.values if (kind in before) != (kind in wanted)
        })
    return wanted


def events_due(kind: str):
    """Held events with follow-up ``kind`` switched on."""
    return Event.objects.filter(
        status=Event.Status.HELD, follow_ups__kind=kind
    ).select_related("project").order_by("id")


def send_follow_up(
    event: Event, kind: str, registrations: Iterable[Registration],
    link: Callable[[Registration], str],
) -> int:
    """Queue follow-up ``kind`` to each of ``registrations`` (of ``event``) who has not had it,
    with ``link(registration)`` as its link. Nothing unless the event is held and the organiser
    switched it on. Inside the caller's transaction, or its own. Returns how many were queued."""
    with transaction.atomic():
        switch = FollowUpSwitch.objects.select_for_update().filter(
            event_id=event.pk, kind=kind
        ).first()
        if switch is None or not Event.objects.filter(
            pk=event.pk, status=Event.Status.HELD
        ).exists():
            return 0
        candidates = [r for r in registrations if r.anonymised_at is None]
        done = set(FollowUpSent.objects.filter(
            kind=kind, registration_id__in=[r.pk for r in candidates]
        ).values_list("registration_id", flat=True))
        todo = [r for r in candidates if r.pk not in done]
        if not todo:
            return 0
        FollowUpSent.objects.bulk_create(
            [FollowUpSent(registration=r, kind=kind) for r in todo]
        )
        prepared = []
        for registration in todo:
            registration.event = event
            prepared.append((emails.prepare(
                f"followup_{kind}", registration, event, link=link(registration)
            ), registration))
        emails.send_many(prepared, event)
    return len(todo)
