"""Writes (and the few reads they need) for the console's event pages.

Every function that changes an event does it in one transaction and, when the event's time,
zone or status changed, ends with ``aula.events.services.record_event_change`` (which raises
the calendar revision and lets registrations e-mail the registrants).
"""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person, check_agenda
from aula.events.services import record_event_change
from aula.registrations import queries as registration_queries
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
        _check_capacity(event, event.capacity)
        event.save()
        moved = event.starts_at != old.starts_at or event.time_zone != old.time_zone
        if move_agenda and moved:
            _move_agenda(event, old.starts_at, zoneinfo.ZoneInfo(old.time_zone))
        problems = agenda_problems(event)
        if problems:
            raise ValidationError(problems)  # undoes the save and the move
        if event.capacity != old.capacity:
            _after_capacity_change(event, old.capacity)
        record_event_change(event, changed)
    return event


def _check_capacity(event: Event, capacity: int | None) -> None:
    if capacity is None:
        return
    taken = registration_queries.places_taken(event)
    if capacity < taken:
        raise ValidationError({"capacity": ngettext(
            "%(taken)d place is taken already: the capacity cannot be lower.",
            "%(taken)d places are taken already: the capacity cannot be lower.",
            taken,
        ) % {"taken": taken}})


def _after_capacity_change(event: Event, old_capacity: int | None) -> None:
    raised = event.capacity is None or (old_capacity is not None and event.capacity > old_capacity)
    options = registration_queries.options_for(event)
    if raised and options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
        from aula.registrations import services as registration_services

        transaction.on_commit(lambda: registration_services.fill_free_places(event))


@transaction.atomic
def save_registration_settings(event: Event, old: Event, options: RegistrationOptions) -> None:
    event.full_clean()
    _check_capacity(event, event.capacity)
    options.event = event
    options.full_clean()
    event.save(update_fields=[
        "capacity", "registration_opens_at", "registration_closes_at", "updated_at"
    ])
    options.save()
    if event.capacity != old.capacity:
        _after_capacity_change(event, old.capacity)


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


# --- Reminders --------------------------------------------------------------------------------

MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}
REMINDER_MAX_MINUTES = 60 * 24 * 60


def _unit_words() -> dict[str, int]:
    """Unit names the reminder field understands: English ones and the interface language's."""
    words = {
        "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
        "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
        "d": 1440, "day": 1440, "days": 1440,
        "w": 10080, "week": 10080, "weeks": 10080,
    }
    for n in (1, 2, 5, 20):
        for unit, minutes in MINUTES.items():
            words[_unit_name(unit, n).lower()] = minutes
    return words


def _unit_name(unit: str, n: int) -> str:
    if unit == "minute":
        return ngettext("minute", "minutes", n)
    if unit == "hour":
        return ngettext("hour", "hours", n)
    if unit == "day":
        return ngettext("day", "days", n)
    return ngettext("week", "weeks", n)


PART = re.compile(r"^\s*(\d{1,6})\s*([^\d\s].*?)?\s*$")


def parse_reminders(text: str) -> list[int]:
    """'1 day, 1 hour' or '1440, 60' → [1440, 60] (minutes, largest first). ValidationError in
    words for anything else."""
    words = _unit_words()
    offsets = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        match = PART.match(part)
        unit = (match.group(2) or "").lower() if match else ""
        if not match or (unit and unit not in words):
            raise ValidationError(
                _("“%(part)s” is not a time before the start. Write e.g. “1 day, 1 hour” "
                  "or minutes such as “1440, 60”."), params={"part": part}, code="reminder",
            )
        minutes = int(match.group(1)) * (words[unit] if unit else 1)
        if not 0 < minutes <= REMINDER_MAX_MINUTES:
            raise ValidationError(
                _("“%(part)s”: a reminder goes out between one minute and 60 days before "
                  "the start."), params={"part": part}, code="reminder",
            )
        offsets.append(minutes)
    return sorted(set(offsets), reverse=True)


