"""After the seminar, through a token: attendance, the feedback survey's results and the funder's
report figures, as the console shows them (``attendance.queries.event_attendance``,
``feedback.queries.results``, ``reports.queries.participation_report``). And the token's
project's events, drafts included, for a CRM to know what to ask about.

Scopes: ``read`` for all of it. Per-registrant attendance (who, how long) and the free-text
answers and comments of the survey only with ``personal`` (free text may name people; it is
erased with the person who wrote it): without it, totals, ratings and choice counts.
"""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema

from aula.api.auth import TokenAuth, require_scope, token_of, token_project_event
from aula.api.models import PERSONAL, READ
from aula.api.pagination import Mapped, paginate
from aula.api.routes.registrations import EventId, record_personal_read
from aula.attendance.queries import event_attendance
from aula.events.models import Event
from aula.feedback import queries as feedback
from aula.reports.queries import participation_report

router = Router(tags=["results"], auth=TokenAuth())


def _texts(value) -> dict[str, str]:
    return {key: text for key, text in (value or {}).items() if isinstance(text, str)}


# --- The project's events --------------------------------------------------------------------


class ProjectEventOut(Schema):
    id: int
    slug: str
    title: dict[str, str]
    status: Literal["draft", "published", "held", "closed", "cancelled"]
    format: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    primary_language: str
    capacity: int | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    updated_at: datetime


@router.get("/project/events", response=list[ProjectEventOut],
            summary="The token's project's events, drafts included",
            operation_id="list_project_events")
@paginate
def project_events(request):
    """Every event of the token's project, drafts and cancelled ones included, by start. Needs
    `read`."""
    require_scope(request, READ)
    events = Event.objects.filter(project_id=token_of(request).project_id).order_by(
        "starts_at", "id"
    )
    return Mapped(events, project_event_out)


def project_event_out(e: Event) -> dict:
    return {
        "id": e.pk, "slug": e.slug, "title": _texts(e.title), "status": e.status,
        "format": e.format, "starts_at": e.starts_at, "ends_at": e.ends_at,
        "time_zone": e.time_zone, "primary_language": e.primary_language,
        "capacity": e.capacity, "registration_opens_at": e.registration_opens_at,
        "registration_closes_at": e.registration_closes_at, "updated_at": e.updated_at,
    }


# --- Attendance ------------------------------------------------------------------------------


class AttendeeOut(Schema):
    registration: int
    status: str
    first_name: str
    family_name: str
    email: str
    organisation: str
    attended: bool
    minutes: int | None = Field(description="Minutes present (every session and tool merged); "
                                "null when present without a known duration or absent.")


class AttendanceOut(Schema):
    event: int
    registered: int = Field(description="Registrations not cancelled.")
    attended: int = Field(description="People on the attendance list (imported reports, join "
                          "link, marks by hand).")
    minutes: int = Field(description="Sum of the known minutes present.")
    registrants: list[AttendeeOut] | None = Field(
        description="Per registrant (not erased): only with the `personal` scope."
    )


@router.get("/events/{event_id}/attendance", response=AttendanceOut,
            summary="Attendance of the event", operation_id="get_attendance")
def attendance(request, event_id: EventId):
    token = require_scope(request, READ)
    event = token_project_event(request, event_id)
    figures = event_attendance(event)
    rows = None
    if token.has_scope(PERSONAL):
        if figures.rows:
            record_personal_read(request, "api.attendance", event.pk, event.project_id,
                                 [row.registration_id for row in figures.rows])
        rows = [
            {"registration": row.registration_id, "status": row.status,
             "first_name": row.first_name, "family_name": row.family_name, "email": row.email,
             "organisation": row.organisation, "attended": row.attended,
             "minutes": row.minutes}
            for row in figures.rows
        ]
    return {"event": event.pk, "registered": figures.registered, "attended": figures.attended,
            "minutes": figures.minutes, "registrants": rows}


# --- Feedback --------------------------------------------------------------------------------


class CountOut(Schema):
    value: int = Field(description="The rating (1–5), or the choice's number (from 1).")
    key: str | None = Field(description="The choice's key (choice questions).")
    label: dict[str, str] | None = Field(description="The choice's label per language.")
    count: int
    percent: float = Field(description="Share of those who answered the question.")


