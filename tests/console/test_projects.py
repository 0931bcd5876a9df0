"""Setting a project up in the console: creating it (the gate: a superuser, or a staff account
with "Can add project"), editing it (owners), its partners (owners change, others read), each
an action on the record; bad input stores nothing; "New event" where people look for it."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console import services as console_services
from aula.console.models import Membership, Role
from aula.console.permissions import may_create_project
from aula.projects.models import Partner, Project
from aula.registrations.models import PrivacyNotice
from aula.registrations.queries import current_privacy_notice
from tests.console.confirming import CONFIRMED
from tests.factories import (
    make_event,
    make_partner,
    make_project,
    organiser,
    superuser,
)

pytestmark = pytest.mark.django_db

NEW_PROJECT = {
    "name": "ECoC-SME", "code": "PGI06047", "slug": "ecoc-sme", "programme": "Interreg Europe",
    "full_title_en": "Cultural capitals for small firms", "full_title_ro": "Capitale culturale",
    "website": "interregeurope.eu/ecoc-sme", "description_en": "A *cooperation* project.",
    "primary_language": "ro", "starts_on": "2024-03-01", "ends_on": "2028-02-29",
}


def url(name, project=None, **kwargs):
    if project is not None:
        kwargs["project"] = project.slug
    return reverse(f"console:{name}", kwargs=kwargs)


def staff_with_permission(name="stella"):
    user = organiser(name)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="add_project"))
    return user


# --- Who may create a project -----------------------------------------------------------------


def test_the_gate_lets_superusers_and_staff_with_the_permission_create_projects():
    assert may_create_project(superuser())
    assert may_create_project(staff_with_permission())
    plain = organiser("plain")
    assert not may_create_project(plain)
    plain.user_permissions.add(Permission.objects.get(codename="add_project"))
    plain = type(plain).objects.get(pk=plain.pk)  # a fresh permission cache
    assert not may_create_project(plain)  # the permission without staff: no
    staff = organiser("staffer")
    staff.is_staff = True
    staff.save()
    assert not may_create_project(staff)  # staff without the permission: no
    owner = organiser("owner", make_project(), Role.OWNER)
    assert not may_create_project(owner)  # owning a project is not enough


def test_an_organiser_without_the_permission_is_refused_the_new_project_page(client):
    client.force_login(organiser("owner", make_project(), Role.OWNER))
    assert client.get(url("project_new")).status_code == 403
    assert client.post(url("project_new"), NEW_PROJECT).status_code == 403
    assert not Project.objects.filter(code="PGI06047").exists()
    assert "New project" not in client.get(url("home")).content.decode()


# --- Creating and editing ---------------------------------------------------------------------


@pytest.mark.parametrize("make_creator", [superuser, staff_with_permission])
def test_creating_a_project_makes_the_creator_its_owner_on_the_record(client, make_creator):
    creator = make_creator()
    client.force_login(creator)
    assert "New project" in client.get(url("home")).content.decode()
    assert client.get(url("project_new")).status_code == 200
    response = client.post(url("project_new"), NEW_PROJECT)
    project = Project.objects.get(code="PGI06047")
    assert response.status_code == 302
    assert response["Location"] == url("partners", project)
    assert project.full_title == {"en": "Cultural capitals for small firms",
                                  "ro": "Capitale culturale"}
    assert project.website == "https://interregeurope.eu/ecoc-sme"
    assert Membership.objects.get(project=project).user == creator
    assert Membership.objects.get(project=project).role == Role.OWNER
    created = AuditEntry.objects.get(action="project.created")
    assert created.actor == creator and created.project_id == project.pk
    assert created.changes["code"] == [None, "PGI06047"]
    assert created.via == "console"
    member = AuditEntry.objects.get(action="member.added")
    assert member.project_id == project.pk and member.changes == {"role": [None, "owner"]}


@pytest.mark.parametrize("change, words", [
    ({"code": "PGI00001"}, "already exists"),
    ({"ends_on": "2020-01-01"}, "cannot end before it starts"),
    ({"name": ""}, "This field is required"),
    ({"slug": "not a slug!"}, "letters, numbers, underscores or hyphens"),
    ({"website": "not a web address"}, "Enter a valid URL"),
])
def test_bad_input_stores_nothing_and_says_why(client, change, words):
    make_project(code="PGI00001")
    client.force_login(superuser())
    before = AuditEntry.objects.count()
    response = client.post(url("project_new"), {**NEW_PROJECT, **change})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert "Nothing is saved yet" in response.content.decode()
    assert not Project.objects.filter(slug="ecoc-sme").exists()
    assert not Membership.objects.exclude(project__code="PGI00001").exists()
    assert AuditEntry.objects.count() == before


def test_an_owner_edits_the_project_on_the_record(client):
    project = make_project(name="Old name")
    owner = organiser("olga", project, Role.OWNER)
    client.force_login(owner)
    page = client.get(url("project_edit", project))
    assert page.status_code == 200 and "Old name" in page.content.decode()
    data = {**NEW_PROJECT, "code": project.code, "slug": project.slug, "name": "New <name>"}
    response = client.post(url("project_edit", project), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "New <name>"
    entry = AuditEntry.objects.get(action="project.changed")
    assert entry.actor == owner and entry.changes["name"] == ["Old name", "New <name>"]
    body = client.get(url("project", project)).content.decode()
    assert "New &lt;name&gt;" in body and "New <name>" not in body


def test_a_failed_edit_stores_nothing(client):
    project = make_project(name="Kept")
    client.force_login(organiser("olga", project, Role.OWNER))
    data = {**NEW_PROJECT, "code": project.code, "slug": project.slug, "name": "Changed",
            "ends_on": "2000-01-01"}
    response = client.post(url("project_edit", project), data)
    assert "cannot end before it starts" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "Kept"
    assert not AuditEntry.objects.filter(action="project.changed").exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_editors_and_viewers_read_but_do_not_change_the_project(client, role):
    project = make_project(name="Kept")
    partner = make_partner(project)
    client.force_login(organiser("someone", project, role))
    assert client.get(url("project_edit", project)).status_code == 403
    assert client.post(url("project_edit", project), NEW_PROJECT).status_code == 403
    page = client.get(url("partners", project))
    assert page.status_code == 200 and partner.organisation in page.content.decode()
    assert "Add a partner" not in page.content.decode()
    for name in ("partner_edit", "partner_up", "partner_down", "partner_delete"):
        assert client.post(url(name, project, partner_id=partner.pk)).status_code == 403
    assert client.post(url("partner_new", project), {"organisation": "X"}).status_code == 403
    assert Partner.objects.filter(project=project).count() == 1
    assert not AuditEntry.objects.exists()


# --- Partners ---------------------------------------------------------------------------------


@pytest.fixture
def project():
    return make_project()


@pytest.fixture
def owner(client, project):
    user = organiser("olga", project, Role.OWNER)
    client.force_login(user)
    return user


PARTNER = {"organisation": "Municipality of Timișoara", "local_names_ro": "Municipiul Timișoara",
           "role": "lead", "city": "Timișoara", "country": "RO", "website": "",
           "ecoc_year": "2023", "ecoc_note_en": "originally 2021"}


def test_an_owner_adds_edits_and_reorders_partners_on_the_record(client, project, owner):
    response = client.post(url("partner_new", project), PARTNER)
    assert response.status_code == 302
    first = Partner.objects.get(project=project)
    assert first.local_names == {"ro": "Municipiul Timișoara"} and first.order == 1
    assert AuditEntry.objects.get(action="partner.added").changes["organisation"] == [
        None, "Municipality of Timișoara"]
    client.post(url("partner_new", project), {**PARTNER, "organisation": "Kaunas District",
                                               "role": "partner", "city": "Kaunas",
                                               "country": "LT"})
    second = Partner.objects.get(organisation="Kaunas District")
    assert second.order == 2
    client.post(url("partner_edit", project, partner_id=second.pk),
                {**PARTNER, "organisation": "Kaunas District Municipality", "role": "partner",
                 "city": "Kaunas", "country": "LT"})
    entry = AuditEntry.objects.get(action="partner.changed")
    assert entry.actor == owner
    assert entry.changes["organisation"] == ["Kaunas District", "Kaunas District Municipality"]
    assert client.post(url("partner_up", project, partner_id=second.pk)).status_code == 302
    assert [p.pk for p in project.partners.all()] == [second.pk, first.pk]
    moved = AuditEntry.objects.get(action="partner.moved")
    assert moved.changes == {"order": [2, 1]} and moved.project_id == project.pk
    # Already first: nothing moves, nothing recorded.
    client.post(url("partner_up", project, partner_id=second.pk))
    assert AuditEntry.objects.filter(action="partner.moved").count() == 1


def test_a_second_lead_partner_is_refused_and_nothing_stored(client, project, owner):
    make_partner(project, role=Partner.Role.LEAD_PARTNER)
    response = client.post(url("partner_new", project), PARTNER)
    assert response.status_code == 200
    assert "A project has one lead partner" in response.content.decode()
    assert project.partners.count() == 1
    assert not AuditEntry.objects.filter(action="partner.added").exists()


def test_removing_a_partner_asks_first_then_removes_it_on_the_record(client, project, owner):
    partner = make_partner(project, organisation="Going <away>")
    page = client.post(url("partner_delete", project, partner_id=partner.pk))
    assert page.status_code == 200 and "Going &lt;away&gt;" in page.content.decode()
    assert Partner.objects.filter(pk=partner.pk).exists()
    response = client.post(url("partner_delete", project, partner_id=partner.pk), CONFIRMED)
    assert response.status_code == 302
    assert not Partner.objects.filter(pk=partner.pk).exists()
    entry = AuditEntry.objects.get(action="partner.deleted")
    assert entry.actor == owner and entry.changes["organisation"] == ["Going <away>", None]


@pytest.mark.parametrize("use", ["host", "contact", "controller"])
def test_a_partner_in_use_is_not_removed(client, project, owner, use):
    partner = make_partner(project, organisation="Needed")
    if use == "host":
        make_event(project=project, host_partner=partner)
    elif use == "contact":
        make_event(project=project, contact_organisation=partner)
    else:
        PrivacyNotice.objects.create(project=project, text={"en": "Notice"}, controller=partner)
    response = client.post(url("partner_delete", project, partner_id=partner.pk), CONFIRMED,
                           follow=True)
    assert "Needed cannot be removed while it is named as" in response.content.decode()
    assert Partner.objects.filter(pk=partner.pk).exists()
    assert not AuditEntry.objects.filter(action="partner.deleted").exists()


def test_another_projects_partner_is_not_found(client, project, owner):
    elsewhere = make_partner(make_project())
    assert client.get(url("partner_edit", project, partner_id=elsewhere.pk)).status_code == 404
    client.post(url("partner_delete", project, partner_id=elsewhere.pk), CONFIRMED)
    assert Partner.objects.filter(pk=elsewhere.pk).exists()


def test_the_partners_page_has_a_query_bound(client, project, owner,
                                            django_assert_max_num_queries):
    for _n in range(3):
        make_partner(project)
    with django_assert_max_num_queries(12):
        client.get(url("partners", project))
    for _n in range(10):
        make_partner(project)
    with django_assert_max_num_queries(12):
        assert client.get(url("partners", project)).status_code == 200


# --- "New event" where people look for it ---------------------------------------------------


def test_home_offers_new_event_per_project_the_user_may_edit(client,
                                                              django_assert_max_num_queries):
    mine, read_only = make_project(name="Mine"), make_project(name="ReadOnly")
    user = organiser("ed", mine, Role.EDITOR)
    Membership.objects.create(user=user, project=read_only, role=Role.VIEWER)
    client.force_login(user)
    with django_assert_max_num_queries(10):
        body = client.get(url("home")).content.decode()
    assert url("event_new", mine) in body
    assert url("event_new", read_only) not in body
    for n in range(5):
        project = make_project()
        Membership.objects.create(user=user, project=project, role=Role.EDITOR)
        make_event(project=project, slug=f"e{n}")
    with django_assert_max_num_queries(10):
        assert client.get(url("home")).status_code == 200


def test_the_project_page_lists_its_events_and_offers_new_event(client, project):
    event = make_event(project=project)
    client.force_login(organiser("ed", project, Role.EDITOR))
    body = client.get(url("project", project)).content.decode()
    assert url("event_new", project) in body and url("event", event_id=event.pk) in body
    client.force_login(organiser("viewer", project, Role.VIEWER))
    assert url("event_new", project) not in client.get(url("project", project)).content.decode()


# --- Privacy notices from the template ------------------------------------------------------


def notice_post(texts, controller):
    return {**{f"text_{language}": text for language, text in texts.items()},
            "controller": controller.pk}


def test_the_events_privacy_page_starts_from_the_template_for_a_partner(client, project):
    host = make_partner(project, organisation="Kaunas District Municipality", city="Kaunas",
                        country="LT")
    make_partner(project, organisation="Other <Org>")
    event = make_event(project=project, host_partner=host, contact_email="info@kaunas.lt")
    editor = organiser("ed", project, Role.EDITOR)
    client.force_login(editor)
    page = client.get(url("event_privacy", event_id=event.pk)).content.decode()
    assert "Start from the template for Kaunas District Municipality" in page
    assert "Start from the template for Other &lt;Org&gt;" in page
    drafted = client.get(url("event_privacy", event_id=event.pk), {"template": host.pk})
    body = drafted.content.decode()
    assert "Kaunas District Municipality, Kaunas, Lithuania" in body
    assert "info@kaunas.lt" in body and "Article 6(1)(e)" in body
    assert not PrivacyNotice.objects.filter(event=event).exists()  # a draft until saved
    form = drafted.context["form"]
    texts = {language: form.initial["text"][language] + "\nDPO: dpo@kaunas.lt"
             for language in form.initial["text"]}
    response = client.post(url("event_privacy", event_id=event.pk), notice_post(texts, host))
    assert response.status_code == 302
    notice = PrivacyNotice.objects.get(event=event)
    assert notice.controller == host and notice.version == 1
    assert set(notice.text) == {"en", "ro", "lt", "nl", "it", "hr"}
    assert AuditEntry.objects.get(action="privacy_notice.new_version").actor == editor
    # Another partner's id, or nonsense, drafts nothing.
    elsewhere = make_partner(make_project(), organisation="Elsewhere")
    for wanted in (elsewhere.pk, "x"):
        body = client.get(url("event_privacy", event_id=event.pk),
                          {"template": wanted}).content.decode()
        assert "Elsewhere" not in body and "Below is the template" not in body


def test_the_projects_own_notice_from_the_template(client, project, owner):
    controller = make_partner(project, organisation="Municipality of Timișoara",
                              city="Timișoara", country="RO")
    page = client.get(url("project_privacy", project))
    assert "The project has no privacy notice yet" in page.content.decode()
    drafted = client.get(url("project_privacy", project), {"template": controller.pk})
    texts = drafted.context["form"].initial["text"]
    assert "Municipality of Timișoara" in texts["en"] and "Operator." in texts["ro"]
    response = client.post(url("project_privacy", project), notice_post(texts, controller))
    assert response.status_code == 302
    notice = PrivacyNotice.objects.get(project=project, event__isnull=True)
    assert notice.controller == controller and notice.version == 1
    entry = AuditEntry.objects.get(action="privacy_notice.new_version")
    assert entry.actor == owner and entry.project_id == project.pk
    # Saved again unchanged: no new version; changed: version 2.
    client.post(url("project_privacy", project), notice_post(texts, controller))
    assert PrivacyNotice.objects.filter(project=project).count() == 1
    client.post(url("project_privacy", project),
                notice_post({**texts, "en": texts["en"] + " DPO: x@y.ro"}, controller))
    assert PrivacyNotice.objects.filter(project=project).latest("version").version == 2
    # The project's events without a notice of their own show it.
    event = make_event(project=project)
    assert current_privacy_notice(event).version == 2


def test_an_empty_notice_is_refused_and_nothing_stored(client, project, owner):
    response = client.post(url("project_privacy", project), {"controller": ""})
    assert response.status_code == 200 and "form" in response.context
    assert not PrivacyNotice.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_project_page_has_a_query_bound(client, project, owner,
                                            django_assert_max_num_queries):
    make_event(project=project, slug="first")
    with django_assert_max_num_queries(10):
        client.get(url("project", project))
    for n in range(6):
        make_event(project=project, slug=f"more-{n}")
    with django_assert_max_num_queries(10):
        assert client.get(url("project", project)).status_code == 200


def test_the_refusal_says_where_the_partner_is_named(client, project, owner):
    partner = make_partner(project, organisation="Host")
    make_event(project=project, host_partner=partner, title={"en": "Spring <seminar>"})
    response = client.post(url("partner_delete", project, partner_id=partner.pk), CONFIRMED,
                           follow=True)
    body = response.content.decode()
    assert "hosting partner of the event “Spring &lt;seminar&gt;”" in body


def test_a_duplicate_saved_meanwhile_is_refused_in_words_and_nothing_stored(monkeypatch):
    make_project(code="PGI00009", slug="taken")
    creator = superuser()
    # As if another organiser saved the same code between this one's check and save.
    monkeypatch.setattr(Project, "full_clean", lambda self, *args, **kwargs: None)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="Someone has just saved"):
        console_services.create_project(
            Project(name="Late", code="PGI00009", slug="late", programme="Interreg Europe"),
            actor=creator,
        )
    assert not Project.objects.filter(name="Late").exists()
    assert not Membership.objects.filter(user=creator).exists()
    assert AuditEntry.objects.count() == before
