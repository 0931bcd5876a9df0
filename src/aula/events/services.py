"""The event's own writes: create, update and clone an event, shift its agenda in time, and the
one place that says an event's schedule or status changed.

Each organiser action is one function taking the acting person as ``actor`` (None for Aula
itself), run in one transaction that also writes its audit entry (``aula.audit``) with the
changed fields before and after. The console, the admin and the demo loader call them.

Whoever saves an event's time or status calls ``record_event_change`` once, after the event and
its agenda are saved. It raises the calendar revision and sends the signals below; other apps
listen to them (registrations e-mails the registrants), so events imports none of them.

The agenda's own writes (blocks, items, people in roles) are in ``aula.events.agenda``; the moves
between an event's states in ``aula.events.lifecycle``.
"""

import zoneinfo
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.core import images
from aula.core.copying import unsaved_copy as _copy
from aula.core.errors import ActionRefused
from aula.events.agenda import clock_delta, shift, shift_agenda
from aula.events.models import AgendaBlock, Event, ItemRole, check_agenda
from aula.webhooks import services as webhooks

# A change to these moves the event in time.
SCHEDULE_FIELDS = frozenset({"starts_at", "ends_at", "time_zone"})
# A change to these makes calendars replace their copy (iCalendar SEQUENCE).
CALENDAR_FIELDS = SCHEDULE_FIELDS | {"status"}

# Sent with ``event=`` inside the transaction of the change: what receivers write (outbox rows)
# commits or rolls back with it, and a receiver that raises undoes the change.
# the time of a published event changed; ``previous=`` its schedule before, when known (a
# ``previous_schedule``: starts_at, ends_at, time_zone), else None
event_rescheduled = Signal()
event_cancelled = Signal()  # the event's status became cancelled
# Sent with ``block=`` (as saved before) and ``capacity=`` (the new one) inside the transaction
# that changes a parallel session's capacity, before the block is saved: registrations locks the
# event's counter and raises ValidationError when fewer places than the people who chose it.
session_capacity_changing = Signal()
# Sent with ``source=`` and ``copy=`` (both saved) inside the transaction of ``clone_event``,
# after the event and its agenda are copied: registrations copies its options, questions and
# privacy notice. A receiver that raises undoes the copy.
event_cloned = Signal()

CREATED = audit.action("event.created", gettext_lazy("Created the event"))
UPDATED = audit.action("event.updated", gettext_lazy("Changed the event"))
CLONED = audit.action("event.cloned", gettext_lazy("Copied the event as the next one"))
DELETED = audit.action("event.deleted", gettext_lazy("Deleted the event"))

# The fields whose changes the log records (not the status: its moves have entries of their
# own; not the calendar revision, nor the times Django keeps).
AUDITED_FIELDS = (
    "project", "slug", "primary_language", "title", "summary", "description", "format",
    "location", "time_zone", "starts_at", "ends_at", "registration_opens_at",
    "registration_closes_at", "capacity", "meeting_url", "host_partner", "contact_name",
    "contact_role", "contact_organisation", "contact_phone", "contact_email",
)
# The contact person's own details: the log says they changed, without copying them.
PERSONAL_FIELDS = ("contact_name", "contact_phone", "contact_email")


def previous_schedule(event: Event) -> dict:
    """What ``event_rescheduled`` receivers get as ``previous``: the event's time before."""
    return {name: getattr(event, name) for name in ("starts_at", "ends_at", "time_zone")}


def record_event_change(
    event: Event, changed_fields: Iterable[str], previous: dict | None = None
) -> bool:
    """Record that ``event`` (already saved) changed in ``changed_fields``: when its time, zone
    or status is among them, raise its calendar ``sequence`` by one and send
    ``event_cancelled`` (the status became cancelled) or ``event_rescheduled`` (the time of a
    published event changed). Moving a draft concerns nobody but the organiser: no signal.

    ``previous`` (``previous_schedule`` of the event as it was, when the caller has it) goes to
    the receivers of ``event_rescheduled``, so the registrants read the old time next to the new.

    Call it once per change, not per saved part. Returns whether anything was recorded.
    """
    fields = set(changed_fields)
    changed = fields & CALENDAR_FIELDS
    if not fields or event.pk is None:
        return False
    with transaction.atomic():
        if changed:
            # Raised in the database, not from the instance, which may be stale.
            Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
            event.refresh_from_db(fields=["sequence"])
            if "status" in changed and event.status == Event.Status.CANCELLED:
                event_cancelled.send(sender=Event, event=event)
            elif changed & SCHEDULE_FIELDS and event.status == Event.Status.PUBLISHED:
                event_rescheduled.send(sender=Event, event=event, previous=previous)
        # The project's webhooks (event.changed, event.cancelled): one call per change.
        _tell_webhooks(event, fields, previous)
    return bool(changed)


