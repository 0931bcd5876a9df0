"""What the public routes answer, as ninja schemas, and the functions that fill them.

Texts organisers write in several languages are given as stored: ``{"en": "…", "ro": "…"}``.
Each project and event also carries ``localized``: its main texts in one language — ``?lang=``
when given, else the request's ``Accept-Language``, else the content's primary language — with
the language actually returned (a missing translation falls back as the public pages do).
Times are ISO 8601 in UTC; an event gives its IANA ``time_zone`` to show them locally.
"""

from datetime import date, datetime
from uuid import UUID

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from ninja import Field, Schema

from aula.core.translation import localize

Translations = dict[str, str]
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def absolute(path: str) -> str:
    return f"{settings.AULA_BASE_URL}{path}"


def file_url(field) -> str | None:
    return absolute(field.url) if field else None


def texts(value) -> dict:
    return {lang: text for lang, text in (value or {}).items() if text}


def public_url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return absolute(reverse(name, kwargs=kwargs))


def api_url(name: str, **kwargs) -> str:
    return absolute(reverse(f"api:{name}", kwargs=kwargs))


# --- Schemas --------------------------------------------------------------------------------


class PartnerRef(Schema):
    id: int
    organisation: str
    city: str
    country: str


class PartnerOut(PartnerRef):
    name: str = Field(description="The organisation's name in the chosen language.")
    local_names: Translations
    role: str = Field(description="lead, partner or advisory")
    ecoc_year: int | None = Field(description="Its city's European Capital of Culture year.")
    ecoc_note: Translations
    website: str | None
    logo: str | None = Field(description="Address of the partner's logo image.")


class ProjectLocalized(Schema):
    language: str
    full_title: str
    description: str


class ProjectOut(Schema):
    slug: str
    name: str
    code: str
    full_title: Translations
    programme: str
    website: str | None
    primary_language: str
    starts_on: date | None
    ends_on: date | None
    localized: ProjectLocalized
    url: str = Field(description="The project's public page.")
    events: str = Field(description="The API address of its published events.")


class ProjectDetail(ProjectOut):
    description: Translations
    logo_set: str | None = Field(description="The programme's logo set with the EU emblem.")
    partners: list[PartnerOut]


class EventLocalized(Schema):
    language: str
    title: str
    summary: str


class EventOut(Schema):
    id: int
    slug: str
    uid: UUID = Field(description="The event's iCalendar UID.")
    project: str = Field(description="The project's slug.")
    status: str = Field(description="published, held, closed or cancelled (never draft)")
    cancelled: bool
    title: Translations
    summary: Translations
    localized: EventLocalized
    primary_language: str
    format: str = Field(description="online, in_person or hybrid")
    location: Translations
    time_zone: str = Field(description="IANA zone the event is held in, e.g. Europe/Vilnius.")
    starts_at: datetime
    ends_at: datetime
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    host_partner: PartnerRef | None
    url: str = Field(description="The event's public page.")
    calendar: str = Field(description="The event's .ics file.")
    api_url: str = Field(description="The API address of this event with its agenda.")


class PersonOut(Schema):
    id: int
    name: str
    organisation: str
    job_title: Translations
    bio: Translations
    photo: str | None


class RoleOut(Schema):
    role: str = Field(description="speaker, moderator, closing or panellist")
    person: int = Field(description="The person's id in `speakers`.")
    name: str


class ItemOut(Schema):
    id: int
    title: Translations
    description: Translations
    starts_at: datetime | None
    presenters: Translations = Field(description="Presenters not listed by name.")
    people: list[RoleOut]


class SessionOut(Schema):
    id: int
    kind: str = Field(description="plenary, parallel or break")
    title: Translations
    description: Translations
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = Field(description="A parallel session's own capacity, if any.")
    items: list[ItemOut]


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    parallel: bool = Field(description="Parallel sessions side by side: registrants choose one.")
    sessions: list[SessionOut]


class ContactOut(Schema):
    name: str
    role: Translations
    organisation: PartnerRef | None
    phone: str
    email: str


class EventDetail(EventOut):
    description: Translations
    image: str | None
    image_alt: Translations
    cancellation_reason: str
    contact: ContactOut | None
    agenda: list[SlotOut]
    speakers: list[PersonOut] = Field(description="Everyone on the agenda, in order.")


