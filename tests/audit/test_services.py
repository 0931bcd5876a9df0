"""Writing the audit log: one entry per action, in the action's own transaction; values made
plain; personal data referred to, never copied."""

import datetime
import decimal
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.fields.files import FieldFile

from aula.audit import services as audit
from aula.audit.models import AuditEntry
from aula.events.models import Event, Person
from tests.factories import make_event, make_project

TESTED = audit.action("test.tested", "Tested something")


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction():
    event = make_event()
    with pytest.raises(audit.NotInTransaction):
        audit.record(None, TESTED, event)
    assert not AuditEntry.objects.exists()
    with transaction.atomic():
        audit.record(None, TESTED, event)
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_entry_rolls_back_with_its_change():
    event = make_event(status=Event.Status.DRAFT)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
        audit.record(None, TESTED, event, changes={"status": ["draft", "published"]})
        raise Boom
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_record_download_writes_its_own_transaction():
    project = make_project()
    entry = audit.record_download(None, "registrants.csv", project=project)
    assert entry.action == audit.DOWNLOADED and entry.data == {"what": "registrants.csv"}
    assert entry.project_id == project.pk


@pytest.mark.django_db
def test_record_names_who_what_and_where():
    user = get_user_model().objects.create_user("olga")
    event = make_event()
    entry = audit.record(user, TESTED, event, changes={"status": ["draft", "published"]},
                         data={"when": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},
                         via="api-token:3")
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name, entry.via) == (user, "olga", "api-token:3")
    assert (entry.project_id, entry.event_id) == (event.project_id, event.pk)
    assert (entry.target_type, entry.target_id) == ("events.event", str(event.pk))
    assert entry.target_label == str(event)
    assert entry.data == {"when": "2026-01-01T00:00:00+00:00"}
    # Aula itself: no actor, no name.
    entry = audit.record(None, TESTED, event)
    assert entry.actor is None and entry.actor_name == ""


@pytest.mark.django_db
def test_a_target_with_an_event_is_scoped_to_the_event_and_its_project():
    event = make_event()

    class Thing:  # anything carrying event_id (a registration, a session, …)
        pk = 7
        event_id = event.pk

        def __init__(self):
            self.event = event

    project_id, event_id = audit._scope(Thing(), None, None)
    assert (project_id, event_id) == (event.project_id, event.pk)
    project = make_project()
    entry = audit.record(None, TESTED, project)
    assert (entry.project_id, entry.event_id) == (project.pk, None)


def test_changes_between_keeps_personal_fields_as_changed_only():
    before = {"status": "confirmed", "email": "ana@example.org", "first_name": "Ana"}
    after = {"status": "cancelled", "email": "ana@example.com", "first_name": "Ana"}
    changes = audit.changes_between(before, after, personal=("email", "first_name"))
    assert changes == {"status": ["confirmed", "cancelled"], "email": [audit.CHANGED]}
    assert "ana@" not in str(changes)


def test_changes_between_leaves_out_what_did_not_change_and_sees_new_fields():
    assert audit.changes_between({"a": 1}, {"a": 1}) == {}
    assert audit.changes_between({}, {"a": 1}) == {"a": [None, 1]}
    assert audit.changes_between({"a": 1}, {}) == {"a": [1, None]}


def test_plain_makes_values_json():
    vilnius = datetime.timezone(datetime.timedelta(hours=3))
    assert audit.plain(datetime.datetime(2026, 6, 10, 13, 0, tzinfo=vilnius)) == (
        "2026-06-10T10:00:00+00:00"
    )
    assert audit.plain(datetime.date(2026, 6, 10)) == "2026-06-10"
    assert audit.plain(datetime.time(9, 30)) == "09:30:00"
    assert audit.plain(decimal.Decimal("1.50")) == "1.50"
    key = uuid.uuid4()
    assert audit.plain(key) == str(key)
    assert audit.plain({"b", "a", "c"}) == ["a", "b", "c"]
    assert audit.plain(frozenset({2, 1})) == [1, 2]
    assert audit.plain((1, "x")) == [1, "x"]
    assert audit.plain({1: [datetime.date(2026, 1, 2)]}) == {"1": ["2026-01-02"]}
    assert audit.plain(None) is None and audit.plain(True) is True
    photo = FieldFile(Person(), Person._meta.get_field("photo"), "people/ana.jpg")
    assert audit.plain(photo) == "people/ana.jpg"
    assert audit.plain(FieldFile(Person(), Person._meta.get_field("photo"), None)) == ""


@pytest.mark.django_db
def test_plain_names_a_model_by_its_key():
    project = make_project()
    assert audit.plain(project) == project.pk


@pytest.mark.django_db
def test_snapshot_takes_foreign_keys_by_id():
    event = make_event()
    values = audit.snapshot(event, ["status", "project", "starts_at"])
    assert values == {
        "status": event.status, "project": event.project_id,
        "starts_at": audit.plain(event.starts_at),
    }


def test_actions_are_declared_with_their_words():
    assert audit.label_of(TESTED) == "Tested something"
    assert audit.label_of("never.declared") == "never.declared"
    assert TESTED in audit.declared()
