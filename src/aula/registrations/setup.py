"""Setting up an event's registration: its questions, its privacy notice, its options and window,
and the reminder times in words. Every action takes the acting person (``actor``), runs in one
transaction and writes its audit entry there; refusals raise ``ActionRefused`` (or
``ValidationError`` for a field) and store nothing.

Two rules protect what registrants already gave:

* a question somebody answered is never deleted, and its kind never changes (its wording may:
  answers keep their question);
* a privacy notice somebody accepted is never edited: a changed text is a new version, and
  earlier registrants keep the version they accepted.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.events.models import Event
from aula.registrations import queries
from aula.registrations.models import (
    REMINDER_MAX_MINUTES,
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
)
from aula.registrations.services import capacity

QUESTION_ADDED = audit.action("question.added", gettext_lazy("Added a registration question"))
QUESTION_CHANGED = audit.action("question.changed",
                                gettext_lazy("Changed a registration question"))
QUESTION_MOVED = audit.action("question.moved", gettext_lazy("Moved a registration question"))
QUESTION_DELETED = audit.action("question.deleted",
                                gettext_lazy("Deleted a registration question"))
NOTICE_VERSION = audit.action("privacy_notice.new_version",
                              gettext_lazy("Wrote a new version of the privacy notice"))
OPTIONS_CHANGED = audit.action("registration_options.changed",
                               gettext_lazy("Changed the registration options"))
NOTICE_SAVED = audit.action("privacy_notice.saved", gettext_lazy("Saved a privacy notice"))
NOTICE_DELETED = audit.action("privacy_notice.deleted",
                              gettext_lazy("Deleted a privacy notice nobody accepted"))
WINDOW_CHANGED = audit.action("registration_window.changed",
                              gettext_lazy("Changed when registration opens or closes"))

QUESTION_FIELDS = ("kind", "label", "help", "required", "choices", "order")
OPTION_FIELDS = ("waiting_list", "promotion", "double_opt_in", "hold_hours",
                 "join_opens_minutes_before", "reminder_offsets_minutes")
WINDOW_FIELDS = ("registration_opens_at", "registration_closes_at")


# --- Questions --------------------------------------------------------------------------------


def answers_to(question: Question) -> int:
    """How many registrations hold an answer to ``question``."""
    if question.pk is None:
        return 0
    return Registration.objects.filter(
        event_id=question.event_id, answers__has_key=str(question.pk)
    ).count()


def check_kind_change(question: Question, kind: str) -> None:
    """Refuse (``ValidationError``) a new kind for a question somebody answered: their answers
    would lose their meaning. Forms call it to show the refusal beside the field."""
    if question.pk is not None and kind != question.kind and answers_to(question):
        raise ValidationError(
            _("Registrants answered this question already: its kind stays as it is."),
            code="answered",
        )


@transaction.atomic
def save_question(question: Question, *, actor, via: str = "") -> Question:
    """Add a question (last in the order) or save a changed one. Refused (``ValidationError``
    on ``kind``) when the kind of an answered question changes."""
    if question.pk is None:
        last = Question.objects.filter(event=question.event).aggregate(m=Max("order"))["m"]
        question.order = (last or 0) + 1
        question.full_clean()
        question.save()
        audit.record(actor, QUESTION_ADDED, question, event=question.event_id, via=via,
                     project=question.event.project_id,
                     data=audit.snapshot(question, QUESTION_FIELDS))
        return question
    saved = Question.objects.select_for_update().get(pk=question.pk)
    try:
        check_kind_change(saved, question.kind)
    except ValidationError as error:
        raise ValidationError({"kind": error.messages}) from None
    question.full_clean()
    changes = audit.changes_between(
        audit.snapshot(saved, QUESTION_FIELDS), audit.snapshot(question, QUESTION_FIELDS)
    )
    question.save()
    if changes:
        audit.record(actor, QUESTION_CHANGED, question, event=question.event_id, via=via,
                     project=question.event.project_id, changes=changes)
    return question


@transaction.atomic
def move_question(question: Question, direction: int, *, actor, via: str = "") -> None:
    """Swap the question with its neighbour above (-1) or below (+1); orders renumbered 1…n."""
    ordered = list(
        Question.objects.select_for_update().filter(event_id=question.event_id)
        .order_by("order", "id")
    )
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other = index + direction
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for n, q in enumerate(ordered, start=1):
        if q.order != n:
            q.order = n
            q.save(update_fields=["order"])
    audit.record(actor, QUESTION_MOVED, ordered[other], event=question.event_id, via=via,
                 project=question.event.project_id,
                 changes={"order": [index + 1, other + 1]})


@transaction.atomic
def delete_question(question: Question, *, actor, via: str = "") -> None:
    """Delete a question nobody answered; answers given keep their question (``ActionRefused``)."""
    locked = Question.objects.select_for_update().filter(pk=question.pk).first()
    if locked is None:
        return
    count = answers_to(locked)
    if count:
        raise ActionRefused(ngettext(
            "%(count)d registrant answered this question: it stays. You can still change "
            "its wording.",
            "%(count)d registrants answered this question: it stays. You can still change "
            "its wording.",
            count,
        ) % {"count": count})
    event = Event.objects.get(pk=locked.event_id)
    audit.record(actor, QUESTION_DELETED, locked, event=event, via=via,
                 data=audit.snapshot(locked, QUESTION_FIELDS))
    locked.delete()


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


def notice_acceptances(notice: PrivacyNotice | None) -> int:
    """How many registrations accepted ``notice``."""
    if notice is None or notice.pk is None:
        return 0
    return Registration.objects.filter(privacy_notice=notice).count()


def notice_accepted(notice: PrivacyNotice | None) -> bool:
    """True once anyone accepted ``notice``: from then on it is never edited nor deleted."""
    if notice is None or notice.pk is None:
        return False
    return Registration.objects.filter(privacy_notice=notice).exists()


@transaction.atomic
def new_privacy_notice(event: Event, text: dict, *, actor, controller=None,
                       via: str = "") -> NoticeResult:
    """A new version of the event's own notice with ``text`` and its ``controller`` (a partner);
    notices already written (and accepted) are never changed. Nothing new when both are the
    current ones."""
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one new version at a time
    current = queries.current_privacy_notice(event)
    controller_id = controller.pk if controller is not None else None
    if current is not None and current.text == text and current.controller_id == controller_id:
        return NoticeResult(current, False)
    last = PrivacyNotice.objects.filter(event=event).aggregate(m=Max("version"))["m"] or 0
    notice = PrivacyNotice(project_id=event.project_id, event=event, version=last + 1, text=text,
                           controller=controller)
    notice.full_clean()
    notice.save()
    audit.record(actor, NOTICE_VERSION, notice, event=event, via=via,
                 data={"version": notice.version, "controller": controller_id,
                       "previous": current.pk if current is not None else None})
    return NoticeResult(notice, True)


def current_project_notice(project) -> PrivacyNotice | None:
    """The project's own newest notice (the one for its events without their own)."""
    return (PrivacyNotice.objects.select_related("controller")
            .filter(project=project, event__isnull=True).order_by("-version", "-id").first())