def _tell_webhooks(event: Event, fields: set, previous: dict | None) -> None:
    """``event.cancelled`` or ``event.changed`` to the project's webhooks; a draft's edits
    concern nobody outside (its status moves do). No query unless an endpoint listens."""
    if event.status == Event.Status.DRAFT and "status" not in fields:
        return
    cancelled = "status" in fields and event.status == Event.Status.CANCELLED
    data = {
        "event_id": event.pk, "project_id": event.project_id, "slug": event.slug,
        "status": event.status, "starts_at": event.starts_at, "ends_at": event.ends_at,
        "time_zone": event.time_zone, "sequence": event.sequence, "changed": sorted(fields),
    }
    if previous and fields & SCHEDULE_FIELDS:
        data["previous"] = previous
    if cancelled:
        data["reason"] = event.cancellation_reason
    webhooks.emit(event.project_id, "event.cancelled" if cancelled else "event.changed", data)


# --- The record of an event's changes ----------------------------------------------------------


def snapshot(event: Event) -> dict:
    return audit.snapshot(event, AUDITED_FIELDS)


def record_saved(actor, event: Event, before: dict | None, *, via: str = "", data=None):
    """The entry for ``event`` (saved) created (``before`` None) or changed from ``before``
    (a ``snapshot``); nothing when no audited field changed. Inside the save's transaction.
    The console's actions below call it; so does the admin for what its forms save."""
    changes = audit.changes_between(before or {}, snapshot(event), personal=PERSONAL_FIELDS)
    if before is not None and not changes:
        return None
    return audit.record(actor, CREATED if before is None else UPDATED, event, changes=changes,
                        via=via, data=data)


def agenda_problems(event: Event) -> list[str]:
    blocks = list(AgendaBlock.objects.filter(event=event))
    for block in blocks:
        block.event = event
    return [str(problem) for problem in check_agenda(event, blocks)]


# --- Create and update -------------------------------------------------------------------------


def free_slug(project, wanted: str, exclude_pk=None) -> str:
    """``wanted`` as an address name no other event of ``project`` has (``-2``, ``-3``…)."""
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
def create_event(event: Event, *, actor) -> Event:
    """Save a new event (always a draft) built by a form."""
    if not event.slug:
        event.slug = free_slug(event.project, event.text("title", event.primary_language).text)
    event.status = Event.Status.DRAFT
    event.full_clean()
    event.save()
    record_saved(actor, event, None)
    return event


def update_event(event: Event, *, actor, old: Event, move_agenda: bool = False) -> Event:
    """Save the changes to ``event`` (``old`` is the event as it was, e.g. ``copy.copy`` taken
    before the form wrote to it). With ``move_agenda`` the agenda follows a moved start (and the
    slots registrants chose with it); the agenda must still fit either way. Raises
    ValidationError (nothing saved) when it does not."""
    before = snapshot(old)
    with transaction.atomic():
        event.full_clean()
        event.save()
        moved = event.starts_at != old.starts_at or event.time_zone != old.time_zone
        if move_agenda and moved:
            old_tz = zoneinfo.ZoneInfo(old.time_zone)
            shift_agenda(event, old_tz, clock_delta(old.starts_at, old_tz, event.starts_at,
                                                    event.tz))
        problems = agenda_problems(event)
        if problems:
            raise ValidationError(problems)  # undoes the save and the move
        entry = record_saved(actor, event, before)
        if entry is not None:
            record_event_change(event, entry.changes, previous_schedule(old))
    return event


# --- Cloning -----------------------------------------------------------------------------------


