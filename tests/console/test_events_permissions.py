"""Every console event page: anonymous visitors go to the login page, members of another project
find nothing (404), viewers may read but not change (403)."""

import pytest
from django.urls import reverse

from aula.console.models import Role
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole
from aula.registrations.models import Question
from tests.factories import (
    add_role,
    make_block,
    make_event,
    make_item,
    make_person,
    make_project,
    organiser,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    event = make_event()
    block = make_block(event)
    item = make_item(block)
    role = add_role(item, make_person())
    question = Question.objects.create(event=event, kind="short_text", label={"en": "Diet"})
    return event, block, item, role, question


def pages(world):
    """(name, kwargs, method, role needed)."""
    event, block, item, role, question = world
    e = {"event_id": event.pk}
    p = {"project": event.project.slug}
    return [
        ("project_events", p, "get", Role.VIEWER),
        ("event_agenda", e, "get", Role.VIEWER),
        ("event_new", p, "get", Role.EDITOR),
        ("event_new", p, "post", Role.EDITOR),
        ("event_edit", e, "get", Role.EDITOR),
        ("event_edit", e, "post", Role.EDITOR),
        ("event_clone", e, "get", Role.EDITOR),
        ("event_clone", e, "post", Role.EDITOR),
        ("event_publish", e, "post", Role.EDITOR),
        ("event_unpublish", e, "post", Role.EDITOR),
        ("event_cancel", e, "get", Role.EDITOR),
        ("event_cancel", e, "post", Role.EDITOR),
        ("event_agenda", e, "post", Role.EDITOR),
        ("event_block", {**e, "block_id": block.pk}, "get", Role.EDITOR),
        ("event_block", {**e, "block_id": block.pk}, "post", Role.EDITOR),
        ("event_block_delete", {**e, "block_id": block.pk}, "post", Role.EDITOR),
        ("event_item_new", {**e, "block_id": block.pk}, "post", Role.EDITOR),
        ("event_block_up", {**e, "block_id": block.pk}, "post", Role.EDITOR),
        ("event_block_down", {**e, "block_id": block.pk}, "post", Role.EDITOR),
        ("event_block_parallel", {**e, "block_id": block.pk}, "post", Role.EDITOR),
        ("event_item_up", {**e, "item_id": item.pk}, "post", Role.EDITOR),
        ("event_item_down", {**e, "item_id": item.pk}, "post", Role.EDITOR),
        ("event_item", {**e, "item_id": item.pk}, "get", Role.EDITOR),
        ("event_item", {**e, "item_id": item.pk}, "post", Role.EDITOR),
        ("event_item_delete", {**e, "item_id": item.pk}, "post", Role.EDITOR),
        ("event_role_add", {**e, "item_id": item.pk}, "post", Role.EDITOR),
        ("event_person_new", {**e, "item_id": item.pk}, "post", Role.EDITOR),
        ("event_role_delete", {**e, "item_id": item.pk, "role_id": role.pk}, "post",
         Role.EDITOR),
        ("event_registration", e, "get", Role.EDITOR),
        ("event_registration", e, "post", Role.EDITOR),
        ("event_questions", e, "get", Role.EDITOR),
        ("event_questions", e, "post", Role.EDITOR),
        ("event_question", {**e, "question_id": question.pk}, "get", Role.EDITOR),
        ("event_question", {**e, "question_id": question.pk}, "post", Role.EDITOR),
        ("event_question_up", {**e, "question_id": question.pk}, "post", Role.EDITOR),
        ("event_question_down", {**e, "question_id": question.pk}, "post", Role.EDITOR),
        ("event_question_delete", {**e, "question_id": question.pk}, "post", Role.EDITOR),
        ("event_privacy", e, "get", Role.EDITOR),
        ("event_privacy", e, "post", Role.EDITOR),
    ]


def request(client, name, kwargs, method):
    return getattr(client, method)(reverse(f"console:{name}", kwargs=kwargs))


def unchanged(world):
    event, block, item, role, question = world
    stored = Event.objects.get(pk=event.pk)
    return (
        stored.status == event.status and stored.sequence == event.sequence
        and AgendaBlock.objects.filter(pk=block.pk).exists()
        and AgendaItem.objects.filter(pk=item.pk).exists()
        and ItemRole.objects.filter(pk=role.pk).exists()
        and Question.objects.filter(pk=question.pk).exists()
        and Event.objects.count() == 1
    )


def test_every_page_needs_a_login(client, world):
    login = reverse("console:login")
    for name, kwargs, method, _needed in pages(world):
        response = request(client, name, kwargs, method)
        assert response.status_code == 302, (name, method)
        assert response["Location"].startswith(login), (name, method)
    assert unchanged(world)


def test_another_projects_member_finds_nothing(client, world):
    client.force_login(organiser("stranger", make_project(), Role.OWNER))
    for name, kwargs, method, _needed in pages(world):
        assert request(client, name, kwargs, method).status_code == 404, (name, method)
    assert unchanged(world)


def test_viewers_read_but_do_not_change(client, world):
    event = world[0]
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    for name, kwargs, method, needed in pages(world):
        expected = 200 if needed == Role.VIEWER else 403
        assert request(client, name, kwargs, method).status_code == expected, (name, method)
    assert unchanged(world)
    # The viewer's agenda page offers no form and no links to editing pages.
    body = client.get(reverse("console:event_agenda", kwargs={"event_id": event.pk})).content
    assert b"/agenda/blocks/" not in body and b"/agenda/items/" not in body
    assert b"<details class=\"inline-edit\"" not in body
    hub = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert reverse("console:event_edit", kwargs={"event_id": event.pk}) not in hub


def test_objects_of_another_event_are_not_found(client, world):
    event, block, item, role, question = world
    other = make_event(event.project, notice=False)
    client.force_login(organiser("editor", event.project, Role.EDITOR))
    o = {"event_id": other.pk}
    for name, kwargs in [
        ("event_block", {**o, "block_id": block.pk}),
        ("event_item", {**o, "item_id": item.pk}),
        ("event_question", {**o, "question_id": question.pk}),
    ]:
        assert request(client, name, kwargs, "get").status_code == 404
    for name, kwargs in [
        ("event_block_delete", {**o, "block_id": block.pk}),
        ("event_item_delete", {**o, "item_id": item.pk}),
        ("event_role_delete", {**o, "item_id": item.pk, "role_id": role.pk}),
        ("event_question_delete", {**o, "question_id": question.pk}),
    ]:
        assert request(client, name, kwargs, "post").status_code == 404
    assert AgendaBlock.objects.filter(pk=block.pk).exists()
    assert ItemRole.objects.filter(pk=role.pk).exists()
    assert Question.objects.filter(pk=question.pk).exists()


def test_editors_and_owners_may_change(client, world):
    event = world[0]
    for n, role in enumerate([Role.EDITOR, Role.OWNER]):
        client.force_login(organiser(f"user{n}", event.project, role))
        for name, kwargs, method, _needed in pages(world):
            if method == "get":
                assert request(client, name, kwargs, method).status_code == 200, (name, role)
