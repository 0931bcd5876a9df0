"""Project members: only owners manage them; a project always keeps an owner."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console import services
from aula.console.models import Membership, Role
from aula.messaging.models import OutboxMessage
from tests.console.confirming import CONFIRMED
from tests.factories import make_project, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return make_project()


@pytest.fixture
def owner(project):
    return organiser("olga", project, Role.OWNER)


def url(name, project, **kwargs):
    return reverse(f"console:{name}", kwargs={"project": project.slug, **kwargs})


def member_urls(project, membership):
    return [
        ("get", url("members", project), {}),
        ("post", url("member_add", project), {"identifier": "x", "role": "viewer"}),
        ("post", url("member_invite", project), {"email": "new@example.org", "role": "viewer"}),
        ("post", url("member_role", project, member_id=membership.pk), {"role": "viewer"}),
        ("post", url("member_remove", project, member_id=membership.pk), CONFIRMED),
    ]


def test_every_members_url_is_refused_to_the_wrong_people(client, project, owner):
    membership = Membership.objects.get(user=owner)
    urls = member_urls(project, membership)
    for method, target, data in urls:
        response = getattr(client, method)(target, data)
        assert response.status_code == 302, target
        assert response["Location"].startswith(reverse("console:login"))
    client.force_login(organiser("stranger", make_project(), Role.OWNER))
    for method, target, data in urls:
        assert getattr(client, method)(target, data).status_code == 404, target
    for role in [Role.VIEWER, Role.EDITOR]:
        client.force_login(organiser(f"low-{role}", project, role))
        for method, target, data in urls:
            assert getattr(client, method)(target, data).status_code == 403, (role, target)
    assert Membership.objects.get(pk=membership.pk).role == Role.OWNER
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_a_membership_of_another_project_is_not_found(client, project, owner):
    other = make_project()
    theirs = Membership.objects.create(user=organiser("tom"), project=other, role=Role.OWNER)
    client.force_login(owner)
    assert client.post(url("member_role", project, member_id=theirs.pk),
                       {"role": "viewer"}).status_code == 404
    assert client.post(url("member_remove", project, member_id=theirs.pk)).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk, role=Role.OWNER).exists()


def test_only_owners_see_the_members_link(client, project, owner):
    client.force_login(owner)
    assert url("members", project) in client.get(url("project", project)).content.decode()
    client.force_login(organiser("ed", project, Role.EDITOR))
    assert url("members", project) not in client.get(url("project", project)).content.decode()


def test_the_list_shows_members_with_roles_and_escapes_names(client, project, owner):
    organiser("<b>eve</b>", project, Role.EDITOR)
    client.force_login(owner)
    page = client.get(url("members", project)).content.decode()
    assert "olga" in page and "&lt;b&gt;eve&lt;/b&gt;" in page and "<b>eve" not in page
    assert 'value="editor" selected' in page


def test_add_an_existing_organiser_by_user_name_or_email(client, project, owner):
    organiser("vic")
    organiser("wes", email="Wes@Example.org")
    client.force_login(owner)
    response = client.post(url("member_add", project), {"identifier": "vic", "role": "editor"})
    assert response["Location"] == url("members", project)
    response = client.post(url("member_add", project), {
        "identifier": "wes@example.org", "role": "viewer",
    })
    assert response["Location"] == url("members", project)
    roles = dict(Membership.objects.filter(project=project).values_list("user__username", "role"))
    assert roles == {"olga": "owner", "vic": "editor", "wes": "viewer"}
    # Again: already a member.
    response = client.post(url("member_add", project), {"identifier": "vic", "role": "owner"})
    assert response.status_code == 400 and "already a member" in response.content.decode()
    response = client.post(url("member_add", project), {"identifier": "nobody", "role": "owner"})
    assert response.status_code == 400 and "Invite them instead" in response.content.decode()


def test_invite_a_new_organiser(client, project, owner):
    client.force_login(owner)
    response = client.post(url("member_invite", project), {
        "email": "nina@example.org", "role": "editor",
    })
    assert response["Location"] == url("members", project)
    nina = get_user_model().objects.get(email="nina@example.org")
    assert not nina.has_usable_password() and nina.is_active
    assert Membership.objects.get(user=nina, project=project).role == Role.EDITOR
    message = OutboxMessage.objects.get()
    assert message.recipient == "nina@example.org" and message.kind == "invitation"
    assert project.name in message.subject
    # The link lets her choose a password and log in.
    client.logout()
    link = re.search(r"http://testserver(/\S+)", message.text_body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {
        "new_password1": "ninas-password-9", "new_password2": "ninas-password-9",
    })
    assert response["Location"] == reverse("console:password_reset_complete")
    response = client.post(reverse("console:login"), {
        "username": "nina@example.org", "password": "ninas-password-9",
    })
    assert response.status_code == 302
    assert client.get(url("project", project)).status_code == 200
    # An address that has an account already is added, not invited.
    client.force_login(owner)
    response = client.post(url("member_invite", project), {
        "email": "NINA@example.org", "role": "viewer",
    })
    assert response.status_code == 400 and "add them instead" in response.content.decode()
    assert OutboxMessage.objects.count() == 1


def test_an_invited_organiser_may_ask_for_a_new_link(client, project, owner):
    client.force_login(owner)
    client.post(url("member_invite", project), {"email": "ivo@example.org", "role": "viewer"})
    client.logout()
    client.post(reverse("console:password_reset"), {"email": "ivo@example.org"})
    assert OutboxMessage.objects.filter(kind="password_reset").count() == 1


def test_change_a_role(client, project, owner):
    vic = organiser("vic", project, Role.VIEWER)
    client.force_login(owner)
    membership = Membership.objects.get(user=vic)
    response = client.post(url("member_role", project, member_id=membership.pk), {"role": "owner"})
    assert response["Location"] == url("members", project)
    membership.refresh_from_db()
    assert membership.role == Role.OWNER
    response = client.post(url("member_role", project, member_id=membership.pk), {"role": "boss"})
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_the_last_owner_can_be_neither_demoted_nor_removed(client, project, owner):
    ed = organiser("ed", project, Role.EDITOR)
    client.force_login(owner)
    mine = Membership.objects.get(user=owner)
    response = client.post(url("member_role", project, member_id=mine.pk), {"role": "editor"},
                           follow=True)
    assert "at least one owner" in response.content.decode()
    response = client.post(url("member_remove", project, member_id=mine.pk), CONFIRMED, follow=True)
    assert "at least one owner" in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == Role.OWNER
    # With a second owner, the first may step down and then leave.
    Membership.objects.filter(user=ed).update(role=Role.OWNER)
    client.post(url("member_role", project, member_id=mine.pk), {"role": "editor"})
    mine.refresh_from_db()
    assert mine.role == Role.EDITOR
    client.force_login(ed)
    theirs = Membership.objects.get(user=ed)
    response = client.post(url("member_remove", project, member_id=theirs.pk), CONFIRMED,
                           follow=True)
    assert "at least one owner" in response.content.decode()
    response = client.post(url("member_remove", project, member_id=mine.pk), CONFIRMED)
    assert response["Location"] == url("members", project)
    assert list(Membership.objects.filter(project=project).values_list("user__username", "role")) \
        == [("ed", "owner")]


def test_an_owner_who_leaves_goes_back_home(client, project, owner):
    organiser("zoe", project, Role.OWNER)
    client.force_login(owner)
    mine = Membership.objects.get(user=owner)
    response = client.post(url("member_remove", project, member_id=mine.pk), CONFIRMED)
    assert response["Location"] == reverse("console:home")
    assert client.get(url("project", project)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(monkeypatch):
    """Real concurrency (a connection per thread): each request checks for another owner,
    then pauses, so without the project lock both would see one and both would step down.
    (SQLite runs the two one after the other anyway; PostgreSQL is where the lock matters.)"""
    project = make_project()
    memberships = [
        Membership.objects.create(user=organiser(name), project=project, role=Role.OWNER)
        for name in ["a1", "a2"]
    ]
    checked = services._other_owners

    def slow_check(*args):
        found = checked(*args)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(services, "_other_owners", slow_check)
    start = threading.Barrier(2)

    def demote(membership):
        try:
            start.wait()
            services.change_role(membership, Role.EDITOR, actor=None)
            return "demoted"
        except ValidationError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(demote, memberships))
    assert outcomes == ["demoted", "refused"]
    assert Membership.objects.filter(project=project, role=Role.OWNER).count() == 1


# --- On the record ---------------------------------------------------------------------------


def entries(project):
    return list(AuditEntry.objects.filter(project_id=project.pk).order_by("id"))


def test_every_membership_change_is_on_the_projects_record(client, project, owner):
    organiser("vic")
    client.force_login(owner)
    client.post(url("member_add", project), {"identifier": "vic", "role": "editor"})
    client.post(url("member_invite", project), {"email": "nina@example.org", "role": "viewer"})
    vic = Membership.objects.get(project=project, user__username="vic")
    client.post(url("member_role", project, member_id=vic.pk), {"role": "owner"})
    client.post(url("member_remove", project, member_id=vic.pk), CONFIRMED)
    added, invited, changed, removed = entries(project)
    assert [e.action for e in (added, invited, changed, removed)] == [
        services.MEMBER_ADDED, services.MEMBER_INVITED, services.MEMBER_ROLE_CHANGED,
        services.MEMBER_REMOVED,
    ]
    assert {e.actor_id for e in (added, invited, changed, removed)} == {owner.pk}
    assert added.target_label == "vic" and added.changes == {"role": [None, "editor"]}
    assert invited.changes == {"role": [None, "viewer"]}
    assert changed.changes == {"role": ["editor", "owner"]}
    assert removed.changes == {"role": ["owner", None]}
    assert removed.target_id == str(vic.pk) and removed.target_type == "console.membership"


def test_a_refused_membership_change_leaves_no_entry(project, owner):
    mine = Membership.objects.get(user=owner)
    with pytest.raises(ValidationError):
        services.change_role(mine, Role.EDITOR, actor=owner)
    with pytest.raises(ValidationError):
        services.remove_member(mine, actor=owner)
    with pytest.raises(ValidationError):
        services.add_member(project, owner, Role.VIEWER, actor=owner)
    organiser("known", email="known@example.org")
    with pytest.raises(ValidationError):
        services.invite_member(project, email="known@example.org", role=Role.VIEWER, actor=owner)
    assert entries(project) == []


def test_choosing_the_same_role_again_records_nothing(project, owner):
    mine = Membership.objects.get(user=owner)
    services.change_role(mine, Role.OWNER, actor=owner)
    assert entries(project) == []


def test_an_invitation_entry_copies_no_address_into_its_details(project, owner):
    services.invite_member(project, email="nina@example.org", role=Role.EDITOR, actor=owner)
    (entry,) = entries(project)
    assert "nina@" not in str(entry.data) and "nina@" not in str(entry.changes)
