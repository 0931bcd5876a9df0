"""Reads for the console's registrant pages: the table (search, filters, sorting, paging), one
registrant's history, counts for the event's hub.

The table costs a fixed number of queries whatever the number of registrants: one COUNT, one
page of rows (``values``, LIMIT/OFFSET in a total order ending in the primary key) and one read
of the page's session choices.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connections, router
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Collate
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from aula.attendance import queries as attendance_queries
from aula.attendance.models import AttendanceRecord
from aula.core.collation import UNICODE_COLLATION
from aula.events.models import AgendaBlock, Event
from aula.messaging.queries import messages_for_registration
from aula.registrations import queries as registration_queries
from aula.registrations.display import session_places as session_places_text
from aula.registrations.models import OrganisationType, Question, Registration, SessionChoice

Status = Registration.Status
PAGE_SIZE = 50
MAX_SEARCH_TERMS = registration_queries.MAX_SEARCH_TERMS

# Column key → the fields it orders by (the primary key always ends the order, so that paging
# is stable).
SORTS = {
    "name": ("family_name", "first_name"),
    "email": ("email",),
    "organisation": ("organisation",),
    "organisation_type": ("organisation_type",),
    "country": ("country",),
    "status": ("status",),
    "registered": ("created_at",),
}
DEFAULT_SORT = "registered"

ROW_FIELDS = (
    "id", "first_name", "family_name", "email", "organisation", "organisation_type", "country",
    "status", "created_at", "anonymised_at",
)


@dataclass
class Filters:
    """What the organiser asked the table for; every value as typed (checked here)."""

    q: str = ""
    status: str = ""
    session: int | None = None
    organisation_type: str = ""
    country: str = ""
    attended: str = ""  # "yes", "no" or "" (either)
    sort: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def from_query(cls, params) -> "Filters":
        status = params.get("status", "")
        organisation_type = params.get("organisation_type", "")
        country = (params.get("country") or "").upper()
        sort = params.get("sort", DEFAULT_SORT)
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        try:
            session = int(params.get("session") or 0) or None
        except ValueError:
            session = None
        return cls(
            q=(params.get("q") or "").strip()[:200],
            status=status if status in Status.values else "",
            session=session,
            organisation_type=(
                organisation_type if organisation_type in OrganisationType.values else ""
            ),
            country=country if country in countries else "",
            attended=params.get("attended") if params.get("attended") in ("yes", "no") else "",
            sort=sort if sort in SORTS else DEFAULT_SORT,
            descending=descending,
        )

    def as_query(self, **changes) -> dict:
        """The filters as query parameters (for links that keep them), with ``changes``."""
        values = {
            "q": self.q, "status": self.status, "session": self.session or "",
            "organisation_type": self.organisation_type, "country": self.country,
            "attended": self.attended, "sort": ("-" if self.descending else "") + self.sort,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}


def filtered(event: Event, filters: Filters):
    """The event's registrations that match ``filters`` (unordered)."""
    registrations = registration_queries.search(
        Registration.objects.filter(event_id=event.pk), filters.q
    )
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    if filters.organisation_type:
        registrations = registrations.filter(organisation_type=filters.organisation_type)
    if filters.country:
        registrations = registrations.filter(country=filters.country)
    if filters.session:
        registrations = registration_queries.in_session(registrations, filters.session)
    if filters.attended:
        present = present_filter(event)
        registrations = registrations.filter(
            present if filters.attended == "yes" else ~present
        )
    return registrations


def present_filter(event: Event) -> Q:
    """In SQL, who ``aula.attendance.queries.attendees(event)`` counts as present (a record
    of the event linked to the registration, or a click on the join link), so the table can
    filter 100,000 registrants without carrying their ids (a test keeps the two in step)."""
    return Q(Exists(AttendanceRecord.objects.filter(
        event_id=event.pk, registration=OuterRef("pk")
    ))) | Q(first_joined_at__isnull=False)


# Names and organisations sort as people read them, whatever their letters (Č beside C, Ș beside
# S, Ž beside Z, accents and then case only breaking ties). PostgreSQL: ICU's root collation;
# SQLite: the Unicode Collation Algorithm registered on every connection by aula.core
# (core/collation.py), which orders the same way.
TEXT_COLLATIONS = {"postgresql": "und-x-icu", "sqlite": UNICODE_COLLATION}
TEXT_SORT_FIELDS = frozenset({"family_name", "first_name", "organisation"})


