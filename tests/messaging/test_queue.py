from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aula.messaging import services
from aula.messaging.models import OutboxMessage
from aula.messaging.services import Attachment


class Boom(Exception):
    pass


def queue(**overrides):
    values = {
        "to": "ana@example.org", "subject": "Hello", "text": "Body", "kind": "confirmation",
        "language": "en",
    }
    return services.queue_email(**{**values, **overrides})


def delivery_tasks(backend):
    return [r for r in backend.results if r.task.name == "deliver_outbox"]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_leaves_no_email_and_enqueues_nothing(no_worker):
    with pytest.raises(Boom), transaction.atomic():
        queue()
        raise Boom
    assert not OutboxMessage.objects.exists()
    assert delivery_tasks(no_worker) == []


@pytest.mark.django_db(transaction=True)
def test_committed_email_is_a_row_and_its_delivery_is_enqueued_after_commit(no_worker):
    with transaction.atomic():
        message = queue(html="<p>Body</p>")
        # Not before the commit: the worker must find the row.
        assert delivery_tasks(no_worker) == []
    stored = OutboxMessage.objects.get()
    assert stored.pk == message.pk
    assert stored.status == OutboxMessage.Status.QUEUED
    assert stored.html_body == "<p>Body</p>"
    assert stored.message_id.startswith("<") and stored.message_id.endswith("@aula.example>")
    assert len(delivery_tasks(no_worker)) == 1


@pytest.mark.django_db(transaction=True)
def test_one_delivery_task_per_transaction_however_many_emails(no_worker):
    with transaction.atomic():
        for i in range(5):
            queue(to=f"p{i}@example.org")
    assert OutboxMessage.objects.count() == 5
    assert len(delivery_tasks(no_worker)) == 1


@pytest.mark.django_db(transaction=True)
def test_email_in_rolled_back_savepoint_does_not_take_the_delivery_of_a_later_one(no_worker):
    with transaction.atomic():
        with pytest.raises(Boom), transaction.atomic():
            queue(to="gone@example.org")
            raise Boom
        queue(to="kept@example.org")
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == ["kept@example.org"]
    assert len(delivery_tasks(no_worker)) == 1


@pytest.mark.django_db(transaction=True)
def test_committed_email_is_delivered_by_the_immediate_worker():
    """Test settings: immediate task backend, locmem mail → the local mail viewer."""
    with transaction.atomic():
        queue()
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_attachments_are_stored_with_a_safe_name():
    message = queue(attachments=[
        Attachment("../../etc/event.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar"),
        Attachment("a\r\nb.pdf", b"%PDF", "not a type"),
        Attachment("note.txt", "Señor – ok", "text/plain"),
    ])
    first, second, third = message.attachments.all()
    assert (first.filename, first.mimetype, bytes(first.content), first.size) == (
        "event.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n", 17
    )
    assert (second.filename, second.mimetype) == ("ab.pdf", "application/octet-stream")
    assert bytes(third.content) == "Señor – ok".encode()


@pytest.mark.django_db
def test_subject_is_one_line_and_address_is_validated():
    assert queue(subject="Hello\r\n  world ").subject == "Hello world"
    with pytest.raises(ValidationError):
        queue(to="not an address")
    with pytest.raises(ValidationError):
        queue(to="ana@example.org\nBcc: eve@example.org")


@pytest.mark.django_db
def test_send_after_holds_the_message_back():
    later = timezone.now() + timedelta(hours=2)
    message = queue(send_after=later)
    assert message.next_attempt_at == later
    assert services.deliver_due().sent == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED


@pytest.mark.django_db
def test_templated_email_escapes_html_but_not_text_and_renders_in_its_language():
    name = "<b>O'Brien & Co</b>"
    message = services.queue_templated_email(
        template="messaging_tests/hello",
        context={"name": name, "seminar": "Culture <script>x</script>", "token": "abc"},
        to="ana@example.org", language="ro", kind="confirmation", registration_id=7,
    )
    assert "&lt;b&gt;O&#x27;Brien &amp; Co&lt;/b&gt;" in message.html_body
    assert "<b>" not in message.html_body and "<script>" not in message.html_body
    assert '<html lang="ro">' in message.html_body
    assert f"Dear {name}," in message.text_body  # plain text: not HTML-escaped
    assert "Language: ro" in message.text_body
    assert "http://testserver/r/abc/" in message.text_body
    assert "\n\n\n" not in message.text_body
    assert message.subject == f"Hello {name} — Culture <script>x</script>"
    assert "\n" not in message.subject
    assert (message.language, message.kind, message.registration_id) == ("ro", "confirmation", 7)


