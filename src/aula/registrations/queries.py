"""Reads for registration pages, e-mails and the organiser: never a write, never a lock.

What these return about free places is a snapshot for display; only ``services`` decides, under
the event's lock.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from aula.core.translation import CONTENT_LANGUAGES, localize
from aula.events.models import AgendaBlock, Event
from aula.events.queries import Slot
from aula.registrations.models import (
    CapacityCounter,
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
    SessionChoice,
)

Status = Registration.Status


class Window(StrEnum):
    OPEN = "open"
    NOT_OPEN = "not_open"
    CLOSED = "closed"


def public_event(project_slug: str, event_slug: str) -> Event | None:
    """A published (or cancelled) event by its address; drafts do not exist publicly."""
    return (
        Event.objects.published()
        .select_related("project")
        .filter(project__slug=project_slug, slug=event_slug)
        .first()
    )


def options_for(event: Event) -> RegistrationOptions:
    return RegistrationOptions.for_event(event)


def active_registrations(event: Event) -> int:
    """Registrants who would hear of a change: a place, a held place or on the waiting list."""
    return Registration.objects.filter(
        event=event, anonymised_at__isnull=True,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.HELD,
                    Registration.Status.WAITING],
    ).count()


def publish_problems(event: Event) -> list[str]:
    """What registration needs before the event is published (a check of events.lifecycle)."""
    if current_privacy_notice(event) is None:
        return [_("Write a privacy notice for the event (or the project) first.")]
    return []


# A part of a drafted notice the organiser must still complete: the square brackets of
# ``registrations/privacy/<language>/notice.md``, each saying so in its language.
TO_COMPLETE = re.compile(
    r"\[[^\]]*(?:to be completed by the organiser|se completează de organizator|"
    r"įrašo organizatorius|in te vullen door de organisator|a cura dell'organizzatore|"
    r"upisuje organizator)[^\]]*\]"
)


def languages_to_complete(notice: PrivacyNotice) -> list[str]:
    """The languages in which ``notice`` still has a part of the template to complete."""
    texts = notice.text or {}
    return [language for language in CONTENT_LANGUAGES  # Aula's order, whatever the JSON's
            if TO_COMPLETE.search(texts.get(language) or "")]


def publish_warnings(event: Event) -> list[str]:
    """What registration should have before the event is published (warnings of
    events.lifecycle): double opt-in, and a notice naming the host as its controller."""
    warnings = []
    if not options_for(event).double_opt_in:
        warnings.append(_("Double opt-in is off: registrations are confirmed without checking "
                          "the e-mail address."))
    notice = current_privacy_notice(event)
    if notice is not None:
        if notice.controller_id is None:
            warnings.append(_("The privacy notice names no controller."))
        elif event.host_partner_id and notice.controller_id != event.host_partner_id:
            warnings.append(_(
                "The privacy notice names %(controller)s as controller, but the event is "
                "hosted by %(host)s."
            ) % {"controller": notice.controller.organisation,
                 "host": event.host_partner.organisation})
        unfinished = languages_to_complete(notice)
        if unfinished:
            warnings.append(_(
                "The privacy notice still has parts of the template to complete, in square "
                "brackets (%(languages)s): the data protection officer's contact, for one."
            ) % {"languages": ", ".join(unfinished)})
    return warnings


def current_privacy_notice(event: Event) -> PrivacyNotice | None:
    """The event's newest notice, else the newest of the event's project (one query)."""
    return (
        PrivacyNotice.objects.select_related("controller").filter(
            Q(event=event) | Q(project_id=event.project_id, event__isnull=True)
        )
        .order_by(F("event_id").desc(nulls_last=True), "-version", "-id")
        .first()
    )


def questions(event: Event) -> list[Question]:
    found = list(Question.objects.filter(event=event).order_by("order", "id"))
    for question in found:
        question.event = event  # for the fallback language, without a query per question
    return found


def choice_label(choice: dict, language: str, fallback: str) -> str:
    """The label of one choice of a choice question, in ``language`` where translated."""
    return localize(choice.get("label"), language, fallback).text or choice.get("key", "")


def parallel_slots(event: Event) -> list[Slot]:
    """The event's parallel sessions grouped by slot, in programme order."""
    slots: dict[tuple, Slot] = {}
    blocks = AgendaBlock.objects.filter(event=event, kind=AgendaBlock.Kind.PARALLEL).order_by(
        "starts_at", "order", "id"
    )
    for block in blocks:
        block.event = event
        slot = slots.setdefault(
            (block.starts_at, block.ends_at), Slot(block.starts_at, block.ends_at)
        )
        slot.blocks.append(block)
    return list(slots.values())


