"""The token endpoints of registrations: list, read, form, register, cancel, move — scopes,
projects, personal data, query bounds, the audit log, and parity with the public form."""

import pytest

from aula.api import services as token_services
from aula.api.models import PERSONAL, READ, WRITE
from aula.audit.models import AuditEntry
from aula.messaging.models import OutboxMessage
from aula.registrations.models import PrivacyNotice, Registration
from aula.registrations.queries import current_privacy_notice, waiting_list
from tests.api.conftest import ALL_SCOPES
from tests.factories import make_event, make_project, make_registration
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_question, make_slot

Status = Registration.Status
pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def event(api_project):
    return make_event(api_project, options=NO_OPT_IN, capacity=2)


def body(event, n=1, **fields) -> dict:
    data = {
        "email": f"api{n}@example.org",
        "first_name": "Ana",
        "family_name": f"Pop{n}",
        "organisation": "Kaunas 2022",
        "organisation_type": "LocalPublicAuthority",
        "country": "LT",
        "language": "en",
        "privacy_accepted": True,
        "privacy_notice_id": current_privacy_notice(event).pk,
    }
    data.update(fields)
    return data


def url(path: str) -> str:
    return f"/api/v1{path}"


def post(client, path, header, data=None):
    return client.post(url(path), data=data or {}, content_type=JSON, headers=header)


def get(client, path, header, **params):
    return client.get(url(path), params, headers=header)


# --- Reading ---------------------------------------------------------------------------------


def test_the_list_hides_personal_data_without_the_personal_scope(api_client, api_token, event):
    a, b = make_slot(event, None, None)
    registration = make_registration(event, sessions=[a], answers={"1": "vegan"})
    _token, read = api_token((READ,))
    response = get(api_client, f"/events/{event.pk}/registrations", read)
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1 and page["next"] is None
    row = page["results"][0]
    assert row["id"] == registration.pk and row["status"] == "confirmed"
    assert row["sessions"][0]["session"] == a.pk
    assert row["organisation_type"] == "LocalPublicAuthority" and row["country"] == "RO"
    assert row["personal"] is None
    assert registration.email not in response.content.decode()
    assert "Popescu" not in response.content.decode()

    _token, personal = api_token((READ, PERSONAL))
    row = get(api_client, f"/events/{event.pk}/registrations", personal).json()["results"][0]
    assert row["personal"]["email"] == registration.email
    assert row["personal"]["answers"] == {"1": "vegan"}


def test_the_list_filters_and_pages(api_client, api_token, event):
    a, b = make_slot(event, None, None)
    first = make_registration(event, sessions=[a], organisation="Kaunas 2022")
    waiting = make_registration(event, sessions=[b], status=Status.WAITING)
    make_registration(event, sessions=[a])
    _token, header = api_token((READ, PERSONAL))
    path = f"/events/{event.pk}/registrations"

    def found(**params):
        return [row["id"] for row in get(api_client, path, header, **params).json()["results"]]

    assert found(status="waiting") == [waiting.pk]
    assert found(session=b.pk) == [waiting.pk]
    assert found(q="kaunas") == [first.pk]
    assert found(created_since="2000-01-01T00:00:00") == found()
    assert found(updated_since="2999-01-01T00:00:00Z") == []
    page = get(api_client, path, header, limit=2).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and "offset=2" in page["next"]
    assert get(api_client, path, header, status="nonsense").status_code == 422


def test_searching_by_name_needs_the_personal_scope(api_client, api_token, event):
    make_registration(event, family_name="Rossi")
    _token, read = api_token((READ,))
    response = get(api_client, f"/events/{event.pk}/registrations", read, q="Rossi")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_page_of_registrations_costs_a_bounded_number_of_queries(
    api_client, api_token, event, django_assert_max_num_queries,
):
    a, b = make_slot(event, None, None)
    for n in range(40):
        make_registration(event, sessions=[a if n % 2 else b], status=Status.WAITING)
    _token, header = api_token(ALL_SCOPES)
    path = f"/events/{event.pk}/registrations"
    with django_assert_max_num_queries(10):
        response = get(api_client, path, header, limit=40)
    assert len(response.json()["results"]) == 40


def test_one_registration(api_client, api_token, event):
    registration = make_registration(event)
    _token, read = api_token((READ,))
    response = get(api_client, f"/registrations/{registration.pk}", read)
    assert response.status_code == 200
    assert response.json()["id"] == registration.pk and response.json()["personal"] is None
    assert get(api_client, "/registrations/999999", read).status_code == 404


