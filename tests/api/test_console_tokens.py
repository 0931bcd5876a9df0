"""The console's API token page: owners make (secret shown once) and revoke (asked first);
editors and viewers are refused; the audit log names API tokens."""

import re

import pytest
from django.db import transaction

from aula.api import services
from aula.api.models import PERSONAL, READ, ApiToken
from aula.audit import services as audit
from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.console.permissions import may_manage_api_tokens
from tests.console.confirming import CONFIRMED
from tests.factories import make_project, organiser

pytestmark = pytest.mark.django_db


def page(api_project):
    return f"/en/console/p/{api_project.slug}/api-tokens/"


def test_an_owner_makes_a_token_and_sees_its_secret_once(client, api_project, api_owner,
                                                          django_assert_max_num_queries):
    client.force_login(api_owner)
    response = client.post(page(api_project), {"name": "CRM sync", "scopes": [READ, PERSONAL]})
    assert response.status_code == 200
    html = response.content.decode()
    secret = re.search(r'value="(aula_[0-9a-f]+_[^"]+)"', html).group(1)
    token = ApiToken.objects.get()
    assert token.scopes == [PERSONAL, READ] and token.created_by == api_owner
    assert f"curl -H &quot;Authorization: Bearer {secret}&quot;" in html or \
        f'curl -H "Authorization: Bearer {secret}"' in html
    assert "no-store" in response["Cache-Control"]
    # It works, and the list never shows it again.
    assert client.get("/api/v1/token", headers={"Authorization": f"Bearer {secret}"}) \
        .status_code == 200
    with django_assert_max_num_queries(12):
        listed = client.get(page(api_project)).content.decode()
    assert secret.split("_", 2)[2] not in listed
    assert token.prefix in listed and "CRM sync" in listed
    assert AuditEntry.objects.filter(action=services.TOKEN_CREATED, actor=api_owner).exists()


def test_a_token_without_scopes_is_refused(client, api_project, api_owner):
    client.force_login(api_owner)
    response = client.post(page(api_project), {"name": "CRM"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_asks_first(client, api_project, api_owner, api_token):
    token, _header = api_token()
    client.force_login(api_owner)
    revoke = f"{page(api_project)}{token.pk}/revoke/"
    asked = client.post(revoke)
    assert asked.status_code == 200 and token.name in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(revoke, CONFIRMED)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in client.get(page(api_project)).content.decode()


def test_another_projects_token_is_not_found(client, api_project, api_owner):
    other = make_project(slug="other")
    token, _secret = services.create_token(None, other, "Theirs", [READ])
    client.force_login(api_owner)
    assert client.post(f"{page(api_project)}{token.pk}/revoke/", CONFIRMED).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_editors_and_viewers_are_refused(client, api_project, api_token, role):
    token, _header = api_token()
    member = organiser(project=api_project, role=role)
    assert not may_manage_api_tokens(member, api_project)
    client.force_login(member)
    assert client.get(page(api_project)).status_code == 403
    assert client.post(page(api_project), {"name": "X", "scopes": [READ]}).status_code == 403
    assert client.post(f"{page(api_project)}{token.pk}/revoke/", CONFIRMED).status_code == 403
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None
    project_page = client.get(f"/en/console/p/{api_project.slug}/").content.decode()
    assert "api-tokens" not in project_page


def test_the_project_page_links_it_for_owners(client, api_project, api_owner):
    assert may_manage_api_tokens(api_owner, api_project)
    client.force_login(api_owner)
    assert page(api_project) in client.get(f"/en/console/p/{api_project.slug}/").content.decode()


def test_the_audit_log_shows_api_actions_as_the_token(client, api_project, api_owner, api_token):
    token, _header = api_token(name="Partner website")
    with transaction.atomic():
        audit.record(None, "project.changed", api_project, via=token.via)
    client.force_login(api_owner)
    html = client.get(f"/en/console/p/{api_project.slug}/log/").content.decode()
    assert "API token «Partner website»" in html
