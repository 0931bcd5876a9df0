"""What an announcement says, read from the event: every value localized and cleaned of
Markdown's control characters, ready for the per-language templates."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from aula.announcements.models import Announcement
from aula.core.markdown import escape as clean
from aula.core.markdown import escape_paragraphs as clean_paragraphs
from aula.core.timefmt import format_range
from aula.core.translation import localize
from aula.events import queries as event_queries
from aula.events.models import AgendaBlock, Event, ItemRole
from aula.projects.models import Partner

LANGUAGES = ("en", "ro", "lt", "nl", "it", "hr")
KINDS = tuple(Announcement.Kind.values)

# The role of a person on the agenda, as each language's press text names it.
ROLE_WORDS = {
    "en": {"speaker": "speaker", "moderator": "moderator", "closing": "closing remarks",
           "panellist": "panellist"},
    "ro": {"speaker": "vorbitor", "moderator": "moderator", "closing": "cuvânt de încheiere",
           "panellist": "participant la panel"},
    "lt": {"speaker": "pranešėjas", "moderator": "moderatorius",
           "closing": "baigiamasis žodis", "panellist": "diskusijos dalyvis"},
    "nl": {"speaker": "spreker", "moderator": "moderator", "closing": "slotwoord",
           "panellist": "panellid"},
    "it": {"speaker": "relatore", "moderator": "moderatore", "closing": "conclusioni",
           "panellist": "panelista"},
    "hr": {"speaker": "govornik", "moderator": "moderator", "closing": "završna riječ",
           "panellist": "panelist"},
}


def registration_url(event: Event, language: str) -> str:
    with translation.override(language):
        path = reverse(
            "registrations:register",
            kwargs={"project": event.project.slug, "event": event.slug},
        )
    return settings.AULA_BASE_URL.rstrip("/") + path


def default_issuer(event: Event) -> Partner | None:
    return event.contact_organisation or event.host_partner or (
        event.project.partners.filter(role=Partner.Role.LEAD_PARTNER).first()
    )


def issuers(event: Event) -> list[Partner]:
    """The partners that may issue the event's announcements: those of its project."""
    return event_queries.partners(event.project)


def issuer_for(event: Event, partner_id) -> Partner | None:
    """The partner of the event's project with this id, else the default issuer."""
    if partner_id:
        partner = Partner.objects.filter(project=event.project_id, pk=partner_id).first()
        if partner is not None:
            return partner
    return default_issuer(event)


def hashtag(project_name: str) -> str:
    word = "".join(ch for ch in project_name if ch.isalnum())
    return f"#{word}" if word else ""


def _person(role: ItemRole, language: str, fallback: str) -> dict:
    person = role.person
    return {
        "name": clean(person.name),
        "job_title": clean(localize(person.job_title, language, fallback).text),
        "organisation": clean(person.organisation),
        "role": ROLE_WORDS[language].get(role.role, ""),
        "role_key": role.role,
    }


def _who(item, language: str, fallback: str) -> dict:
    people = [_person(role, language, fallback) for role in item.roles.all()]
    presenters = clean(localize(item.presenters, language, fallback).text)
    named = [
        ", ".join(x for x in (p["name"], p["job_title"], p["organisation"]) if x)
        + (f" ({p['role']})" if p["role"] else "")
        for p in people
    ]
    return {
        "title": clean(localize(item.title, language, fallback).text),
        "people": people,
        "presenters": presenters,
        "who": "; ".join([*named, *([presenters] if presenters else [])]),
    }


def _time(event: Event, start, end) -> str:
    return f"{event.local(start):%H:%M}–{event.local(end):%H:%M}"


def kit_context(event: Event, language: str, issuer: Partner | None = None) -> dict:
    """Everything the templates of one language may say about the event."""
    fallback = event.primary_language
    project = event.project

    def text(value):
        return clean(localize(value, language, fallback).text)

    slots, closing = [], []
    agenda = event_queries.agenda(event)
    for slot in agenda:
        if slot.blocks[0].kind == AgendaBlock.Kind.BREAK:
            continue
        blocks = []
        for block in slot.blocks:
            items = [_who(item, language, fallback) for item in block.items.all()]
            closing.extend(
                p for item in items for p in item["people"] if p["role_key"] == "closing"
            )
            blocks.append({
                "title": text(block.title), "description": text(block.description),
                "items": items,
            })
        slots.append({
            "parallel": slot.is_parallel, "time": _time(event, slot.starts_at, slot.ends_at),
            "blocks": blocks, "closing": False,
        })
    # A last plenary whose people all give closing remarks is told as one closing sentence.
    if slots and not slots[-1]["parallel"]:
        people = [p for item in slots[-1]["blocks"][0]["items"] for p in item["people"]]
        slots[-1]["closing"] = bool(people) and all(p["role_key"] == "closing" for p in people)
    speakers = []
    for person in event_queries.speakers(agenda):
        speakers.append({
            "name": clean(person.name),
            "job_title": text(person.job_title),
            "organisation": clean(person.organisation),
        })
    partners = [
        {
            "organisation": clean(p.name_in(language)), "city": clean(p.city),
            "ecoc_year": p.ecoc_year, "ecoc_note": text(p.ecoc_note),
            "lead": p.role == Partner.Role.LEAD_PARTNER,
        }
        for p in event_queries.partners(project)
    ]
    issuer = issuer or default_issuer(event)
    title = localize(event.title, language, fallback)
    return {
        "language": language,
        "title": clean(title.text),
        "title_is_fallback": title.is_fallback,
        "summary": text(event.summary),
        "description": clean_paragraphs(localize(event.description, language, fallback).text),
        "location": text(event.location),
        "format": event.format,
        "when": clean(format_range(event.starts_at, event.ends_at, event.time_zone, language)),
        "project": {
            "name": clean(project.name), "code": clean(project.code),
            "programme": clean(project.programme),
            "full_title": clean(localize(project.full_title, language, project.primary_language)),
            "description": text(project.description), "website": project.website,
            "website_label": clean(project.website.split("://", 1)[-1]) if project.website else "",
        },
        "issuer": {
            "organisation": clean(issuer.name_in(language)), "city": clean(issuer.city),
            "lead": issuer.role == Partner.Role.LEAD_PARTNER,
        } if issuer else None,
        "host": {
            "organisation": clean(event.host_partner.name_in(language)),
            "city": clean(event.host_partner.city),
            "ecoc_year": event.host_partner.ecoc_year,
        } if event.host_partner else None,
        "agenda": slots,
        "closing": closing if slots and slots[-1]["closing"] else [],
        "speakers": speakers,
        "partners": partners,
        "register_url": registration_url(event, language),
        "contact": {
            "name": clean(event.contact_name),
            "role": text(event.contact_role),
            "organisation": clean(event.contact_organisation.name_in(language))
            if event.contact_organisation else "",
            "phone": clean(event.contact_phone),
            "email": event.contact_email,
        },
        "hashtag": hashtag(project.name),
    }


def kit(event: Event) -> list[dict]:
    """The kit's table: a row per kind, a cell per language, with whether it was edited."""
    edited = {
        (a.kind, a.language): a
        for a in Announcement.objects.filter(event=event).only("kind", "language", "edited_at")
    }
    return [
        {
            "kind": kind, "label": Announcement.Kind(kind).label,
            "cells": [{"language": lang, "saved": edited.get((kind, lang))} for lang in LANGUAGES],
        }
        for kind in KINDS
    ]
