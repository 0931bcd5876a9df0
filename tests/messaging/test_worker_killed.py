"""A real delivery process, SIGKILLed in the middle of a batch to a real (slow) SMTP server:
nothing is lost, at most the message in flight arrives twice (same Message-ID), and the rest
goes out once the dead worker's one-minute claim has run out. Needs a database other processes
can share (PostgreSQL, or SQLite in a file); skipped on an in-memory one."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from aula.messaging import services
from aula.messaging.models import OutboxMessage
from tests.mailserver import Sink, mail_server
from tests.messaging.helpers import queue_many

ROOT = Path(__file__).resolve().parents[2]
Status = OutboxMessage.Status

WORKER = """
import django
django.setup()
from django.conf import settings
settings.AULA_MAIL_VIEWER = False
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", {port}
settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
from aula.messaging import services
services.deliver_due(batch_size=100)
"""


class SlowSink(Sink):
    """A server that takes a while over each message, so the kill lands mid-batch."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp(settings):
    yield from mail_server(settings)


@pytest.mark.django_db(transaction=True)
def test_a_killed_delivery_process_loses_nothing(no_worker, smtp, tmp_path, time_machine):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite test database cannot be shared with other processes")
    messages = queue_many(20)
    sink = smtp(SlowSink())
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AULA_", "DJANGO_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.scale.server_settings",
        "AULA_TEST_SERVER_DATABASE": str(connection.settings_dict["NAME"]),
        "AULA_SECRET_KEY": settings.SECRET_KEY,
        "AULA_VAR_DIR": str(settings.VAR_DIR),
        "AULA_DATABASE_URL": os.environ.get("AULA_DATABASE_URL", ""),
        "PYTHONPATH": str(ROOT),
    })
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER.format(port=settings.EMAIL_PORT)],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while len(sink.received) < 5:
            assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)
    killed_at = timezone.now()
    received_before = len(sink.received)
    assert received_before < 20, "the worker finished before it was killed"

    # Its claim still runs: another worker leaves its messages alone ...
    assert services.deliver_due().sent == 0
    # ... until about a minute later.
    time_machine.move_to(killed_at + timedelta(seconds=services.lease_seconds() + 1))
    services.deliver_due()

    counts = Counter(message["Message-ID"] for message in sink.received)
    assert set(counts) == {m.message_id for m in messages}  # none lost
    doubled = [mid for mid, n in counts.items() if n > 1]
    assert set(counts.values()) <= {1, 2} and len(doubled) <= 1  # at most the one in flight
    if doubled:
        assert sink.received[received_before - 1]["Message-ID"] == doubled[0]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
