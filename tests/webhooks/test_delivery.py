"""Delivery end to end against a real HTTP receiver started by the test, which verifies every
signature with the reference library: delivered, retried after a failure (a receiver that is
down, or answers 503, and then answers), given up, logged, refused for private addresses, and
never sent twice by two deliverers at once."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connections, transaction
from django.utils import timezone

from aula.registrations import services as registrations
from aula.webhooks import services
from aula.webhooks.models import WebhookAttempt, WebhookMessage
from tests.factories import make_event, make_project
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import person
from tests.registrations.live import in_threads
from tests.webhooks.conftest import Receiver, free_port
from tests.webhooks.factories import make_endpoint

Status = WebhookMessage.Status


def emit_one(project, event_type="registration.created", **data):
    with transaction.atomic():
        (message,) = services.emit(project.pk, event_type, {"registration_id": 1, **data})
    return message


@pytest.mark.django_db(transaction=True)
def test_a_registration_reaches_a_live_receiver_signed(receiver):
    """The whole path: register → the message is written in that transaction → on commit the
    delivery task (run at once in tests) posts it → the receiver verifies it."""
    event = make_event(options=NO_OPT_IN)
    endpoint = make_endpoint(event.project, receiver.url, event_types=["registration.created"])
    receiver.secret = endpoint.secret
    outcome = registrations.register(event, person(1))
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.verified
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"] == "Aula-Webhooks/1"
    assert got.payload["type"] == "registration.created"
    assert got.payload["data"]["registration_id"] == outcome.registration.pk
    assert got.payload["data"]["status"] == "confirmed"
    assert "email" not in got.payload["data"]  # no personal data unless asked for
    message = WebhookMessage.objects.get()
    assert got.headers["webhook-id"] == message.message_id
    assert message.status == Status.DELIVERED and message.attempts == 1
    attempt = WebhookAttempt.objects.get()
    assert attempt.http_status == 200 and attempt.response_excerpt == '{"ok": true}'


@pytest.mark.django_db
def test_a_receiver_that_is_down_then_answers(receiver):
    """Connection refused: the attempt fails and is logged, the message waits for its backoff;
    once due and the receiver is up, it is delivered, with the same webhook-id."""
    project = make_project()
    port = free_port()
    endpoint = make_endpoint(project, f"http://127.0.0.1:{port}/hook")
    message = emit_one(project)
    report = services.deliver_due()
    assert report.retried == 1
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 1
    assert "ConnectionRefused" in message.last_error
    assert timedelta(seconds=4) < message.next_attempt_at - timezone.now() <= timedelta(seconds=5)
    (attempt,) = WebhookAttempt.objects.all()
    assert attempt.http_status is None and "ConnectionRefused" in attempt.error

    up = Receiver(secret=endpoint.secret).start(port)
    try:
        assert services.deliver_due().delivered == 0  # not due yet: the backoff holds
        assert up.received == []
        with time_machine.travel(timezone.now() + timedelta(seconds=6)):
            assert services.deliver_due().delivered == 1
        assert len(up.received) == 1 and up.received[0].verified
        assert up.received[0].headers["webhook-id"] == message.message_id
    finally:
        up.stop()
    message.refresh_from_db()
    assert message.status == Status.DELIVERED and message.attempts == 2
    assert WebhookAttempt.objects.count() == 2


@pytest.mark.django_db
def test_a_receiver_answering_503_then_200(receiver):
    project = make_project()
    endpoint = make_endpoint(project, receiver.url)
    receiver.secret = endpoint.secret
    receiver.answers = [503, 503, 200]
    message = emit_one(project)
    start = timezone.now()
    services.deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_status) == (Status.PENDING, 1, 503)
    with time_machine.travel(start + timedelta(seconds=6)):
        services.deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 2)
    # The second wait is five minutes.
    assert message.next_attempt_at - start > timedelta(minutes=4)
    with time_machine.travel(start + timedelta(minutes=6)):
        services.deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.DELIVERED, 3)
    assert [r.verified for r in receiver.received] == [True, True, True]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    attempts = list(WebhookAttempt.objects.order_by("at"))
    assert [a.http_status for a in attempts] == [503, 503, 200]
    assert len(attempts[0].response_excerpt) == 1024  # an excerpt, not the whole answer


@pytest.mark.django_db
def test_giving_up_after_the_last_attempt(receiver, settings):
    settings.AULA_WEBHOOKS_MAX_ATTEMPTS = 2
    project = make_project()
    receiver.secret = make_endpoint(project, receiver.url).secret
    receiver.answers = [500]
    message = emit_one(project)
    services.deliver_due()
    with time_machine.travel(timezone.now() + timedelta(seconds=6)):
        assert services.deliver_due().failed == 1
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 2
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert services.deliver_due().as_dict()["delivered"] == 0
    assert len(receiver.received) == 2


@pytest.mark.django_db
def test_a_redirect_is_not_followed(receiver):
    project = make_project()
    receiver.secret = make_endpoint(project, receiver.url).secret
    receiver.answers = [302]
    message = emit_one(project)
    services.deliver_due()
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.last_status == 302
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_disabled_endpoint_gets_nothing_until_switched_on(receiver):
    project = make_project()
    endpoint = make_endpoint(project, receiver.url)
    receiver.secret = endpoint.secret
    message = emit_one(project)
    endpoint.active = False
    endpoint.save()
    assert services.deliver_due().delivered == 0
    endpoint.active = True
    endpoint.save()
    assert services.deliver_due().delivered == 1
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


@pytest.mark.django_db
def test_private_addresses_are_refused_unless_allowed(receiver, settings):
    settings.AULA_WEBHOOKS_ALLOW_PRIVATE = False
    project = make_project()
    # Written past the subscription's check (as if the name resolved elsewhere back then).
    make_endpoint(project, f"https://localhost:{receiver.port}/hook")
    message = emit_one(project)
    services.deliver_due()
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert "non-public address" in message.last_error
    assert receiver.received == []
    # http:// is refused before anything is resolved.
    message.endpoint.url = receiver.url
    message.endpoint.save()
    with time_machine.travel(timezone.now() + timedelta(seconds=6)):
        services.deliver_due()
    message.refresh_from_db()
    assert "scheme 'http' not allowed" in message.last_error
    assert receiver.received == []


@pytest.mark.parametrize("url", [
    "http://example.org/hook", "https://127.0.0.1/hook", "https://10.1.2.3/hook",
    "https://[::1]/hook", "https://169.254.169.254/latest", "https://localhost/hook",
    "https://user:pass@example.org/hook", "ftp://example.org/", "example.org/hook",
    "https://[::ffff:192.168.0.1]/hook", "https://printer.local/",
])
def test_the_subscription_refuses_urls_that_are_not_public_https(url, settings):
    settings.AULA_WEBHOOKS_ALLOW_PRIVATE = False
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.check_url(url)


def test_public_https_urls_are_accepted(settings):
    settings.AULA_WEBHOOKS_ALLOW_PRIVATE = False
    assert services.check_url(" https://crm.example.org/hooks?x=1 ") == (
        "https://crm.example.org/hooks?x=1")
    assert services.check_url("https://93.184.216.34:8443/h") == "https://93.184.216.34:8443/h"
    settings.AULA_WEBHOOKS_ALLOW_PRIVATE = True
    assert services.check_url("http://127.0.0.1:8000/h") == "http://127.0.0.1:8000/h"


@pytest.mark.django_db(transaction=True)
def test_two_deliverers_at_once_send_each_message_once():
    receiver = Receiver(delay=0.05).start()
    try:
        project = make_project()
        endpoint = make_endpoint(project, receiver.url)
        receiver.secret = endpoint.secret
        now = timezone.now()
        WebhookMessage.objects.bulk_create(
            WebhookMessage(endpoint=endpoint, event_type="registration.created",
                           data={"n": n}, created_at=now, next_attempt_at=now)
            for n in range(12)
        )
        reports = in_threads(lambda _n: services.deliver_due(batch_size=3), range(3),
                             max_workers=3)
    finally:
        receiver.stop()
        connections.close_all()
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == 12 == len(set(ids))
    assert sum(report.delivered for report in reports) == 12
    assert WebhookMessage.objects.filter(status=Status.DELIVERED).count() == 12
    assert WebhookAttempt.objects.count() == 12


@pytest.mark.django_db
def test_an_expired_claim_is_taken_over(receiver):
    project = make_project()
    receiver.secret = make_endpoint(project, receiver.url).secret
    message = emit_one(project)
    WebhookMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, lease_until=timezone.now() + timedelta(seconds=60))
    assert services.deliver_due().delivered == 0  # someone else's live claim
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert services.deliver_due().delivered == 1


@pytest.mark.django_db
def test_one_delivery_task_per_transaction(django_capture_on_commit_callbacks):
    project = make_project()
    make_endpoint(project)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(5):
            services.emit(project.pk, "registration.created", {"registration_id": n})
    assert [c for c in callbacks if c is services._enqueue_delivery] == [
        services._enqueue_delivery]


@pytest.mark.django_db
def test_the_scheduler_tick_retries_due_deliveries(receiver):
    from aula.messaging import periodic

    assert periodic.job_name(services.deliver_due_job) in periodic.registered()
    project = make_project()
    receiver.secret = make_endpoint(project, receiver.url).secret
    message = emit_one(project)
    periodic.run_all()
    message.refresh_from_db()
    assert message.status == Status.DELIVERED and receiver.received[0].verified


@pytest.mark.django_db
def test_https_is_spoken_to_the_address_checked(receiver):
    """An https:// endpoint: the connection goes to the resolved address and speaks TLS with
    the host's name (a plain-HTTP receiver fails the handshake: a logged, retried error)."""
    project = make_project()
    make_endpoint(project, f"https://localhost:{receiver.port}/hook")
    message = emit_one(project)
    assert services.deliver_due().retried == 1
    message.refresh_from_db()
    assert "SSL" in message.last_error
    assert receiver.received == []
