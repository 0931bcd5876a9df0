import email
from collections import Counter
from datetime import timedelta
from email import policy

import pytest
from django.core import mail
from django.utils import timezone

from aula.messaging import services
from aula.messaging.models import OutboxMessage
from aula.messaging.services import Attachment
from tests.messaging import backends
from tests.messaging.helpers import queue_many

Status = OutboxMessage.Status
pytestmark = pytest.mark.django_db


def make_due(**filters):
    """Fast-forward: whatever waits for a retry is due now."""
    past = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.filter(status=Status.QUEUED, **filters).update(next_attempt_at=past)


def sent_ids():
    return Counter(message.extra_headers["Message-ID"] for message in mail.outbox)


def test_locmem_delivery_sends_once_with_headers_html_and_attachments(real_sending):
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    pdf = bytes(range(256)) * 4
    (message,) = queue_many(
        1, html="<p>Body</p>", reply_to="organiser@example.org",
        attachments=[Attachment("event.ics", ics, "text/calendar"),
                     Attachment("programme.pdf", pdf, "application/pdf")],
    )
    report = services.deliver_due()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    assert services.deliver_due().sent == 0  # exactly once

    assert len(mail.outbox) == 1
    parsed = email.message_from_bytes(mail.outbox[0].message().as_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == message.message_id
    assert parsed["To"] == "person0@example.org"
    assert parsed["Reply-To"] == "organiser@example.org"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Body</p>"
    parts = {part.get_filename(): part for part in parsed.iter_attachments()}
    assert parts["programme.pdf"].get_content() == pdf
    assert parts["event.ics"].get_content_type() == "text/calendar"

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1 and message.sent_at is not None
    assert message.lease_expires_at is None


def test_mail_viewer_marks_sent_without_any_backend(settings):
    settings.AULA_MAIL_VIEWER = True
    settings.EMAIL_BACKEND = "tests.messaging.backends.DownBackend"  # would fail if used
    queue_many(3)
    report = services.deliver_due()
    assert report.sent == 3 and report.stopped_by == ""
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert backends.DownBackend.opened == 0


def test_mail_viewer_is_off_unless_asked_for_whatever_the_backend(settings):
    """Production fails closed: no AULA_EMAIL_URL never opens the public viewer by itself."""
    from aula.messaging.queries import mail_viewer_enabled

    del settings.AULA_MAIL_VIEWER
    for backend in ["locmem", "filebased", "smtp"]:
        settings.EMAIL_BACKEND = f"django.core.mail.backends.{backend}.EmailBackend"
        assert not mail_viewer_enabled()
    settings.AULA_MAIL_VIEWER = True
    assert mail_viewer_enabled()


def test_settings_open_the_viewer_only_for_aula_mail_viewer_true(monkeypatch):
    import importlib

    import aula.settings

    try:
        for value, expected in [(None, False), ("", False), ("false", False), ("true", True)]:
            if value is None:
                monkeypatch.delenv("AULA_MAIL_VIEWER", raising=False)
            else:
                monkeypatch.setenv("AULA_MAIL_VIEWER", value)
            monkeypatch.delenv("AULA_EMAIL_URL", raising=False)
            assert importlib.reload(aula.settings).AULA_MAIL_VIEWER is expected, value
    finally:
        monkeypatch.undo()
        importlib.reload(aula.settings)


def test_refused_message_is_retried_with_backoff_then_fails(real_sending, settings):
    settings.EMAIL_BACKEND = "tests.messaging.backends.RefusingBackend"
    settings.AULA_MAIL_MAX_ATTEMPTS = 3
    (message,) = queue_many(1)

    before = timezone.now()
    report = services.deliver_due()
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert before + timedelta(seconds=20) < message.next_attempt_at
    assert message.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert "554" in message.last_error
    assert services.deliver_due().retried == 0  # not due yet

    make_due()
    services.deliver_due()
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=40)  # doubled

    make_due()
    report = services.deliver_due()
    assert report.failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    make_due()
    assert services.deliver_due().retried == 0  # failed stays failed


def test_backoff_doubles_with_jitter_up_to_an_hour():
    for attempts, low, high in [(1, 22.5, 30), (2, 45, 60), (4, 180, 240), (8, 2700, 3600),
                                (20, 2700, 3600)]:
        for _ in range(20):
            assert low <= services.backoff(attempts).total_seconds() <= high


def test_message_that_cannot_be_built_fails_at_once(real_sending):
    (message,) = queue_many(1)
    # Written past queue_email's validation, as an older row or a bug might be.
    OutboxMessage.objects.filter(pk=message.pk).update(recipient="ana@example.org\nBcc: x@y.z")
    report = services.deliver_due()
    assert report.failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert mail.outbox == []


