"""Aula's real tasks through the real queues (the database queue and its ``db_worker``; RQ on
Redis and an RQ worker): a registration's e-mail, reminders from the scheduler's tick and an
organiser's message to a group each reach the mail server exactly once, the queue records every
task's outcome, and a mail server that fails is tried again until everything arrived."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks import TaskResultStatus

from aula.campaigns import queries as campaign_queries
from aula.campaigns import services as campaigns
from aula.campaigns.models import Campaign
from aula.campaigns.tasks import queue_campaign
from aula.messaging import periodic
from aula.messaging.models import OutboxMessage
from aula.messaging.tasks import deliver_outbox
from aula.registrations import services
from aula.registrations.models import Registration
from tests.factories import make_event
from tests.mailserver import ONLY_THIS_ONE, Sink
from tests.registrations.factories import person

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxMessage.Status
DELIVER = "aula.messaging.tasks.deliver_outbox"
TICK = "aula.messaging.tasks.tick"
QUEUE_CAMPAIGN = "aula.campaigns.tasks.queue_campaign"


def sent_kinds() -> Counter:
    """(recipient, kind) of every e-mail in Django's locmem outbox, counted."""
    kinds = dict(OutboxMessage.objects.values_list("message_id", "kind"))
    return Counter(
        (message.to[0], kinds[message.extra_headers["Message-ID"]]) for message in mail.outbox
    )


def assert_nothing_sent_twice():
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert len(ids) == len(set(ids))


def sent_by(results) -> int:
    return sum(result.return_value["sent"] for result in results)


def test_a_registrations_email_is_delivered_once_by_the_worker(queue):
    event = make_event(capacity=2, options={"double_opt_in": False})
    for n in range(3):
        services.register(event, person(n))
    # Written with each registration; a delivery is enqueued after the first commit, and while
    # it waits for a worker the next ones need none of their own (it will claim their e-mails).
    assert [result.task.module_path for result in queue.enqueued] == [DELIVER]
    assert mail.outbox == []
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 3

    queue.run()
    assert sent_kinds() == Counter({
        ("person0@example.org", "registration_confirmation"): 1,
        ("person1@example.org", "registration_confirmation"): 1,
        ("person2@example.org", "registration_waiting"): 1,
    })
    assert_nothing_sent_twice()
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}
    results = queue.finished(DELIVER)
    assert {result.status for result in results} == {TaskResultStatus.SUCCESSFUL}
    assert sent_by(results) == 3

    # Once it ran, the next registration enqueues a delivery again.
    services.register(event, person(3))
    assert [result.task.module_path for result in queue.enqueued] == [DELIVER] * 2
    queue.run()
    assert len(mail.outbox) == 4
    # Another delivery task (the scheduler's, or a duplicate) sends nothing again.
    deliver_outbox.enqueue()
    queue.run()
    assert len(mail.outbox) == 4
    assert_nothing_sent_twice()
    assert sent_by(queue.finished(DELIVER)) == 4


def test_a_failing_mail_server_is_tried_again_until_everything_arrived(queue, smtp):
    event = make_event(capacity=10)
    for n in range(4):
        services.register(event, person(n))

    queue.run()  # the mail server is down
    results = queue.finished(DELIVER)
    assert {result.status for result in results} == {TaskResultStatus.SUCCESSFUL}
    assert sent_by(results) == 0
    assert sum(result.return_value["retried"] for result in results) == 1
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 4
    assert OutboxMessage.objects.exclude(last_error="").count() == 4

    # Up again, but the first message it gets is refused for now (451).
    sink = smtp(Sink(refuse_data=1, data_reply=ONLY_THIS_ONE))
    backoff_passes()
    periodic.enqueue_tick()
    queue.run()
    assert len(sink.received) == 3
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 1

    backoff_passes()
    periodic.enqueue_tick()
    queue.run()
    ticks = queue.finished(TICK)
    assert {result.status for result in ticks} == {TaskResultStatus.SUCCESSFUL}
    assert [tick.return_value["delivery"]["sent"] for tick in ticks] == [3, 1]

    recipients = Counter(message["To"] for message in sink.received)
    assert recipients == Counter(f"person{n}@example.org" for n in range(4))
    ids = [message["Message-ID"] for message in sink.received]
    assert sorted(ids) == sorted(OutboxMessage.objects.values_list("message_id", flat=True))
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 4
    assert OutboxMessage.objects.filter(attempts__gt=1).count() >= 1


