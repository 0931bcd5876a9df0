"""The project's registrations through a token: list, read, register, cancel, move session.

Thin: reads are ``registrations.queries`` (``registration_list``, ``registration_in_project``,
``registration_setup``), writes the very services the public form and the registrant's page call
(``services.register``, ``cancel``, ``switch_session``) with ``actor=None, via="api-token:<id>"``,
so capacity, the waiting lists, double opt-in, one registration per address and the audit log
behave exactly as they do there. An organiser's ``over_capacity`` is never offered here.

Scopes: ``read`` for reading, ``write`` for changes; names, addresses, organisations and answers
only with ``personal`` (without it a registration is its id, event, status, sessions,
organisation type, country and times), and registering someone needs ``write`` and
``personal`` (the body is personal data). Searching by name or address (``q``) needs
``personal`` too: otherwise a read token could ask whether someone is registered.
"""

from datetime import UTC, datetime
from typing import Annotated, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as HttpStatus

from aula.api.auth import TokenAuth, require_scope, token_of, token_project_event, via_of
from aula.api.errors import ApiProblem
from aula.api.models import PERSONAL, READ, WRITE
from aula.api.pagination import Mapped, paginate
from aula.audit import services as audit
from aula.events.models import AgendaBlock
from aula.registrations import queries, services
from aula.registrations.models import (
    JOB_TITLE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    ORGANISATION_MAX_LENGTH,
    OrganisationType,
    Registration,
)
from aula.registrations.services import Result

router = Router(tags=["registrations"], auth=TokenAuth())

Status = Literal["held", "confirmed", "waiting", "cancelled"]
OrganisationTypeKey = Literal[tuple(OrganisationType.values)]  # type: ignore[valid-type]
LanguageCode = Literal[tuple(code for code, _name in settings.LANGUAGES)]  # type: ignore[valid-type]
Answer = str | bool | list[str] | None
# Ids the databases' 64-bit keys can hold: a bigger number is 422, never an overflow.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
EventId = Annotated[int, Path(ge=1, le=MAX_ID)]
RegistrationId = Annotated[int, Path(ge=1, le=MAX_ID)]


# --- Schemas -----------------------------------------------------------------------------------


class ChosenSessionOut(Schema):
    session: int = Field(description="The parallel session's id (an agenda block).")
    slot_starts_at: datetime


class PersonalOut(Schema):
    """Only with the ``personal`` scope, and never for an erased registration."""

    email: str
    first_name: str
    family_name: str
    organisation: str
    job_title: str
    language: str
    time_zone: str = Field(description="The registrant's own zone; empty when unknown.")
    consent_recording: bool
    consent_newsletter: bool
    answers: dict[str, Answer] = Field(
        description="Answers to the event's questions, by question id."
    )


class RegistrationOut(Schema):
    id: int
    event: int
    status: Status
    sessions: list[ChosenSessionOut]
    organisation_type: str
    country: str
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    hold_expires_at: datetime | None = Field(
        description="A held place (awaiting the e-mail's confirmation) is kept until then."
    )
    waiting_since: datetime | None
    erased: bool = Field(description="The person's data was erased (on request or by retention).")
    personal: PersonalOut | None = Field(
        description="Names, address, organisation, answers: only with the `personal` scope."
    )


class RegistrationIn(Schema):
    """What the public registration form asks, with the same checks."""

    email: str = Field(max_length=254)
    first_name: str = Field(max_length=NAME_MAX_LENGTH)
    family_name: str = Field(max_length=NAME_MAX_LENGTH)
    organisation: str = Field(max_length=ORGANISATION_MAX_LENGTH)
    organisation_type: OrganisationTypeKey
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2 code of the organisation's "
                         "country.")
    language: LanguageCode = Field(settings.LANGUAGE_CODE,
                                   description="The language of the registrant's e-mails.")
    job_title: str = Field("", max_length=JOB_TITLE_MAX_LENGTH)
    time_zone: str = Field("", max_length=64, description="IANA zone, e.g. Europe/Vilnius.")
    sessions: list[int] = Field(
        [], max_length=50, description="One parallel session id per slot that has sessions."
    )
    answers: dict[str, Answer] = Field(
        {}, description="Answers by question id (see the registration form's description)."
    )
    privacy_accepted: bool = Field(description="The person read the event's privacy notice.")
    privacy_notice_id: int = Field(
        description="The id of the privacy notice the person was shown (registration-form)."
    )
    consent_recording: bool = False
    consent_newsletter: bool = False