def test_server_down_stops_the_batch_and_spares_the_others_attempts(real_sending, settings):
    settings.EMAIL_BACKEND = "tests.messaging.backends.DownBackend"
    messages = queue_many(5)
    report = services.deliver_due()
    assert (report.sent, report.retried, report.postponed) == (0, 1, 4)
    assert "ConnectionRefusedError" in report.stopped_by
    rows = {m.pk: m for m in OutboxMessage.objects.all()}
    head = rows[messages[0].pk]
    assert head.attempts == 1
    assert all(rows[m.pk].attempts == 0 for m in messages[1:])
    # The others wait the base delay; the one that was tried goes to the back of the line.
    others = {rows[m.pk].next_attempt_at for m in messages[1:]}
    assert len(others) == 1
    (others_at,) = others
    assert timezone.now() + timedelta(seconds=25) < others_at < head.next_attempt_at
    assert {row.status for row in rows.values()} == {Status.QUEUED}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_due()
    assert services.deliver_due().sent == 5
    assert sorted(sent_ids().values()) == [1] * 5


def test_expired_lease_is_claimed_again_but_a_live_one_is_not(real_sending):
    stuck, busy = queue_many(2)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, lease_expires_at=now - timedelta(seconds=1)
    )
    OutboxMessage.objects.filter(pk=busy.pk).update(
        status=Status.SENDING, lease_expires_at=now + timedelta(minutes=5)
    )
    assert services.deliver_due().sent == 1
    assert list(sent_ids()) == [stuck.message_id]
    busy.refresh_from_db()
    assert busy.status == Status.SENDING


def test_batches_continue_until_nothing_is_due(real_sending):
    queue_many(25)
    report = services.deliver_due(batch_size=10)
    assert report.sent == 25
    assert len(sent_ids()) == 25


def test_no_send_is_started_in_the_second_half_of_a_claim_it_could_not_renew(
    real_sending, monkeypatch, time_machine
):
    queue_many(3)
    time_machine.move_to(timezone.now(), tick=True)
    real_send = services._send

    def slow_send(message, connection):
        real_send(message, connection)
        time_machine.shift(timedelta(seconds=services.lease_seconds() * 0.6))

    monkeypatch.setattr(services, "_send", slow_send)
    # The database refuses the renewal (see _renew): the claim keeps its old end.
    monkeypatch.setattr(services, "_renew", lambda messages, lease: (messages, lease))
    report = services.deliver_due()
    assert (report.sent, report.postponed, report.stopped_by) == (1, 2, "claim ran short")
    # Given back at once, not left to run out.
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 2
    assert services.deliver_due().sent == 1  # a fresh claim, and the clock moves on again


class Crash(Exception):
    """The worker dies."""


def crash_after(monkeypatch, sends, *, hard=False):
    """Make the worker die after the ``sends``-th send, before marking it. ``hard``: like
    SIGKILL, nothing at all is cleaned up."""
    real_mark = services._mark_sent
    count = {"n": 0}

    def mark(message, lease):
        count["n"] += 1
        if count["n"] == sends:
            raise Crash
        real_mark(message, lease)

    monkeypatch.setattr(services, "_mark_sent", mark)
    if hard:
        monkeypatch.setattr(services, "_release", lambda *args: None)


@pytest.mark.parametrize("hard", [False, True], ids=["exception", "killed"])
def test_crash_mid_batch_loses_nothing_and_resends_at_most_the_one_in_flight(
    real_sending, monkeypatch, hard
):
    messages = queue_many(10)
    with monkeypatch.context() as patch:
        crash_after(patch, 4, hard=hard)
        with pytest.raises(Crash):
            services.deliver_due()
    assert len(mail.outbox) == 4
    in_flight = messages[3]
    assert OutboxMessage.objects.get(pk=in_flight.pk).status == Status.SENDING

    services.deliver_due()  # a new worker, before the dead one's claim ran out
    if not hard:
        # The crashed run gave back the untried messages at once.
        assert len(mail.outbox) == 4 + 6
    OutboxMessage.objects.filter(status=Status.SENDING).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    services.deliver_due()

    counts = sent_ids()
    assert set(counts) == {m.message_id for m in messages}  # none lost
    assert counts[in_flight.message_id] == 2  # the one in flight, recognisable by its id
    assert all(n == 1 for mid, n in counts.items() if mid != in_flight.message_id)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_requeue_gives_failed_messages_new_attempts(real_sending, settings):
    settings.EMAIL_BACKEND = "tests.messaging.backends.RefusingBackend"
    settings.AULA_MAIL_MAX_ATTEMPTS = 1
    (message,) = queue_many(1)
    services.deliver_due()
    message.refresh_from_db()
    assert message.status == Status.FAILED

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.requeue([message.pk]) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 0)
    assert services.deliver_due().sent == 1