def format_reminders(offsets: list[int] | None) -> str:
    """[1440, 90] → '1 day, 90 minutes' (the largest whole unit that fits each)."""
    parts = []
    for minutes in offsets or []:
        for unit in ("week", "day", "hour", "minute"):
            size = MINUTES[unit]
            if minutes % size == 0:
                n = minutes // size
                parts.append(f"{n} {_unit_name(unit, n)}")
                break
    return ", ".join(parts)


# --- Questions --------------------------------------------------------------------------------


@transaction.atomic
def save_question(question: Question) -> Question:
    if question.pk is None:
        last = Question.objects.filter(event=question.event).aggregate(m=Max("order"))["m"]
        question.order = (last or 0) + 1
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def move_question(question: Question, direction: int) -> None:
    """Swap the question with its neighbour above (-1) or below (+1); orders renumbered 1…n."""
    ordered = list(
        Question.objects.select_for_update().filter(event_id=question.event_id)
        .order_by("order", "id")
    )
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other = index + direction
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for n, q in enumerate(ordered, start=1):
        if q.order != n:
            q.order = n
            q.save(update_fields=["order"])


def answers_to(question: Question) -> int:
    """How many registrations hold an answer to ``question``."""
    return Registration.objects.filter(
        event_id=question.event_id, answers__has_key=str(question.pk)
    ).count()


@transaction.atomic
def delete_question(question: Question) -> None:
    """Delete a question nobody answered; answers given keep their question."""
    count = answers_to(question)
    if count:
        raise EventActionRefused(ngettext(
            "%(count)d registrant answered this question: it stays. You can still change "
            "its wording.",
            "%(count)d registrants answered this question: it stays. You can still change "
            "its wording.",
            count,
        ) % {"count": count})
    question.delete()


def choices_from_lines(lines_by_language: dict[str, str], old: list[dict]) -> list[dict]:
    """Choices from one text per language, a choice per line (line n of every language is
    choice n). A choice keeps the key of an old choice with the same label in some language,
    so answers already given keep their meaning."""
    split = {
        lang: [line.strip() for line in (text or "").splitlines()]
        for lang, text in lines_by_language.items()
    }
    count = max((len(lines) for lines in split.values()), default=0)
    old_keys = {}
    for choice in old or []:
        for lang, label in (choice.get("label") or {}).items():
            old_keys.setdefault((lang, label), choice["key"])
    choices, used = [], set()
    for n in range(count):
        label = {lang: lines[n] for lang, lines in split.items() if n < len(lines) and lines[n]}
        if not label:
            continue
        key = next(
            (old_keys[(lang, text)] for lang, text in label.items()
             if (lang, text) in old_keys and old_keys[(lang, text)] not in used),
            None,
        )
        if key is None:
            base = slugify(next(iter(label.values())))[:40] or "choice"
            key, i = base, 2
            while key in used or key in old_keys.values():
                key = f"{base}-{i}"
                i += 1
        used.add(key)
        choices.append({"key": key, "label": label})
    return choices


def lines_from_choices(choices: list[dict], languages) -> dict[str, str]:
    return {
        lang: "\n".join((choice.get("label") or {}).get(lang, "") for choice in choices or [])
        .rstrip("\n")
        for lang in languages
    }


# --- Privacy notice ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeResult:
    notice: PrivacyNotice
    created: bool


@transaction.atomic
def new_privacy_notice(event: Event, text: dict) -> NoticeResult:
    """A new version of the event's own notice with ``text``; notices already written (and
    accepted) are never changed. Nothing new when the text is the current one."""
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one new version at a time
    current = registration_queries.current_privacy_notice(event)
    if current is not None and current.text == text:
        return NoticeResult(current, False)
    last = PrivacyNotice.objects.filter(event=event).aggregate(m=Max("version"))["m"] or 0
    notice = PrivacyNotice(project_id=event.project_id, event=event, version=last + 1, text=text)
    notice.full_clean()
    notice.save()
    return NoticeResult(notice, True)


def notice_acceptances(notice: PrivacyNotice | None) -> int:
    if notice is None or notice.pk is None:
        return 0
    return Registration.objects.filter(privacy_notice=notice).count()
