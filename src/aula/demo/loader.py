"""Load the demo seminar (aula.demo.seminar) into the database, idempotently.

Creates what is missing and updates what differs, field by field: a row whose stored values
already match is not saved at all, so a second run changes nothing (not even ``updated_at`` or
the event's calendar ``sequence``). Everything happens in one transaction.

The event's date: a new event is dated ahead (the first Thursday at least three weeks from
today) so that one can try registering; an existing event keeps its date unless asked to go
back to the original date (10 June 2021) or to be redated ahead again.
"""

import enum
import io
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from aula.demo import seminar
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person, check_agenda
from aula.events.services import record_event_change
from aula.projects.models import Partner, Project
from aula.registrations.models import PrivacyNotice, RegistrationOptions


def placeholder_logo_set(name: str) -> bytes:
    """A PNG that plainly is a stand-in: a blue flag-like rectangle (no emblem), the project's
    name and the funding statement, marked "placeholder"."""
    image = Image.new("RGB", (720, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 208, 144), fill="#003399")
    draw.text((112, 80), "EU", fill="#ffcc00", anchor="mm", font=ImageFont.load_default(48))
    draw.text((232, 28), f"Interreg · {name}", fill="#003399",
              font=ImageFont.load_default(34))
    draw.text((232, 78), "Co-funded by the European Union", fill="#1a1a1a",
              font=ImageFont.load_default(26))
    draw.text((232, 118), "Demo placeholder, not the official logo", fill="#b00020",
              font=ImageFont.load_default(18))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class DateMode(enum.Enum):
    KEEP = "keep"  # an existing event keeps its date; a new one is dated ahead
    ORIGINAL = "original"  # 10 June 2021
    REDATE = "redate"  # ahead again, even if the event exists


class DemoError(Exception):
    """The demo data contradict the platform's rules (e.g. its agenda fails check_agenda)."""


@dataclass
class Result:
    project: Project | None = None
    event: Event | None = None
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    redated: bool = False
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def summary(self) -> str:
        event = self.event
        start, end = event.local_start, event.local_end
        return (
            f"Demo {'loaded' if self.changed else 'already up to date'}: "
            f"{self.project.name} ({self.project.code}), "
            f"{self.project.partners.count()} partners; "
            f"“{event.text('title', 'en')}” ({event.get_status_display().lower()}) on "
            f"{start:%a %d %b %Y %H:%M}–{end:%H:%M} {event.time_zone}; "
            f"{self.created} created, {self.updated} updated, {self.deleted} deleted, "
            f"{self.unchanged} unchanged."
        )


def upcoming_date(today: date) -> date:
    """The first seminar weekday (Thursday) at least three weeks after ``today``."""
    day = today + timedelta(days=seminar.REDATE_MIN_DAYS)
    return day + timedelta(days=(seminar.WEEKDAY - day.weekday()) % 7)


def at(day: date, moment: time, tz: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz)


def same(current, wanted) -> bool:
    if isinstance(current, models.Model) or isinstance(wanted, models.Model):
        return getattr(current, "pk", current) == getattr(wanted, "pk", wanted)
    if hasattr(current, "code") and isinstance(wanted, str):  # django-countries' Country
        return current.code == wanted
    return current == wanted


