"""Console: editing a registrant (the address too), moving them with the capacity kept or
knowingly exceeded, confirming by hand, and the bulk actions on a selection or the filter."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.registrations import services
from aula.registrations.models import CapacityCounter, Registration
from aula.registrations.queries import current_privacy_notice
from tests.factories import make_event, organiser
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_slot, person

Status = Registration.Status
pytestmark = pytest.mark.django_db


def url(name, event, registration=None):
    kwargs = {"event_id": event.pk}
    if registration is not None:
        kwargs["registration_id"] = registration.pk
    return reverse(f"console:{name}", kwargs=kwargs)


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


@pytest.fixture
def editor(db):
    return organiser("editor")


def editor_of(event):
    return organiser(None, event.project, Role.EDITOR)


def details(registration, **changes):
    data = {
        "email": registration.email, "first_name": registration.first_name,
        "family_name": registration.family_name, "organisation": registration.organisation,
        "organisation_type": registration.organisation_type, "country": "RO", "language": "en",
        "job_title": registration.job_title,
    }
    data.update(changes)
    return data


def test_the_editor_corrects_the_address_unless_another_registration_has_it(client):
    event = make_event(options=NO_OPT_IN)
    services.register(event, person(1))
    registration = services.register(event, person(2)).registration
    client.force_login(editor_of(event))
    page = client.get(url("registrant_edit", event, registration)).content.decode()
    assert 'name="email"' in page and registration.email in page
    response = client.post(url("registrant_edit", event, registration),
                           details(registration, email="person1@example.org"))
    assert response.status_code == 200
    assert "already has a registration" in response.content.decode()
    registration.refresh_from_db()
    assert registration.email == "person2@example.org"
    response = client.post(url("registrant_edit", event, registration),
                           details(registration, email="ana@example.eu"))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.email == "ana@example.eu"
    assert entries("registration.details_updated")[0].changes == {"email": ["changed"]}


def test_moving_into_a_full_session_needs_the_box_and_is_recorded(client):
    event = make_event(options=NO_OPT_IN)
    a, b = make_slot(event, 10, 1)
    services.register(event, person(1, sessions=[b.pk]))
    registration = services.register(event, person(2, sessions=[a.pk])).registration
    actor = editor_of(event)
    client.force_login(actor)
    key = f"slot_{int(a.starts_at.timestamp())}"
    # The full session can be chosen on the page (and is refused without the box).
    page = client.get(url("registrant_edit", event, registration)).content.decode()
    assert f'value="{b.pk}"' in page and "over_capacity" in page
    response = client.post(url("registrant_sessions", event, registration), {key: str(b.pk)},
                           follow=True)
    assert "That session is full" in response.content.decode()
    assert registration.session_choices.get().block == a
    client.post(url("registrant_sessions", event, registration),
                {key: str(b.pk), "over_capacity": "yes"})
    assert registration.session_choices.get().block == b
    [entry] = entries("registration.session_switched")
    assert entry.actor == actor and entry.data == {"over_capacity": [str(b.pk)]}
    assert CapacityCounter.objects.get(block=b).taken == 2


def test_confirming_a_waiting_registrant_by_hand_from_their_page(client):
    event = make_event(capacity=1, options=NO_OPT_IN)
    services.register(event, person(1))
    waiting = services.register(event, person(2)).registration
    client.force_login(editor_of(event))
    page = client.get(url("registrant", event, waiting)).content.decode()
    assert url("registrant_confirm", event, waiting) in page
    response = client.post(url("registrant_confirm", event, waiting), follow=True)
    assert "The event is full" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING
    client.post(url("registrant_confirm", event, waiting), {"over_capacity": "yes"})
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert entries("registration.confirmed_by_hand")[0].data == {"over_capacity": ["event"]}


def test_adding_someone_over_the_capacity_knowingly(client):
    event = make_event(capacity=1, options=NO_OPT_IN)
    services.register(event, person(1))
    data = {
        "email": "extra@example.org", "first_name": "Extra", "family_name": "Person",
        "organisation": "Org", "organisation_type": "Sme", "country": "RO", "language": "en",
        "job_title": "", "privacy": "on", "privacy_notice": current_privacy_notice(event).pk,
        "over_capacity": "on",
    }
    client.force_login(editor_of(event))
    response = client.post(url("registrant_add", event), data)
    assert response.status_code == 302
    added = Registration.objects.get(email="extra@example.org")
    assert added.status == Status.CONFIRMED
    assert entries("registration.added")[0].data["over_capacity"] == ["event"]


def test_bulk_cancel_on_a_selection_confirms_the_count_first(client, django_assert_max_num_queries):
    event = make_event(options=NO_OPT_IN)
    people = [services.register(event, person(n, first_name="Ana & Ion")).registration
              for n in range(4)]
    client.force_login(editor_of(event))
    table = client.get(url("registrants", event)).content.decode()
    assert 'name="id"' in table and url("registrants_bulk", event) in table
    chosen = {"action": "cancel", "scope": "selected", "id": [people[0].pk, people[1].pk]}
    with django_assert_max_num_queries(12):
        response = client.post(url("registrants_bulk", event), chosen)
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 registrations will be cancelled" in page
    assert "Ana & Ion" not in page and escape("Ana & Ion") in page
    assert not Registration.objects.filter(status=Status.CANCELLED).exists()
    response = client.post(url("registrants_bulk", event), {**chosen, "step": "run"}, follow=True)
    assert "Done for 2 registrants" in response.content.decode()
    assert set(Registration.objects.filter(status=Status.CANCELLED).values_list(
        "pk", flat=True)) == {people[0].pk, people[1].pk}
    assert [e.via for e in entries("registration.cancelled")] == ["bulk", "bulk"]


def test_bulk_move_on_the_filter_names_those_left_out(client, django_assert_max_num_queries):
    event = make_event(options=NO_OPT_IN)
    a, b = make_slot(event, 10, 2)
    for n in range(3):
        services.register(event, person(n, sessions=[a.pk]))
    services.register(event, person(9, sessions=[b.pk]))
    client.force_login(editor_of(event))
    form = {"action": "move", "scope": "filter",
            "query": urlencode({"session": a.pk, "status": "confirmed"})}
    with django_assert_max_num_queries(12):
        page = client.post(url("registrants_bulk", event), form).content.decode()
    assert "3 registrants will be moved" in page and 'name="block"' in page
    ids = list(Registration.objects.filter(session_choices__block=a).order_by("created_at", "id")
               .values_list("pk", flat=True))
    run = {"action": "move", "step": "run", "id": ids, "block": b.pk}
    response = client.post(url("registrants_bulk", event), run, follow=True)
    text = response.content.decode()
    assert "Done for 1 registrant." in text and "Not done for 2 registrants" in text
    assert CapacityCounter.objects.get(block=b).taken == 2
    response = client.post(url("registrants_bulk", event), {**run, "over_capacity": "yes"},
                           follow=True)
    # The one moved before is there already: named, nothing changes for them.
    text = response.content.decode()
    assert "Done for 2 registrants" in text and "Already in this session" in text
    assert CapacityCounter.objects.get(block=b).taken == 4
    assert len(entries("registration.session_switched")) == 3


def test_bulk_needs_a_choice_a_selection_and_an_editor(client):
    event = make_event(options=NO_OPT_IN)
    registration = services.register(event, person(1)).registration
    client.force_login(organiser(None, event.project, Role.VIEWER))
    chosen = {"action": "cancel", "id": [registration.pk], "step": "run"}
    assert client.post(url("registrants_bulk", event), chosen).status_code == 403
    assert "name=\"id\"" not in client.get(url("registrants", event)).content.decode()
    client.force_login(editor_of(event))
    for bad in ({"action": "erase", "id": [registration.pk]}, {"action": "cancel"},
                {"action": "cancel", "id": ["x", "999999"]}):
        response = client.post(url("registrants_bulk", event), bad)
        assert response.status_code == 302
    other = services.register(make_event(options=NO_OPT_IN), person(2)).registration
    client.post(url("registrants_bulk", event), {**chosen, "id": [other.pk]})
    registration.refresh_from_db()
    other.refresh_from_db()
    assert registration.status == other.status == Status.CONFIRMED
    assert not entries("registration.cancelled")


def test_the_editors_pages_keep_their_query_bounds(client, django_assert_max_num_queries):
    event = make_event(options=NO_OPT_IN)
    a, _b = make_slot(event, None, 10)
    people = [services.register(event, person(n, sessions=[a.pk])).registration
              for n in range(30)]
    client.force_login(editor_of(event))
    # The table with its checkboxes: the same bound as the viewer's (13).
    with django_assert_max_num_queries(13):
        assert client.get(url("registrants", event)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("registrant_edit", event, people[0])).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.post(url("registrants_bulk", event),
                               {"action": "move", "scope": "filter", "query": ""})
    assert "30 registrants will be moved" in response.content.decode()