def backoff_passes():
    """The waiting messages' retry time has come (instead of waiting half a minute or more)."""
    OutboxMessage.objects.filter(status=Status.QUEUED).update(next_attempt_at=timezone.now())


def test_the_schedulers_tick_sends_each_reminder_once(queue):
    start = timezone.now() + timedelta(hours=2)  # the one-day reminder is due, not the hour's
    event = make_event(capacity=10, starts_at=start, ends_at=start + timedelta(hours=3),
                       options={"double_opt_in": False})
    for n in range(3):
        services.register(event, person(n), now=start - timedelta(days=3))
    services.cancel(Registration.objects.get(email="person2@example.org"))
    queue.run()
    mail.outbox.clear()

    periodic.enqueue_tick()
    queue.run()  # the tick writes the reminders and enqueues their delivery; the worker runs it
    assert sent_kinds() == Counter({
        ("person0@example.org", "registration_reminder"): 1,
        ("person1@example.org", "registration_reminder"): 1,
    })
    (tick,) = queue.finished(TICK)
    assert tick.status == TaskResultStatus.SUCCESSFUL
    assert set(tick.return_value["jobs"].values()) == {"ok"}

    periodic.enqueue_tick()
    periodic.enqueue_tick()
    queue.run()
    assert len(mail.outbox) == 2
    assert_nothing_sent_twice()
    assert {result.status for result in queue.finished()} == {TaskResultStatus.SUCCESSFUL}


def test_a_message_to_a_group_reaches_each_registrant_once(queue):
    event = make_event(capacity=10)
    for n in range(6):
        services.register(event, person(n, language="ro" if n % 2 else "en"))
    services.cancel(Registration.objects.get(email="person5@example.org"))
    queue.run()
    mail.outbox.clear()

    campaign = campaigns.compose(
        event, actor=None, group=Campaign.Group.ALL, subject={"en": "News for {first_name}"},
        body={"en": "Dear {first_name} {family_name},\n\nsee you."},
    )
    campaigns.send(campaign, actor=None)
    assert [r.task.module_path for r in queue.enqueued][-1] == QUEUE_CAMPAIGN
    queue.run()  # writes the five e-mails, whose delivery it enqueues, and delivers them
    assert sent_kinds() == Counter(
        {(f"person{n}@example.org", campaigns.KIND): 1 for n in range(5)}
    )
    (queued,) = queue.finished(QUEUE_CAMPAIGN)
    assert queued.status == TaskResultStatus.SUCCESSFUL and queued.return_value == 5
    campaign.refresh_from_db()
    progress = campaign_queries.progress(campaign)
    assert campaign.status == Campaign.Status.QUEUED
    assert (progress.total, progress.sent, progress.finished) == (5, 5, True)

    # The task runs again (a retry after a worker died): nobody gets anything twice.
    queue_campaign.enqueue(campaign.pk)
    queue.run()
    assert len(mail.outbox) == 5
    assert_nothing_sent_twice()
    assert [r.return_value for r in queue.finished(QUEUE_CAMPAIGN)] == [5, 5]


def test_a_failing_task_is_recorded_and_the_worker_carries_on(queue):
    queue_campaign.enqueue(0)  # no such campaign
    event = make_event()
    services.register(event, person(1))
    queue.run()
    (failed,) = queue.finished(QUEUE_CAMPAIGN)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors[-1].exception_class_path.endswith("DoesNotExist")
    (delivered,) = queue.finished(DELIVER)
    assert delivered.status == TaskResultStatus.SUCCESSFUL
    assert [message.to for message in mail.outbox] == [["person1@example.org"]]

