"""Console access: an organiser sees only their projects; roles rank viewer < editor < owner."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from aula.console.models import Role
from aula.console.permissions import allows, event_for, project_for
from tests.factories import make_event, make_project, organiser

pytestmark = pytest.mark.django_db


def test_roles_rank():
    assert allows(Role.OWNER, Role.EDITOR) and allows(Role.EDITOR, Role.VIEWER)
    assert not allows(Role.VIEWER, Role.EDITOR) and not allows(None, Role.VIEWER)


def test_another_projects_organiser_does_not_see_it():
    mine, theirs = make_project(), make_project()
    user = organiser("ana", mine, Role.OWNER)
    event = make_event(project=theirs)
    with pytest.raises(Http404):
        project_for(user, theirs.slug)
    with pytest.raises(Http404):
        event_for(user, event.pk)


def test_viewer_is_refused_an_editors_action():
    project = make_project()
    user = organiser("vio", project, Role.VIEWER)
    assert project_for(user, project.slug)[1] == Role.VIEWER
    with pytest.raises(PermissionDenied):
        project_for(user, project.slug, Role.EDITOR)


def test_console_pages_need_a_login_and_a_membership(client):
    project = make_project()
    event = make_event(project=project)
    urls = [
        reverse("console:home"),
        reverse("console:project", kwargs={"project": project.slug}),
        reverse("console:event", kwargs={"event_id": event.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(organiser("stranger"))
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 404
    assert client.get(urls[2]).status_code == 404
    client.force_login(organiser("member", project, Role.VIEWER))
    for url in urls:
        assert client.get(url).status_code == 200


def test_console_shows_event_times_in_the_event_zone(client):
    from datetime import UTC, datetime

    project = make_project()
    event = make_event(
        project=project, time_zone="Europe/Vilnius",
        starts_at=datetime(2021, 6, 10, 7, 0, tzinfo=UTC),
        ends_at=datetime(2021, 6, 10, 10, 0, tzinfo=UTC),
    )
    client.force_login(organiser("owner", project, Role.OWNER))
    for url in (reverse("console:home"), reverse("console:event", kwargs={"event_id": event.pk})):
        html = client.get(url).content.decode()
        assert "10:00" in html and "07:00" not in html, url
