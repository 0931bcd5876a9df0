"""Emission: a message per subscribed endpoint, written in the transaction of the change (so
gone with its rollback), at each place that causes an event type, personal data only for the
endpoints that asked for it and erased with the person; no query where nobody listens."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from aula.attendance import services as attendance
from aula.audit.services import NotInTransaction
from aula.events import lifecycle
from aula.events import services as events
from aula.events.models import Event
from aula.registrations import services as registrations
from aula.registrations.models import Registration, RegistrationOptions
from aula.registrations.services import personal
from aula.webhooks import retention, services
from aula.webhooks.models import WebhookAttempt, WebhookMessage
from tests.attendance.helpers import sample
from tests.factories import make_event, make_project, make_registration
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import person
from tests.webhooks.factories import make_endpoint

pytestmark = pytest.mark.django_db
Status = Registration.Status


def sent(event_type=None):
    messages = WebhookMessage.objects.order_by("id")
    if event_type:
        messages = messages.filter(event_type=event_type)
    return list(messages)


@pytest.mark.django_db(transaction=True)
def test_emit_must_run_in_a_transaction():
    project = make_project()
    make_endpoint(project)
    with pytest.raises(NotInTransaction):
        services.emit(project.pk, "registration.created", {"registration_id": 1})


def test_a_rolled_back_change_leaves_no_message():
    project = make_project()
    make_endpoint(project)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        assert len(services.emit(project.pk, "registration.created", {"x": 1})) == 1
        raise Boom
    assert not WebhookMessage.objects.exists()


def test_nobody_listening_costs_no_query(django_assert_num_queries):
    listened, quiet = make_project(), make_project()
    make_endpoint(listened)
    with transaction.atomic():
        services.emit(quiet.pk, "registration.created", {"x": 1})  # loads the set once
        with django_assert_num_queries(0):
            for _ in range(5):
                assert services.emit(quiet.pk, "registration.created", {"x": 1}) == []
        # A listening project: one query for its endpoints, one insert.
        with django_assert_num_queries(2):
            services.emit(listened.pk, "registration.created", {"x": 1})


def test_a_new_endpoint_is_heard_at_once_in_its_process():
    project = make_project()
    with transaction.atomic():
        assert services.emit(project.pk, "registration.created", {"x": 1}) == []
    make_endpoint(project)
    with transaction.atomic():
        assert len(services.emit(project.pk, "registration.created", {"x": 1})) == 1


def test_only_subscribed_active_endpoints_get_a_message():
    project = make_project()
    wanted = make_endpoint(project, event_types=["registration.cancelled"])
    make_endpoint(project, event_types=["registration.created"])
    make_endpoint(project, active=False)
    make_endpoint(make_project())
    with transaction.atomic():
        services.emit(project.pk, "registration.cancelled", {"registration_id": 3})
    (message,) = sent()
    assert message.endpoint == wanted and message.registration_id == 3


def test_personal_data_only_for_endpoints_that_asked():
    event = make_event(options=NO_OPT_IN)
    plain = make_endpoint(event.project)
    named = make_endpoint(event.project, personal_data=True)
    registrations.register(event, person(1))
    by_endpoint = {m.endpoint_id: m for m in sent("registration.created")}
    assert by_endpoint[plain.pk].personal == {}
    assert b"Person1" not in services.body_of(by_endpoint[plain.pk])
    assert by_endpoint[named.pk].personal["email"] == "person1@example.org"
    assert by_endpoint[named.pk].personal["family_name"] == "Popescu1"
    assert by_endpoint[plain.pk].data == {
        **by_endpoint[named.pk].data, "registration_id": by_endpoint[named.pk].registration_id,
    }


def test_personal_function_is_not_called_without_a_personal_endpoint():
    project = make_project()
    make_endpoint(project)

    def never():
        raise AssertionError("called")

    with transaction.atomic():
        services.emit(project.pk, "registration.created", {"x": 1}, personal=never)


@pytest.mark.parametrize(("options", "status"), [
    (NO_OPT_IN, "confirmed"), ({"double_opt_in": True}, "held"),
])
def test_registration_created_says_the_status(options, status):
    event = make_event(options=options)
    make_endpoint(event.project)
    outcome = registrations.register(event, person(1))
    (message,) = sent("registration.created")
    assert message.data["status"] == status
    assert message.data["registration_id"] == outcome.registration.pk
    assert message.data["event_id"] == event.pk


def test_registration_created_on_the_waiting_list():
    event = make_event(options=NO_OPT_IN, capacity=1)
    make_endpoint(event.project)
    registrations.register(event, person(1))
    registrations.register(event, person(2))
    assert [m.data["status"] for m in sent("registration.created")] == ["confirmed", "waiting"]


def test_confirmed_by_the_link_and_by_hand():
    event = make_event(options={"double_opt_in": True})
    make_endpoint(event.project)
    held = registrations.register(event, person(1)).registration
    registrations.confirm_email(held.token)
    (message,) = sent("registration.confirmed")
    assert message.data == {**message.data, "registration_id": held.pk, "status": "confirmed"}
    waiting = make_registration(event, status=Status.WAITING,
                                waiting_since=datetime.now(UTC))
    registrations.confirm_by_hand(waiting, actor=None)
    assert [m.registration_id for m in sent("registration.confirmed")] == [held.pk, waiting.pk]


def test_cancelled_and_promoted():
    event = make_event(options={**NO_OPT_IN,
                                "promotion": RegistrationOptions.Promotion.AUTOMATIC},
                       capacity=1)
    make_endpoint(event.project)
    first = registrations.register(event, person(1)).registration
    second = registrations.register(event, person(2)).registration
    registrations.cancel(first)
    (cancelled,) = sent("registration.cancelled")
    assert cancelled.data["registration_id"] == first.pk
    assert cancelled.data["status"] == "cancelled"
    (promoted,) = sent("registration.promoted")
    assert promoted.data["registration_id"] == second.pk
    assert promoted.data["status"] == "confirmed"


def test_promoted_by_hand():
    event = make_event(options=NO_OPT_IN)
    make_endpoint(event.project)
    waiting = make_registration(event, status=Status.WAITING, waiting_since=datetime.now(UTC))
    registrations.promote(waiting, actor=None)
    assert [m.registration_id for m in sent("registration.promoted")] == [waiting.pk]


def test_attendance_imported_carries_counts_only():
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2021, 6, 15, 16, tzinfo=UTC))
    make_endpoint(event.project, personal_data=True)
    batch = attendance.import_report(event, "zoom.csv", sample("zoom-meeting"), actor=None)
    (message,) = sent("attendance.imported")
    assert message.data["import_id"] == batch.pk and message.data["event_id"] == event.pk
    assert message.data["people"] == batch.people
    assert message.personal == {} and message.registration_id is None


def test_event_changed_and_cancelled():
    event = make_event()
    make_endpoint(event.project)
    old = Event.objects.get(pk=event.pk)
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    events.update_event(event, actor=None, old=old)
    (changed,) = sent("event.changed")
    assert changed.data["event_id"] == event.pk
    assert changed.data["changed"] == ["ends_at", "starts_at"]
    assert changed.data["previous"]["time_zone"] == old.time_zone
    assert changed.data["previous"]["starts_at"] != changed.data["starts_at"]
    # Not the time: still told (a published event's title).
    old = Event.objects.get(pk=event.pk)
    event.title = {"en": "A new title"}
    events.update_event(event, actor=None, old=old)
    assert len(sent("event.changed")) == 2
    lifecycle.cancel(Event.objects.get(pk=event.pk), actor=None, reason="Flooded.")
    (cancelled,) = sent("event.cancelled")
    assert cancelled.data["status"] == "cancelled" and cancelled.data["reason"] == "Flooded."


def test_a_drafts_edits_are_not_told():
    event = make_event(status=Event.Status.DRAFT)
    make_endpoint(event.project)
    old = Event.objects.get(pk=event.pk)
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    events.update_event(event, actor=None, old=old)
    assert sent() == []


def test_erasure_empties_the_personal_fields():
    event = make_event(options=NO_OPT_IN)
    make_endpoint(event.project, personal_data=True)
    registration = registrations.register(event, person(1)).registration
    personal.erase(registration, actor=None)
    messages = sent()
    # Erased before the event: the place is given back, and that is told, without the person.
    assert [m.event_type for m in messages] == ["registration.created", "registration.cancelled"]
    assert all(m.personal == {} for m in messages)
    assert all(b"Person1" not in services.body_of(m) for m in messages)


def test_old_payloads_are_purged(settings):
    settings.AULA_RETENTION_WEBHOOK_DAYS = 30
    project = make_project()
    make_endpoint(project, personal_data=True)
    with transaction.atomic():
        old, new, waiting = (
            services.emit(project.pk, "registration.created", {"registration_id": n},
                          personal={"email": "a@example.org"})[0]
            for n in range(3)
        )
    long_ago = datetime.now(UTC) - timedelta(days=31)
    WebhookMessage.objects.filter(pk__in=[old.pk, waiting.pk]).update(created_at=long_ago)
    WebhookMessage.objects.exclude(pk=waiting.pk).update(status="delivered")
    WebhookAttempt.objects.create(message=old, http_status=200, response_excerpt="echo")
    assert retention.purge_old_payloads() == 1
    old.refresh_from_db()
    assert old.purged and old.data == {} and old.personal == {}
    assert WebhookAttempt.objects.get().response_excerpt == ""
    new.refresh_from_db()
    waiting.refresh_from_db()
    assert new.personal and waiting.personal  # too recent; not finished


def test_registering_costs_no_query_more_when_the_project_has_no_webhook():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = make_event(options=NO_OPT_IN)

    def queries_of(n):
        with CaptureQueriesContext(connection) as captured:
            registrations.register(event, person(n))
        return len(captured.captured_queries)

    queries_of(1)
    without = queries_of(2)
    make_endpoint(make_project())  # another project listens
    queries_of(3)  # (the set of listening projects is read again once)
    assert queries_of(4) == without
    assert sent() == []
