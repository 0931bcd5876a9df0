"""Console pages for messages to registrants: permissions on every URL, the compose form's
rules, the preview, sending and the log."""

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.campaigns import queries, services
from aula.campaigns.models import Campaign
from aula.console.models import Role
from aula.events.models import AgendaBlock
from aula.messaging.models import OutboxMessage
from tests.campaigns.test_campaigns import draft
from tests.factories import make_block, make_event, make_project, make_registration, organiser, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_event(
        project=make_project(), starts_at=utc(2030, 6, 10, 7), ends_at=utc(2030, 6, 10, 10),
        title={"en": "Resilience seminar"},
    )


@pytest.fixture
def editor(client, event):
    client.force_login(organiser("editor", event.project, Role.EDITOR))
    return client


def url(name, event, campaign=None):
    kwargs = {"event_id": event.pk}
    if campaign is not None:
        kwargs["campaign_id"] = campaign.pk
    return reverse(f"console:{name}", kwargs=kwargs)


def form_data(group="all", block="", chosen_ids="", **texts):
    data = {"group": group, "block": block, "chosen_ids": chosen_ids}
    data.update(texts or {"subject_en": "Hello {first_name}", "body_en": "Dear {first_name}"})
    return data


# --- Permissions -----------------------------------------------------------------------------


def test_every_url_needs_a_login_a_membership_and_the_role(client, event):
    campaign = draft(event)
    reads = [url("messages", event), url("message", event, campaign)]
    writes = [
        ("get", url("message_new", event)),
        ("post", url("message_new", event)),
        ("get", url("message_edit", event, campaign)),
        ("post", url("message_edit", event, campaign)),
        ("post", url("message_send", event, campaign)),
        ("post", url("message_schedule", event, campaign)),
        ("post", url("message_unschedule", event, campaign)),
    ]
    every = [("get", u) for u in reads] + writes
    for method, address in every:
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("console:login")), address

    client.force_login(organiser("stranger", make_project(), Role.OWNER))
    for method, address in every:
        assert getattr(client, method)(address).status_code == 404, address

    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    for address in reads:
        assert client.get(address).status_code == 200, address
    for method, address in writes:
        assert getattr(client, method)(address).status_code == 403, address
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert not OutboxMessage.objects.exists()


def test_another_events_campaign_is_not_found(editor, event):
    other = make_event(project=event.project)
    campaign = draft(other)
    for name in ("message", "message_edit"):
        assert editor.get(url(name, event, campaign)).status_code == 404
    assert editor.post(url("message_send", event, campaign)).status_code == 404


def test_send_is_post_only(editor, event):
    assert editor.get(url("message_send", event, draft(event))).status_code == 405


def test_the_hub_links_to_messages(client, event):
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    page = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert url("messages", event) in page and url("message_new", event) not in page
    client.force_login(organiser("editor", event.project, Role.EDITOR))
    page = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert url("message_new", event) in page


# --- Composing -------------------------------------------------------------------------------


def test_compose_saves_a_draft_and_shows_its_preview(editor, event):
    make_registration(event, first_name="Ana", language="ro")
    make_registration(event, first_name="Bob")
    response = editor.post(url("message_new", event), form_data(
        subject_en="Hello {first_name}", body_en="Dear {first_name},\n\n<b>see</b> you",
        subject_ro="Bună {first_name}", body_ro="Dragă {first_name}",
    ))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("message", event, campaign)
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.subject == {"en": "Hello {first_name}", "ro": "Bună {first_name}"}
    page = editor.get(response["Location"]).content.decode()
    assert "2 recipients" in page and "Send to 2 recipients" in page
    assert "Bună Ana" in page and "Hello Bob" in page
    assert "&lt;b&gt;see&lt;/b&gt;" in page and "<b>see</b>" not in page
    assert not OutboxMessage.objects.exists()
    (drafted,) = AuditEntry.objects.filter(action=services.DRAFTED)
    assert (drafted.actor.username, drafted.target_id) == ("editor", str(campaign.pk))


