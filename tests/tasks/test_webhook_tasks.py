"""Webhooks through the real queues (the database queue's ``db_worker``; RQ when Redis is
given): registrations write their messages, one delivery task is enqueued while it waits, and
the worker delivers each message to a live receiver exactly once, signed."""

import pytest
from django_tasks import TaskResultStatus

from aula.registrations import services
from aula.webhooks.models import WebhookMessage
from aula.webhooks.tasks import deliver_webhooks
from tests.factories import make_event
from tests.registrations.factories import person
from tests.webhooks.conftest import Receiver
from tests.webhooks.factories import make_endpoint

pytestmark = pytest.mark.django_db(transaction=True)
DELIVER = "aula.webhooks.tasks.deliver_webhooks"


def test_registrations_webhooks_are_delivered_once_by_the_worker(queue):
    receiver = Receiver().start()
    try:
        event = make_event(capacity=2, options={"double_opt_in": False})
        endpoint = make_endpoint(event.project, receiver.url,
                                 event_types=["registration.created"])
        receiver.secret = endpoint.secret
        for n in range(3):
            services.register(event, person(n))
        webhook_tasks = [r for r in queue.enqueued if r.task.module_path == DELIVER]
        assert len(webhook_tasks) == 1  # the others found it waiting
        assert receiver.received == []
        queue.run()
        assert [r.payload["data"]["status"] for r in receiver.received] == [
            "confirmed", "confirmed", "waiting"]
        assert all(r.verified for r in receiver.received)
        results = queue.finished(DELIVER)
        assert {result.status for result in results} == {TaskResultStatus.SUCCESSFUL}
        assert sum(result.return_value["delivered"] for result in results) == 3
        # Another delivery task sends nothing again.
        deliver_webhooks.enqueue()
        queue.run()
        assert len(receiver.received) == 3
        assert set(WebhookMessage.objects.values_list("status", "attempts")) == {
            (WebhookMessage.Status.DELIVERED, 1)}
    finally:
        receiver.stop()