class OutcomeOut(Schema):
    """A registration was taken. For an address already registered the answer is the same as
    for a new one (what a new registrant would get now), and its owner gets their personal link
    by e-mail, as with the form: nobody learns through the API who is registered."""

    result: Literal["confirmed", "held", "waiting"] = Field(
        description="confirmed: a place; held: a place kept until the person confirms their "
        "address by the link e-mailed to them; waiting: on the waiting list."
    )
    waiting_for_session: bool = Field(
        description="On the waiting list because a chosen session, not the event, is full."
    )


class MoveIn(Schema):
    session: Id = Field(description="The parallel session (agenda block) to move to: it "
                        "replaces the registrant's choice in the same slot.")


class RegistrationFilters(Schema):
    status: Status | None = None
    session: Id | None = Field(None, description="Those who chose this parallel session.")
    q: str | None = Field(None, max_length=200, description="Words in the name, e-mail address "
                          "or organisation (needs the `personal` scope).")
    created_since: datetime | None = Field(None, description="Registered at or after (ISO 8601).")
    updated_since: datetime | None = Field(None, description="Changed at or after (ISO 8601).")


class QuestionChoiceOut(Schema):
    key: str
    label: dict[str, str]


class FormQuestionOut(Schema):
    id: int
    kind: Literal["short_text", "long_text", "single_choice", "multiple_choice", "checkbox",
                  "country"]
    label: dict[str, str]
    help: dict[str, str]
    required: bool
    choices: list[QuestionChoiceOut]


class FormSessionOut(Schema):
    id: int
    title: dict[str, str]
    capacity: int | None
    places_left: int | None


class FormSlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    sessions: list[FormSessionOut]


class PrivacyNoticeOut(Schema):
    id: int
    version: int
    text: dict[str, str]


class RegistrationFormOut(Schema):
    """What a registration needs: the notice to show, the questions, the parallel sessions."""

    open: bool
    closed_reason: Literal["full", "not_open", "closed", "event_cancelled", "unavailable"] | None
    capacity: int | None
    places_left: int | None
    waiting_list: bool
    double_opt_in: bool
    privacy_notice: PrivacyNoticeOut | None
    questions: list[FormQuestionOut]
    slots: list[FormSlotOut]


# --- Reading -----------------------------------------------------------------------------------


def registration_out(registration: Registration, personal: bool) -> dict:
    erased = registration.anonymised_at is not None
    return {
        "id": registration.pk,
        "event": registration.event_id,
        "status": registration.status,
        "sessions": [
            {"session": choice.block_id, "slot_starts_at": choice.slot_starts_at}
            for choice in registration.session_choices.all()
        ],
        "organisation_type": registration.organisation_type,
        "country": str(registration.country),
        "created_at": registration.created_at,
        "updated_at": registration.updated_at,
        "confirmed_at": registration.confirmed_at,
        "cancelled_at": registration.cancelled_at,
        "hold_expires_at": registration.hold_expires_at,
        "waiting_since": registration.waiting_since,
        "erased": erased,
        "personal": _personal(registration) if personal and not erased else None,
    }


def _personal(registration: Registration) -> dict:
    return {
        "email": registration.email,
        "first_name": registration.first_name,
        "family_name": registration.family_name,
        "organisation": registration.organisation,
        "job_title": registration.job_title,
        "language": registration.language,
        "time_zone": registration.time_zone,
        "consent_recording": registration.consent_recording,
        "consent_newsletter": registration.consent_newsletter,
        "answers": registration.answers or {},
    }


def _utc(moment: datetime | None, name: str) -> datetime | None:
    """``moment`` in UTC (naive: taken as UTC); 422 when it cannot be (an offset the database
    refuses, or beyond the calendar once in UTC)."""
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ApiProblem(422, "This moment is out of range.", errors=[
            {"location": "query", "field": name, "message": "Out of range."}
        ]) from None


@router.get("/events/{event_id}/registrations", response=list[RegistrationOut],
            summary="The event's registrations", operation_id="list_registrations")