def _sort_expression(name: str, descending: bool):
    vendor = connections[router.db_for_read(Registration)].vendor
    expression = F(name)
    if name in TEXT_SORT_FIELDS and vendor in TEXT_COLLATIONS:
        expression = Collate(expression, TEXT_COLLATIONS[vendor])
    return expression.desc() if descending else expression.asc()


def ordered(registrations, filters: Filters):
    return registrations.order_by(
        *(_sort_expression(name, filters.descending) for name in SORTS[filters.sort]),
        "-id" if filters.descending else "id",
    )


@dataclass
class Page:
    rows: list[dict]
    number: int
    count: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max((self.count + self.size - 1) // self.size, 1)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def registrant_page(event: Event, filters: Filters, number: int = 1,
                    size: int = PAGE_SIZE) -> Page:
    """One page of the table: each row a dict of ``ROW_FIELDS`` plus ``sessions`` (titles)."""
    registrations = filtered(event, filters)
    count = registrations.count()
    pages = max((count + size - 1) // size, 1)
    number = min(max(number, 1), pages)
    offset = (number - 1) * size
    rows = list(ordered(registrations, filters).values(*ROW_FIELDS)[offset:offset + size])
    language = get_language() or settings.LANGUAGE_CODE
    sessions: dict[int, list[str]] = {}
    if rows:
        choices = (
            SessionChoice.objects.filter(registration_id__in=[row["id"] for row in rows])
            .select_related("block").order_by("slot_starts_at")
        )
        for choice in choices:
            choice.block.event = event
            sessions.setdefault(choice.registration_id, []).append(
                choice.block.text("title", language).text
            )
    labels = dict(Status.choices)
    types = dict(OrganisationType.choices)
    attended = attendance_queries.attendees(event, [row["id"] for row in rows]) if rows else {}
    for row in rows:
        row["sessions"] = sessions.get(row["id"], [])
        row["attended"] = row["id"] in attended
        row["minutes"] = attended.get(row["id"])
        row["status_label"] = labels.get(row["status"], row["status"])
        row["organisation_type_label"] = types.get(row["organisation_type"], "")
        row["country_name"] = countries.name(row["country"]) if row["country"] else ""
    return Page(rows=rows, number=number, count=count, size=size)


def sessions_of(event: Event) -> list[AgendaBlock]:
    """The event's parallel sessions (for the session filter), in programme order."""
    return [block for slot in registration_queries.parallel_slots(event) for block in slot.blocks]


@dataclass(frozen=True)
class SessionPlaces:
    block: AgendaBlock
    capacity: int | None
    places: str  # '12 places left', 'full', 'full — waiting list' or '' (no limit)


def session_places(event: Event) -> list[SessionPlaces]:
    """Places left in each parallel session, from the sessions' counters (a few queries however
    many sessions), as the public page says them."""
    slots = registration_queries.parallel_slots(event)
    if not slots:
        return []
    left = registration_queries.session_places_left(event, slots)
    event_left = registration_queries.places_left(event)
    waiting = event_left == 0 and registration_queries.options_for(event).waiting_list
    return [
        SessionPlaces(block, block.capacity, session_places_text(left.get(block.pk), waiting))
        for slot in slots for block in slot.blocks
    ]


def status_counts(event: Event) -> dict[str, int]:
    """Registrations per status, every status present, in one query."""
    found = dict.fromkeys(Status.values, 0)
    for status, n in (
        Registration.objects.filter(event_id=event.pk).values("status")
        .annotate(n=Count("id")).order_by().values_list("status", "n")
    ):
        found[status] = n
    return found


def hub_summary(event: Event) -> list[tuple[str, str, int]]:
    """(status, label, count) for the hub, in the order of the statuses."""
    counts = status_counts(event)
    return [(status, label, counts[status]) for status, label in Status.choices]


def registrant(event: Event, registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("privacy_notice")
        .filter(event_id=event.pk, pk=registration_id).first()
    )


# --- One registrant's history ------------------------------------------------------------


@dataclass
class Moment:
    at: datetime
    what: str
    detail: str = ""
    status: str = ""


@dataclass
class Answer:
    question: str
    answer: str


@dataclass
class History:
    moments: list[Moment] = field(default_factory=list)
    messages: list = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    attended: bool = False
    minutes: int | None = None


def answer_text(question: Question, value, language: str, fallback: str) -> str:
    """An answer as words: choice labels, yes/no, the country's name."""
    Kind = Question.Kind
    if value in (None, "", []):
        return ""
    if question.kind in Question.CHOICE_KINDS:
        labels = {
            choice["key"]: registration_queries.choice_label(choice, language, fallback)
            for choice in question.choices or []
        }
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if question.kind == Kind.CHECKBOX:
        return str(_("Yes")) if value else str(_("No"))
    if question.kind == Kind.COUNTRY:
        return countries.name(str(value)) or str(value)
    return str(value)


def history(registration: Registration, event: Event) -> History:
    """Everything that happened to the registration, oldest first: registered, address
    confirmed, confirmed, waiting, each e-mail queued and delivered (with its status), joined,
    cancelled; and its answers and sessions."""
    registration.event = event
    language = get_language() or settings.LANGUAGE_CODE
    fallback = event.primary_language
    found = History()
    r = registration
    for at, what in (
        (r.created_at, pgettext_lazy("registration history", "Registered")),
        (r.email_confirmed_at, _("Confirmed the e-mail address")),
        (r.waiting_since, _("Joined the waiting list")),
        (r.confirmed_at, _("Place confirmed")),
        (r.first_joined_at, _("Joined the event for the first time")),
        (r.last_joined_at if r.join_count > 1 else None, _("Joined the event for the last time")),
        (r.cancelled_at, pgettext_lazy("registration history", "Cancelled")),
        (r.anonymised_at, _("Personal data erased")),
    ):
        if at:
            found.moments.append(Moment(at, str(what)))
    if r.hold_expires_at and r.status == Status.HELD:
        found.moments.append(Moment(r.hold_expires_at, str(_("Place held until"))))
    messages = list(messages_for_registration(r.pk).order_by("created_at", "id"))
    found.messages = messages
    for message in messages:
        if message.to_render:
            # Written "to render": the delivery worker fills the subject in just before sending.
            message.subject = str(_("(being prepared)"))
        found.moments.append(Moment(
            message.created_at, str(_("E-mail queued")), message.subject,
            message.get_status_display(),
        ))
        if message.sent_at:
            found.moments.append(Moment(message.sent_at, str(_("E-mail sent")), message.subject))
    found.moments.sort(key=lambda moment: moment.at)
    attendees = attendance_queries.attendees(event, [r.pk])
    found.attended = r.pk in attendees
    found.minutes = attendees.get(r.pk)
    for question in registration_queries.questions(event):
        value = (r.answers or {}).get(str(question.pk))
        found.answers.append(Answer(
            question.text("label", language).text,
            answer_text(question, value, language, fallback),
        ))
    for choice in registration_queries.chosen_sessions(r):
        choice.block.event = event
        found.sessions.append(choice.block.text("title", language).text)
    return found


# --- Bulk actions ------------------------------------------------------------------------------

BULK_SHOWN = 50  # names listed on the confirmation page; the count covers the rest


@dataclass
class Selection:
    """Who a bulk action is about to touch: their ids (every one, to carry to the action) and
    the first ``BULK_SHOWN`` rows to name."""

    ids: list[int]
    rows: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ids)