def test_another_projects_event_and_registration_do_not_exist(api_client, api_token, event):
    elsewhere = make_event(make_project(), options=NO_OPT_IN)
    theirs = make_registration(elsewhere)
    _token, header = api_token(ALL_SCOPES)
    for response in (
        get(api_client, f"/events/{elsewhere.pk}/registrations", header),
        get(api_client, f"/events/{elsewhere.pk}/registration-form", header),
        get(api_client, f"/registrations/{theirs.pk}", header),
        post(api_client, f"/events/{elsewhere.pk}/registrations", header, body(elsewhere)),
        post(api_client, f"/registrations/{theirs.pk}/cancel", header),
        post(api_client, f"/registrations/{theirs.pk}/move", header, {"session": 1}),
    ):
        assert response.status_code == 404, response.content
    assert Registration.objects.filter(event=elsewhere).count() == 1
    theirs.refresh_from_db()
    assert theirs.status == Status.CONFIRMED


def test_a_revoked_or_missing_token_is_refused(api_client, api_token, api_owner, event):
    token, header = api_token(ALL_SCOPES)
    path = f"/events/{event.pk}/registrations"
    assert get(api_client, path, header).status_code == 200
    token_services.revoke_token(api_owner, token)
    response = get(api_client, path, header)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert get(api_client, path, {}).status_code == 401
    assert post(api_client, path, header, body(event)).status_code == 401
    assert not Registration.objects.filter(event=event).exists()


def test_the_registration_form(api_client, api_token, event):
    question = make_question(event, required=True)
    a, b = make_slot(event, 1, None)
    make_registration(event, sessions=[a])
    _token, header = api_token((READ,))
    form = get(api_client, f"/events/{event.pk}/registration-form", header).json()
    assert form["open"] is True and form["closed_reason"] is None
    assert form["privacy_notice"]["id"] == current_privacy_notice(event).pk
    assert form["questions"][0]["id"] == question.pk
    assert [s["places_left"] for s in form["slots"][0]["sessions"]] == [0, None]
    assert form["places_left"] == 1


# --- Registering -----------------------------------------------------------------------------


def test_registering_needs_write_and_personal(api_client, api_token, event):
    for scopes in ((READ,), (READ, WRITE), (READ, PERSONAL)):
        _token, header = api_token(scopes)
        response = post(api_client, f"/events/{event.pk}/registrations", header, body(event))
        assert response.status_code == 403
    assert not Registration.objects.exists()


def test_capacity_and_waiting_list_as_the_form(api_client, api_token, event):
    """Capacity 2 with a waiting list: four registrations, two places, two waiting, in order."""
    token, header = api_token(ALL_SCOPES)
    results = []
    for n in range(4):
        response = post(api_client, f"/events/{event.pk}/registrations", header, body(event, n))
        assert response.status_code == 201, response.content
        assert set(response.json()) == {"result", "waiting_for_session"}
        results.append(response.json()["result"])
    assert results == ["confirmed", "confirmed", "waiting", "waiting"]
    rows = list(Registration.objects.filter(event=event).order_by("id"))
    assert [r.status for r in rows] == ["confirmed", "confirmed", "waiting", "waiting"]
    # The waiting list in the order they came: the first waiting is the first promoted.
    assert list(waiting_list(event)) == rows[2:]
    # The e-mails the form sends, and an audit entry per registration naming the token.
    assert OutboxMessage.objects.filter(kind="registration_confirmation").count() == 2
    assert OutboxMessage.objects.filter(kind="registration_waiting").count() == 2
    entries = AuditEntry.objects.filter(action="registration.added")
    assert entries.count() == 4
    assert {entry.via for entry in entries} == {f"api-token:{token.pk}"}
    assert all(entry.actor_id is None for entry in entries)


def test_a_full_session_puts_one_on_its_waiting_list(api_client, api_token, api_project):
    event = make_event(api_project, options=NO_OPT_IN, capacity=10)
    a, b = make_slot(event, 1, None)
    _token, header = api_token(ALL_SCOPES)
    path = f"/events/{event.pk}/registrations"
    first = post(api_client, path, header, body(event, 1, sessions=[a.pk])).json()
    second = post(api_client, path, header, body(event, 2, sessions=[a.pk])).json()
    assert first == {"result": "confirmed", "waiting_for_session": False}
    assert second == {"result": "waiting", "waiting_for_session": True}