@transaction.atomic
def clone_event(source: Event, *, actor, starts_on: date, slug: str = "") -> Event:
    """The next seminar from ``source``: its content and agenda (blocks, items, people in roles)
    as a draft starting on ``starts_on`` at the same clock time in the event's zone, the
    registration window moved by as many days. New address and calendar identifier, revision
    0, no registrations. ``event_cloned`` lets registrations copy what is its own (options,
    questions, the privacy notice)."""
    tz = source.tz
    delta = timedelta(days=(starts_on - source.local_start.date()).days)

    def moved(moment):
        return shift(moment, tz, tz, delta)

    blocks = list(
        AgendaBlock.objects.filter(event=source)
        .prefetch_related("items__roles")
        .order_by("starts_at", "order", "id")
    )
    source = Event.objects.get(pk=source.pk)
    event = _copy(
        Event.objects.get(pk=source.pk),
        slug=slug or free_slug(source.project, f"{source.slug}-{starts_on.isoformat()}"),
        uid=Event._meta.get_field("uid").get_default(), status=Event.Status.DRAFT, sequence=0,
        starts_at=moved(source.starts_at), ends_at=moved(source.ends_at),
        registration_opens_at=moved(source.registration_opens_at),
        registration_closes_at=moved(source.registration_closes_at),
        cancelled_at=None, cancellation_reason="",
        # Not the image: two events sharing one file would lose it when one replaces it.
        image="", image_alt={},
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
    event_cloned.send(sender=Event, source=source, copy=event)
    audit.record(actor, CLONED, event, changes=audit.changes_between({}, snapshot(event),
                                                                    personal=PERSONAL_FIELDS),
                 data={"source": source.pk})
    return event


# --- Deleting (the admin only) -----------------------------------------------------------------


def record_deleted(actor, event: Event, *, via: str = ""):
    """The entry for ``event`` about to be deleted (call it before the delete)."""
    return audit.record(actor, DELETED, event,
                        changes=audit.changes_between(snapshot(event), {},
                                                      personal=PERSONAL_FIELDS), via=via)


IMAGE_SET = audit.action("event.image_set", gettext_lazy("Set the event's image"))
IMAGE_REMOVED = audit.action("event.image_removed", gettext_lazy("Removed the event's image"))
IMAGE_FIELDS = ("image", "image_alt")


def set_image(event: Event, *, actor, upload=None, alt: dict) -> Event:
    """A new illustration (``upload``, checked by its bytes: ``core.images``) and/or its
    description. Raises ``ValidationError`` (nothing stored) on a file that is not accepted or
    an event with no picture at all. A replaced file is deleted once the change is saved."""
    picture = images.check(upload) if upload is not None else None
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if picture is None and not current.image:
            raise ValidationError({"image": _("Choose the image.")})
        before = audit.snapshot(current, IMAGE_FIELDS)
        old = current.image.name if picture is not None else ""
        current.image_alt = alt
        current.full_clean(exclude=[f.name for f in Event._meta.fields if f.name != "image_alt"],
                           validate_unique=False, validate_constraints=False)
        if picture is not None:
            current.image.save(f"upload.{picture.extension}", upload, save=False)
        current.save(update_fields=[*IMAGE_FIELDS, "updated_at"])
        audit.record(actor, IMAGE_SET, current, event=current,
                     changes=audit.changes_between(before, audit.snapshot(current, IMAGE_FIELDS)))
        if old:
            transaction.on_commit(lambda: current.image.storage.delete(old))
    event.image, event.image_alt = current.image, current.image_alt
    return event


def remove_image(event: Event, *, actor) -> Event:
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if not current.image:
            raise ActionRefused(_("The event has no image to remove."))
        before = audit.snapshot(current, IMAGE_FIELDS)
        old = current.image.name
        current.image, current.image_alt = "", {}
        current.save(update_fields=[*IMAGE_FIELDS, "updated_at"])
        audit.record(actor, IMAGE_REMOVED, current, event=current,
                     changes=audit.changes_between(before, audit.snapshot(current, IMAGE_FIELDS)))
        transaction.on_commit(lambda: current.image.storage.delete(old))
    event.image, event.image_alt = current.image, current.image_alt
    return event
