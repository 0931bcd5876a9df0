"""Writes (and the few reads they need) for the console's registration pages of an event:
registration settings, reminders, questions, the privacy notice.

The event's own rules (create, update, clone, the agenda and its people) live in
``aula.events.services`` and ``aula.events.agenda``; its moves between states in
``aula.events.lifecycle``.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aula.core.errors import ActionRefused
from aula.events.models import Event
from aula.registrations import queries as registration_queries
from aula.registrations.models import (
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
)

ACTIVE = [Registration.Status.CONFIRMED, Registration.Status.HELD, Registration.Status.WAITING]


EventActionRefused = ActionRefused


# --- Reads ------------------------------------------------------------------------------------


def active_registrations(event: Event) -> int:
    """Registrants who would hear of a change: a place, a held place or on the waiting list."""
    return Registration.objects.filter(
        event=event, status__in=ACTIVE, anonymised_at__isnull=True
    ).count()


# --- Registration settings --------------------------------------------------------------------


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
