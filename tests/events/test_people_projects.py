"""People belong to a project: an event's agenda lists and attaches only the people of its
project, in the console and in the admin; the migration gives every existing person a project."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from aula.console.models import Role
from aula.events import agenda
from aula.events.models import AgendaItem, ItemRole, Person
from tests.factories import add_role, make_block, make_event, make_item, make_person, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    ours = make_event()
    theirs = make_event()
    item = make_item(make_block(ours))
    mine = make_person(name="Our Speaker", project=ours.project)
    draft = make_person(name="Their Draft Speaker", project=theirs.project)
    return ours, theirs, item, mine, draft


def test_the_rule_refuses_a_person_of_another_project(two):
    ours, _theirs, item, mine, draft = two
    editor = organiser(project=ours.project)
    with pytest.raises(ValidationError) as refusal:
        agenda.add_role(item, draft, ItemRole.Role.SPEAKER, actor=editor)
    assert "another project" in str(refusal.value)
    assert not ItemRole.objects.exists()
    agenda.add_role(item, mine, ItemRole.Role.SPEAKER, actor=editor)
    assert list(item.people.all()) == [mine]


def test_console_neither_shows_nor_attaches_another_projects_person(client, two):
    ours, _theirs, item, mine, draft = two
    client.force_login(organiser(project=ours.project, role=Role.EDITOR))
    e = {"event_id": ours.pk, "item_id": item.pk}
    page = client.get(reverse("console:event_item", kwargs=e)).content.decode()
    assert "Our Speaker" in page and "Their Draft Speaker" not in page
    response = client.post(reverse("console:event_role_add", kwargs=e),
                           {"role-person": draft.pk, "role-role": "speaker"})
    assert response.status_code == 200 and not ItemRole.objects.exists()
    client.post(reverse("console:event_person_new", kwargs=e), {
        "person-name": "New One", "person-organisation": "", "person-job_title_en": "",
        "person-role": "moderator",
    })
    assert Person.objects.get(name="New One").project == ours.project


def test_admin_offers_and_attaches_only_the_events_projects_people(admin_client, two):
    ours, _theirs, item, mine, draft = two
    add_role(item, mine)
    url = reverse("admin:events_agendaitem_change", args=[item.pk])
    page = admin_client.get(url)
    choices = [p.name for p in page.context["inline_admin_formsets"][0].formset.forms[0]
               .fields["person"].queryset]
    assert choices == ["Our Speaker"]
    form = page.context["inline_admin_formsets"][0].formset
    data = {
        "block": str(item.block_id), "order": "1", "title_en": "Item",
        "roles-TOTAL_FORMS": "2", "roles-INITIAL_FORMS": "1", "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": str(form.forms[0].instance.pk), "roles-0-item": str(item.pk),
        "roles-0-person": str(mine.pk), "roles-0-role": "speaker", "roles-0-order": "0",
        "roles-1-item": str(item.pk), "roles-1-person": str(draft.pk),
        "roles-1-role": "speaker", "roles-1-order": "1",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200  # refused on the form
    assert list(AgendaItem.objects.get().people.all()) == [mine]


def people_found(admin_client, term="", **params):
    response = admin_client.get(reverse("admin:autocomplete"), {
        "app_label": "events", "model_name": "itemrole", "field_name": "person", "term": term,
        **params,
    })
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_the_admins_person_search_finds_only_the_items_projects_people(admin_client, two):
    ours, theirs, item, _mine, _draft = two
    assert [t.split(" (")[0] for t in people_found(admin_client, project=ours.project_id)] == [
        "Our Speaker"]
    assert [t.split(" (")[0] for t in people_found(
        admin_client, "speaker", project=theirs.project_id)] == ["Their Draft Speaker"]
    # A search that names no project (or nonsense) finds nobody.
    assert people_found(admin_client, "speaker") == []
    assert people_found(admin_client, "speaker", project="x") == []
    # The item's page asks within the item's project.
    page = admin_client.get(reverse("admin:events_agendaitem_change", args=[item.pk]))
    url = reverse("admin:autocomplete") + f"?project={ours.project_id}"
    assert f'data-ajax--url="{url}"' in page.content.decode()


def test_the_migration_gives_each_person_a_project(two):
    ours, theirs, item, mine, draft = two
    shared = make_person(name="Shared", photo="people/s.jpg")
    add_role(item, shared)
    their_item = make_item(make_block(theirs))
    add_role(their_item, shared, ItemRole.Role.MODERATOR)
    lonely = make_person(name="On no agenda")
    Person.objects.update(project=None)
    migration = importlib.import_module("aula.events.migrations.0003_person_project")
    migration.assign_people(apps, None)
    first = min(ours.project_id, theirs.project_id)
    shared.refresh_from_db()
    assert shared.project_id == first
    copies = Person.objects.filter(name="Shared").exclude(pk=shared.pk)
    (copy,) = copies
    assert copy.project_id == max(ours.project_id, theirs.project_id)
    assert copy.photo.name == "people/s.jpg"
    other_item = their_item if first == ours.project_id else item
    assert list(other_item.people.all()) == [copy]
    assert Person.objects.get(pk=lonely.pk).project_id == first
    assert Person.objects.get(pk=draft.pk).project_id is not None