def test_refusals_are_problems(api_client, api_token, api_project):
    _token, header = api_token(ALL_SCOPES)
    full = make_event(api_project, options={**NO_OPT_IN, "waiting_list": False}, capacity=1)
    path = f"/events/{full.pk}/registrations"
    assert post(api_client, path, header, body(full, 1)).status_code == 201
    response = post(api_client, path, header, body(full, 2))
    assert response.status_code == 409
    assert response.json()["type"].endswith("/full")
    session = make_event(api_project, options={**NO_OPT_IN, "waiting_list": False})
    a, _b = make_slot(session, 1, None)
    path = f"/events/{session.pk}/registrations"
    post(api_client, path, header, body(session, 1, sessions=[a.pk]))
    response = post(api_client, path, header, body(session, 2, sessions=[a.pk]))
    assert response.status_code == 409 and response.json()["type"].endswith("/session-full")
    assert response.json()["errors"][0]["field"] == "sessions"
    cancelled = make_event(api_project, options=NO_OPT_IN, status="cancelled")
    response = post(api_client, f"/events/{cancelled.pk}/registrations", header,
                    body(cancelled))
    assert response.status_code == 409 and response.json()["type"].endswith("/event-cancelled")
    draft = make_event(api_project, options=NO_OPT_IN, status="draft")
    response = post(api_client, f"/events/{draft.pk}/registrations", header, body(draft))
    assert response.status_code == 409 and response.json()["type"].endswith("/unavailable")
    assert not AuditEntry.objects.filter(action="registration.added",
                                         event_id=cancelled.pk).exists()


def test_invalid_registrations_store_nothing(api_client, api_token, event):
    question = make_question(event, required=True)
    _token, header = api_token(ALL_SCOPES)
    path = f"/events/{event.pk}/registrations"
    cases = [
        (body(event, privacy_accepted=False), "privacy_accepted"),
        (body(event, answers={}), f"answers.{question.pk}"),
        (body(event, first_name="<b>Ana</b>", answers={str(question.pk): "x"}), "first_name"),
        (body(event, email="not an address", answers={str(question.pk): "x"}), "email"),
        (body(event, country="XX", answers={str(question.pk): "x"}), "country"),
        (body(event, sessions=[424242], answers={str(question.pk): "x"}), "sessions"),
    ]
    for data, field in cases:
        response = post(api_client, path, header, data)
        assert response.status_code == 422, (field, response.content)
        assert field in [error["field"] for error in response.json()["errors"]], field
    # An older notice than the one shown now: read it again, as the form says.
    old = current_privacy_notice(event)
    PrivacyNotice.objects.create(project=event.project, event=event, version=2,
                                 text={"en": "New notice."})
    response = post(api_client, path, header,
                    body(event, privacy_notice_id=old.pk, answers={str(question.pk): "x"}))
    assert response.status_code == 422
    assert not Registration.objects.exists()


def test_an_address_registered_already_is_not_revealed(api_client, api_token, event):
    _token, header = api_token(ALL_SCOPES)
    path = f"/events/{event.pk}/registrations"
    first = post(api_client, path, header, body(event, 1))
    again = post(api_client, path, header, body(event, 1, first_name="Other"))
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Registration.objects.filter(event=event).count() == 1
    # Its owner gets their personal link, as with the form.
    assert OutboxMessage.objects.filter(kind="registration_existing").count() == 1


def test_double_opt_in_holds_the_place(api_client, api_token, api_project):
    event = make_event(api_project)  # double opt-in by default
    _token, header = api_token(ALL_SCOPES)
    response = post(api_client, f"/events/{event.pk}/registrations", header, body(event))
    assert response.json()["result"] == "held"
    assert Registration.objects.get(event=event).status == Status.HELD


# --- Cancelling and moving -------------------------------------------------------------------


def test_cancel_gives_the_place_to_the_next_and_is_on_the_record(api_client, api_token, event):
    leaving = make_registration(event)
    make_registration(event)
    waiting = make_registration(event, status=Status.WAITING,
                                waiting_since=leaving.created_at)
    _token, read = api_token((READ, PERSONAL))
    path = f"/registrations/{leaving.pk}/cancel"
    assert post(api_client, path, read).status_code == 403
    token, header = api_token((READ, WRITE))
    response = post(api_client, path, header)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["personal"] is None
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    entry = AuditEntry.objects.get(action="registration.cancelled")
    assert entry.via == f"api-token:{token.pk}" and entry.actor_id is None
    assert post(api_client, path, header).status_code == 200  # twice: nothing more
    assert AuditEntry.objects.filter(action="registration.cancelled").count() == 1


