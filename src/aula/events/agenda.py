"""The agenda's writes: blocks, items, the people on them and their roles, and moving the whole
agenda in time when its event moves.

Each organiser action is one function taking the acting person as ``actor``, run in one
transaction with its audit entry (``record_saved`` / ``record_deleted``, which the admin calls
too, for what it saves through its own forms). Refusals raise ``ActionRefused`` or
``ValidationError`` and store nothing.

Registrations sits above events: a block people chose for a parallel session is counted through
the reverse relation ``block.session_choices`` (the ORM name registrations gives it), never by
importing registrations. The same relation keeps the slot of each choice with its block when
the agenda moves. A parallel session's capacity change is announced with
``events.services.session_capacity_changing`` so registrations can refuse it.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person, check_agenda

BLOCK_ADDED = audit.action("agenda.block_added", gettext_lazy("Added an agenda block"))
BLOCK_CHANGED = audit.action("agenda.block_changed", gettext_lazy("Changed an agenda block"))
BLOCK_DELETED = audit.action("agenda.block_deleted", gettext_lazy("Deleted an agenda block"))
ITEM_ADDED = audit.action("agenda.item_added", gettext_lazy("Added an agenda item"))
ITEM_CHANGED = audit.action("agenda.item_changed", gettext_lazy("Changed an agenda item"))
ITEM_DELETED = audit.action("agenda.item_deleted", gettext_lazy("Deleted an agenda item"))
PERSON_ADDED = audit.action("agenda.person_added",
                            gettext_lazy("Added a person to an agenda item"))
PERSON_ROLE_CHANGED = audit.action("agenda.person_role_changed",
                                   gettext_lazy("Changed a person's role in an agenda item"))
PERSON_REMOVED = audit.action("agenda.person_removed",
                              gettext_lazy("Removed a person from an agenda item"))
PERSON_CREATED = audit.action("person.created", gettext_lazy("Added a person"))
PERSON_CHANGED = audit.action("person.changed", gettext_lazy("Changed a person"))
PERSON_DELETED = audit.action("person.deleted", gettext_lazy("Deleted a person"))

BLOCK_FIELDS = ("kind", "starts_at", "ends_at", "order", "title", "description", "capacity")
ITEM_FIELDS = ("block", "title", "starts_at", "order", "presenters", "description")
ROLE_FIELDS = ("item", "person", "role", "order")
PERSON_FIELDS = ("project", "name", "organisation", "job_title", "bio", "photo")

# model → (fields, added, changed, deleted)
_AUDIT = {
    AgendaBlock: (BLOCK_FIELDS, BLOCK_ADDED, BLOCK_CHANGED, BLOCK_DELETED),
    AgendaItem: (ITEM_FIELDS, ITEM_ADDED, ITEM_CHANGED, ITEM_DELETED),
    ItemRole: (ROLE_FIELDS, PERSON_ADDED, PERSON_ROLE_CHANGED, PERSON_REMOVED),
    Person: (PERSON_FIELDS, PERSON_CREATED, PERSON_CHANGED, PERSON_DELETED),
}


# --- The record --------------------------------------------------------------------------------


def _event_id(instance) -> int | None:
    if isinstance(instance, AgendaBlock):
        return instance.event_id
    if isinstance(instance, AgendaItem):
        return AgendaBlock.objects.filter(pk=instance.block_id).values_list(
            "event_id", flat=True).first()
    if isinstance(instance, ItemRole):
        return AgendaItem.objects.filter(pk=instance.item_id).values_list(
            "block__event_id", flat=True).first()
    return None


def _project_id(event_id, instance=None) -> int | None:
    if isinstance(instance, Person):
        return instance.project_id  # a person is on their project's record
    if event_id is None:
        return None
    return Event.objects.filter(pk=event_id).values_list("project_id", flat=True).first()


def snapshot(instance: models.Model) -> dict:
    """The audited fields of an agenda block, item, role or person, for ``record_saved``."""
    return audit.snapshot(instance, _AUDIT[type(instance)][0])


def stored(instance: models.Model) -> models.Model | None:
    """``instance`` as the database holds it (None for a new one)."""
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


def record_saved(actor, instance: models.Model, before: dict | None, *, via: str = ""):
    """The entry for ``instance`` (saved) added (``before`` None) or changed from ``before``;
    nothing when no audited field changed. Inside the transaction of the save."""
    fields, added, changed, _deleted = _AUDIT[type(instance)]
    after = audit.snapshot(instance, fields)
    changes = audit.changes_between(before or {}, after)
    if before is not None and not changes:
        return None
    event_id = _event_id(instance)
    return audit.record(
        actor, added if before is None else changed, instance, event=event_id,
        project=_project_id(event_id, instance), changes=changes, via=via,
    )


def record_deleted(actor, instance: models.Model, *, via: str = ""):
    """The entry for ``instance`` about to be deleted (call it before the delete)."""
    fields, _added, _changed, deleted = _AUDIT[type(instance)]
    event_id = _event_id(instance)
    return audit.record(
        actor, deleted, instance, event=event_id, project=_project_id(event_id, instance),
        changes=audit.changes_between(audit.snapshot(instance, fields), {}), via=via,
    )


# --- Moving the agenda in time -----------------------------------------------------------------


def shift(moment: datetime | None, old_tz, new_tz, delta: timedelta = timedelta(0)):
    """``moment`` moved by ``delta`` of wall-clock time: read in ``old_tz``, written in
    ``new_tz`` (so clock times stay as they were when only the zone or the day changes)."""
    if moment is None:
        return None
    clock = timezone.localtime(moment, old_tz).replace(tzinfo=None) + delta
    return timezone.make_aware(clock, new_tz)


def clock_delta(old_start: datetime, old_tz, new_start: datetime, new_tz) -> timedelta:
    """How far the wall clock moved from ``old_start`` (in ``old_tz``) to ``new_start``."""
    return (
        timezone.localtime(new_start, new_tz).replace(tzinfo=None)
        - timezone.localtime(old_start, old_tz).replace(tzinfo=None)
    )


def shift_agenda(event: Event, old_tz, delta: timedelta = timedelta(0), *,
                 blocks: bool = True) -> None:
    """Move the agenda of ``event`` (saved, in its new zone) by ``delta`` of wall-clock time
    read in ``old_tz``: blocks (with the slots registrants chose) unless ``blocks`` is False,
    and items. The console moves everything with a moved start; the admin, whose form held the
    blocks' times already read in the new zone, keeps only the items' clock times."""
    if blocks:
        stored_blocks = list(AgendaBlock.objects.filter(event=event))
        moved = [(b, shift(b.starts_at, old_tz, event.tz, delta)) for b in stored_blocks]
        # Later slots first when moving later (earlier first when moving earlier), so a
        # registrant's choice never lands, even for a moment, on the slot of another choice.
        moving_later = any(new > b.starts_at for b, new in moved)
        moved.sort(key=lambda pair: pair[0].starts_at, reverse=moving_later)
        for block, new_start in moved:
            block.starts_at = new_start
            block.ends_at = shift(block.ends_at, old_tz, event.tz, delta)
            block.save(update_fields=["starts_at", "ends_at"])
            block.session_choices.update(slot_starts_at=block.starts_at)
    for item in AgendaItem.objects.filter(block__event=event, starts_at__isnull=False):
        item.starts_at = shift(item.starts_at, old_tz, event.tz, delta)
        item.save(update_fields=["starts_at"])


# --- Blocks' times: clock times on the event's days ----------------------------------------


def event_days(event: Event) -> list[date]:
    """The days (in the event's zone) the event runs on, first to last."""
    first = timezone.localtime(event.starts_at, event.tz).date()
    last = timezone.localtime(event.ends_at, event.tz).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def wall_clock(day: date, clock: time, tz) -> datetime:
    """``clock`` on ``day`` in ``tz``; refused (ValidationError) for a time the clocks skip
    (a spring-forward gap). A time met twice (autumn) is its first occurrence."""
    moment = datetime.combine(day, clock, tzinfo=tz)
    if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise ValidationError(
            _("%(time)s does not exist on %(day)s in %(zone)s: the clocks move forward then.")
            % {"time": clock.strftime("%H:%M"), "day": day.isoformat(), "zone": str(tz)},
            code="skipped_time",
        )
    return moment


def block_times(event: Event, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A block's start and end from clock times on ``day`` (one of the event's days) in the
    event's zone; an end at or before the start falls on the next day."""
    if day not in event_days(event):
        raise ValidationError(_("Choose one of the event's days."), code="day")
    end_day = day if end > start else day + timedelta(days=1)
    return wall_clock(day, start, event.tz), wall_clock(end_day, end, event.tz)


# --- Blocks ------------------------------------------------------------------------------------


def chosen_by(block: AgendaBlock) -> int:
    """How many registrants chose ``block`` (a parallel session)."""
    if block.pk is None:
        return 0
    return block.session_choices.count()


def block_problems(event: Event, block: AgendaBlock) -> list[str]:
    """The agenda problems ``block`` (new or changed) brings: older ones are not its to fix."""
    others = list(AgendaBlock.objects.filter(event=event).exclude(pk=block.pk))
    for other in others:
        other.event = event
    known = set(map(str, check_agenda(event, others)))
    return [str(p) for p in check_agenda(event, [*others, block]) if str(p) not in known]


def chosen_block_problem(block: AgendaBlock, old: AgendaBlock | None) -> str | None:
    """Why ``block`` cannot change as it did: people chose it and its time or kind moved."""
    if old is None or not chosen_by(old):
        return None
    if (block.starts_at, block.ends_at, block.kind) == (old.starts_at, old.ends_at, old.kind):
        return None
    return _("Registrants chose this session: its time and kind stay as they are. Move the "
             "whole event instead, or ask them to choose again.")


def chosen_block_refusal(block: AgendaBlock) -> str | None:
    """Why ``block`` cannot be deleted; None when it can."""
    count = chosen_by(block)
    if not count:
        return None
    return ngettext(
        "%(count)d registrant chose this session: it cannot be deleted.",
        "%(count)d registrants chose this session: it cannot be deleted.",
        count,
    ) % {"count": count}


def capacity_changing(block: AgendaBlock, old: AgendaBlock | None) -> None:
    """Tell registrations a parallel session's capacity is set lower or newly set (it raises
    ValidationError when fewer places than the people who chose it). Inside the transaction,
    before the block is saved."""
    from aula.events.services import session_capacity_changing

    if block.kind != AgendaBlock.Kind.PARALLEL or block.capacity is None:
        return
    if old is not None and old.capacity is not None and block.capacity >= old.capacity:
        return
    session_capacity_changing.send(
        sender=AgendaBlock, block=old if old is not None else block, capacity=block.capacity
    )


@transaction.atomic
def save_block(block: AgendaBlock, *, actor) -> AgendaBlock:
    """Add or change a block of its event's agenda. Refused (ValidationError, nothing stored)
    when the block no longer fits the agenda, when people chose it and its time or kind moved,
    or when registrations refuses its new capacity."""
    old = stored(block)
    if old is None and not block.order:  # a new session goes after those of its slot
        last = AgendaBlock.objects.filter(event=block.event, starts_at=block.starts_at).aggregate(
            m=Max("order"))["m"]
        block.order = 0 if last is None else last + 1
    block.full_clean()
    problems = block_problems(block.event, block)
    problem = chosen_block_problem(block, old)
    if problem:
        problems.insert(0, problem)
    if problems:
        raise ValidationError(problems, code="agenda")
    capacity_changing(block, old)
    block.save()
    record_saved(actor, block, snapshot(old) if old is not None else None)
    return block


@transaction.atomic
def add_parallel_session(block: AgendaBlock, *, actor) -> AgendaBlock:
    """A new, untitled parallel session in the slot of ``block`` (a parallel session): the
    same start and end, placed after the slot's sessions. Refused (ActionRefused) for a block
    that is not a parallel session."""
    if block.kind != AgendaBlock.Kind.PARALLEL:
        raise ActionRefused(_("Only a parallel session can have others at its times."))
    last = AgendaBlock.objects.filter(
        event=block.event, kind=AgendaBlock.Kind.PARALLEL, starts_at=block.starts_at,
        ends_at=block.ends_at,
    ).aggregate(m=Max("order"))["m"] or 0
    session = AgendaBlock(event=block.event, kind=AgendaBlock.Kind.PARALLEL,
                          starts_at=block.starts_at, ends_at=block.ends_at, order=last + 1)
    return save_block(session, actor=actor)


@transaction.atomic
def delete_block(block: AgendaBlock, *, actor) -> None:
    """Delete a block nobody chose (its items go with it)."""
    refusal = chosen_block_refusal(block)
    if refusal:
        raise ActionRefused(refusal)
    record_deleted(actor, block)
    block.delete()


# --- Items -------------------------------------------------------------------------------------


@transaction.atomic
def save_item(item: AgendaItem, *, actor) -> AgendaItem:
    """Add or change an item; a new one is placed after its block's items."""
    old = stored(item)
    if old is None:
        last = AgendaItem.objects.filter(block_id=item.block_id).aggregate(m=Max("order"))["m"]
        item.order = 0 if last is None else last + 1
    item.full_clean()
    item.save()
    record_saved(actor, item, snapshot(old) if old is not None else None)
    return item


@transaction.atomic
def delete_item(item: AgendaItem, *, actor) -> None:
    record_deleted(actor, item)
    item.delete()


# --- Order -------------------------------------------------------------------------------------

UP, DOWN = "up", "down"


def block_place(block: AgendaBlock) -> tuple:
    """Where a block stands: by start; ``order`` only among blocks starting together."""
    return (block.starts_at, block.order, block.pk)


def item_place(item: AgendaItem) -> tuple:
    """Where an item stands in its block: timed items by time, then the untimed ones;
    ``order`` only among items of the same time (or none)."""
    return (item.starts_at is None, item.starts_at or datetime.min.replace(tzinfo=UTC),
            item.order, item.pk)


def _move(siblings: list, instance, direction: str, time_of, actor) -> None:
    """Swap ``instance`` with its neighbour in ``direction`` among ``siblings`` (in place
    order), numbering again only those of its time; refused when there is no neighbour of
    the same time (times set the order of the rest)."""
    index = [s.pk for s in siblings].index(instance.pk)
    other = index - 1 if direction == UP else index + 1
    if direction not in (UP, DOWN) or not 0 <= other < len(siblings):
        raise ActionRefused(_("It is already at that end."))
    if time_of(siblings[other]) != time_of(siblings[index]):
        raise ActionRefused(_("Its time sets its place: change its time to move it."))
    siblings[index], siblings[other] = siblings[other], siblings[index]
    same_time = [s for s in siblings if time_of(s) == time_of(siblings[index])]
    for number, sibling in enumerate(same_time):
        if sibling.order != number:
            before = snapshot(sibling)
            sibling.order = number
            sibling.save(update_fields=["order"])
            record_saved(actor, sibling, before)


@transaction.atomic
def move_block(block: AgendaBlock, direction: str, *, actor) -> None:
    """Move ``block`` up or down among the blocks starting when it starts (parallel sessions
    left to right); blocks at other times keep their place by time (ActionRefused)."""
    siblings = sorted(AgendaBlock.objects.select_for_update().filter(event_id=block.event_id),
                      key=block_place)
    _move(siblings, block, direction, lambda b: b.starts_at, actor)


@transaction.atomic
def move_item(item: AgendaItem, direction: str, *, actor) -> None:
    """Move ``item`` up or down among its block's items of the same time (or none)."""
    siblings = sorted(AgendaItem.objects.select_for_update().filter(block_id=item.block_id),
                      key=item_place)
    _move(siblings, item, direction, lambda i: i.starts_at, actor)


# --- People ------------------------------------------------------------------------------------


@transaction.atomic
def add_role(item: AgendaItem, person: Person, role: str, *, actor) -> ItemRole:
    """Put ``person`` on ``item`` in ``role``, after the people already on it. Refused
    (ValidationError) for a person of another project than the item's event."""
    order = (item.roles.aggregate(m=Max("order"))["m"] or 0) + 1
    item_role = ItemRole(item=item, person=person, role=role, order=order)
    item_role.full_clean()
    item_role.save()
    record_saved(actor, item_role, None)
    return item_role


@transaction.atomic
def remove_role(item_role: ItemRole, *, actor) -> None:
    record_deleted(actor, item_role)
    item_role.delete()


@transaction.atomic
def save_person(person: Person, *, actor) -> Person:
    """Add or change a person (speakers, moderators: public on the agenda)."""
    old = stored(person)
    person.full_clean()
    person.save()
    record_saved(actor, person, snapshot(old) if old is not None else None)
    return person


@transaction.atomic
def add_new_person(item: AgendaItem, person: Person, role: str, *, actor) -> ItemRole:
    """A new person of the item's project, put on ``item`` in ``role`` (two entries: created,
    added)."""
    person.project_id = item.block.event.project_id
    save_person(person, actor=actor)
    return add_role(item, person, role, actor=actor)


# --- Reads for the organiser -------------------------------------------------------------------


def organiser_agenda(event: Event) -> list[AgendaBlock]:
    """The event's blocks with their items and the people of each item, each block with
    ``chosen`` (how many registrants chose it) (3 queries)."""
    roles = ItemRole.objects.select_related("person")
    items = AgendaItem.objects.prefetch_related(models.Prefetch("roles", queryset=roles))
    blocks = list(
        AgendaBlock.objects.filter(event=event)
        .annotate(chosen=models.Count("session_choices"))
        .order_by("starts_at", "order", "id")  # in their places (an aggregate drops Meta's)
        .prefetch_related(models.Prefetch("items", queryset=items))
    )
    for block in blocks:
        block.event = event
        block.sorted_items = sorted(block.items.all(), key=item_place)
        _mark_moves(block.sorted_items, lambda i: i.starts_at)
    _mark_moves(blocks, lambda b: b.starts_at)
    return blocks


def _mark_moves(placed: list, time_of) -> None:
    """``can_go_up`` / ``can_go_down`` on each of ``placed`` (in their places): whether a
    neighbour of the same time is there to swap with (what ``move_block``/``move_item``
    allow)."""
    for index, one in enumerate(placed):
        one.can_go_up = index > 0 and time_of(placed[index - 1]) == time_of(one)
        one.can_go_down = (index + 1 < len(placed)
                           and time_of(placed[index + 1]) == time_of(one))


def slots_of(blocks: list[AgendaBlock]) -> list[list[AgendaBlock]]:
    """``blocks`` (in their places) in rows: the parallel sessions of one slot together, any
    other block alone."""
    rows: list[list[AgendaBlock]] = []
    for block in blocks:
        previous = rows[-1][-1] if rows else None
        if (previous is not None and block.is_parallel and previous.is_parallel
                and (previous.starts_at, previous.ends_at) == (block.starts_at, block.ends_at)):
            rows[-1].append(block)
        else:
            rows.append([block])
    return rows


def problems_of(event: Event, blocks: list[AgendaBlock]) -> list[str]:
    """What does not fit in ``blocks`` (the event's agenda as read)."""
    return [str(problem) for problem in check_agenda(event, blocks)]