def test_unknown_placeholders_are_a_form_error(editor, event):
    response = editor.post(url("message_new", event), form_data(
        subject_en="Hello {firstname}", body_en="Dear {first_name} at {venue}",
    ))
    assert response.status_code == 200
    form = response.context["form"]
    assert "unknown placeholder {firstname}" in form.errors["subject"][0]
    assert "unknown placeholder {venue}" in form.errors["body"][0]
    assert "{first_name}" in form.errors["body"][0]  # the ones that exist are named
    assert not Campaign.objects.exists()


def test_the_primary_language_is_required_and_texts_come_in_pairs(editor, event):
    response = editor.post(url("message_new", event), form_data(
        subject_ro="Bună", body_ro="Text", body_nl="Alleen tekst",
    ))
    errors = " ".join(response.context["form"].non_field_errors())
    assert "at least in English" in errors
    assert "Dutch: write both the subject and the message" in errors
    assert not Campaign.objects.exists()


def test_a_session_needs_its_block(editor, event):
    block = make_block(event, kind=AgendaBlock.Kind.PARALLEL, title={"en": "Workshop A"})
    other = make_block(make_event(), kind=AgendaBlock.Kind.PARALLEL)
    response = editor.post(url("message_new", event), form_data(group="session"))
    assert "block" in response.context["form"].errors
    response = editor.post(url("message_new", event), form_data(group="session", block=other.pk))
    assert "block" in response.context["form"].errors  # another event's block
    response = editor.post(url("message_new", event), form_data(group="session", block=block.pk))
    assert response.status_code == 302
    assert Campaign.objects.get().block == block


def test_without_parallel_sessions_the_session_group_is_not_offered(editor, event):
    page = editor.get(url("message_new", event)).content.decode()
    assert 'value="session"' not in page and 'value="confirmed"' in page