def test_move_to_another_session(api_client, api_token, api_project):
    event = make_event(api_project, options=NO_OPT_IN)
    a, b = make_slot(event, None, 1)
    registration = make_registration(event, sessions=[a])
    make_registration(event, sessions=[b])
    token, header = api_token((READ, WRITE))
    path = f"/registrations/{registration.pk}/move"
    response = post(api_client, path, header, {"session": b.pk})
    assert response.status_code == 409 and response.json()["type"].endswith("/session-full")
    assert response.json()["status"] == 409
    other = make_event(api_project, options=NO_OPT_IN)
    c, _d = make_slot(other, None, None)
    assert post(api_client, path, header, {"session": c.pk}).status_code == 422
    _token, read = api_token((READ,))
    assert post(api_client, path, read, {"session": a.pk}).status_code == 403
    b.capacity = 2
    b.save()
    response = post(api_client, path, header, {"session": b.pk})
    assert response.status_code == 200
    assert [s["session"] for s in response.json()["sessions"]] == [b.pk]
    entry = AuditEntry.objects.get(action="registration.session_switched")
    assert entry.via == f"api-token:{token.pk}"
    assert not AuditEntry.objects.filter(action="registration.session_switched",
                                         data__over_capacity__isnull=False).exists()


def test_out_of_range_ids_and_moments_are_invalid_not_errors(api_client, api_token, event):
    _token, header = api_token(ALL_SCOPES)
    huge = 2**64
    assert get(api_client, f"/registrations/{huge}", header).status_code == 422
    assert get(api_client, f"/events/{huge}/registrations", header).status_code == 422
    path = f"/events/{event.pk}/registrations"
    assert get(api_client, path, header, session=huge).status_code == 422
    # An offset PostgreSQL refuses (beyond ±15:59) is taken in UTC; year 1 less a day is not.
    response = get(api_client, path, header, created_since="7723-06-19T22:37:16+16:57")
    assert response.status_code == 200
    response = get(api_client, path, header, updated_since="0001-01-01T00:00:00+01:00")
    assert response.status_code == 422


def test_reading_personal_data_is_on_the_record(api_client, api_token, event):
    registration = make_registration(event)
    _token, read = api_token((READ,))
    get(api_client, f"/events/{event.pk}/registrations", read)
    get(api_client, f"/registrations/{registration.pk}", read)
    assert not AuditEntry.objects.filter(action="download").exists()
    token, personal = api_token((READ, PERSONAL))
    get(api_client, f"/events/{event.pk}/registrations", personal)
    get(api_client, f"/registrations/{registration.pk}", personal)
    get(api_client, f"/events/{event.pk}/attendance", personal)
    entries = AuditEntry.objects.filter(via=f"api-token:{token.pk}").order_by("id")
    assert [(e.action, e.data["what"], e.data["registrations"]) for e in entries] == [
        ("download", "api.registrations", [registration.pk]),
        ("download", "api.registration", [registration.pk]),
        ("download", "api.attendance", [registration.pk]),
    ]
    assert all(e.event_id == event.pk and e.actor_id is None for e in entries)


def test_registration_not_open_yet_or_closed(api_client, api_token, api_project):
    from datetime import timedelta

    from django.utils import timezone

    _token, header = api_token(ALL_SCOPES)
    now = timezone.now()
    early = make_event(api_project, options=NO_OPT_IN,
                       registration_opens_at=now + timedelta(days=1))
    late = make_event(api_project, options=NO_OPT_IN,
                      registration_closes_at=now - timedelta(hours=1))
    for event, kind in ((early, "not-open"), (late, "closed")):
        response = post(api_client, f"/events/{event.pk}/registrations", header, body(event))
        assert response.status_code == 409 and response.json()["type"].endswith(f"/{kind}")
        form = get(api_client, f"/events/{event.pk}/registration-form", header).json()
        assert form["open"] is False and form["closed_reason"] == kind.replace("-", "_")
    assert not Registration.objects.exists()


def test_an_erased_registration_is_listed_without_its_data(api_client, api_token, event):
    from django.utils import timezone

    erased = make_registration(event, status=Status.CANCELLED, anonymised_at=timezone.now())
    _token, header = api_token((READ, PERSONAL))
    row = get(api_client, f"/registrations/{erased.pk}", header).json()
    assert row["erased"] is True and row["personal"] is None
