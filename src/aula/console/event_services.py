"""Writes (and the few reads they need) for the console's event pages.

Every function that changes an event does it in one transaction and, when the event's time,
zone or status changed, ends with ``aula.events.services.record_event_change`` (which raises
the calendar revision and lets registrations e-mail the registrants).
"""

import zoneinfo
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import ngettext

from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person, check_agenda
from aula.events.services import record_event_change
from aula.registrations import services as registration_services
from aula.registrations.models import (
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
    SessionChoice,
)

ACTIVE = [Registration.Status.CONFIRMED, Registration.Status.HELD, Registration.Status.WAITING]


EventActionRefused = ActionRefused


# --- Time -------------------------------------------------------------------------------------


def shift(moment: datetime | None, old_tz, new_tz, delta: timedelta) -> datetime | None:
    """``moment`` moved by ``delta`` of wall-clock time: read in ``old_tz``, written in
    ``new_tz`` (so clock times stay as they were when only the zone or the day changes)."""
    if moment is None:
        return None
    clock = timezone.localtime(moment, old_tz).replace(tzinfo=None) + delta
    return timezone.make_aware(clock, new_tz)


def _clock_delta(old_start: datetime, old_tz, new_start: datetime, new_tz) -> timedelta:
    return (
        timezone.localtime(new_start, new_tz).replace(tzinfo=None)
        - timezone.localtime(old_start, old_tz).replace(tzinfo=None)
    )


# --- Reads ------------------------------------------------------------------------------------


def active_registrations(event: Event) -> int:
    """Registrants who would hear of a change: a place, a held place or on the waiting list."""
    return Registration.objects.filter(
        event=event, status__in=ACTIVE, anonymised_at__isnull=True
    ).count()


def agenda_blocks(event: Event) -> list[AgendaBlock]:
    """The event's blocks with their items and the people of each item (3 queries)."""
    roles = ItemRole.objects.select_related("person")
    items = AgendaItem.objects.prefetch_related(Prefetch("roles", queryset=roles))
    blocks = list(
        AgendaBlock.objects.filter(event=event)
        .annotate(chosen=Count("session_choices"))
        .prefetch_related(Prefetch("items", queryset=items))
    )
    for block in blocks:
        block.event = event
    return blocks


def agenda_problems(event: Event, blocks: list[AgendaBlock] | None = None) -> list[str]:
    if blocks is None:
        blocks = list(AgendaBlock.objects.filter(event=event))
        for block in blocks:
            block.event = event
    return [str(problem) for problem in check_agenda(event, blocks)]


def publish_problems(event: Event) -> list[str]:
    return lifecycle.publish_problems(event)


# --- Events -----------------------------------------------------------------------------------


