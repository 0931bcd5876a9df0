"""Privacy notices drafted from the controller's data: the notice at collection (GDPR Art. 13)
of a public body registering participants under public task (Art. 6(1)(e)), in each content
language, from the templates ``registrations/privacy/<language>/notice.md``. The organiser
reads, completes (the data protection officer's contact is theirs to fill in) and saves the
draft as a new notice version; nothing is stored here."""

import re

from django.template.loader import render_to_string
from django.utils import translation

from aula.core.timefmt import format_day
from aula.core.translation import CONTENT_LANGUAGES
from aula.events.models import Event
from aula.projects.models import Partner, Project
from aula.registrations import retention


def _render(language: str, context: dict) -> str:
    text = render_to_string(f"registrations/privacy/{language}/notice.md", context)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _context(project: Project, controller: Partner, event: Event | None, language: str) -> dict:
    period = retention.audit_period(project)
    return {
        "controller": controller.name_in(language),
        "city": controller.city,
        "country": controller.country.name,  # in the active language
        "project_name": project.name,
        "project_code": project.code,
        "programme": project.programme,
        "event_title": event.text("title", language).text if event is not None else "",
        "contact_email": event.contact_email if event is not None else "",
        "retention_until": format_day(period.ends_on, language) if period.ends_on else "",
        "retention_months": project.retention_months,
    }


def draft(project: Project, controller: Partner, event: Event | None = None) -> dict[str, str]:
    """The notice in every content language (``{language: Markdown}``), for ``event`` or, when
    None, for every event of ``project`` without a notice of its own."""
    texts = {}
    for language in CONTENT_LANGUAGES:
        with translation.override(language):
            texts[language] = _render(language, _context(project, controller, event, language))
    return texts