def selection(event: Event, *, ids=None, filters: Filters | None = None,
              limit: int | None = None) -> Selection:
    """The event's registrants among ``ids``, or those matching ``filters``, in the table's
    order. Two queries whatever the number (the ids, then the rows to show). ``limit``: read
    at most that many ids plus one (the caller refuses a batch over it)."""
    filters = filters or Filters()
    registrations = Registration.objects.filter(event_id=event.pk)
    if ids is not None:
        registrations = registrations.filter(pk__in=list(ids))
    else:
        registrations = filtered(event, filters)
    registrations = ordered(registrations, filters)
    found = registrations.values_list("id", flat=True)
    found = list(found[:limit + 1] if limit is not None else found)
    rows = list(
        ordered(Registration.objects.filter(pk__in=found[:BULK_SHOWN]), filters)
        .values("id", "first_name", "family_name", "email", "status", "anonymised_at")
    ) if found else []
    labels = dict(Status.choices)
    for row in rows:
        row["status_label"] = labels.get(row["status"], row["status"])
    return Selection(ids=found, rows=rows)


def names_of(event: Event, ids) -> dict[int, str]:
    """Id → "Family, First" (or the erased placeholder) of the event's registrants, one query."""
    return {
        pk: (_("Erased registration") if erased else f"{family}, {first}")
        for pk, first, family, erased in Registration.objects.filter(
            event_id=event.pk, pk__in=list(ids)
        ).values_list("id", "first_name", "family_name", "anonymised_at")
    }
