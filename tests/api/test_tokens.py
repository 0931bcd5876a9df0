"""ApiToken, its services (on the record) and token authentication."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from aula.api import services
from aula.api.auth import find_token, parse_token
from aula.api.models import PERSONAL, READ, WRITE, ApiToken, token_id_of_via, via
from aula.audit.models import AuditEntry
from aula.core.errors import ActionRefused
from tests.api.conftest import bearer
from tests.factories import make_project

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_hashed(api_project, api_owner):
    token, secret = services.create_token(api_owner, api_project, "CRM sync", [WRITE, READ])
    assert parse_token(secret) == (token.prefix, secret.split("_", 2)[2])
    assert secret.startswith(f"aula_{token.prefix}_")
    plain = secret.split("_", 2)[2]
    assert len(plain) >= 40  # 32 random bytes
    token.refresh_from_db()
    assert token.secret_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.scopes == [READ, WRITE]
    assert token.created_by == api_owner
    entry = AuditEntry.objects.get(action=services.TOKEN_CREATED)
    assert (entry.actor, entry.project_id, entry.target_id) == (
        api_owner, api_project.pk, str(token.pk))
    assert entry.data["scopes"] == [READ, WRITE]
    assert plain not in str(entry.data) and plain not in entry.target_label


@pytest.mark.parametrize("name, scopes, expires", [
    ("", [READ], None),
    ("x" * 101, [READ], None),
    ("CRM", [], None),
    ("CRM", ["admin"], None),
    ("CRM", [READ], "past"),
])
def test_a_bad_token_request_is_refused_and_stores_nothing(api_project, api_owner, name, scopes,
                                                          expires):
    expires_at = timezone.now() - timedelta(minutes=1) if expires == "past" else None
    with pytest.raises(ActionRefused):
        services.create_token(api_owner, api_project, name, scopes, expires_at)
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action=services.TOKEN_CREATED).exists()


def test_revoking_is_on_the_record_and_only_once(api_token, api_owner):
    token, _header = api_token()
    services.revoke_token(api_owner, token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action=services.TOKEN_REVOKED)
    assert (entry.actor, entry.target_id) == (api_owner, str(token.pk))
    with pytest.raises(ActionRefused):
        services.revoke_token(api_owner, token)
    assert AuditEntry.objects.filter(action=services.TOKEN_REVOKED).count() == 1


def test_the_via_of_a_token(api_token):
    token, _header = api_token()
    assert via(token) == token.via == f"api-token:{token.pk}"
    assert token_id_of_via(token.via) == token.pk
    assert token_id_of_via("console") is None


def test_a_valid_token_opens_the_token_route(api_client, api_token, api_project):
    token, header = api_token(scopes=(READ, PERSONAL))
    response = api_client.get("/api/v1/token", headers=header)
    assert response.status_code == 200
    body = response.json()
    assert body["project"] == api_project.slug
    assert body["prefix"] == token.prefix
    assert body["scopes"] == [PERSONAL, READ]
    assert response["Cache-Control"].count("no-store") == 1


@pytest.mark.parametrize("header", [
    None,
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer nonsense"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer aula_deadbeef_wrongsecret"},
])
def test_no_valid_token_is_401_problem(api_client, api_token, header):
    api_token()
    response = api_client.get("/api/v1/token", headers=header or {})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


def test_a_wrong_secret_with_a_real_prefix_is_refused(api_client, api_token):
    token, header = api_token()
    forged = {"Authorization": f"Bearer aula_{token.prefix}_{'A' * 43}"}
    assert api_client.get("/api/v1/token", headers=forged).status_code == 401
    assert api_client.get("/api/v1/token", headers=header).status_code == 200


def test_a_revoked_token_is_refused(api_client, api_token, api_owner):
    token, header = api_token()
    services.revoke_token(api_owner, token)
    assert api_client.get("/api/v1/token", headers=header).status_code == 401


def test_an_expired_token_is_refused(api_client, api_token):
    token, header = api_token(expires_at=timezone.now() + timedelta(hours=1))
    assert api_client.get("/api/v1/token", headers=header).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert api_client.get("/api/v1/token", headers=header).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(api_client, api_token,
                                                     django_assert_num_queries):
    token, header = api_token()
    assert token.last_used_at is None
    api_client.get("/api/v1/token", headers=header)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the token (and its project) only: no UPDATE
        api_client.get("/api/v1/token", headers=header)
    token.refresh_from_db()
    assert token.last_used_at == first
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        api_client.get("/api/v1/token", headers=header)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_find_token_needs_the_exact_form(api_token):
    token, header = api_token()
    secret = header["Authorization"].split(" ", 1)[1]
    assert find_token(secret) == token
    assert find_token(secret.replace("aula_", "alua_", 1)) is None
    assert find_token(secret + "x") is None


def test_a_token_acts_on_its_own_project_only(rf, api_token, api_event):
    from aula.api.auth import token_project_event
    from aula.api.errors import ApiProblem
    from tests.factories import make_event

    token, _header = api_token()
    other = make_event(make_project())
    request = rf.get("/")
    request.auth = token
    assert token_project_event(request, api_event.pk) == api_event
    with pytest.raises(ApiProblem) as refused:
        token_project_event(request, other.pk)
    assert refused.value.status == 404


def test_require_scope(rf, api_token):
    from aula.api.auth import require_scope
    from aula.api.errors import ApiProblem

    token, _header = api_token(scopes=(READ,))
    request = rf.get("/")
    request.auth = token
    assert require_scope(request, READ) == token
    for scope in (WRITE, PERSONAL):
        with pytest.raises(ApiProblem) as refused:
            require_scope(request, scope)
        assert refused.value.status == 403
    anonymous = rf.get("/")
    with pytest.raises(ApiProblem) as refused:
        require_scope(anonymous, READ)
    assert refused.value.status == 401


def test_bearer_helper():
    assert bearer("aula_x_y") == {"Authorization": "Bearer aula_x_y"}
