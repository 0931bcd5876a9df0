"""Reads for the public pages: what each page shows, in a fixed number of SQL queries.

Views call these and stay thin. Every function here returns only what the public may see:
drafts never leave this module (cancelled events do, so that people learn of the cancellation).
The number of queries does not depend on the size of an agenda or of a list of events.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person
from aula.projects.models import Partner, Project


def public_events():
    """Published and cancelled events, with what a list of them shows (one query)."""
    return Event.objects.published().select_related("host_partner")


def projects_with_upcoming_events(now: datetime | None = None) -> list[Project]:
    """Every project, each with ``upcoming_events``: its public events not yet over (2 queries)."""
    now = now or timezone.now()
    upcoming = public_events().filter(ends_at__gt=now).order_by("starts_at", "id")
    return list(
        Project.objects.prefetch_related(
            Prefetch("events", queryset=upcoming, to_attr="upcoming_events")
        )
    )


def public_project(project_slug: str) -> Project:
    """The project with this address, or 404."""
    try:
        return Project.objects.get(slug=project_slug)
    except Project.DoesNotExist:
        raise Http404("No such project") from None


def partners(project: Project) -> list[Partner]:
    """The project's partners in their order (one query)."""
    return list(project.partners.all())


@dataclass(frozen=True, slots=True)
class ProjectEvents:
    upcoming: list[Event]
    past: list[Event]


def project_events(project: Project, now: datetime | None = None) -> ProjectEvents:
    """The project's public events: upcoming soonest first, past most recent first (1 query)."""
    now = now or timezone.now()
    upcoming, past = [], []
    for event in public_events().filter(project=project).order_by("starts_at", "id"):
        event.project = project  # spare a query wherever the event asks for its project
        (past if event.is_past(now) else upcoming).append(event)
    past.reverse()
    return ProjectEvents(upcoming, past)


def published_event(project_slug: str, event_slug: str) -> Event:
    """The public event with these addresses, with its project and partners joined; 404 for a
    draft or an unknown address (1 query)."""
    try:
        return (
            Event.objects.published()
            .select_related("project", "host_partner", "contact_organisation")
            .get(project__slug=project_slug, slug=event_slug)
        )
    except Event.DoesNotExist:
        raise Http404("No such event") from None


@dataclass(slots=True)
class Slot:
    """A stretch of the agenda: one plenary or break block, or the parallel sessions that
    share a start and an end (shown side by side; a registrant chooses one)."""

    starts_at: datetime
    ends_at: datetime
    blocks: list[AgendaBlock] = field(default_factory=list)

    @property
    def is_parallel(self) -> bool:
        return self.blocks[0].is_parallel

    @property
    def is_choice(self) -> bool:
        """More than one parallel session: the visitor picks one."""
        return self.is_parallel and len(self.blocks) > 1

    @property
    def key(self) -> str:
        """Stable form-field name of the slot (the registration form's choice of session)."""
        return f"slot_{int(self.starts_at.timestamp())}"


def agenda(event: Event) -> list[Slot]:
    """The event's agenda in time order, grouped into slots, with the items of every block and
    the people of every item prefetched (3 queries, whatever the agenda's size)."""
    roles = ItemRole.objects.select_related("person")
    items = AgendaItem.objects.prefetch_related(Prefetch("roles", queryset=roles))
    blocks = AgendaBlock.objects.filter(event=event).prefetch_related(
        Prefetch("items", queryset=items)
    )
    slots: list[Slot] = []
    for block in blocks:
        block.event = event
        previous = slots[-1] if slots else None
        if (
            previous is not None
            and block.is_parallel
            and previous.is_parallel
            and (previous.starts_at, previous.ends_at) == (block.starts_at, block.ends_at)
        ):
            previous.blocks.append(block)
        else:
            slots.append(Slot(block.starts_at, block.ends_at, [block]))
    return slots


def speakers(slots: Iterable[Slot]) -> list[Person]:
    """The distinct people on the agenda in order of first appearance (no queries: it reads
    what ``agenda`` prefetched)."""
    seen: set[int] = set()
    people: list[Person] = []
    for slot in slots:
        for block in slot.blocks:
            for item in block.items.all():
                for role in item.roles.all():
                    if role.person_id not in seen:
                        seen.add(role.person_id)
                        people.append(role.person)
    return people


def feed_events(project: Project, partner: Partner | None = None) -> list[Event]:
    """The project's public events for a calendar feed or the JSON list, oldest first; only
    those ``partner`` hosts when given (1 query)."""
    events = public_events().filter(project=project).order_by("starts_at", "id")
    if partner is not None:
        events = events.filter(host_partner=partner)
    events = list(events)
    for event in events:
        event.project = project  # spare a query wherever the event asks for its project
    return events


def public_partner(project: Project, partner_id: int) -> Partner:
    """The project's partner with this id, or 404 (1 query)."""
    try:
        return project.partners.get(pk=partner_id)
    except Partner.DoesNotExist:
        raise Http404("No such partner") from None