def test_a_draft_can_be_changed_a_sent_one_not(editor, event):
    campaign = draft(event)
    page = editor.get(url("message_edit", event, campaign)).content.decode()
    assert "News for {first_name}" in page
    response = editor.post(url("message_edit", event, campaign), form_data(
        group="confirmed", subject_en="Changed", body_en="New text",
    ))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.group, campaign.subject) == ("confirmed", {"en": "Changed"})
    services.send(campaign, actor=None)
    response = editor.post(url("message_edit", event, campaign), form_data(subject_en="Late"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.subject == {"en": "Changed"}


# --- Sending, progress, log ------------------------------------------------------------------


def test_send_queues_and_shows_the_progress(editor, event, django_capture_on_commit_callbacks):
    people = [make_registration(event) for _ in range(3)]
    campaign = draft(event)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url("message_send", event, campaign))
    assert response["Location"] == url("message", event, campaign)
    assert sorted(
        OutboxMessage.objects.filter(campaign_id=campaign.pk).values_list(
            "registration_id", flat=True
        )
    ) == [p.pk for p in people]
    # A second click sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url("message_send", event, campaign))
    assert OutboxMessage.objects.filter(campaign_id=campaign.pk).count() == 3
    page = editor.get(url("message", event, campaign)).content.decode()
    assert "<progress" in page and people[0].email in page
    # On the record once, by the editor who sent it, with the group and the count.
    (sent,) = AuditEntry.objects.filter(action=services.SENT)
    assert (sent.actor.username, sent.event_id, sent.data) == (
        "editor", event.pk, {"group": "all", "recipients": 3}
    )


def test_progress_page_reloads_until_delivered(editor, event, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for _ in range(2):
        make_registration(event)
    campaign = services.send(draft(event), actor=None)
    page = editor.get(url("message", event, campaign)).content.decode()
    assert 'http-equiv="refresh"' in page and 'max="2" value="0"' in page
    services.queue_all(campaign.pk)
    OutboxMessage.objects.filter(campaign_id=campaign.pk).update(status=OutboxMessage.Status.SENT)
    page = editor.get(url("message", event, campaign)).content.decode()
    assert 'http-equiv="refresh"' not in page and 'max="2" value="2"' in page


def test_pages_take_a_bounded_number_of_queries(
    editor, event, settings, django_assert_max_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for _ in range(60):
        make_registration(event)
    for _ in range(3):
        campaign = services.send(draft(event), actor=None)
        services.queue_all(campaign.pk)
    draft(event)
    with django_assert_max_num_queries(12):
        page = editor.get(url("messages", event)).content.decode()
    assert page.count("News for {first_name}") == 4
    with django_assert_max_num_queries(12):
        response = editor.get(url("message", event, campaign))
    assert len(response.context["page"].object_list) == 50  # one page of recipients
    assert "Page 1 of 2" in response.content.decode()


def test_a_stalled_campaign_can_be_continued(editor, event, django_capture_on_commit_callbacks):
    make_registration(event)
    campaign = draft(event)
    with django_capture_on_commit_callbacks(execute=False):  # the task got lost
        editor.post(url("message_send", event, campaign))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
    assert "Continue writing" not in editor.get(url("message", event, campaign)).content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(
        send_requested_at=campaign.send_requested_at - queries.STALLED_AFTER * 2
    )
    assert "Continue writing" in editor.get(url("message", event, campaign)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url("message_send", event, campaign))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUEUED
    assert OutboxMessage.objects.filter(campaign_id=campaign.pk).count() == 1
    assert AuditEntry.objects.get(action=services.RESUMED).actor.username == "editor"


def test_the_preview_frame_holds_the_whole_email_escaped_into_its_attribute(editor, event):
    make_registration(event, first_name="Ana", family_name='O"Brien')
    campaign = draft(event, body={"en": 'Dear {first_name} {family_name}, <b>"see"</b> you'})
    page = editor.get(url("message", event, campaign)).content.decode()
    start = page.index('srcdoc="') + len('srcdoc="')
    srcdoc = page[start:page.index('"', start)]
    # The attribute holds the whole document (an unescaped quote would have cut it short).
    assert srcdoc.startswith("&lt;!doctype html&gt;") and srcdoc.endswith("&lt;/html&gt;\n")
    assert "<" not in srcdoc and '"' not in srcdoc
    assert "O&amp;quot;Brien" in srcdoc  # escaped in the e-mail, then for the attribute
    assert "&amp;lt;b&amp;gt;" in srcdoc


# --- To the registrants chosen in the table --------------------------------------------------


def test_bulk_message_opens_the_compose_page_for_the_chosen(editor, event):
    ana = make_registration(event, first_name="Ana", family_name="Zamfir")
    ion = make_registration(event, first_name="Ion", family_name="<b>Albu</b>")
    make_registration(event, first_name="Not", family_name="Chosen")
    theirs = make_registration(make_event())
    page = editor.get(reverse("console:registrants", args=[event.pk])).content.decode()
    assert 'value="message"' in page
    response = editor.post(reverse("console:registrants_bulk", args=[event.pk]), {
        "action": "message", "scope": "selected", "id": [ana.pk, ion.pk, theirs.pk],
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert f'action="{url("message_new", event)}"' in page
    assert f'value="{ana.pk},{ion.pk}"' in page  # another event's id is not carried
    assert "the 2 registrants you chose" in page and 'value="chosen" selected' in page
    assert not Campaign.objects.exists()
    # Sent on with another event's id slipped in: it is dropped.
    response = editor.post(url("message_new", event), form_data(
        group="chosen", chosen_ids=f"{ana.pk},{ion.pk},{theirs.pk}",
    ))
    campaign = Campaign.objects.get()
    assert response["Location"] == url("message", event, campaign)
    assert campaign.group == Campaign.Group.CHOSEN and campaign.chosen_ids == [ana.pk, ion.pk]
    preview = editor.get(response["Location"]).content.decode()
    assert "2 chosen registrants" in preview and "Send to 2 recipients" in preview
    assert "Zamfir, Ana" in preview and "&lt;b&gt;Albu&lt;/b&gt;, Ion" in preview
    assert "Chosen" not in preview.split("chosen registrants")[1].split("</details>")[0]
    (drafted,) = AuditEntry.objects.filter(action=services.DRAFTED)
    assert drafted.data == {"group": "chosen", "chosen": 2}


def test_bulk_message_on_the_filter_chooses_everyone_matching(editor, event):
    from aula.registrations.models import Registration

    waiting = [make_registration(event, status=Registration.Status.WAITING) for _ in range(3)]
    make_registration(event)
    response = editor.post(reverse("console:registrants_bulk", args=[event.pk]), {
        "action": "message", "scope": "filter", "query": "status=waiting",
    })
    ids = ",".join(str(r.pk) for r in waiting)
    assert f'value="{ids}"' in response.content.decode()


def test_the_chosen_group_needs_chosen_people_of_the_event(editor, event):
    theirs = make_registration(make_event())
    # Not offered without a selection from the table.
    assert 'value="chosen"' not in editor.get(url("message_new", event)).content.decode()
    for data in (form_data(group="chosen"), form_data(group="chosen", chosen_ids="1,x"),
                 form_data(group="chosen", chosen_ids=str(theirs.pk))):
        response = editor.post(url("message_new", event), data)
        assert response.status_code in (200, 400)
    assert not Campaign.objects.exists()
    assert not AuditEntry.objects.filter(action=services.DRAFTED).exists()
    page = editor.post(url("message_new", event), form_data(
        group="chosen", chosen_ids=str(theirs.pk))).content.decode()
    assert "Choose at least one registrant of this event." in page


def test_a_viewer_cannot_message_a_selection(client, event):
    registration = make_registration(event)
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    response = client.post(reverse("console:registrants_bulk", args=[event.pk]), {
        "action": "message", "scope": "selected", "id": [registration.pk],
    })
    assert response.status_code == 403


# --- Markdown --------------------------------------------------------------------------------


def test_the_preview_frame_shows_the_rendered_markdown(editor, event):
    make_registration(event, first_name="**Ana**")
    campaign = draft(event, body={"en": "Dear {first_name},\n\n- **bring** a laptop\n- "
                                        "[the agenda](https://example.org/agenda)"})
    page = editor.get(url("message", event, campaign)).content.decode()
    start = page.index('srcdoc="') + len('srcdoc="')
    srcdoc = page[start:page.index('"', start)]
    assert "&lt;strong&gt;bring&lt;/strong&gt;" in srcdoc and "&lt;li&gt;" in srcdoc
    assert "&lt;a href=&quot;https://example.org/agenda&quot;" in srcdoc
    assert "Dear **Ana**," in srcdoc  # the name as typed, not bold
    assert "the agenda (https://example.org/agenda)" in page  # the plain-text version


def test_changing_a_chosen_message_to_nobody_of_the_event_is_refused(editor, event):
    mine, theirs = make_registration(event), make_registration(make_event())
    campaign = draft(event, group=Campaign.Group.CHOSEN, chosen_ids=[mine.pk])
    page = editor.get(url("message_edit", event, campaign)).content.decode()
    assert f'value="{mine.pk}"' in page and 'value="chosen" selected' in page
    response = editor.post(url("message_edit", event, campaign), form_data(
        group="chosen", chosen_ids=str(theirs.pk), subject_en="Changed", body_en="Changed",
    ))
    assert response.status_code == 400
    assert "Choose at least one registrant of this event." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.chosen_ids == [mine.pk] and campaign.subject == {"en": "News for {first_name}"}
    assert not AuditEntry.objects.filter(action=services.CHANGED).exists()
