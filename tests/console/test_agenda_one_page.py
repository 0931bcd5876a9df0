"""The console's agenda on one page: blocks with times only, their items and people inline,
inline forms that land back on the page, one-click parallel sessions and up/down moves."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.events.models import AgendaBlock, AgendaItem, ItemRole
from aula.registrations import services as registrations
from tests.console.confirming import CONFIRMED
from tests.factories import add_role, make_block, make_event, make_item, make_person, organiser
from tests.registrations.factories import make_slot, person

pytestmark = pytest.mark.django_db

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")


def vilnius(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VILNIUS)


@pytest.fixture
def event():
    return make_event(starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 14, 13))


@pytest.fixture
def editor(client, event):
    client.force_login(organiser("editor", event.project))
    return client


def url(name, event, **kwargs):
    return reverse(f"console:{name}", kwargs={"event_id": event.pk, **kwargs})


def test_a_one_day_event_asks_for_times_only(editor, event):
    body = editor.get(url("event_agenda", event)).content.decode()
    assert 'type="hidden" name="block-day" value="2030-03-14"' in body
    assert 'name="block-start_time"' in body and "In Europe/Vilnius time." in body
    assert 'name="block-starts_at"' not in body


def test_a_event_of_several_days_offers_its_days(client):
    event = make_event(starts_at=vilnius(2030, 3, 14, 10), ends_at=vilnius(2030, 3, 15, 13))
    client.force_login(organiser("editor", event.project))
    body = client.get(url("event_agenda", event)).content.decode()
    assert '<option value="2030-03-15">' in body and '<option value="2030-03-16">' not in body
    response = client.post(url("event_agenda", event), {
        "block-kind": "plenary", "block-day": "2030-03-15", "block-start_time": "09:00",
        "block-end_time": "10:30", "block-order": "0", "block-title_en": "Day two",
    })
    assert response.status_code == 302
    block = AgendaBlock.objects.get(event=event)
    assert (block.starts_at, block.ends_at) == (vilnius(2030, 3, 15, 9),
                                                vilnius(2030, 3, 15, 10, 30))


def test_items_and_people_are_on_the_agenda_page_with_their_forms(editor, event):
    block = make_block(event, title={"en": "Opening"})
    item = make_item(block, title={"en": "Welcome <words>"},
                     starts_at=block.starts_at + timedelta(minutes=15))
    add_role(item, make_person(name="Ana <b>Popescu</b>", project=event.project))
    body = editor.get(url("event_agenda", event)).content.decode()
    assert "10:15" in body and "Welcome &lt;words&gt;" in body
    assert "Ana &lt;b&gt;Popescu&lt;/b&gt;" in body and "<b>Popescu" not in body
    for action in (url("event_item_new", event, block_id=block.pk),
                   url("event_item", event, item_id=item.pk),
                   url("event_role_add", event, item_id=item.pk),
                   url("event_person_new", event, item_id=item.pk),
                   url("event_block", event, block_id=block.pk)):
        assert f'action="{action}"' in body
    # Inline forms have ids of their own on the page.
    assert body.count(f'id="i{item.pk}-item-title_0"') == 1


def test_inline_forms_land_back_on_the_agenda(editor, event):
    block = make_block(event)
    agenda_page = url("event_agenda", event)
    response = editor.post(url("event_item_new", event, block_id=block.pk), {
        "item-title_en": "Welcome", "item-start_time": "10:15", "item-presenters_en": "",
    })
    item = AgendaItem.objects.get(block=block)
    assert response["Location"] == f"{agenda_page}#item-{item.pk}"
    assert item.starts_at == vilnius(2030, 3, 14, 10, 15)
    known = make_person(name="Ana", project=event.project)
    response = editor.post(url("event_role_add", event, item_id=item.pk),
                           {"role-person": known.pk, "role-role": "speaker"})
    assert response["Location"] == f"{agenda_page}#item-{item.pk}"
    role = ItemRole.objects.get(item=item)
    response = editor.post(url("event_role_delete", event, item_id=item.pk, role_id=role.pk))
    assert response.status_code == 200 and "Ana" in response.content.decode()  # asked first
    assert ItemRole.objects.filter(pk=role.pk).exists()
    response = editor.post(url("event_role_delete", event, item_id=item.pk, role_id=role.pk),
                           CONFIRMED)
    assert not ItemRole.objects.filter(pk=role.pk).exists()
    # Undo, where it is cheap: the person goes back, on the record.
    assert response["Location"] == (
        f"{agenda_page}?removed={item.pk}-{known.pk}-speaker#item-{item.pk}")
    body = editor.get(response["Location"]).content.decode()
    assert "Undo: put Ana back" in body
    editor.post(url("event_role_add", event, item_id=item.pk),
                {"role-person": known.pk, "role-role": "speaker"})
    assert ItemRole.objects.filter(item=item, person=known, role="speaker").exists()
    assert list(AuditEntry.objects.filter(action__startswith="agenda.person").order_by(
        "id").values_list("action", flat=True)) == [
        "agenda.person_added", "agenda.person_removed", "agenda.person_added"]
    # A forged or stale undo offers nothing.
    body = editor.get(f"{agenda_page}?removed={item.pk}-999-speaker").content.decode()
    assert "Undo:" not in body


def test_a_person_of_another_project_is_not_offered_nor_taken(editor, event):
    item = make_item(make_block(event))
    stranger = make_person(name="Stranger Person", project=make_event().project)
    body = editor.get(url("event_agenda", event)).content.decode()
    assert "Stranger Person" not in body
    editor.post(url("event_role_add", event, item_id=item.pk),
                {"role-person": stranger.pk, "role-role": "speaker"})
    assert not ItemRole.objects.filter(item=item).exists()


def test_a_parallel_session_at_these_times_in_one_click(editor, event):
    first, _second = make_slot(event, None, None)
    body = editor.get(url("event_agenda", event)).content.decode()
    assert "Add a parallel session at these times" in body
    response = editor.post(url("event_block_parallel", event, block_id=first.pk))
    session = AgendaBlock.objects.latest("id")
    assert (session.starts_at, session.ends_at, session.kind) == (
        first.starts_at, first.ends_at, "parallel")
    assert response["Location"].endswith(f"?edit={session.pk}#block-{session.pk}")
    body = editor.get(response["Location"]).content.decode()
    assert body.count('<details class="inline-edit" open>') == 1
    entry = AuditEntry.objects.get(action="agenda.block_added")
    assert entry.target_id == str(session.pk)


def test_no_parallel_session_beside_a_plenary(editor, event):
    plenary = make_block(event)
    body = editor.get(url("event_agenda", event)).content.decode()
    assert "Add a parallel session at these times" not in body
    response = editor.post(url("event_block_parallel", event, block_id=plenary.pk), follow=True)
    assert "Only a parallel session" in response.content.decode()
    assert AgendaBlock.objects.count() == 1 and not AuditEntry.objects.exists()


def test_moves_up_and_down_and_refusals_in_words(editor, event):
    first, second = make_slot(event, None, None)
    response = editor.post(url("event_block_down", event, block_id=first.pk))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.order, first.order) == (0, 1)
    body = editor.get(url("event_agenda", event)).content.decode()
    assert body.index("Workshop B") < body.index("Workshop A")
    assert 'class="agenda-slot"' in body  # side by side
    # Only a move with a neighbour of the same time is offered.
    assert body.count("Move left") == 1 and body.count("Move right") == 1
    response = editor.post(url("event_block_down", event, block_id=first.pk), follow=True)
    assert "already at that end" in response.content.decode()


def test_a_chosen_session_keeps_its_times_from_the_agenda_page(editor, event):
    session, _other = make_slot(event, None, None)
    registrations.register(event, person(1, sessions=[session.pk]))
    response = editor.post(url("event_block", event, block_id=session.pk), {
        "block-kind": "parallel", "block-day": "2030-03-14", "block-start_time": "11:30",
        "block-end_time": "12:30", "block-order": "0", "block-title_en": "Workshop A",
    })
    assert "Registrants chose this session" in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == vilnius(2030, 3, 14, 11)
    # Its title may change: the same times typed again are no change.
    response = editor.post(url("event_block", event, block_id=session.pk), {
        "block-kind": "parallel", "block-day": "2030-03-14", "block-start_time": "11:00",
        "block-end_time": "12:00", "block-order": "0", "block-title_en": "Workshop A+",
    })
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == {"en": "Workshop A+"}


def test_the_agenda_page_has_a_bound_on_queries(editor, event, django_assert_max_num_queries):
    people = [make_person(project=event.project) for _n in range(3)]
    make_block(event, title={"en": "Opening"})
    for session in make_slot(event, None, None, None):
        for _n in range(3):
            item = make_item(session, starts_at=session.starts_at)
            for who in people:
                add_role(item, who)
    with django_assert_max_num_queries(14):
        assert editor.get(url("event_agenda", event)).status_code == 200


def test_viewers_see_the_agenda_with_its_people_but_no_forms(client, event):
    item = make_item(make_block(event))
    add_role(item, make_person(name="Ana Popescu", project=event.project))
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    body = client.get(url("event_agenda", event)).content.decode()
    assert "Ana Popescu" in body
    assert "<details" not in body and "/agenda/items/" not in body


def test_a_new_session_typed_in_goes_after_those_of_its_slot(editor, event):
    make_slot(event, None, None)  # orders 0 and 1, 11:00–12:00
    editor.post(url("event_agenda", event), {
        "block-kind": "parallel", "block-day": "2030-03-14", "block-start_time": "11:00",
        "block-end_time": "12:00", "block-title_en": "Workshop C",
    })
    assert AgendaBlock.objects.get(title__en="Workshop C").order == 2


def test_a_refused_inline_form_comes_back_open_in_its_place(editor, event):
    block = make_block(event)
    item = make_item(block)
    response = editor.post(url("event_item", event, item_id=item.pk), {
        "item-title_en": "Welcome", "item-start_time": "12:30"})
    body = response.content.decode()
    assert response.status_code == 200 and "outside its block" in body
    assert "Nothing is saved: see the form opened below." in body
    assert body.count('<details class="inline-edit" open>') == 1
    assert f'id="i{item.pk}-item-title_0"' in body and 'id="id_item-title_0"' not in body
    response = editor.post(url("event_item_new", event, block_id=block.pk), {
        "item-title_en": "", "item-start_time": "10:15"})
    body = response.content.decode()
    assert body.count('<details class="inline-edit" open>') == 1
    assert f'id="b{block.pk}-new-item-start_time"' in body
    assert AgendaItem.objects.count() == 1 and not AuditEntry.objects.exists()
