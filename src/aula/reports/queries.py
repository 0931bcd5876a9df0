"""The numbers of the dashboards and of the funder's participation report.

Definitions, used everywhere (pages, PDF, spreadsheet):

* **registered** – registrations not cancelled (place held, confirmed or on the waiting list);
* **confirmed** – registrations with the status confirmed;
* **attended** – registrations on the event's attendance list
  (``aula.attendance.queries.attendees``), whatever their status;
* **participations (RCO81)** – one per person on the attendance list of the event: a person
  attending two events counts twice, once per event; registrations without attendance do not
  count.
* **a cancelled event** (or a draft) counts no participation: 0 attended, 0 RCO81, whatever its
  attendance list holds (``events.lifecycle.counts_participation``), and every page and document
  says it was cancelled. The funder's report is **final** only for a held or closed event
  (``events.lifecycle.report_is_final``); otherwise it is marked provisional.

Every function reads in a fixed number of SQL queries, whatever the number of registrations:
counts are aggregated by the database (``values()`` + ``annotate()``); only the attendance list,
which comes as a dict of registration ids, is matched in Python against one query's rows. The
attendance app answers per event (two queries each), so the project overview, which needs every
event's list, grows with the number of events, never with the registrations. No function here
reads registrants' names or e-mail addresses.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_countries import countries

from aula.core.timefmt import format_day, format_range
from aula.core.translation import localize
from aula.events.lifecycle import counts_participation, report_is_final
from aula.events.models import AgendaBlock, Event
from aula.events.queries import agenda
from aula.registrations.models import OrganisationType, Registration, SessionChoice
from aula.reports.models import OrganisationCounts

REGISTERED = ("held", "confirmed", "waiting")
CONFIRMED = "confirmed"


def attendees_of(event: Event) -> dict[int, int | None]:
    """The event's attendance list: registration id → minutes present (None: present, duration
    unknown). The attendance app owns it; imported here so that the reports do not break the
    import of the console when that app changes."""
    from aula.attendance.queries import attendees

    return attendees(event)


def counted_attendance(event: Event) -> dict[int, int | None]:
    """The attendance list as the reports count it: empty for an event whose participation
    does not count (cancelled, draft), whatever was imported."""
    if not counts_participation(event):
        return {}
    return attendees_of(event)


@dataclass(frozen=True, slots=True)
class State:
    """Where the event stands, as every report shows it."""

    status: str
    label: str
    counts: bool
    final: bool
    cancelled: bool
    cancelled_at: object = None
    reason: str = ""


def state_of(event: Event) -> State:
    return State(
        status=event.status, label=str(event.get_status_display()),
        counts=counts_participation(event), final=report_is_final(event),
        cancelled=event.status == Event.Status.CANCELLED, cancelled_at=event.cancelled_at,
        reason=event.cancellation_reason,
    )


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a breakdown: what (key and translated label) and how many."""

    key: str
    label: str
    registered: int = 0
    attended: int = 0


@dataclass(slots=True)
class Funnel:
    registered: int
    confirmed: int
    attended: int
    cancelled: int

    def steps(self) -> list[Row]:
        return [
            Row("registered", pgettext("number of people", "Registered"), self.registered),
            Row("confirmed", pgettext("number of people", "Confirmed"), self.confirmed),
            Row("attended", pgettext("number of people", "Attended"), self.attended),
        ]


@dataclass(slots=True)
class Dashboard:
    event: Event
    state: State
    funnel: Funnel
    over_time: list[tuple[date, int]]
    by_country: list[Row]
    by_type: list[Row]
    by_session: list[Row]


def _registrations(event: Event):
    return Registration.objects.filter(event=event)


def _active(event: Event):
    return _registrations(event).filter(status__in=REGISTERED)


def country_label(code: str) -> str:
    return str(countries.name(code)) if code else _("Country not given")


def type_label(key: str) -> str:
    try:
        return str(OrganisationType(key).label)
    except ValueError:
        return key or _("Type not given")


def funnel(event: Event, attended: dict[int, int | None] | None = None) -> Funnel:
    """Registered → confirmed → attended, and how many cancelled (1 query + the attendance)."""
    counts = _registrations(event).aggregate(
        registered=Count("id", filter=Q(status__in=REGISTERED)),
        confirmed=Count("id", filter=Q(status=CONFIRMED)),
        cancelled=Count("id", filter=Q(status="cancelled")),
    )
    if attended is None:
        attended = counted_attendance(event)
    return Funnel(counts["registered"], counts["confirmed"], len(attended), counts["cancelled"])


