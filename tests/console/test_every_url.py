"""Every console URL, found from the URL configuration itself (so a new page cannot be forgotten):
an anonymous visitor is sent to the login page, another project's editor finds nothing, and a
viewer may read but every change is refused."""

import re

import pytest
from django.apps import apps
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aula.console.models import Role
from tests.factories import make_event, make_project, organiser

pytestmark = pytest.mark.django_db

# Pages of one's own account, not of a project: any logged-in organiser reaches them.
ACCOUNT_PAGES = {
    "home", "login", "logout", "two_factor_login", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "account", "two_factor_setup",
    "two_factor_disable", "recovery_codes",
}
# Pages of no project yet: creating one (permissions.may_create_project decides).
CREATION_PAGES = {"project_new"}


def console_patterns(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from console_patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace == "console":
            yield pattern


def url_of(pattern, event):
    kwargs = {}
    for name in re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)):
        if name == "event_id":
            kwargs[name] = event.pk
        elif name == "project":
            kwargs[name] = event.project.slug
        elif name == "fmt":
            kwargs[name] = "csv"
        else:
            kwargs[name] = 1  # whatever the object: the event's project is checked first
    return reverse(f"console:{pattern.name}", kwargs=kwargs)


@pytest.fixture
def project_pages():
    event = make_event(project=make_project())
    pages = [
        (pattern.name, url_of(pattern, event))
        for pattern in console_patterns()
        if pattern.name not in ACCOUNT_PAGES | CREATION_PAGES
    ]
    assert len(pages) > 60  # the whole console, not a handful
    return event, pages


def test_anonymous_visitors_are_sent_to_the_login_page(client, project_pages):
    _event, pages = project_pages
    for name, url in pages:
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code == 405:  # a read-only page refuses POST before the login
                continue
            assert response.status_code == 302, (name, method.__name__)
            assert "/console/login/" in response["Location"], name


def test_another_projects_editor_finds_nothing(client, project_pages):
    _event, pages = project_pages
    client.force_login(organiser("elsewhere", make_project(), Role.EDITOR))
    for name, url in pages:
        for method in (client.get, client.post):
            assert method(url).status_code in (404, 405), (name, method.__name__)


def snapshot() -> str:
    """Every row of Aula's own tables, serialised: equal snapshots mean nothing changed."""
    models = [m for m in apps.get_models() if m.__module__.startswith("aula.")]
    return serializers.serialize("json", [obj for m in models for obj in m.objects.all()])


def test_a_viewer_changes_nothing(client, project_pages):
    event, pages = project_pages
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    before = snapshot()
    for name, url in pages:
        response = client.post(url, {"confirm": "1"})
        # Refused, or a page that only reads (and ignores what was posted).
        assert response.status_code in (200, 403, 404, 405), name
    assert snapshot() == before


# Pages for the project's owners only: an editor or a viewer of the project is refused them.
OWNER_PAGES = {
    "members", "member_add", "member_invite", "member_role", "member_remove", "member_two_factor",
    "audit_project", "audit_project_export", "audit_event", "audit_event_export", "retention",
    "project_edit", "partner_new", "partner_edit", "partner_up", "partner_down",
    "partner_delete", "project_privacy", "api_tokens", "api_token_revoke",
    "webhooks", "webhook_new", "webhook", "webhook_switch", "webhook_rotate", "webhook_test",
    "webhook_delete", "webhook_replay",
}


def test_owner_pages_are_refused_to_editors_and_viewers(client, project_pages):
    event, pages = project_pages
    owner_pages = [(name, url) for name, url in pages if name in OWNER_PAGES]
    assert {name for name, _url in owner_pages} == OWNER_PAGES
    for role in (Role.EDITOR, Role.VIEWER):
        client.force_login(organiser(f"not-owner-{role}", event.project, role))
        for name, url in owner_pages:
            for method in (client.get, client.post):
                assert method(url).status_code in (403, 405), (role, name, method.__name__)
    client.force_login(organiser("owner", event.project, Role.OWNER))
    for name, url in owner_pages:
        if name.startswith("audit_") or name in ("retention", "project_edit", "partner_new",
                                                     "project_privacy", "api_tokens", "webhooks",
                                                     "webhook_new"):
            assert client.get(url).status_code == 200, name


def test_creating_a_project_is_refused_to_organisers_without_the_permission(client):
    pages = [url_of(pattern, None) for pattern in console_patterns()
             if pattern.name in CREATION_PAGES]
    assert len(pages) == len(CREATION_PAGES)
    for page in pages:
        assert "/console/login/" in client.get(page)["Location"]
    client.force_login(organiser("an-owner", make_project(), Role.OWNER))
    before = snapshot()
    for page in pages:
        assert client.get(page).status_code == 403
        assert client.post(page, {"name": "X", "code": "X", "slug": "x"}).status_code == 403
    assert snapshot() == before