@transaction.atomic
def new_project_privacy_notice(project, text: dict, *, actor, controller=None,
                               via: str = "") -> NoticeResult:
    """A new version of the project's own notice (every event without its own notice shows
    it); as for an event's, earlier versions are never changed and an unchanged text makes
    nothing new."""
    type(project).objects.select_for_update().filter(pk=project.pk).first()
    current = current_project_notice(project)
    controller_id = controller.pk if controller is not None else None
    if current is not None and current.text == text and current.controller_id == controller_id:
        return NoticeResult(current, False)
    last = (PrivacyNotice.objects.filter(project=project, event__isnull=True)
            .aggregate(m=Max("version"))["m"] or 0)
    notice = PrivacyNotice(project=project, version=last + 1, text=text, controller=controller)
    notice.full_clean()
    notice.save()
    audit.record(actor, NOTICE_VERSION, notice, project=project, via=via,
                 data={"version": notice.version, "controller": controller_id,
                       "previous": current.pk if current is not None else None})
    return NoticeResult(notice, True)


@transaction.atomic
def save_privacy_notice(notice: PrivacyNotice, *, actor, via: str = "") -> PrivacyNotice:
    """Save a notice written outside an event's page (the admin: a project's notice, or a
    correction before anyone accepted it). Refused (``ActionRefused``) once anyone accepted
    it: write a new version instead."""
    if notice.pk is not None:
        PrivacyNotice.objects.select_for_update().filter(pk=notice.pk).first()
        if notice_accepted(notice):
            raise ActionRefused(_(
                "Registrants accepted this privacy notice: it is never changed. Write a new "
                "version instead."
            ))
    notice.full_clean()
    notice.save()
    audit.record(actor, NOTICE_SAVED, notice, project=notice.project_id, event=notice.event_id,
                 via=via, data={"version": notice.version})
    return notice


@transaction.atomic
def delete_privacy_notice(notice: PrivacyNotice, *, actor, via: str = "") -> None:
    if notice_accepted(notice):
        raise ActionRefused(_("Registrants accepted this privacy notice: it is kept."))
    audit.record(actor, NOTICE_DELETED, notice, project=notice.project_id,
                 event=notice.event_id, via=via, data={"version": notice.version})
    notice.delete()


# --- Options and window -----------------------------------------------------------------------


@transaction.atomic
def save_options(options: RegistrationOptions, *, actor, via: str = "") -> RegistrationOptions:
    """Save the event's registration options (waiting list, promotion, double opt-in, hold,
    join window, reminders)."""
    options.full_clean()
    saved = RegistrationOptions.objects.filter(pk=options.pk).first() if options.pk else None
    before = audit.snapshot(saved, OPTION_FIELDS) if saved else {}
    options.save()
    changes = audit.changes_between(before, audit.snapshot(options, OPTION_FIELDS))
    if changes:
        event = Event.objects.get(pk=options.event_id)
        audit.record(actor, OPTIONS_CHANGED, options, event=event, via=via, changes=changes)
    return options


def save_registration_settings(
    event: Event, options: RegistrationOptions, *, actor, via: str = ""
) -> None:
    """The registration settings page in one transaction: the capacity (under the counter's
    lock, refused below the places taken, ``capacity.change_event_capacity``), the window and
    the options. ``event`` carries the new capacity and window. Raises ``ValidationError``:
    nothing is saved then."""
    event.full_clean()
    options.event = event
    options.full_clean()

    def write():
        capacity.change_event_capacity(event, event.capacity, actor=actor)
        saved = Event.objects.get(pk=event.pk)
        changes = audit.changes_between(
            audit.snapshot(saved, WINDOW_FIELDS), audit.snapshot(event, WINDOW_FIELDS)
        )
        if changes:
            saved.registration_opens_at = event.registration_opens_at
            saved.registration_closes_at = event.registration_closes_at
            saved.save(update_fields=[*WINDOW_FIELDS, "updated_at"])
            audit.record(actor, WINDOW_CHANGED, saved, via=via, changes=changes)
        save_options(options, actor=actor, via=via)

    capacity.run_in_transaction(write)


# --- Reminders in words -----------------------------------------------------------------------

MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}


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
    words for anything else, and for a time beyond the reminder horizon
    (``models.REMINDER_MAX_MINUTES``)."""
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