@dataclass(frozen=True)
class RegistrationSetup:
    """What the registration form and ``services.register`` both read about an event: read
    once per request and handed from one to the other."""

    notice: PrivacyNotice | None
    options: RegistrationOptions
    slots: list[Slot]
    questions: list[Question]


def registration_setup(event: Event) -> RegistrationSetup:
    return RegistrationSetup(
        notice=current_privacy_notice(event),
        options=options_for(event),
        slots=parallel_slots(event),
        questions=questions(event),
    )


# (project slug, event slug) → (content version, event, setup), per process.
_forms: dict[tuple[str, str], tuple[str, Event, RegistrationSetup]] = {}
_FORMS_MAX = 200


def form_event_and_setup(project_slug: str, event_slug: str, version: str | None = None):
    """The public event and its registration setup for the registration form, kept in this
    process while the project's content version (``core.pagecache``) stays the same: every
    save of the event, its agenda, questions, options or privacy notice changes that version.
    One cache read instead of six queries per registration; what decides a place (capacity,
    status, window) is read again under the event's lock by ``services.register``.
    Returns (None, None) for an unknown or unpublished event. ``version``: the project's
    content version when the caller has read it already (one cache round trip fewer)."""
    from aula.core import pagecache

    version = version or pagecache.versions(project_slug)[0]
    key = (project_slug, event_slug)
    kept = _forms.get(key)
    if kept is not None and kept[0] == version:
        return kept[1], kept[2]
    event = public_event(project_slug, event_slug)
    if event is None:
        return None, None
    setup = registration_setup(event)
    if len(_forms) >= _FORMS_MAX:
        _forms.clear()
    _forms[key] = (version, event, setup)
    return event, setup


def registration_window(event: Event, now: datetime | None = None) -> Window:
    """Registration is open from ``registration_opens_at`` (or publication) until
    ``registration_closes_at``, or else until the event ends (people join online events late)."""
    now = now or timezone.now()
    if event.registration_opens_at and now < event.registration_opens_at:
        return Window.NOT_OPEN
    closes = event.registration_closes_at or event.ends_at
    if now >= closes:
        return Window.CLOSED
    return Window.OPEN


def _taken_from_rows(event: Event) -> int:
    return Registration.objects.filter(event=event, status__in=Registration.PLACE_TAKING).count()


def places_taken(event: Event) -> int:
    from aula.registrations.services import sql  # every registration reads it: raw, see there

    taken = sql.places_taken(event.pk)
    return taken if taken is not None else _taken_from_rows(event)


def places_left(event: Event, taken: int | None = None) -> int | None:
    """Free places of the event; None without a limit. ``taken``: ``places_taken`` when the
    caller has read it already."""
    if event.capacity is None:
        return None
    return max(event.capacity - (places_taken(event) if taken is None else taken), 0)