@paginate
def list_registrations(request, event_id: EventId, filters: Query[RegistrationFilters]):
    """The event's registrations in a stable order (by id), filtered. Needs `read`; `q` and
    the `personal` part need `personal`."""
    token = require_scope(request, READ)
    if filters.q and not token.has_scope(PERSONAL):
        require_scope(request, PERSONAL)
    event = token_project_event(request, event_id)
    registrations = queries.registration_list(event, queries.ListFilters(
        status=filters.status or "",
        session=filters.session,
        q=(filters.q or "").strip(),
        created_since=_utc(filters.created_since, "created_since"),
        updated_since=_utc(filters.updated_since, "updated_since"),
    ))
    personal = token.has_scope(PERSONAL)

    def out(registration):
        return registration_out(registration, personal)

    if not personal:
        return Mapped(registrations, out)
    return RecordedPage(registrations, out, request, event)


class RecordedPage(Mapped):
    """A page of registrations with their personal data: its reading is on the audit log as a
    download by the token (which ids), as the console's exports are."""

    def __init__(self, queryset, convert, request, event):
        super().__init__(queryset, convert)
        self.request, self.event = request, event

    def __getitem__(self, page: slice):
        rows = super().__getitem__(page)
        if rows:
            record_personal_read(self.request, "api.registrations", self.event.pk,
                                 self.event.project_id, [row["id"] for row in rows])
        return rows


def record_personal_read(request, what: str, event_id: int, project_id: int, ids) -> None:
    audit.record_download(None, what, event=event_id, project=project_id, via=via_of(request),
                          data={"registrations": list(ids)})


def _registration_or_404(request, registration_id: int) -> Registration:
    registration = queries.registration_in_project(token_of(request).project_id,
                                                   registration_id)
    if registration is None:
        raise ApiProblem(404, "There is no such registration in this token's project.")
    return registration


@router.get("/registrations/{registration_id}", response=RegistrationOut,
            summary="One registration", operation_id="get_registration")
def get_registration(request, registration_id: RegistrationId):
    token = require_scope(request, READ)
    registration = _registration_or_404(request, registration_id)
    answer = registration_out(registration, token.has_scope(PERSONAL))
    if answer["personal"] is not None:
        record_personal_read(request, "api.registration", registration.event_id,
                             registration.event.project_id, [registration.pk])
    return answer


def _texts(value) -> dict[str, str]:
    return {key: text for key, text in (value or {}).items() if isinstance(text, str)}


@router.get("/events/{event_id}/registration-form", response=RegistrationFormOut,
            summary="What a registration for the event needs",
            operation_id="get_registration_form")
def registration_form(request, event_id: EventId):
    """The privacy notice to show (its id goes into the registration), the questions and the
    parallel sessions with their places left, and whether registration is open now."""
    require_scope(request, READ)
    event = token_project_event(request, event_id)
    setup = queries.registration_setup(event)
    closed = services.why_closed(event, timezone.now())
    if closed is None and setup.notice is None:
        closed = Result.UNAVAILABLE
    places_left = queries.places_left(event)
    if closed is None and places_left == 0 and not setup.options.waiting_list:
        closed = Result.FULL
    left = queries.session_places_left(event, setup.slots)
    notice = setup.notice
    return {
        "open": closed is None,
        "closed_reason": closed.value if closed is not None else None,
        "capacity": event.capacity,
        "places_left": places_left,
        "waiting_list": setup.options.waiting_list,
        "double_opt_in": setup.options.double_opt_in,
        "privacy_notice": {"id": notice.pk, "version": notice.version,
                           "text": _texts(notice.text)} if notice else None,
        "questions": [
            {"id": q.pk, "kind": q.kind, "label": _texts(q.label), "help": _texts(q.help),
             "required": q.required,
             "choices": [{"key": c["key"], "label": _texts(c.get("label"))}
                         for c in q.choices or []]}
            for q in setup.questions
        ],
        "slots": [
            {"starts_at": slot.starts_at, "ends_at": slot.ends_at, "sessions": [
                {"id": block.pk, "title": _texts(block.title), "capacity": block.capacity,
                 "places_left": left.get(block.pk)}
                for block in slot.blocks
            ]}
            for slot in setup.slots
        ],
    }


# --- Changing ----------------------------------------------------------------------------------

REFUSALS = {
    Result.FULL: ("Event full", "The event is full and has no waiting list."),
    Result.SESSION_FULL: ("Session full", "A chosen session is full."),
    Result.NOT_OPEN: ("Registration not open", "Registration has not opened yet."),
    Result.CLOSED: ("Registration closed", "Registration is closed."),
    Result.EVENT_CANCELLED: ("Event cancelled", "The event was cancelled."),
    Result.UNAVAILABLE: ("Registration unavailable",
                         "Registration is not possible for this event (not published, or no "
                         "privacy notice)."),
}


