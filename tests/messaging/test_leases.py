"""The outbox after a crash: a short claim, renewed while its worker lives, so a dead worker's
messages go out again within about a minute, and a crash between the server's answer and the
database write sends at most that one message twice (with the same Message-ID)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import DatabaseError
from django.utils import timezone

from aula.messaging import services
from aula.messaging.models import OutboxMessage
from tests.messaging.helpers import queue_many

Status = OutboxMessage.Status
pytestmark = pytest.mark.django_db


def sent_ids():
    return Counter(message.extra_headers["Message-ID"] for message in mail.outbox)


def test_the_claim_is_short_by_default(settings):
    del settings.AULA_MAIL_LEASE_SECONDS  # tolerate its absence
    assert services.lease_seconds() <= 60
    assert services.renew_seconds() <= services.lease_seconds() / 2


class CrashingBackend(EmailBackend):
    """The server accepts message number ``crash_after`` (counting from 1), then the worker
    process dies before it can write that down."""

    crash_after = 0
    exit = SystemExit
    sends = 0

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        CrashingBackend.sends += 1
        if CrashingBackend.sends == self.crash_after:
            raise self.exit()
        return sent


@pytest.fixture
def crashing(real_sending):
    real_sending.EMAIL_BACKEND = "tests.messaging.test_leases.CrashingBackend"
    CrashingBackend.sends = 0
    yield CrashingBackend
    CrashingBackend.crash_after = 0


@pytest.mark.parametrize("killed", [False, True], ids=["exits", "killed"])
@pytest.mark.parametrize("death", [SystemExit, KeyboardInterrupt])
def test_a_crash_after_the_smtp_answer_doubles_only_that_message(
    crashing, monkeypatch, time_machine, death, killed
):
    messages = queue_many(10)
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    crashing.crash_after, crashing.exit = 4, death
    with monkeypatch.context() as patch:
        if killed:  # SIGKILL: not even the untried messages are given back
            patch.setattr(services, "_release", lambda *args: None)
        with pytest.raises(death):
            services.deliver_due()
    crashing.crash_after = 0
    in_flight = messages[3]
    # Each message before it was written down as sent right after its answer.
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 3
    assert OutboxMessage.objects.get(pk=in_flight.pk).status == Status.SENDING

    # A new worker while the dead one's claim still runs: the messages in flight wait.
    time_machine.move_to(start + timedelta(seconds=services.lease_seconds() - 1))
    services.deliver_due()
    assert sent_ids()[in_flight.message_id] == 1
    assert len(mail.outbox) == (4 if killed else 10)

    # About a minute after the crash the claim has run out and the rest goes out.
    time_machine.move_to(start + timedelta(seconds=services.lease_seconds() + 1))
    services.deliver_due()
    counts = sent_ids()
    assert set(counts) == {m.message_id for m in messages}  # none lost
    assert counts[in_flight.message_id] == 2  # the one in flight, with the same Message-ID
    assert all(n == 1 for mid, n in counts.items() if mid != in_flight.message_id)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert services.deliver_due().sent == 0


def test_a_dead_workers_claim_is_taken_over_after_about_a_minute(real_sending, time_machine):
    messages = queue_many(5)
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    batch, lease = services._claim(100)  # ... and the worker dies
    assert len(batch) == 5 and lease == start + timedelta(seconds=services.lease_seconds())

    time_machine.move_to(lease - timedelta(seconds=1))
    assert services.deliver_due().sent == 0
    time_machine.move_to(lease)
    assert services.deliver_due().sent == 5
    assert set(sent_ids()) == {m.message_id for m in messages}
    assert set(sent_ids().values()) == {1}


def test_a_long_batch_renews_its_claim_so_no_other_worker_takes_it(
    real_sending, monkeypatch, time_machine
):
    messages = queue_many(8)
    time_machine.move_to(timezone.now(), tick=False)
    real_send = services._send
    lease = services.lease_seconds()
    taken_by_other = []
    leases = []

    def slow_send(message, connection):
        real_send(message, connection)
        # A slow server: each message takes 45 % of the claim, eight of them 3.6 claims.
        time_machine.shift(timedelta(seconds=lease * 0.45))
        # Another worker looks for due messages meanwhile.
        batch, _ = services._claim(100)
        taken_by_other.extend(batch)
        leases.append(set(OutboxMessage.objects.filter(status=Status.SENDING)
                          .values_list("lease_expires_at", flat=True)))

    monkeypatch.setattr(services, "_send", slow_send)
    report = services.deliver_due()
    assert taken_by_other == []
    assert (report.sent, report.postponed, report.stopped_by) == (8, 0, "")
    assert set(sent_ids()) == {m.message_id for m in messages}
    assert set(sent_ids().values()) == {1}
    # Renewed along the way: the claim of the messages still to send moved forward.
    ends = [next(iter(found)) for found in leases if found]
    assert len(set(ends)) > 2 and ends == sorted(ends)


def test_a_renewal_only_keeps_the_messages_still_held(real_sending, time_machine):
    queue_many(3)
    time_machine.move_to(timezone.now(), tick=False)
    batch, lease = services._claim(100)
    # The claim of the last one ran out and another worker took it over.
    OutboxMessage.objects.filter(pk=batch[2].pk).update(
        lease_expires_at=lease + timedelta(seconds=5)
    )
    time_machine.shift(timedelta(seconds=services.renew_seconds()))
    kept, renewed = services._renew(batch, lease)
    assert [m.pk for m in kept] == [m.pk for m in batch[:2]]
    assert renewed == timezone.now() + timedelta(seconds=services.lease_seconds())
    assert set(OutboxMessage.objects.filter(pk__in=[batch[0].pk, batch[1].pk])
               .values_list("lease_expires_at", flat=True)) == {renewed}


def test_a_run_that_lost_its_whole_claim_stops(real_sending, monkeypatch, time_machine):
    queue_many(3)
    time_machine.move_to(timezone.now(), tick=False)
    real_send = services._send

    def slow_send(message, connection):
        real_send(message, connection)
        time_machine.shift(timedelta(seconds=services.lease_seconds() * 0.4))
        # Someone took the rest over behind this worker's back.
        OutboxMessage.objects.filter(status=Status.SENDING).update(
            lease_expires_at=timezone.now() + timedelta(hours=1)
        )

    monkeypatch.setattr(services, "_send", slow_send)
    report = services.deliver_due()
    assert (report.sent, report.stopped_by) == (1, "claim lost")
    assert len(mail.outbox) == 1


def test_a_renewal_the_database_refuses_keeps_the_old_claim(
    real_sending, monkeypatch, time_machine
):
    queue_many(2)
    time_machine.move_to(timezone.now(), tick=False)
    batch, lease = services._claim(100)
    time_machine.shift(timedelta(seconds=services.renew_seconds()))

    def refuse(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(type(OutboxMessage.objects.all()), "update", refuse)
    assert services._renew(batch, lease) == (batch, lease)
