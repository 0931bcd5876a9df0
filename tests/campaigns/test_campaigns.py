"""Messages from the organiser to a group of registrants: who gets them, what they say, and
that sending them twice sends nobody anything twice."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from aula.campaigns import queries, services
from aula.campaigns.models import Campaign
from aula.events.models import AgendaBlock, Event
from aula.messaging import services as outbox
from aula.messaging.models import OutboxMessage
from aula.registrations.models import Registration, SessionChoice
from tests.factories import make_block, make_event, make_registration, utc

pytestmark = pytest.mark.django_db
Status = Registration.Status


def draft(
    event, group=Campaign.Group.ALL, subject=None, body=None, actor=None, **fields
) -> Campaign:
    return services.compose(
        event, actor=actor, group=group, subject=subject or {"en": "News for {first_name}"},
        body=body or {"en": "Dear {first_name} {family_name},\n\nsee you."}, **fields,
    )


def ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


@pytest.fixture
def event():
    return make_event(
        starts_at=utc(2030, 6, 10, 7), ends_at=utc(2030, 6, 10, 10),
        title={"en": "Resilience seminar", "ro": "Seminar de reziliență"},
        contact_name="Lavinia", contact_email="lavinia@example.org",
    )


# --- Groups ----------------------------------------------------------------------------------


def test_groups_by_status(event):
    confirmed = make_registration(event)
    held = make_registration(event, status=Status.HELD)
    waiting = make_registration(event, status=Status.WAITING)
    make_registration(event, status=Status.CANCELLED)
    make_registration(event, anonymised_at=timezone.now())  # erased: never a recipient
    make_registration(make_event())  # another event's
    Group = Campaign.Group
    assert ids(queries.recipients(event, Group.ALL)) == sorted(
        [confirmed.pk, held.pk, waiting.pk]
    )
    assert ids(queries.recipients(event, Group.CONFIRMED)) == [confirmed.pk]
    assert ids(queries.recipients(event, Group.WAITING)) == [waiting.pk]


def test_session_group_is_those_who_chose_the_block(event):
    one = make_block(event, kind=AgendaBlock.Kind.PARALLEL, title={"en": "A"})
    two = make_block(event, kind=AgendaBlock.Kind.PARALLEL, title={"en": "B"}, order=2)
    in_one, in_two = make_registration(event), make_registration(event)
    cancelled = make_registration(event, status=Status.CANCELLED)
    for registration, block in ((in_one, one), (in_two, two), (cancelled, one)):
        SessionChoice.objects.create(
            registration=registration, block=block, slot_starts_at=block.starts_at
        )
    assert ids(queries.recipients(event, Campaign.Group.SESSION, one.pk)) == [in_one.pk]
    assert ids(queries.recipients(event, Campaign.Group.SESSION, two.pk)) == [in_two.pk]


def test_attended_and_absent_come_from_attendance(event):
    joined = make_registration(event, first_joined_at=timezone.now())
    absent = make_registration(event)
    make_registration(event, status=Status.WAITING)  # had no place: not "absent"
    assert ids(queries.recipients(event, Campaign.Group.ATTENDED)) == [joined.pk]
    assert ids(queries.recipients(event, Campaign.Group.ABSENT)) == [absent.pk]


# --- Placeholders, languages, escaping -------------------------------------------------------


def test_unknown_placeholders_are_found():
    assert queries.unknown_placeholders("Hi {first_name}, {nme} {x} {nme}") == ["nme", "x"]
    assert queries.unknown_placeholders("{} and {first name} {event_time}") == [""]
    assert queries.unknown_placeholders("no braces, or { spaced }") == []


def test_placeholders_are_filled_in(event):
    registration = make_registration(
        event, first_name="Ana", family_name="Pop", time_zone="Europe/Berlin"
    )
    campaign = draft(event, body={"en": (
        "{first_name} {family_name}: {event_title}, {event_time}.\n"
        "Join: {join_link}\nPage: {personal_link}"
    )})
    message = queries.render(campaign, registration)
    assert message.subject == "News for Ana"
    assert "Ana Pop: Resilience seminar" in message.text
    # The event's zone and the registrant's own.
    assert "10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)" in message.text
    assert "your time: Monday, 10 June 2030, 09:00–12:00 (Europe/Berlin, CEST, UTC+02:00)" in (
        message.text
    )
    join = f"http://testserver/j/{registration.token}"
    assert f"Join: {join}\n" in message.text
    assert f'<a href="{join}">{join}</a>' in message.html
    page = message.text.split("Page: ")[1].split()[0]
    assert page.startswith("http://testserver/en/") and registration.token in page


def test_join_link_is_empty_for_an_event_in_person():
    event = make_event(format=Event.Format.IN_PERSON)
    registration = make_registration(event)
    campaign = draft(event, body={"en": "Join: [{join_link}]"})
    assert "Join: []" in queries.render(campaign, registration).text


def test_language_falls_back_to_the_events_primary_language(event):
    romanian = make_registration(event, language="ro", first_name="Ion")
    dutch = make_registration(event, language="nl", first_name="Joost")
    campaign = draft(
        event, subject={"en": "Hello {first_name}", "ro": "Bună {first_name}"},
        body={"en": "English text", "ro": "Text românesc"},
    )
    ro, nl = queries.render(campaign, romanian), queries.render(campaign, dutch)
    assert (ro.language, ro.subject) == ("ro", "Bună Ion")
    assert "Text românesc" in ro.text and 'lang="ro"' in ro.html
    assert (nl.language, nl.subject) == ("en", "Hello Joost")
    assert "English text" in nl.text


def test_the_body_is_escaped_and_in_paragraphs_in_html(event):
    registration = make_registration(event, first_name="Ana")
    campaign = draft(event, body={"en": (
        "Dear {first_name},\n<script>alert(1)</script> & <b>bold</b>\n\nSecond {unknown}"
    )})
    message = queries.render(campaign, registration)
    assert "<script>" not in message.html and "<b>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in message.html
    assert "<p>Dear Ana,<br>" in message.html
    assert "<p>Second {unknown}</p>" in message.html
    # The text part stays as written.
    assert "<script>alert(1)</script> & <b>bold</b>" in message.text


def test_values_are_escaped_in_html(event):
    # Names cannot hold < or > (the model refuses them); an ampersand they can.
    registration = make_registration(event, first_name="Ana & Co")
    message = queries.render(draft(event, body={"en": "Hi {first_name}"}), registration)
    assert "Hi Ana &amp; Co" in message.html
    assert "Hi Ana & Co" in message.text


def test_preview_has_a_sample_per_language_and_the_count(event, django_assert_max_num_queries):
    make_registration(event, language="ro")
    make_registration(event, language="ro")
    make_registration(event, language="nl")
    make_registration(event, status=Status.CANCELLED, language="it")
    campaign = draft(event, subject={"en": "S", "ro": "S ro"}, body={"en": "B", "ro": "B ro"})
    with django_assert_max_num_queries(4):
        preview = queries.preview(campaign)
    assert preview.count == 3
    by_language = {sample.language: sample for sample in preview.samples}
    assert set(by_language) == {"ro", "nl"}
    assert by_language["ro"].count == 2 and not by_language["ro"].is_fallback
    assert by_language["nl"].is_fallback and by_language["nl"].message.language == "en"


# --- Sending ---------------------------------------------------------------------------------


def test_send_queues_one_message_per_recipient(event, django_capture_on_commit_callbacks):
    people = [make_registration(event, language=lang) for lang in ("en", "ro", "en")]
    make_registration(event, status=Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        campaign = services.send(draft(event), actor=None)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUEUED
    assert campaign.recipient_count == 3
    messages = OutboxMessage.objects.filter(campaign_id=campaign.pk)
    assert sorted(messages.values_list("registration_id", flat=True)) == sorted(
        p.pk for p in people
    )
    assert set(messages.values_list("kind", flat=True)) == {services.KIND}
    assert set(messages.values_list("reply_to", flat=True)) == {"lavinia@example.org"}


def test_sending_again_sends_nobody_twice(event, no_worker):
    people = [make_registration(event) for _ in range(5)]
    campaign = draft(event)
    services.send(campaign, actor=None)
    # The task ran halfway (batches of two, the first batch only) and then died.
    campaign.refresh_from_db()
    assert services.queue_batch(campaign, 0, batch_size=2) == people[1].pk
    assert OutboxMessage.objects.filter(campaign_id=campaign.pk).count() == 2
    # Retried from the start, and once more: each registration has one message.
    assert services.queue_all(campaign.pk, batch_size=2) == 5
    assert services.queue_all(campaign.pk, batch_size=2) == 5
    registration_ids = list(
        OutboxMessage.objects.filter(campaign_id=campaign.pk).values_list(
            "registration_id", flat=True
        )
    )
    assert sorted(registration_ids) == [p.pk for p in people]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUEUED and campaign.recipient_count == 5


def test_a_campaign_is_sent_once(event):
    campaign = draft(event)
    services.send(campaign, actor=None)
    with pytest.raises(services.CampaignError):
        services.send(campaign, actor=None)
    with pytest.raises(services.CampaignError):
        services.compose(event, actor=None, group="all", subject={"en": "x"},
                         body={"en": "y"}, campaign=campaign)


def test_batches_are_written_in_few_queries(event, no_worker, django_assert_max_num_queries):
    for _ in range(30):
        make_registration(event)
    campaign = draft(event)
    services.send(campaign, actor=None)
    campaign.refresh_from_db()
    with django_assert_max_num_queries(12):  # lock, batch, done, insert, link, savepoints
        services.queue_batch(campaign, 0, batch_size=30)
    assert OutboxMessage.objects.filter(campaign_id=campaign.pk).count() == 30


def test_progress_counts_come_from_the_outbox(event, no_worker):
    for _ in range(3):
        make_registration(event)
    campaign = services.send(draft(event), actor=None)
    progress = queries.progress(campaign)
    assert (progress.total, progress.written, progress.queueing) == (3, 0, True)
    assert not progress.finished
    services.queue_all(campaign.pk)
    campaign.refresh_from_db()
    progress = queries.progress(campaign)
    assert (progress.total, progress.waiting, progress.sent, progress.queueing) == (3, 3, 0, False)
    first = OutboxMessage.objects.filter(campaign_id=campaign.pk).first()
    OutboxMessage.objects.filter(pk=first.pk).update(status=OutboxMessage.Status.FAILED)
    outbox.deliver_due()
    progress = queries.progress(campaign)
    assert (progress.waiting, progress.sent, progress.failed) == (0, 2, 1)
    assert progress.finished and progress.done == 3
    (logged,) = queries.campaign_log(event)
    assert (logged.written, logged.waiting_count, logged.sent_count, logged.failed_count) == (
        3, 0, 2, 1
    )


def test_delivered_messages_are_the_rendered_ones(
    event, mailoutbox, real_sending, django_capture_on_commit_callbacks
):
    make_registration(event, first_name="Ana", email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.send(draft(event, body={"en": "Hi {first_name}\n\n<i>x</i>"}), actor=None)
    outbox.deliver_due()
    (email,) = mailoutbox
    assert email.to == ["ana@example.org"] and email.subject == "News for Ana"
    assert "Hi Ana" in email.body
    html, _mimetype = email.alternatives[0]
    assert "<p>Hi Ana</p>" in html and "&lt;i&gt;x&lt;/i&gt;" in html


def test_a_session_deleted_from_the_agenda_has_no_recipients(event):
    block = make_block(event, kind=AgendaBlock.Kind.PARALLEL)
    registration = make_registration(event)
    SessionChoice.objects.create(
        registration=registration, block=block, slot_starts_at=block.starts_at
    )
    make_registration(event)  # chose nothing
    campaign = draft(event, group=Campaign.Group.SESSION, block=block)
    assert ids(queries.campaign_recipients(campaign)) == [registration.pk]
    campaign.block = None  # as SET_NULL leaves it
    assert ids(queries.campaign_recipients(campaign)) == []


def test_a_stalled_campaign_is_resumed(event, no_worker, django_capture_on_commit_callbacks):
    make_registration(event)
    campaign = services.send(draft(event), actor=None)
    assert not queries.is_stalled(campaign)
    later = campaign.send_requested_at + queries.STALLED_AFTER + timedelta(seconds=1)
    assert queries.is_stalled(campaign, now=later)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.resume(campaign, actor=None)
    assert len(callbacks) == 1
    services.queue_all(campaign.pk)
    campaign.refresh_from_db()
    assert not services.resume(campaign, actor=None) and not queries.is_stalled(campaign, now=later)


@pytest.mark.django_db(transaction=True)
def test_two_tasks_at_once_queue_each_recipient_once(no_worker):
    event = make_event()
    people = [make_registration(event) for _ in range(40)]
    campaign = services.send(draft(event), actor=None)
    start = threading.Barrier(2)
    errors = []

    def task():
        try:
            start.wait()
            services.queue_all(campaign.pk, batch_size=3)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=task) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    registration_ids = list(
        OutboxMessage.objects.filter(campaign_id=campaign.pk).values_list(
            "registration_id", flat=True
        )
    )
    assert sorted(registration_ids) == [p.pk for p in people]
