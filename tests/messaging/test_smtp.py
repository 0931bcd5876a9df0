"""Delivery to a real SMTP server (aiosmtpd on 127.0.0.1) that is first down, then refuses,
then accepts: every message arrives exactly once, attachments intact."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import F, Max
from django.utils import timezone

from aula.messaging import services
from aula.messaging.models import OutboxMessage
from aula.messaging.services import Attachment
from tests.mailserver import Sink, mail_server
from tests.messaging.helpers import queue_many

Status = OutboxMessage.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    yield from mail_server(settings)


def make_due():
    """Fast-forward the clock of the queued messages, keeping their order."""
    waiting = OutboxMessage.objects.filter(status=Status.QUEUED)
    latest = waiting.aggregate(latest=Max("next_attempt_at"))["latest"]
    if latest:
        shift = latest - timezone.now() + timedelta(seconds=1)
        waiting.update(next_attempt_at=F("next_attempt_at") - shift)


def test_server_down_then_refusing_then_accepting_delivers_each_message_once(smtp):
    pdf = bytes(range(256)) * 64
    ics = "BEGIN:VCALENDAR\r\nSUMMARY:Culture & SMEs – Kaunas\r\nEND:VCALENDAR\r\n".encode()
    messages = queue_many(30, html="<p>Hello</p>", attachments=[
        Attachment("programme.pdf", pdf, "application/pdf"),
        Attachment("seminar.ics", ics, "text/calendar"),
    ])
    expected = {m.message_id for m in messages}

    # Nobody listening: the run stops at once, one attempt charged, nothing lost.
    report = services.deliver_due(batch_size=10)
    assert report.sent == 0 and report.stopped_by
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 30
    assert sum(OutboxMessage.objects.values_list("attempts", flat=True)) == 1

    sink = Sink(refuse_rcpt=2, refuse_data=2)
    smtp(sink)
    runs = 0
    while OutboxMessage.objects.exclude(status=Status.SENT).exists():
        runs += 1
        assert runs <= 10, "delivery made no progress"
        make_due()
        services.deliver_due(batch_size=10)

    counts = Counter(message["Message-ID"] for message in sink.received)
    assert set(counts) == expected  # none lost
    assert set(counts.values()) == {1}  # none twice
    assert runs == 5  # one run per 421 (each closes the connection), then all the rest

    for received in sink.received:
        assert received.get_body(("html",)).get_content().strip() == "<p>Hello</p>"
        parts = {part.get_filename(): part for part in received.iter_attachments()}
        assert parts["programme.pdf"].get_content() == pdf
        calendar = parts["seminar.ics"]
        assert calendar.get_content_type() == "text/calendar"
        assert calendar.get_content().replace("\r\n", "\n") == ics.decode().replace("\r\n", "\n")

    rows = list(OutboxMessage.objects.all())
    assert all(row.sent_at for row in rows)
    # Four refusals and one refused connection: five attempts charged in all, each to a
    # different message (whoever was in hand went to the back of the line).
    assert sum(row.attempts for row in rows) == 30 + 5
    assert max(row.attempts for row in rows) == 2


def test_one_connection_serves_the_whole_batch(smtp, monkeypatch):
    queue_many(20)
    sink = Sink()
    smtp(sink)
    opened = []
    from django.core.mail.backends.smtp import EmailBackend

    real_open = EmailBackend.open

    def counting_open(self):
        created = real_open(self)
        if created:
            opened.append(self)
        return created

    monkeypatch.setattr(EmailBackend, "open", counting_open)
    assert services.deliver_due(batch_size=20).sent == 20
    assert len(sink.received) == 20
    assert len(opened) == 1


@pytest.mark.parametrize("killed", [False, True], ids=["exits", "killed"])
def test_server_down_then_up_and_a_worker_crash_lose_nothing(
    smtp, monkeypatch, time_machine, killed
):
    """The mail server is down, comes back, and the worker dies right after the server
    accepted one message: every message arrives, that one twice (same Message-ID), within
    about a minute of the crash."""
    messages = queue_many(20)
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    assert services.deliver_due(batch_size=10).stopped_by  # nobody listening
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 20

    sink = smtp(Sink())
    time_machine.move_to(start + timedelta(seconds=services.BACKOFF_BASE_SECONDS + 1))
    crash = timezone.now()
    real_mark = services._mark_sent
    marked = []

    def mark(message, lease):
        if len(marked) == 6:
            raise SystemExit  # the server has this one, the database never hears of it
        marked.append(message.pk)
        real_mark(message, lease)

    with monkeypatch.context() as patch:
        patch.setattr(services, "_mark_sent", mark)
        if killed:
            patch.setattr(services, "_release", lambda *args: None)
        with pytest.raises(SystemExit):
            services.deliver_due(batch_size=10)
    in_flight = OutboxMessage.objects.get(status=Status.SENDING, message_id=(
        sink.received[-1]["Message-ID"]
    ))

    time_machine.move_to(crash + timedelta(seconds=services.lease_seconds() + 1))
    runs = 0
    while OutboxMessage.objects.exclude(status=Status.SENT).exists():
        runs += 1
        assert runs <= 3, "delivery made no progress"
        services.deliver_due(batch_size=10)

    counts = Counter(message["Message-ID"] for message in sink.received)
    assert set(counts) == {m.message_id for m in messages}  # none lost
    assert counts[in_flight.message_id] == 2
    assert all(n == 1 for mid, n in counts.items() if mid != in_flight.message_id)