@pytest.mark.django_db
def test_templated_email_without_html_template_is_text_only():
    message = services.queue_templated_email(
        template="messaging_tests/plain", context={"name": "Ana"}, to="ana@example.org",
        language="en", kind="test",
    )
    assert message.subject == "Plain only"
    assert message.text_body == "No HTML part for Ana.\n"
    assert message.html_body == ""


@pytest.mark.django_db(transaction=True)
def test_queue_emails_writes_many_in_one_go_with_one_delivery(no_worker):
    later = timezone.now() + timedelta(hours=1)
    ics = Attachment("event.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar")
    emails = [
        services.OutgoingEmail(
            to=f"p{i}@example.org", subject=f"Hello {i}", text="Body", kind="reminder",
            language="en", registration_id=i, attachments=[ics] if i % 2 else [],
        )
        for i in range(6)
    ]
    with transaction.atomic():
        messages = services.queue_emails(emails)
        held = services.queue_emails(
            [services.OutgoingEmail(to="p9@example.org", subject="Later", text="Body",
                                    kind="reminder", language="en", send_after=later)]
        )
    stored = {m.recipient: m for m in OutboxMessage.objects.prefetch_related("attachments")}
    assert [m.pk for m in messages] == [stored[f"p{i}@example.org"].pk for i in range(6)]
    assert [len(stored[f"p{i}@example.org"].attachments.all()) for i in range(6)] == [
        0, 1, 0, 1, 0, 1
    ]
    assert held[0].next_attempt_at == later
    # One delivery for the six, one deferred to when the held one is due.
    assert [r.task.run_after for r in delivery_tasks(no_worker)] == [None, later]
    assert services.queue_emails([]) == []


@pytest.mark.django_db
def test_queue_emails_writes_none_when_one_address_is_invalid():
    emails = [
        services.OutgoingEmail(to=to, subject="Hello", text="Body", kind="k", language="en")
        for to in ("ana@example.org", "not an address")
    ]
    with pytest.raises(ValidationError):
        services.queue_emails(emails)
    assert not OutboxMessage.objects.exists()


# --- One delivery waiting at a time -----------------------------------------------------------


@pytest.fixture
def database_queue(settings):
    """django-tasks-db's queue, with no worker running: tasks stay READY until a test runs one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def waiting_deliveries():
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from aula.messaging.tasks import deliver_outbox

    return DBTaskResult.objects.filter(
        task_path=deliver_outbox.module_path, status=TaskResultStatus.READY
    )


@pytest.mark.django_db(transaction=True)
def test_no_second_delivery_task_while_one_waits_for_a_worker(database_queue):
    for i in range(4):
        queue(to=f"p{i}@example.org")  # four transactions
    assert waiting_deliveries().count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_delivery_that_started_does_not_count_as_waiting(database_queue):
    from django_tasks import TaskResultStatus

    queue(to="first@example.org")
    # The worker picked it up: it may have claimed its e-mails before the next one committed.
    waiting_deliveries().update(status=TaskResultStatus.RUNNING)
    queue(to="second@example.org")
    assert waiting_deliveries().count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_rq_a_pending_mark_stands_for_the_waiting_task_until_it_starts(no_worker, monkeypatch):
    """RQ's queue is not read per e-mail: a mark in the shared cache stands for the waiting
    task, and the task clears it as it starts."""
    from django.core.cache import cache

    from aula.messaging.tasks import deliver_outbox

    cache.delete(services.DELIVERY_PENDING_KEY)
    monkeypatch.setattr(type(no_worker), "__module__", "django_tasks_rq.backend")
    queue(to="a@example.org")
    queue(to="b@example.org")
    assert len(delivery_tasks(no_worker)) == 1
    deliver_outbox.call()  # the task starts: the mark goes
    queue(to="c@example.org")
    assert len(delivery_tasks(no_worker)) == 2
    cache.delete(services.DELIVERY_PENDING_KEY)


@pytest.mark.django_db
def test_the_ready_check_reads_what_django_tasks_db_calls_ready(database_queue):
    """``_database_task_ready`` (plain SQL, after every registration) against the library's
    own ``ready()``: waiting now, deferred to the future, running, another task."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from aula.messaging.tasks import deliver_outbox

    path = deliver_outbox.module_path

    def orm():
        return DBTaskResult.objects.ready().filter(task_path=path).exists()

    assert services._database_task_ready(path) is False is orm()
    deliver_outbox.enqueue()  # no run_after: the library's "date max"
    assert services._database_task_ready(path) is True is orm()
    assert services._database_task_ready("aula.other.task") is False
    DBTaskResult.objects.update(run_after=timezone.now() + timedelta(minutes=5))
    assert services._database_task_ready(path) is False is orm()
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))
    assert services._database_task_ready(path) is True is orm()
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    assert services._database_task_ready(path) is False is orm()