def session_places_left(event: Event, slots: list[Slot] | None = None) -> dict[int, int | None]:
    """Free places per parallel session (block id); None where the session has no limit."""
    slots = parallel_slots(event) if slots is None else slots
    blocks = [block for slot in slots for block in slot.blocks]
    # A session without a limit has no places to count: no query for it (a count of its
    # choices grows with every registration).
    limited = [block for block in blocks if block.capacity is not None]
    taken = dict(
        CapacityCounter.objects.filter(block__in=limited).values_list("block_id", "taken")
    ) if limited else {}
    missing = [block.pk for block in limited if block.pk not in taken]
    if missing:
        taken.update(
            SessionChoice.objects.filter(
                block_id__in=missing, registration__status__in=Registration.PLACE_TAKING
            ).values("block_id").annotate(n=Count("id")).values_list("block_id", "n")
        )
    return {
        block.pk: None
        if block.capacity is None
        else max(block.capacity - taken.get(block.pk, 0), 0)
        for block in blocks
    }


def limited_sessions_left(event: Event) -> list[tuple[AgendaBlock, int]]:
    """(session, free places) of each parallel session with a limit, in programme order, in
    one query: the sessions' counter rows, or their choices counted where a session has no
    counter yet (``session_places_left`` reads the same, for the form)."""
    counted = CapacityCounter.objects.filter(block_id=OuterRef("pk")).values("taken")[:1]
    chosen = (
        SessionChoice.objects.filter(
            block_id=OuterRef("pk"), registration__status__in=Registration.PLACE_TAKING
        ).order_by().values("block_id").annotate(n=Count("id")).values("n")
    )
    blocks = AgendaBlock.objects.filter(
        event=event, kind=AgendaBlock.Kind.PARALLEL, capacity__isnull=False
    ).annotate(taken=Coalesce(Subquery(counted), Subquery(chosen), 0)).order_by(
        "starts_at", "order", "id"
    )
    return [(block, max(block.capacity - block.taken, 0)) for block in blocks]


def registration_by_token(token: str) -> Registration | None:
    """The registration behind a personal link; erased registrations have none."""
    if not token:
        return None
    return (
        Registration.objects.select_related("event", "event__project", "privacy_notice")
        .filter(token=token, anonymised_at__isnull=True)
        .first()
    )


def chosen_sessions(registration: Registration) -> list[SessionChoice]:
    return list(
        registration.session_choices.select_related("block").order_by("slot_starts_at")
    )


def waiting_list(event: Event):
    """Waiting registrants in the order they will be promoted."""
    return Registration.objects.filter(event=event, status=Status.WAITING).order_by(
        "waiting_since", "id"
    )


def promotable_filter(options: RegistrationOptions) -> Q:
    """Who may be promoted automatically. With double opt-in, someone whose held place ran out
    unconfirmed waits until they confirm their address (else they would be handed the same
    place, and a new e-mail, at every release)."""
    if not options.double_opt_in:
        return Q()
    return Q(email_confirmed_at__isnull=False) | Q(hold_expires_at__isnull=True)


def counts(event: Event) -> dict:
    """Registrations per status, and places taken per organisation type and country."""
    by_status = dict.fromkeys(Status.values, 0)
    for row in (
        Registration.objects.filter(event=event).values("status").annotate(n=Count("id"))
        .order_by()
    ):
        by_status[row["status"]] = row["n"]
    taking = Registration.objects.filter(event=event, status__in=Registration.PLACE_TAKING)
    return {
        "status": by_status,
        "organisation_type": Counter(dict(
            taking.values("organisation_type").annotate(n=Count("id")).order_by()
            .values_list("organisation_type", "n")
        )),
        "country": Counter(dict(
            taking.values("country").annotate(n=Count("id")).order_by()
            .values_list("country", "n")
        )),
    }


class JoinState(StrEnum):
    OPEN = "open"
    EARLY = "early"
    ENDED = "ended"
    NOT_CONFIRMED = "not_confirmed"


def join_opens_at(event: Event, options: RegistrationOptions) -> datetime:
    return event.starts_at - timedelta(minutes=options.join_opens_minutes_before)


