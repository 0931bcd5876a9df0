"""Delivery to a real SMTP server (aiosmtpd on 127.0.0.1) that is first down, then refuses,
then accepts: every message arrives exactly once, attachments intact."""

import email
import socket
import threading
from collections import Counter
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.db.models import F, Max
from django.utils import timezone

from aula.messaging import services
from aula.messaging.models import OutboxMessage
from aula.messaging.services import Attachment
from tests.messaging.helpers import queue_many

Status = OutboxMessage.Status
pytestmark = pytest.mark.django_db


class Sink:
    """An aiosmtpd handler: refuses the first ``refuse_rcpt`` recipients and then the first
    ``refuse_data`` messages with 421, accepts everything after that."""

    def __init__(self, refuse_rcpt=0, refuse_data=0):
        self.refuse_rcpt = refuse_rcpt
        self.refuse_data = refuse_data
        self.received: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.refuse_rcpt:
                self.refuse_rcpt -= 1
                return "421 4.3.0 Service not available, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_data:
                self.refuse_data -= 1
                return "421 4.3.2 Service not available, closing transmission channel"
            self.received.append(
                email.message_from_bytes(envelope.original_content, policy=policy.default)
            )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.AULA_MAIL_VIEWER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    controllers = []

    def start(sink):
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return controller

    yield start
    for controller in controllers:
        controller.stop()


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