def free_slug(project, wanted: str, exclude_pk=None) -> str:
    base = (slugify(wanted) or "event")[:70]
    taken = set(
        Event.objects.filter(project=project, slug__startswith=base)
        .exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def create_event(event: Event) -> Event:
    """Save a new event (a draft) built by the console's form."""
    if not event.slug:
        event.slug = free_slug(event.project, event.text("title", event.primary_language).text)
    event.status = Event.Status.DRAFT
    event.full_clean()
    event.save()
    return event


def _move_agenda(event: Event, old_start, old_tz) -> None:
    """Move blocks, items (and the slots registrants chose) as the event's start moved."""
    delta = _clock_delta(old_start, old_tz, event.starts_at, event.tz)
    blocks = list(AgendaBlock.objects.filter(event=event))
    if not blocks:
        return
    # Later slots first when moving later (earlier first when moving earlier), so a registrant's
    # choice never lands, even for a moment, on the slot of another of their choices.
    moving_later = event.starts_at >= old_start
    blocks.sort(key=lambda b: b.starts_at, reverse=moving_later)
    for block in blocks:
        block.starts_at = shift(block.starts_at, old_tz, event.tz, delta)
        block.ends_at = shift(block.ends_at, old_tz, event.tz, delta)
        block.save(update_fields=["starts_at", "ends_at"])
        SessionChoice.objects.filter(block=block).update(slot_starts_at=block.starts_at)
    for item in AgendaItem.objects.filter(block__event=event, starts_at__isnull=False):
        item.starts_at = shift(item.starts_at, old_tz, event.tz, delta)
        item.save(update_fields=["starts_at"])


def update_event(event: Event, changed_fields, *, old: Event, move_agenda: bool) -> Event:
    """Save the console's changes to ``event`` (``old`` is the event as it was). With
    ``move_agenda`` the agenda follows a moved start; the agenda must still fit either way.
    Raises ValidationError (nothing saved) when it does not."""
    changed = set(changed_fields)
    with transaction.atomic():
        event.full_clean()
        # Under the capacity counter's lock: no registration slips in between count and save.
        registration_services.check_event_capacity(event.pk, event.capacity)
        event.save()
        moved = event.starts_at != old.starts_at or event.time_zone != old.time_zone
        if move_agenda and moved:
            _move_agenda(event, old.starts_at, zoneinfo.ZoneInfo(old.time_zone))
        problems = agenda_problems(event)
        if problems:
            raise ValidationError(problems)  # undoes the save and the move
        if event.capacity != old.capacity:
            registration_services.after_event_capacity_changed(event, old.capacity)
        record_event_change(event, changed)
    return event


def publish(event: Event, *, actor) -> None:
    lifecycle.publish(event, actor=actor)


def unpublish(event: Event, *, actor) -> None:
    lifecycle.unpublish(event, actor=actor, active_registrations=active_registrations)


def cancel(event: Event, *, actor, reason: str = "") -> None:
    lifecycle.cancel(event, actor=actor, reason=reason)


# --- Cloning ----------------------------------------------------------------------------------


def _copy(instance, **changes):
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for name, value in changes.items():
        setattr(instance, name, value)
    return instance


@transaction.atomic
def clone_event(source: Event, *, starts_on: date, slug: str = "") -> Event:
    """The next seminar from ``source``: its content, agenda (blocks, items, people in roles),
    registration options, questions and own privacy notice, as a draft starting on
    ``starts_on`` at the same clock time in the event's zone. New address and calendar
    identifier, revision 0, no registrations."""
    tz = source.tz
    delta = timedelta(days=(starts_on - source.local_start.date()).days)

    def moved(moment):
        return shift(moment, tz, tz, delta)

    blocks = list(
        AgendaBlock.objects.filter(event=source)
        .prefetch_related("items__roles")
        .order_by("starts_at", "order", "id")
    )
    options = RegistrationOptions.objects.filter(event=source).first()
    questions = list(Question.objects.filter(event=source).order_by("order", "id"))
    notice = PrivacyNotice.objects.filter(event=source).order_by("-version", "-id").first()

    source_pk = source.pk
    event = Event.objects.get(pk=source_pk)
    _copy(
        event, slug=slug or free_slug(source.project, f"{source.slug}-{starts_on.isoformat()}"),
        uid=Event._meta.get_field("uid").get_default(), status=Event.Status.DRAFT, sequence=0,
        starts_at=moved(source.starts_at), ends_at=moved(source.ends_at),
        registration_opens_at=moved(source.registration_opens_at),
        registration_closes_at=moved(source.registration_closes_at),
    )
    event.full_clean()
    event.save()
    for block in blocks:
        items = list(block.items.all())
        _copy(block, event=event, starts_at=moved(block.starts_at), ends_at=moved(block.ends_at))
        block.save()
        for item in items:
            roles = list(item.roles.all())
            _copy(item, block=block, starts_at=moved(item.starts_at))
            item.save()
            ItemRole.objects.bulk_create(
                [ItemRole(item=item, person_id=r.person_id, role=r.role, order=r.order)
                 for r in roles]
            )
    if options is not None:
        _copy(options, event=event).save()
    for question in questions:
        _copy(question, event=event).save()
    if notice is not None:
        PrivacyNotice.objects.create(project=event.project, event=event, version=1,
                                     text=notice.text)
    return event


# --- Agenda -----------------------------------------------------------------------------------


def block_problems(event: Event, block: AgendaBlock) -> list[str]:
    """The agenda problems ``block`` (new or changed) brings: older ones are not its to fix."""
    others = list(AgendaBlock.objects.filter(event=event).exclude(pk=block.pk))
    for other in others:
        other.event = event
    known = set(map(str, check_agenda(event, others)))
    return [str(p) for p in check_agenda(event, [*others, block]) if str(p) not in known]


def chosen_by(block: AgendaBlock) -> int:
    if block.pk is None:
        return 0
    return SessionChoice.objects.filter(block=block).count()


@transaction.atomic
def save_block(block: AgendaBlock) -> AgendaBlock:
    block.full_clean()
    block.save()
    return block


@transaction.atomic
def delete_block(block: AgendaBlock) -> None:
    count = chosen_by(block)
    if count:
        raise EventActionRefused(ngettext(
            "%(count)d registrant chose this session: it cannot be deleted.",
            "%(count)d registrants chose this session: it cannot be deleted.",
            count,
        ) % {"count": count})
    block.delete()


@transaction.atomic
def add_role(item: AgendaItem, person: Person, role: str) -> ItemRole:
    order = (item.roles.aggregate(m=Max("order"))["m"] or 0) + 1
    item_role = ItemRole(item=item, person=person, role=role, order=order)
    item_role.full_clean()
    item_role.save()
    return item_role


@transaction.atomic
def add_new_person(item: AgendaItem, person: Person, role: str) -> ItemRole:
    person.full_clean()
    person.save()
    return add_role(item, person, role)
