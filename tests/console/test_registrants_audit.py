"""Registrant actions on the record: each organiser action writes its audit entry (with the
organiser as actor) in its own transaction; refusals record nothing; personal data is referred
to, never copied; downloads of personal data are recorded."""

import json

import pytest

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.registrations import imports, services
from aula.registrations.models import Registration
from tests.console.test_registrants import add_form, url
from tests.factories import make_event, organiser
from tests.registrations.factories import make_slot, person

Status = Registration.Status
pytestmark = pytest.mark.django_db



@pytest.fixture
def event(db):
    # These tests are about places: registrants need not confirm their address (on by default).
    return make_event(capacity=1, options={"double_opt_in": False})


@pytest.fixture
def editor(event):
    return organiser("editor", event.project, Role.EDITOR)


def entries(action=None):
    found = AuditEntry.objects.order_by("pk")
    return list(found.filter(action=action) if action else found)


def test_cancel_and_promote_by_hand_are_recorded(client, event, editor):
    first = services.register(event, person(1)).registration
    second = services.register(event, person(2)).registration
    client.force_login(editor)
    client.post(url("registrant_promote", event, first))  # not waiting: refused
    assert entries() == []
    client.post(url("registrant_cancel", event, first))
    (cancelled,) = entries("registration.cancelled")
    assert cancelled.actor == editor and cancelled.target_id == str(first.pk)
    assert cancelled.changes == {"status": ["confirmed", "cancelled"]}
    assert cancelled.data == {"promoted": [second.pk]}  # automatic promotion, in the same entry
    assert cancelled.target_label == ""  # a registration is named by its id only


def test_promote_by_hand(client, editor):
    event = make_event(capacity=1, options={"promotion": "manual", "double_opt_in": False})
    services.register(event, person(1))
    waiting = services.register(event, person(2)).registration
    services.change_event_capacity(event, 2, actor=None)
    client.force_login(organiser("editor2", event.project, Role.EDITOR))
    client.post(url("registrant_promote", event, waiting))
    (entry,) = entries("registration.promoted")
    assert entry.changes == {"status": ["waiting", "confirmed"]}


def test_confirm_by_hand_and_resend(client, editor):
    event = make_event(options={"double_opt_in": True})
    client.force_login(organiser("e", event.project, Role.EDITOR))
    held = services.register(event, person(1)).registration
    assert held.status == Status.HELD
    client.post(url("registrant_resend", event, held))
    client.post(url("registrant_confirm", event, held))
    held.refresh_from_db()
    assert held.status == Status.CONFIRMED
    client.post(url("registrant_confirm", event, held))  # not held any more: refused
    assert [e.action for e in entries()] == [
        "registration.email_resent", "registration.confirmed_by_hand"
    ]
    assert entries()[0].data == {"email": "please_confirm"}


def test_erase_records_that_it_happened_not_what(client, event, editor):
    registration = services.register(event, person(1, first_name="Ioana")).registration
    client.force_login(editor)
    client.post(url("registrant_erase", event, registration))  # the box not ticked
    assert entries() == []
    client.post(url("registrant_erase", event, registration), {"confirm": "yes"})
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    (entry,) = entries("registration.erased")
    stored = json.dumps([entry.changes, entry.data, entry.target_label])
    assert "Ioana" not in stored and "person1" not in stored.lower()


def test_adding_by_hand_is_recorded_and_the_public_form_is_not(client, event, editor):
    services.register(event, person(1))
    assert entries() == []
    client.force_login(editor)
    client.post(url("registrant_add", event), add_form(2))
    (entry,) = entries("registration.added")
    assert entry.actor == editor and entry.data["status"] == "waiting"


def test_an_import_records_each_row_and_its_counts(event, editor):
    content = (
        b"email,first_name,family_name,organisation,organisation_type,country\n"
        b"a@example.org,Ana,Pop,Org,Sme,RO\n"
        b"b@example.org,Bo,Pop,Org,Sme,RO\n"
        b"bad,Bo,Pop,Org,Sme,RO\n"
    )
    preview = imports.run_import(event, content, actor=editor)
    assert len(preview.valid_rows) == 2
    added = entries("registration.added")
    assert [e.via for e in added] == ["import", "import"]
    (summary,) = entries("registration.imported")
    assert summary.actor == editor
    assert summary.data == {"rows": 3, "imported": 2, "rejected": 1, "confirmed": 1,
                            "held": 0, "waiting": 1}


def test_switching_and_correcting_are_recorded_with_personal_fields_referred_to(editor):
    event = make_event()
    a, b = make_slot(event, 10, 10)
    registration = services.register(event, person(1, sessions=[a.pk])).registration
    services.switch_session(registration, b, actor=editor)
    (switched,) = entries("registration.session_switched")
    assert switched.changes == {"session": [a.pk, b.pk]}
    services.update_details(registration, {"first_name": "Maria", "country": "LT"},
                            actor=editor)
    (updated,) = entries("registration.details_updated")
    assert updated.changes == {"first_name": ["changed"], "country": ["RO", "LT"]}