def join_state(
    registration: Registration, options: RegistrationOptions, now: datetime | None = None
) -> JoinState:
    now = now or timezone.now()
    event = registration.event
    if not registration.is_confirmed or event.is_cancelled:
        return JoinState.NOT_CONFIRMED
    if now >= event.ends_at:
        return JoinState.ENDED
    if now < join_opens_at(event, options):
        return JoinState.EARLY
    return JoinState.OPEN


# --- Lists of registrations for the API and the console --------------------------------------

MAX_SEARCH_TERMS = 5


def search(registrations, q: str):
    """Registrations whose name, address or organisation contain every word of ``q`` (at most
    ``MAX_SEARCH_TERMS`` words)."""
    for term in (q or "").split()[:MAX_SEARCH_TERMS]:
        registrations = registrations.filter(
            Q(first_name__icontains=term) | Q(family_name__icontains=term)
            | Q(email__icontains=term) | Q(organisation__icontains=term)
        )
    return registrations


def in_session(registrations, block_id: int):
    """Registrations that chose the parallel session ``block_id`` (a subquery, not a join: one
    row per registrant, and a cheap count)."""
    return registrations.filter(Exists(SessionChoice.objects.filter(
        registration=OuterRef("pk"), block_id=block_id
    )))


@dataclass(frozen=True)
class ListFilters:
    """What an API client asks of an event's registrations (checked by the caller)."""

    status: str = ""
    session: int | None = None
    q: str = ""
    created_since: datetime | None = None
    updated_since: datetime | None = None


def registration_list(event: Event, filters: ListFilters = ListFilters()):
    """The event's registrations that match ``filters``, in a stable order (by id), with their
    session choices prefetched: a page of it costs two queries (rows, choices) whatever its
    length. Erased registrations are in it (their data replaced): a client syncing learns of
    the erasure."""
    registrations = Registration.objects.filter(event_id=event.pk)
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    if filters.session:
        registrations = in_session(registrations, filters.session)
    if filters.q:
        registrations = search(registrations, filters.q)
    if filters.created_since is not None:
        registrations = registrations.filter(created_at__gte=filters.created_since)
    if filters.updated_since is not None:
        registrations = registrations.filter(updated_at__gte=filters.updated_since)
    return registrations.order_by("id").prefetch_related(_choices_prefetch())


def _choices_prefetch() -> Prefetch:
    return Prefetch(
        "session_choices",
        queryset=SessionChoice.objects.order_by("slot_starts_at", "id").only(
            "id", "registration_id", "block_id", "slot_starts_at"
        ),
    )


def registration_in_project(project_id: int, registration_id: int) -> Registration | None:
    """One registration of the project's events, with its event and session choices (None for
    another project's: it does not exist for the asker)."""
    return (
        Registration.objects.select_related("event")
        .prefetch_related(_choices_prefetch())
        .filter(pk=registration_id, event__project_id=project_id)
        .first()
    )


# --- The form on a partner's site (``views.embed``) -------------------------------------------


def embed_languages(event: Event) -> list[str]:
    """The languages a partner may show the embedded form in: the event's primary language and
    those its title is written in, in Aula's order."""
    written = {code for code, text in (event.title or {}).items() if (text or "").strip()}
    written.add(event.primary_language)
    return [code for code in CONTENT_LANGUAGES if code in written]


def embed_address(event: Event, language: str) -> str:
    with translation.override(language):
        return reverse("registrations:embed",
                       kwargs={"project": event.project.slug, "event": event.slug})


def embed_snippet(event: Event, language: str, base_url: str) -> str:
    """The HTML a partner pastes into their page: the frame (titled in ``language`` for screen
    readers) and the script that sizes it (``/embed.js``). Everything in it escaped."""
    with translation.override(language):
        title = _("Registration: %(title)s") % {
            "title": localize(event.title, language, event.primary_language).text
        }
    base = base_url.rstrip("/")
    return format_html(
        '<iframe src="{}" title="{}" loading="lazy" height="600" '
        'style="width:100%;border:0"></iframe>\n<script src="{}" async></script>',
        base + embed_address(event, language), title, base + reverse("embed_script"),
    )
