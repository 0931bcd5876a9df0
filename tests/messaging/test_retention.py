"""Old e-mails keep no address, subject or body (``aula.messaging.retention``), and
housekeeping jobs run at most once per their period (``periodic.register(every=...)``)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from aula.core import housekeeping
from aula.messaging import periodic, retention
from aula.messaging.models import OutboxAttachment, OutboxMessage
from aula.messaging.services import Attachment
from tests.messaging.helpers import queue_many

pytestmark = pytest.mark.django_db

SENT = datetime(2025, 3, 1, 12, tzinfo=UTC)


def _sent(count=1, *, status=OutboxMessage.Status.SENT, sent_at=SENT, **fields):
    messages = queue_many(count, reply_to="contact@example.org", **fields)
    ids = [m.pk for m in messages]
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=status, sent_at=sent_at if status == OutboxMessage.Status.SENT else None,
        created_at=sent_at, last_error="550 person0@example.org unknown"
        if status == OutboxMessage.Status.FAILED else "",
    )
    return ids


def _personal(pk):
    return OutboxMessage.objects.filter(pk=pk).values_list(
        "recipient", "reply_to", "subject", "text_body", "html_body", "last_error"
    ).get()


def test_a_sent_message_keeps_its_body_for_the_period_then_only_what_counts_need():
    (pk,) = _sent(attachments=[Attachment("agenda.ics", b"BEGIN:VCALENDAR", "text/calendar")])
    with time_machine.travel(SENT + timedelta(days=90) - timedelta(seconds=1), tick=False):
        assert retention.purge_old_messages() == 0
    assert _personal(pk)[0] == "person0@example.org"
    assert OutboxAttachment.objects.filter(message_id=pk).exists()

    with time_machine.travel(SENT + timedelta(days=90, seconds=1), tick=False):
        assert retention.purge_old_messages() == 1
    assert _personal(pk) == ("", "", "", "", "", "")
    message = OutboxMessage.objects.get(pk=pk)
    assert (message.status, message.kind, message.language, message.sent_at) == (
        "sent", "test", "en", SENT
    )
    assert not OutboxAttachment.objects.filter(message_id=pk).exists()
    # Again: nothing left to purge.
    with time_machine.travel(SENT + timedelta(days=91), tick=False):
        assert retention.purge_old_messages() == 0


def test_failed_messages_go_too_and_waiting_ones_never(settings):
    settings.AULA_RETENTION_OUTBOX_DAYS = 10
    failed = _sent(status=OutboxMessage.Status.FAILED, prefix="failed")
    queued = _sent(status=OutboxMessage.Status.QUEUED, prefix="queued")
    with time_machine.travel(SENT + timedelta(days=11), tick=False):
        assert retention.purge_old_messages() == 1
    assert _personal(failed[0]) == ("", "", "", "", "", "")
    assert _personal(queued[0])[0] == "queued0@example.org"


def test_purged_in_batches():
    _sent(5)
    with time_machine.travel(SENT + timedelta(days=100), tick=False):
        assert retention.purge_old_messages(batch_size=2) == 5
    assert set(OutboxMessage.objects.values_list("recipient", flat=True)) == {""}


def test_housekeeping_runs_at_most_once_per_its_period(monkeypatch):
    calls = []

    def hourly_job():
        calls.append(1)

    cache.clear()
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register(hourly_job, every=3600)
    name = periodic.job_name(hourly_job)
    with time_machine.travel(SENT, tick=False):
        assert periodic.run_all() == {name: "ok"}
        assert periodic.run_all() == {name: "skipped"}
    with time_machine.travel(SENT + timedelta(hours=1, seconds=1), tick=False):
        assert periodic.run_all() == {name: "ok"}
    assert calls == [1, 1]
    # Registered again without a period: on every tick.
    periodic.register(hourly_job)
    assert periodic.run_all() == {name: "ok"}
    periodic.unregister(hourly_job)


def test_the_purges_are_on_the_schedulers_tick():
    for job in (retention.purge_old_messages, housekeeping.purge_login_records,
                housekeeping.clear_expired_sessions, housekeeping.purge_task_results):
        assert periodic.job_name(job) in periodic.registered()