def registrations_over_time(event: Event) -> list[tuple[date, int]]:
    """Registrations (not cancelled) so far at the end of each day, days in the event's zone,
    from the first registration's day to the last's, with no day missing (1 query)."""
    per_day = dict(
        _active(event)
        .annotate(day=TruncDate("created_at", tzinfo=event.tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    series, total, day = [], 0, first
    while day <= last:
        total += per_day.get(day, 0)
        series.append((day, total))
        day += timedelta(days=1)
    return series


def _sorted(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-row.registered, -row.attended, row.label))


def by_country(event: Event) -> list[Row]:
    """Registered per country, most first (1 query)."""
    counts = _active(event).values("country").annotate(n=Count("id")).values_list("country", "n")
    return _sorted([Row(code, country_label(code), n) for code, n in counts])


def by_organisation_type(event: Event) -> list[Row]:
    """Registered per Interreg organisation type, most first (1 query)."""
    counts = (
        _active(event).values("organisation_type").annotate(n=Count("id"))
        .values_list("organisation_type", "n")
    )
    return _sorted([Row(key, type_label(key), n) for key, n in counts])


def by_session(event: Event, language: str) -> list[Row]:
    """Registered per parallel session, in agenda order, sessions nobody chose included
    (2 queries)."""
    chosen = dict(
        SessionChoice.objects.filter(registration__event=event,
                                     registration__status__in=REGISTERED)
        .values("block").annotate(n=Count("id")).values_list("block", "n")
    )
    blocks = AgendaBlock.objects.filter(event=event, kind=AgendaBlock.Kind.PARALLEL)
    rows = []
    for block in blocks:
        block.event = event
        title = block.text("title", language).text or block.get_kind_display()
        start = event.local(block.starts_at)
        label = f"{start:%H:%M} · {title}"
        rows.append(Row(str(block.pk), label, chosen.get(block.pk, 0)))
    return rows


def event_dashboard(event: Event, language: str) -> Dashboard:
    """Everything the event's dashboard shows (6 queries + the attendance list)."""
    return Dashboard(
        event=event,
        state=state_of(event),
        funnel=funnel(event),
        over_time=registrations_over_time(event),
        by_country=by_country(event),
        by_type=by_organisation_type(event),
        by_session=by_session(event, language),
    )


# --- the project's events side by side ---------------------------------------------------------


@dataclass(slots=True)
class EventLine:
    event: Event
    state: State
    registered: int
    confirmed: int
    attended: int
    organisations: int
    organisations_attending: int


def _organisation_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def organisation_keys(event: Event) -> tuple[set[str], set[str]]:
    """The distinct organisations registered and on the attendance list (whatever the event's
    state), as the reports compare them: what ``OrganisationCounts`` keeps before erasure."""
    attended = attendees_of(event)
    registered, attending = set(), set()
    rows = Registration.objects.filter(event=event).values_list("pk", "status", "organisation")
    for pk, status, organisation in rows:
        key = _organisation_key(organisation)
        if status in REGISTERED:
            registered.add(key)
        if pk in attended:
            attending.add(key)
    return registered, attending


def _kept_counts(event: Event) -> OrganisationCounts | None:
    """The counts kept when the event's personal data was erased (with the event's reverse
    relation selected, no query)."""
    try:
        return event.organisation_counts
    except OrganisationCounts.DoesNotExist:
        return None


def project_overview(project) -> list[EventLine]:
    """The project's events, oldest first, each with its registered, confirmed and attended
    counts and the organisations registered and attending (2 queries + one attendance list per
    event). Organisation names are compared without case and extra spaces, in Python: the
    databases' lower() differ on non-ASCII letters, and attendance comes as registration ids."""
    events = list(
        Event.objects.filter(project=project)
        .select_related("organisation_counts")
        .annotate(
            n_registered=Count("registrations", filter=Q(registrations__status__in=REGISTERED)),
            n_confirmed=Count("registrations", filter=Q(registrations__status=CONFIRMED)),
        )
        .order_by("starts_at", "id")
    )
    attended = {event.pk: counted_attendance(event) for event in events}
    registered: dict[int, set[str]] = {event.pk: set() for event in events}
    attending: dict[int, set[str]] = {event.pk: set() for event in events}
    rows = Registration.objects.filter(event__project=project).values_list(
        "pk", "event_id", "status", "organisation"
    )
    for pk, event_id, status, organisation in rows:
        key = _organisation_key(organisation)
        if status in REGISTERED:
            registered[event_id].add(key)
        if pk in attended[event_id]:
            attending[event_id].add(key)
    lines = []
    for event in events:
        event.project = project
        n_registered, n_attending = len(registered[event.pk]), len(attending[event.pk])
        kept = _kept_counts(event)
        if kept is not None:  # the names were erased: the counts from before
            state = state_of(event)
            n_registered, n_attending = kept.registered, kept.attending if state.counts else 0
        lines.append(EventLine(
            event, state_of(event), event.n_registered, event.n_confirmed, len(attended[event.pk]),
            n_registered, n_attending,
        ))
    return lines


# --- the participation report for the funding programme ----------------------------------------


@dataclass(slots=True)
class PartnerRegion:
    """A partner country: the partners there and the people who came from it."""

    country: str  # ISO code; "" for the line of those from outside the partnership
    label: str
    partners: list[str]
    registered: int = 0
    attended: int = 0


@dataclass(slots=True)
class Organisation:
    name: str
    attended: int


@dataclass(slots=True)
class ParticipationReport:
    event: Event
    state: State
    funnel: Funnel
    participations: int
    by_type: list[Row]
    by_country: list[Row]
    by_partner_region: list[PartnerRegion]
    organisations_attending: int
    organisations: list[Organisation] = field(default_factory=list)
    include_organisations: bool = False


def participation_report(event: Event, include_organisations: bool = False) -> ParticipationReport:
    """The funder's report of one event (3 queries + the attendance list). Breakdowns give the
    registered and the attended side by side; organisation types list every Interreg category
    (zeros included). The organisations' names are there only when asked for."""
    attended = counted_attendance(event)
    the_funnel = funnel(event, attended)
    # The non-personal columns of every registration (no names, no addresses), one query.
    rows = list(
        _registrations(event).values_list("pk", "status", "country", "organisation_type",
                                          "organisation", "anonymised_at")
    )
    registered = [row for row in rows if row[1] in REGISTERED]
    present = [row for row in rows if row[0] in attended]

    def tally(index):
        return Counter(row[index] for row in registered), Counter(row[index] for row in present)

    types_registered, types_attended = tally(3)
    by_type = [
        Row(key, str(label), types_registered.get(key, 0), types_attended.get(key, 0))
        for key, label in OrganisationType.choices
    ]
    unknown = (set(types_registered) | set(types_attended)) - set(OrganisationType.values)
    by_type += [Row(key, type_label(key), types_registered[key], types_attended[key])
                for key in sorted(unknown)]

    countries_registered, countries_attended = tally(2)
    by_country = _sorted([
        Row(code, country_label(code), countries_registered[code], countries_attended[code])
        for code in set(countries_registered) | set(countries_attended)
    ])

    partners = list(event.project.partners.all())
    regions: dict[str, PartnerRegion] = {}
    for partner in partners:
        code = str(partner.country)
        region = regions.setdefault(code, PartnerRegion(code, country_label(code), []))
        region.partners.append(f"{partner.organisation} ({partner.city})")
    outside = PartnerRegion("", _("Outside the partnership"), [])
    for code, n in countries_registered.items():
        (regions.get(code) or outside).registered += n
    for code, n in countries_attended.items():
        (regions.get(code) or outside).attended += n
    by_region = [*regions.values(), outside]

    names: dict[str, list] = {}
    for row in present:
        name = " ".join(row[4].split())
        entry = names.setdefault(_organisation_key(name), [name, 0])
        entry[1] += 1
    organisations_attending = len(names)
    if any(row[5] is not None for row in rows):
        kept = OrganisationCounts.objects.filter(event=event).first()
        if kept is not None:
            # Erased at the end of the retention period: the count from before.
            organisations_attending = kept.attending if counts_participation(event) else 0
    organisations = []
    if include_organisations:
        organisations = sorted(
            (Organisation(name, n) for name, n in names.values() if name),
            key=lambda o: (-o.attended, o.name.casefold()),
        )
    return ParticipationReport(
        event=event,
        state=state_of(event),
        funnel=the_funnel,
        participations=len(attended),
        by_type=by_type,
        by_country=by_country,
        by_partner_region=by_region,
        organisations_attending=organisations_attending,
        organisations=organisations,
        include_organisations=include_organisations,
    )


def rco81_rule() -> str:
    """The counting rule, in words for the report."""
    return _(
        "RCO81 – Participations in joint actions across borders: counted from the attendance "
        "list, one participation for each person who attended the event. A person attending "
        "several events of the project counts once per event; people who registered but did "
        "not attend do not count."
    )


# --- the event's facts and agenda, as the report prints them ------------------------------------


@dataclass(frozen=True, slots=True)
class AgendaLine:
    time: str
    title: str
    items: list[str]
    starts_at: datetime | None = None  # in the event's zone (for the spreadsheet's date cells)
    ends_at: datetime | None = None


def event_facts(event: Event, language: str) -> list[tuple[str, str]]:
    """(label, value) pairs describing the event for the funder, in ``language`` (no query
    beyond the event's project and host partner)."""
    project = event.project
    host = event.host_partner
    fallback = event.primary_language
    host_text = (
        f"{host.organisation}, {host.city} ({country_label(str(host.country))})" if host else "–"
    )
    return [
        (_("Project"), f"{project.name} – "
                         f"{localize(project.full_title, language, project.primary_language)}"),
        (_("Project code"), project.code),
        (_("Funding programme"), project.programme),
        (_("Event"), localize(event.title, language, fallback).text),
        (_("Hosting partner"), host_text),
        (_("Date and time"), format_range(event.starts_at, event.ends_at, event.time_zone,
                                          language)),
        (_("Format"), str(event.get_format_display())),
        (_("Location"), localize(event.location, language, fallback).text or "–"),
        (_("Status"), status_text(event)),
    ]


def status_text(event: Event) -> str:
    """The event's state in words, for the report: cancelled with its date and reason."""
    label = str(event.get_status_display())
    if event.status == Event.Status.CANCELLED:
        text = _("Cancelled: no participation counts.")
        if event.cancelled_at:
            text = _("Cancelled on %(date)s: no participation counts.") % {
                "date": format_day(event.local(event.cancelled_at))
            }
        return f"{text} {event.cancellation_reason}".strip()
    return label


def document_title(event: Event) -> str:
    """The report's title: provisional unless the event was held (or closed)."""
    if report_is_final(event):
        return _("Participation report")
    if event.status == Event.Status.CANCELLED:
        return _("Participation report (provisional: the event was cancelled)")
    return _("Participation report (provisional)")


def provisional_note(event: Event) -> str:
    """Why the report is not final ("" when it is)."""
    if report_is_final(event):
        return ""
    if event.status == Event.Status.CANCELLED:
        return _("PROVISIONAL – the event was cancelled: it counts no participation (0 attended, "
                 "0 participations RCO81).")
    return _("PROVISIONAL – the event has not been marked as held: the figures may still "
             "change. The report is final once the event is held.")


def report_agenda(event: Event, language: str) -> list[AgendaLine]:
    """The agenda's blocks in time order with their items' titles (3 queries). People on the
    agenda are left out: the report carries no names."""
    fallback = event.primary_language
    lines = []
    for slot in agenda(event):
        for block in slot.blocks:
            start, end = event.local(block.starts_at), event.local(block.ends_at)
            title = localize(block.title, language, fallback).text or str(
                block.get_kind_display()
            )
            items = [localize(item.title, language, fallback).text for item in block.items.all()]
            lines.append(AgendaLine(f"{start:%H:%M}–{end:%H:%M}", title, items, start, end))
    return lines


@dataclass(slots=True)
class ReportDocument:
    """What the PDF and the spreadsheet print: the figures, the facts, the agenda, the rule."""

    report: ParticipationReport
    facts: list[tuple[str, str]]
    agenda: list[AgendaLine]
    rule: str
    language: str
    title: str = ""
    provisional: str = ""  # the banner of a report that is not final; "" when final


def report_document(event: Event, language: str, include_organisations: bool = False):
    """Everything the report prints, worded in ``language`` (labels, facts and dates)."""
    with translation.override(language):
        return _report_document(event, language, include_organisations)


def _report_document(event: Event, language: str, include_organisations: bool):
    return ReportDocument(
        report=participation_report(event, include_organisations),
        facts=event_facts(event, language),
        agenda=report_agenda(event, language),
        rule=rco81_rule(),
        language=language,
        title=document_title(event),
        provisional=provisional_note(event),
    )
