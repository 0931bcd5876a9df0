"""Public routes, no token: projects, published events with their agenda, partners, contact.

Only what the public pages show: drafts are never listed or found, registrants never appear.
"""

from ninja import Query, Router

from aula.api import queries, schemas
from aula.api.pagination import Mapped, paginate
from aula.events import queries as event_queries

router = Router(tags=["public"])

LANG = Query(None, description="Language of the `localized` texts (en, ro, lt, nl, it, hr); "
                               "else Accept-Language.")


@router.get("/projects", response=list[schemas.ProjectOut], url_name="projects",
            summary="Projects")
@paginate
def projects(request, lang: str | None = LANG):
    language = queries.language_of(request, lang)
    return Mapped(queries.projects(), lambda project: schemas.project_out(project, language))


@router.get("/projects/{slug}", response=schemas.ProjectDetail, url_name="project",
            summary="A project with its partners")
def project(request, slug: str, lang: str | None = LANG):
    language = queries.language_of(request, lang)
    found = queries.project(slug)
    return schemas.project_detail(found, event_queries.partners(found), language)


@router.get("/projects/{slug}/partners", response=list[schemas.PartnerOut],
            url_name="project_partners", summary="A project's partners")
@paginate
def partners(request, slug: str, lang: str | None = LANG):
    language = queries.language_of(request, lang)
    found = queries.project(slug)
    return Mapped(found.partners.all(), lambda partner: schemas.partner_out(partner, language))


@router.get("/projects/{slug}/events", response=list[schemas.EventOut],
            url_name="project_events", summary="A project's published events")
@paginate
def events(request, slug: str, upcoming: bool | None = Query(
        None, description="true: only events not yet over; false: only those over."),
        lang: str | None = LANG):
    language = queries.language_of(request, lang)
    found = queries.project(slug)
    return Mapped(queries.project_events(found, upcoming),
                   lambda event: schemas.event_out(event, found, language))


@router.get("/projects/{slug}/events/{event}", response=schemas.EventDetail,
            url_name="project_event", summary="A published event with its agenda and speakers")
def event(request, slug: str, event: str, lang: str | None = LANG):
    """``event`` is the event's address name (slug) or its id."""
    language = queries.language_of(request, lang)
    found = queries.project_event(slug, event)
    slots = event_queries.agenda(found)
    return schemas.event_detail(found, slots, event_queries.speakers(slots), language)