class Loader:
    def __init__(self, mode: DateMode, now: datetime | None = None, log=None):
        self.mode = mode
        self.now = now or timezone.now()
        self.log = log or (lambda message: None)
        self.result = Result()

    # -- generic "save only if changed" ------------------------------------------------------

    def sync(self, obj: models.Model, values: dict, label: str) -> list[str]:
        """Give ``obj`` these values; save it (validated) only when new or something differs.
        Returns the names of the fields that changed on an existing row (empty for a new one)."""
        if obj._state.adding:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.full_clean()
            obj.save()
            self.result.created += 1
            self.result.changes.append(f"created {label}")
            return []
        changed = [name for name, value in values.items() if not same(getattr(obj, name), value)]
        if not changed:
            self.result.unchanged += 1
            return []
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        update_fields = {obj._meta.get_field(name).name for name in changed}
        update_fields |= {
            f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)
        }
        obj.save(update_fields=sorted(update_fields))
        self.result.updated += 1
        self.result.changes.append(f"updated {label}: {', '.join(sorted(changed))}")
        return changed

    def delete(self, queryset, label: str) -> None:
        for obj in queryset:
            obj.delete()
            self.result.deleted += 1
            self.result.changes.append(f"deleted {label} {obj.pk}")

    # -- the load ------------------------------------------------------------------------------

    def run(self) -> Result:
        with transaction.atomic():
            project = self.load_project()
            self.load_logo_set(project)
            partners = self.load_partners(project)
            people = self.load_people(project)
            event, event_changes = self.load_event(project, partners)
            self.load_agenda(event, people)
            self.load_privacy_notice(project, partners[seminar.HOST_PARTNER])
            self.load_registration_options(event)
            # Raises the calendar sequence and tells registrants when the demo is redated.
            record_event_change(event, event_changes)
        self.result.project = project
        self.result.event = event
        return self.result

    def load_project(self) -> Project:
        data = dict(seminar.PROJECT)
        project = Project.objects.filter(code=data["code"]).first() or Project()
        self.sync(project, data, f"project {data['code']}")
        return project

    def load_logo_set(self, project: Project) -> None:
        """A placeholder logo set, drawn here, so the demo shows where the programme's real one
        goes; a logo set someone uploaded is kept."""
        if project.logo_set:
            self.result.unchanged += 1
            return
        project.logo_set.save("demo.png", ContentFile(placeholder_logo_set(project.name)),
                              save=False)
        project.logo_set_alt = {"en": f"{project.name}: demo placeholder for the Interreg logo "
                                      "set, co-funded by the European Union"}
        project.save(update_fields=["logo_set", "logo_set_alt"])
        self.result.created += 1
        self.result.changes.append("created the placeholder logo set")

    def load_partners(self, project: Project) -> dict[str, Partner]:
        partners = {}
        existing = {p.organisation: p for p in project.partners.all()}
        for order, data in enumerate(seminar.PARTNERS, start=1):
            partner = existing.pop(data["organisation"], None) or Partner(project=project)
            self.sync(partner, {**data, "order": order}, f"partner {data['organisation']}")
            partners[data["organisation"]] = partner
        for extra in existing.values():
            # Not the demo's, but perhaps someone's work (and events may point at it): keep it.
            self.log(f"Kept partner not in the demo data: {extra.organisation}")
        return partners

    def load_people(self, project: Project) -> dict[str, Person]:
        people = {}
        for name, data in seminar.PEOPLE.items():
            person = (
                Person.objects.filter(project=project, name=name).order_by("pk").first()
                or Person(project=project)
            )
            self.sync(person, {"name": name, **data}, f"person {name}")
            people[name] = person
        return people

    def event_date(self, event: Event, tz: zoneinfo.ZoneInfo) -> tuple[date, str]:
        if self.mode is DateMode.ORIGINAL:
            return seminar.ORIGINAL_DATE, "original"
        if self.mode is DateMode.KEEP and not event._state.adding:
            return timezone.localtime(event.starts_at, tz).date(), "kept"
        return upcoming_date(timezone.localtime(self.now, tz).date()), "ahead"

    def registration_opens(self, event: Event, starts_at: datetime, how: str,
                           tz: zoneinfo.ZoneInfo) -> datetime:
        if how == "original":
            return starts_at - timedelta(days=seminar.REGISTRATION_DAYS_BEFORE_ORIGINAL)
        current = event.registration_opens_at
        if how == "kept" and current is not None and current < starts_at:
            return current
        # Now-ish: the start of today in the event's time zone, so a new user can register.
        today = at(timezone.localtime(self.now, tz).date(), time(0, 0), tz)
        if today < starts_at:
            return today
        return starts_at - timedelta(days=seminar.REGISTRATION_DAYS_BEFORE_ORIGINAL)

    def load_event(
        self, project: Project, partners: dict[str, Partner]
    ) -> tuple[Event, list[str]]:
        """The event, and the names of its fields this run changed."""
        data = dict(seminar.EVENT)
        tz = zoneinfo.ZoneInfo(data["time_zone"])
        event = Event.objects.filter(project=project, slug=data["slug"]).first()
        event = event or Event(project=project)
        before = None if event._state.adding else event.starts_at
        day, how = self.event_date(event, tz)
        starts_at, ends_at = at(day, seminar.STARTS, tz), at(day, seminar.ENDS, tz)
        values = {
            **data,
            "project": project,
            "host_partner": partners[seminar.HOST_PARTNER],
            "contact_organisation": partners[seminar.CONTACT_ORGANISATION],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "registration_opens_at": self.registration_opens(event, starts_at, how, tz),
            "registration_closes_at": starts_at,
        }
        changed = self.sync(event, values, f"event {data['slug']}")
        self.result.redated = before is not None and before != starts_at
        return event, changed

    def load_privacy_notice(self, project: Project, controller) -> None:
        # The notice's text names the host (the university in Kaunas) as the controller.
        notice = PrivacyNotice.objects.filter(
            project=project, event__isnull=True, version=seminar.PRIVACY_NOTICE_VERSION
        ).first() or PrivacyNotice(project=project, version=seminar.PRIVACY_NOTICE_VERSION)
        self.sync(notice, {"text": seminar.PRIVACY_NOTICE, "controller": controller},
                  "privacy notice")

    def load_registration_options(self, event: Event) -> None:
        """Said outright rather than left to the defaults: a demo from before double opt-in
        became the default has a row that turns it off."""
        options = RegistrationOptions.objects.filter(event=event).first() or RegistrationOptions(
            event=event
        )
        self.sync(options, seminar.REGISTRATION_OPTIONS, "registration options")

    def load_agenda(self, event: Event, people: dict[str, Person]) -> None:
        tz = event.tz
        day = event.local_start.date()
        # Existing blocks are paired with the demo's in agenda order, so re-runs (and redating)
        # update the same rows; blocks beyond the demo's are removed.
        existing = list(event.blocks.order_by("starts_at", "order", "id"))
        planned = []
        for index, data in enumerate(seminar.AGENDA):
            block = existing[index] if index < len(existing) else AgendaBlock(event=event)
            values = {
                "event": event,
                "kind": data["kind"],
                "starts_at": at(day, data["starts"], tz),
                "ends_at": at(day, data["ends"], tz),
                "title": data["title"],
                "description": data["description"],
                "capacity": data.get("capacity"),
                "order": data["order"],
            }
            planned.append((block, values, data["items"]))

        # Check the agenda as a whole before writing any of it; the transaction undoes the rest.
        preview = [AgendaBlock(**values) for _block, values, _items in planned]
        problems = check_agenda(event, preview)
        if problems:
            raise DemoError("The demo agenda breaks the agenda rules: " + " ".join(problems))

        self.delete(event.blocks.filter(pk__in=[b.pk for b in existing[len(planned):]]), "block")
        for block, values, items in planned:
            self.sync(block, values, f"block {values['title']['en']}")
            self.load_items(block, items, tz, day, people)

    def load_items(self, block: AgendaBlock, items: list[dict], tz, day: date,
                   people: dict[str, Person]) -> None:
        existing = list(block.items.order_by("order", "id"))
        self.delete(block.items.filter(pk__in=[i.pk for i in existing[len(items):]]), "item")
        for order, data in enumerate(items, start=1):
            item = existing[order - 1] if order <= len(existing) else AgendaItem(block=block)
            values = {
                "block": block,
                "title": data["title"],
                "description": data["description"],
                "starts_at": at(day, data["starts"], tz) if data["starts"] else None,
                "presenters": data["presenters"],
                "order": order,
            }
            self.sync(item, values, f"item {data['title']['en']}")
            self.load_roles(item, data["people"], people)

    def load_roles(self, item: AgendaItem, wanted: list[tuple[str, str]],
                   people: dict[str, Person]) -> None:
        existing = {(r.person_id, r.role): r for r in item.roles.all()}
        for order, (name, role) in enumerate(wanted, start=1):
            person = people[name]
            item_role = existing.pop((person.pk, role), None) or ItemRole(item=item)
            self.sync(
                item_role,
                {"item": item, "person": person, "role": role, "order": order},
                f"role {name} {role}",
            )
        self.delete(ItemRole.objects.filter(pk__in=[r.pk for r in existing.values()]), "role")


def load_demo(mode: DateMode = DateMode.KEEP, now: datetime | None = None, log=None) -> Result:
    """Load the demo seminar; see the module's docstring."""
    return Loader(mode, now=now, log=log).run()
