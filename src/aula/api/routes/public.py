"""Public routes, no token: projects, published events with their agenda, partners, contact.

Only what the public pages show: drafts are never listed or found, registrants never appear.
"""

from ninja import Path, Query, Router

from aula.api import queries, schemas
from aula.api.pagination import Mapped, paginate
from aula.events import queries as event_queries

router = Router(tags=["public"])

# Patterns: a NUL or any other control character never reaches the database (core.security,
# api.middleware answer 400); the schema says so, so no valid request is refused.
LANG = Query(None, pattern=r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$",
             description="Language of the `localized` texts (en, ro, lt, nl, it, hr); "
                         "else Accept-Language. Any other language is ignored.")
SLUG = Path(..., pattern=r"^[-a-zA-Z0-9_]{1,80}$", description="The project's address name.")
EVENT = Path(..., pattern=r"^[-a-zA-Z0-9_]{1,80}$",
             description="The event's address name (slug) or its id.")


@router.get("/projects", response=list[schemas.ProjectOut], url_name="projects",
            summary="Projects")
@paginate
def projects(request, lang: str | None = LANG):
    language = queries.language_of(request, lang)
    return Mapped(queries.projects(), lambda project: schemas.project_out(project, language))


@router.get("/projects/{slug}", response=schemas.ProjectDetail, url_name="project",
            summary="A project with its partners")
def project(request, slug: str = SLUG, lang: str | None = LANG):
    language = queries.language_of(request, lang)
    found = queries.project(slug)
    return schemas.project_detail(found, event_queries.partners(found), language)


@router.get("/projects/{slug}/partners", response=list[schemas.PartnerOut],
            url_name="project_partners", summary="A project's partners")
@paginate
def partners(request, slug: str = SLUG, lang: str | None = LANG):
    language = queries.language_of(request, lang)
    found = queries.project(slug)
    return Mapped(found.partners.all(), lambda partner: schemas.partner_out(partner, language))


@router.get("/projects/{slug}/events", response=list[schemas.EventOut],
            url_name="project_events", summary="A project's published events")
@paginate
def events(request, slug: str = SLUG, upcoming: bool | None = Query(
        None, description="true: only events not yet over; false: only those over."),
        lang: str | None = LANG):
    language = queries.language_of(request, lang)
    found = queries.project(slug)
    return Mapped(queries.project_events(found, upcoming),
                   lambda event: schemas.event_out(event, found, language))


@router.get("/projects/{slug}/events/{event}", response=schemas.EventDetail,
            url_name="project_event", summary="A published event with its agenda and speakers")
def event(request, slug: str = SLUG, event: str = EVENT, lang: str | None = LANG):
    """``event`` is the event's address name (slug) or its id."""
    language = queries.language_of(request, lang)
    found = queries.project_event(slug, event)
    slots = event_queries.agenda(found)
    return schemas.event_detail(found, slots, event_queries.speakers(slots), language)