def _refused(outcome) -> ApiProblem:
    title, detail = REFUSALS[outcome.result]
    errors = None
    if outcome.full_sessions:
        errors = [{"location": "body", "field": "sessions",
                   "message": f"Session {pk} is full."} for pk in outcome.full_sessions]
    kind = outcome.result.value.replace("_", "-")
    return ApiProblem(409, detail, title=title, kind=kind, errors=errors)


def _field(key: str) -> str:
    """A validation error's key of ``RegistrationData`` as a field of the body."""
    if key.startswith("q_"):
        return f"answers.{key[2:]}"
    if key == "privacy":
        return "privacy_accepted"
    return "" if key == "__all__" else key


def _invalid(error: ValidationError, slot_keys) -> ApiProblem:
    errors = []
    if not hasattr(error, "error_dict"):  # the only one: a session not of this event
        error = ValidationError({"sessions": error.messages})
    for key, messages in error.message_dict.items():
        name = "sessions" if key in slot_keys else _field(key)
        errors.extend({"location": "body", "field": name, "message": str(m)} for m in messages)
    return ApiProblem(422, "The registration is not valid.", errors=errors)


@router.post("/events/{event_id}/registrations", response={201: OutcomeOut},
             summary="Register someone", operation_id="create_registration")
def create_registration(request, event_id: EventId, body: RegistrationIn):
    """Registers as the public form does: a place while there is one (held until the person
    confirms their address when the event asks for it), else the waiting list (also a full
    session's own), else a refusal (409: `full`, `session-full`, `not-open`, `closed`,
    `event-cancelled`, `unavailable`). Needs `write` and `personal`. The person gets the
    e-mails the form sends."""
    require_scope(request, WRITE, PERSONAL)
    event = token_project_event(request, event_id)
    setup = queries.registration_setup(event)
    data = services.RegistrationData(**body.dict())
    try:
        outcome = services.register(event, data, setup=setup, actor=None, via=via_of(request))
    except ValidationError as error:
        raise _invalid(error, {slot.key for slot in setup.slots}) from None
    if not outcome.accepted:
        raise _refused(outcome)
    return HttpStatus(201, {
        "result": outcome.result.value,
        "waiting_for_session": outcome.result == Result.WAITING and bool(outcome.full_sessions),
    })


@router.post("/registrations/{registration_id}/cancel", response=RegistrationOut,
             summary="Cancel a registration", operation_id="cancel_registration")
def cancel_registration(request, registration_id: RegistrationId):
    """Cancels as the registrant's own page does: the place goes to the next in line (when
    promotion is automatic) and the person is told by e-mail. Cancelling a cancelled
    registration changes nothing. Needs `write`."""
    token = require_scope(request, WRITE)
    registration = _registration_or_404(request, registration_id)
    if registration.anonymised_at is not None:
        raise ApiProblem(409, "This registration was erased.", kind="refused",
                         title="Action refused")
    services.cancel(registration, actor=None, via=via_of(request))
    return registration_out(_registration_or_404(request, registration_id),
                            token.has_scope(PERSONAL))


@router.post("/registrations/{registration_id}/move", response=RegistrationOut,
             summary="Move a registrant to another parallel session",
             operation_id="move_registration")
def move_registration(request, registration_id: RegistrationId, body: MoveIn):
    """Moves the registrant to another parallel session of the same slot, as their own page
    does: with a place, only where the session has room (409 `session-full`; never over a
    capacity through the API). Needs `write`."""
    token = require_scope(request, WRITE)
    registration = _registration_or_404(request, registration_id)
    block = AgendaBlock.objects.filter(
        pk=body.session, event_id=registration.event_id, kind=AgendaBlock.Kind.PARALLEL
    ).first()
    if block is None:
        raise ApiProblem(422, "Choose among this event's parallel sessions.", errors=[
            {"location": "body", "field": "session", "message": "Not a session of this event."}
        ])
    if registration.anonymised_at is not None:
        raise ApiProblem(409, "This registration was erased.", kind="refused",
                         title="Action refused")
    try:
        services.switch_session(registration, block, actor=None, via=via_of(request))
    except services.SessionFull:
        raise ApiProblem(409, "This session is full.", kind="session-full",
                         title="Session full") from None
    return registration_out(_registration_or_404(request, registration_id),
                            token.has_scope(PERSONAL))