class FeedbackQuestionOut(Schema):
    id: int
    kind: Literal["rating", "single", "multiple", "text"]
    text: dict[str, str]
    answered: int
    average: float | None = Field(description="Ratings only.")
    counts: list[CountOut]
    texts: list[str] | None = Field(
        description="Free-text answers: only with the `personal` scope."
    )


class CommentOut(Schema):
    text: str
    at: datetime


class FeedbackOut(Schema):
    event: int
    survey: bool = Field(description="Whether the event has a survey at all.")
    responses: int
    questions: list[FeedbackQuestionOut]
    comments: list[CommentOut] | None = Field(
        description="Free comments: only with the `personal` scope."
    )


def _counts(result) -> list[dict]:
    options = result.question.options if result.question.has_options else []
    counts = []
    for bar in result.bars:
        option = options[bar.value - 1] if options and bar.value <= len(options) else None
        counts.append({
            "value": bar.value, "count": bar.count, "percent": bar.percent,
            "key": option.get("key") if option else None,
            "label": _texts(option.get("label")) if option else None,
        })
    return counts


@router.get("/events/{event_id}/feedback", response=FeedbackOut,
            summary="Results of the event's feedback survey", operation_id="get_feedback")
def feedback_results(request, event_id: EventId):
    token = require_scope(request, READ)
    personal = token.has_scope(PERSONAL)
    event = token_project_event(request, event_id)
    survey = feedback.survey_of(event)
    if survey is None:
        return {"event": event.pk, "survey": False, "responses": 0, "questions": [],
                "comments": [] if personal else None}
    results = feedback.results(survey)
    return {
        "event": event.pk,
        "survey": True,
        "responses": results.responses,
        "questions": [
            {"id": r.question.pk, "kind": r.question.kind, "text": _texts(r.question.text),
             "answered": r.count, "average": r.average, "counts": _counts(r),
             "texts": list(r.texts) if personal and r.question.kind == "text" else None}
            for r in results.questions
        ],
        "comments": [{"text": c.text, "at": c.at} for c in results.comments]
        if personal else None,
    }


# --- The funder's report ---------------------------------------------------------------------


class BreakdownOut(Schema):
    key: str
    label: str
    registered: int
    attended: int


class PartnerRegionOut(Schema):
    country: str = Field(description="ISO code; empty for those from outside the partnership.")
    label: str
    partners: list[str]
    registered: int
    attended: int


class ReportOut(Schema):
    event: int
    status: str
    provisional: bool = Field(description="Final only once the event is held or closed.")
    cancelled: bool
    counts_participation: bool = Field(
        description="False for a cancelled event or a draft: it counts no participation."
    )
    registered: int
    confirmed: int
    attended: int
    cancelled_registrations: int
    participations: int = Field(description="RCO81: one per person on the attendance list.")
    organisations_attending: int = Field(description="Distinct organisations of those present.")
    by_organisation_type: list[BreakdownOut]
    by_country: list[BreakdownOut]
    by_partner_region: list[PartnerRegionOut]


def _rows(rows) -> list[dict]:
    return [{"key": r.key, "label": r.label, "registered": r.registered,
             "attended": r.attended} for r in rows]


@router.get("/events/{event_id}/report", response=ReportOut,
            summary="The funder's report figures", operation_id="get_report")
def report(request, event_id: EventId):
    """The figures of the participation report the console shows (no names)."""
    require_scope(request, READ)
    event = token_project_event(request, event_id, Event.objects.select_related("project"))
    figures = participation_report(event)
    return {
        "event": event.pk,
        "status": figures.state.status,
        "provisional": not figures.state.final,
        "cancelled": figures.state.cancelled,
        "counts_participation": figures.state.counts,
        "registered": figures.funnel.registered,
        "confirmed": figures.funnel.confirmed,
        "attended": figures.funnel.attended,
        "cancelled_registrations": figures.funnel.cancelled,
        "participations": figures.participations,
        "organisations_attending": figures.organisations_attending,
        "by_organisation_type": _rows(figures.by_type),
        "by_country": _rows(figures.by_country),
        "by_partner_region": [
            {"country": r.country, "label": r.label, "partners": r.partners,
             "registered": r.registered, "attended": r.attended}
            for r in figures.by_partner_region
        ],
    }