def test_the_registrant_on_their_own_page_is_recorded_as_such(client):
    event = make_event()
    registration = services.register(event, person(1)).registration
    client.get(f"/en/r/{registration.token}/data.json")
    client.post(f"/en/r/{registration.token}/cancel/")
    download, cancelled = entries()
    assert download.action == "download" and download.actor is None
    assert download.data == {"what": "registration.data", "registration": registration.pk,
                             "via": "registrant"}
    assert cancelled.action == "registration.cancelled" and cancelled.via == "registrant"


def test_registrant_exports_are_recorded_downloads(client, event):
    services.register(event, person(1))
    editor_ = organiser("viewer", event.project, Role.EDITOR)
    client.force_login(editor_)
    assert client.get(url("registrants_export", event, fmt="xlsx")).status_code == 200
    response = client.get(url("registrants_export", event, fmt="csv"), {"q": "Popescu1",
                                                                       "status": "confirmed"})
    b"".join(response.streaming_content)
    client.head(url("registrants_export", event, fmt="csv"))  # nothing downloaded
    xlsx, csv = entries("download")
    assert (xlsx.actor, xlsx.event_id, xlsx.data["what"]) == (editor_, event.pk, "registrants.xlsx")
    assert csv.data["what"] == "registrants.csv"
    assert csv.data["filters"]["status"] == "confirmed"
    assert csv.data["searched"] is True and "Popescu1" not in json.dumps(csv.data)


def test_a_refused_import_file_records_nothing(event, editor):
    with pytest.raises(imports.ImportFileError):
        imports.run_import(event, b"nothing,useful\n", actor=editor)
    assert entries() == []


# --- Correcting, switching and exporting from the console ------------------------------------


def test_the_organiser_corrects_the_details_for_the_registrant(client, event, editor):
    registration = services.register(event, person(1)).registration
    client.force_login(editor)
    assert client.get(url("registrant_edit", event, registration)).status_code == 200
    data = {
        "first_name": "Ana-Maria", "family_name": "Popescu", "organisation": "Timișoara 2023",
        "organisation_type": "RegionalPublicAuthority", "country": "RO", "language": "ro",
        "job_title": "", "email": registration.email,
    }
    response = client.post(url("registrant_edit", event, registration), data)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.first_name == "Ana-Maria" and registration.language == "ro"
    (entry,) = entries("registration.details_updated")
    assert entry.actor == editor and entry.changes["first_name"] == ["changed"]
    assert entry.changes["language"] == ["en", "ro"]
    response = client.post(url("registrant_edit", event, registration), {**data, "country": "XX"})
    assert response.status_code == 200  # refused: nothing stored, nothing recorded
    assert len(entries()) == 1


def test_the_organiser_switches_sessions_where_there_is_room(client, editor):
    event = make_event()
    a, b, c = make_slot(event, 10, 10, 1)
    other = services.register(event, person(2, sessions=[c.pk])).registration
    registration = services.register(event, person(1, sessions=[a.pk])).registration
    client.force_login(organiser("e2", event.project, Role.EDITOR))
    key = f"slot_{int(a.starts_at.timestamp())}"
    client.post(url("registrant_sessions", event, registration), {key: str(c.pk)})  # full
    assert registration.session_choices.get().block == a
    client.post(url("registrant_sessions", event, registration), {key: str(b.pk)})
    assert registration.session_choices.get().block == b
    (entry,) = entries("registration.session_switched")
    assert entry.changes == {"session": [a.pk, b.pk]}
    assert other.session_choices.get().block == c


def test_the_organiser_downloads_a_registrants_data_and_it_is_recorded(client, event, editor):
    registration = services.register(event, person(1)).registration
    client.force_login(editor)
    response = client.get(url("registrant_data", event, registration))
    assert response.status_code == 200
    assert json.loads(response.content)["registration"]["email"] == "person1@example.org"
    (entry,) = entries("download")
    assert entry.actor == editor and entry.data["what"] == "registration.data"
    viewer = organiser("viewer", event.project, Role.VIEWER)
    client.force_login(viewer)
    assert client.get(url("registrant_data", event, registration)).status_code == 403
    assert len(entries()) == 1


def test_an_email_still_to_render_shows_as_being_prepared(client, event, editor, no_worker,
                                                          render_in_worker):
    # In production the delivery worker writes the subject just before sending: until then the
    # registrant's page says so instead of an empty subject.
    outcome = services.register(event, person(1))
    client.force_login(editor)
    page = client.get(url("registrant", event, outcome.registration))
    assert page.status_code == 200
    assert "(being prepared)" in page.content.decode()
