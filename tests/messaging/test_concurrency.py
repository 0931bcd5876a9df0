"""Two workers delivering at once, each on its own database connection: every message is sent
exactly once (PostgreSQL: SKIP LOCKED; SQLite: IMMEDIATE transactions)."""

import threading
from collections import Counter

import pytest
from django.db import connections

from aula.messaging import services
from aula.messaging.models import OutboxMessage
from tests.messaging import backends
from tests.messaging.helpers import queue_many


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_message_exactly_once(no_worker, settings):
    settings.AULA_MAIL_VIEWER = False
    settings.EMAIL_BACKEND = "tests.messaging.backends.RecordingBackend"
    messages = queue_many(120)
    start = threading.Barrier(2)
    sent_by = {0: 0, 1: 0}
    errors = []

    def worker(number):
        try:
            start.wait()
            for _ in range(50):  # small batches, many claims: plenty of chances to collide
                report = services.deliver_due(batch_size=5, max_seconds=0)
                sent_by[number] += report.sent
                if not report.sent:
                    break
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    counts = Counter(backends.sent_ids)
    assert set(counts) == {m.message_id for m in messages}
    assert set(counts.values()) == {1}
    assert sum(sent_by.values()) == 120
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 120
    # Both really worked (otherwise this proved nothing about concurrency).
    assert min(sent_by.values()) > 0, sent_by