# --- Filling them ---------------------------------------------------------------------------


def partner_ref(partner) -> dict | None:
    if partner is None:
        return None
    return {"id": partner.pk, "organisation": partner.organisation, "city": partner.city,
            "country": str(partner.country)}


def partner_out(partner, language: str) -> dict:
    return {
        **partner_ref(partner),
        "name": partner.name_in(language),
        "local_names": texts(partner.local_names),
        "role": partner.role,
        "ecoc_year": partner.ecoc_year,
        "ecoc_note": texts(partner.ecoc_note),
        "website": partner.website or None,
        "logo": file_url(partner.logo),
    }


def project_out(project, language: str) -> dict:
    fallback = project.primary_language
    title = localize(project.full_title, language, fallback)
    return {
        "slug": project.slug,
        "name": project.name,
        "code": project.code,
        "full_title": texts(project.full_title),
        "programme": project.programme,
        "website": project.website or None,
        "primary_language": project.primary_language,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "localized": {
            "language": title.lang,
            "full_title": title.text,
            "description": localize(project.description, title.lang, fallback).text,
        },
        "url": public_url("events:project", language, project=project.slug),
        "events": api_url("project_events", slug=project.slug),
    }


def project_detail(project, partners, language: str) -> dict:
    return {
        **project_out(project, language),
        "description": texts(project.description),
        "logo_set": file_url(project.logo_set),
        "partners": [partner_out(partner, language) for partner in partners],
    }


def event_out(event, project, language: str) -> dict:
    fallback = event.primary_language
    title = localize(event.title, language, fallback)
    kwargs = {"project": project.slug, "event": event.slug}
    return {
        "id": event.pk,
        "slug": event.slug,
        "uid": event.uid,
        "project": project.slug,
        "status": event.status,
        "cancelled": event.is_cancelled,
        "title": texts(event.title),
        "summary": texts(event.summary),
        "localized": {
            "language": title.lang,
            "title": title.text,
            "summary": localize(event.summary, title.lang, fallback).text,
        },
        "primary_language": event.primary_language,
        "format": event.format,
        "location": texts(event.location),
        "time_zone": event.time_zone,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "host_partner": partner_ref(event.host_partner),
        "url": public_url("events:event", language, **kwargs),
        "calendar": public_url("events:calendar", language, **kwargs),
        "api_url": api_url("project_event", slug=project.slug, event=event.slug),
    }


def person_out(person) -> dict:
    return {"id": person.pk, "name": person.name, "organisation": person.organisation,
            "job_title": texts(person.job_title), "bio": texts(person.bio),
            "photo": file_url(person.photo)}


def item_out(item) -> dict:
    return {
        "id": item.pk, "title": texts(item.title), "description": texts(item.description),
        "starts_at": item.starts_at, "presenters": texts(item.presenters),
        "people": [{"role": role.role, "person": role.person_id, "name": role.person.name}
                   for role in item.roles.all()],
    }


def session_out(block) -> dict:
    return {
        "id": block.pk, "kind": block.kind, "title": texts(block.title),
        "description": texts(block.description), "starts_at": block.starts_at,
        "ends_at": block.ends_at, "capacity": block.capacity,
        "items": [item_out(item) for item in block.items.all()],
    }


def event_detail(event, slots, people, language: str) -> dict:
    has_contact = event.contact_name or event.contact_email or event.contact_phone
    return {
        **event_out(event, event.project, language),
        "description": texts(event.description),
        "image": file_url(event.image),
        "image_alt": texts(event.image_alt),
        "cancellation_reason": event.cancellation_reason if event.is_cancelled else "",
        "contact": {
            "name": event.contact_name,
            "role": texts(event.contact_role),
            "organisation": partner_ref(event.contact_organisation),
            "phone": event.contact_phone,
            "email": event.contact_email,
        } if has_contact else None,
        "agenda": [
            {"starts_at": slot.starts_at, "ends_at": slot.ends_at, "parallel": slot.is_parallel,
             "sessions": [session_out(block) for block in slot.blocks]}
            for slot in slots
        ],
        "speakers": [person_out(person) for person in people],
    }
