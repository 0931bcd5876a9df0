"""The console's webhook pages: owners only, every change an audited action, the delivery log
with a bounded number of queries, replay with the same id."""

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.webhooks import services
from aula.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage
from tests.console.confirming import CONFIRMED
from tests.factories import make_project, organiser
from tests.webhooks.factories import make_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return make_project()


@pytest.fixture
def owner(client, project):
    user = organiser("owner", project, Role.OWNER)
    client.force_login(user)
    return user


def url(name, project, **kwargs):
    return reverse(f"console:{name}", kwargs={"project": project.slug, **kwargs})


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_the_project_page_links_to_webhooks_for_owners(client, project, owner):
    page = client.get(reverse("console:project", kwargs={"project": project.slug}))
    assert url("webhooks", project) in page.content.decode()


def test_adding_a_webhook(client, project, owner):
    response = client.post(url("webhook_new", project), {
        "url": "https://crm.example.org/aula", "description": "Our CRM",
        "event_types": ["registration.created", "registration.cancelled"],
        "personal_data": "on",
    })
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("webhook", project, endpoint_id=endpoint.pk)
    assert endpoint.event_types == ["registration.created", "registration.cancelled"]
    assert endpoint.personal_data and endpoint.created_by == owner
    assert endpoint.secret.startswith("whsec_")
    entry = AuditEntry.objects.get()
    assert entry.action == "webhook.subscribed" and entry.actor == owner
    assert entry.project_id == project.pk
    page = client.get(response["Location"]).content.decode()
    assert endpoint.secret in page


def test_a_bad_url_is_refused_with_a_message(client, project, owner, settings):
    settings.AULA_WEBHOOKS_ALLOW_PRIVATE = False
    for bad in ("http://crm.example.org/", "https://192.168.1.10/hook", "not a url"):
        response = client.post(url("webhook_new", project), {
            "url": bad, "event_types": ["registration.created"]})
        assert response.status_code == 400
        assert "public addresses" in response.content.decode() or (
            "https://" in response.content.decode())
    response = client.post(url("webhook_new", project), {"url": "https://example.org/"})
    assert response.status_code == 400  # no event chosen
    assert not WebhookEndpoint.objects.exists() and not AuditEntry.objects.exists()


def test_changing_switching_rotating_testing(client, project, owner):
    endpoint = make_endpoint(project, "https://a.example.org/", event_types=["event.changed"])
    response = client.post(url("webhook", project, endpoint_id=endpoint.pk), {
        "url": "https://b.example.org/", "event_types": ["event.changed", "event.cancelled"],
    })
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url == "https://b.example.org/"
    assert endpoint.event_types == ["event.changed", "event.cancelled"]
    client.post(url("webhook_switch", project, endpoint_id=endpoint.pk),
                {"active": "0", "reason": "CRM moving"})
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_reason == "CRM moving"
    # Off: a test is refused.
    client.post(url("webhook_test", project, endpoint_id=endpoint.pk))
    assert not WebhookMessage.objects.exists()
    client.post(url("webhook_switch", project, endpoint_id=endpoint.pk), {"active": "1"})
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.disabled_reason == ""
    old_secret = endpoint.secret
    client.post(url("webhook_rotate", project, endpoint_id=endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret and endpoint.secret.startswith("whsec_")
    client.post(url("webhook_test", project, endpoint_id=endpoint.pk))
    (message,) = WebhookMessage.objects.all()
    assert message.event_type == "webhook.test"
    assert actions() == ["webhook.changed", "webhook.changed", "webhook.changed",
                         "webhook.secret_rotated", "webhook.tested"]


def test_deleting_asks_first(client, project, owner):
    endpoint = make_endpoint(project)
    target = url("webhook_delete", project, endpoint_id=endpoint.pk)
    asking = client.post(target)
    assert asking.status_code == 200 and endpoint.url in asking.content.decode()
    assert WebhookEndpoint.objects.exists()
    assert client.post(target, CONFIRMED).status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert actions() == ["webhook.deleted"]


def _delivered(endpoint, n=1):
    messages = []
    for i in range(n):
        message = WebhookMessage.objects.create(
            endpoint=endpoint, event_type="registration.created", data={"i": i},
            status=WebhookMessage.Status.DELIVERED, attempts=2)
        WebhookAttempt.objects.create(message=message, http_status=503, error="HTTP 503",
                                      response_excerpt="<b>down</b>")
        WebhookAttempt.objects.create(message=message, http_status=200)
        messages.append(message)
    return messages


def test_replay_sends_the_same_id_again(client, project, owner):
    endpoint = make_endpoint(project)
    (message,) = _delivered(endpoint)
    response = client.post(url("webhook_replay", project, endpoint_id=endpoint.pk,
                               message_id=message.pk))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == WebhookMessage.Status.PENDING and message.attempts == 0
    assert WebhookMessage.objects.count() == 1  # the same message, the same webhook-id
    assert WebhookAttempt.objects.count() == 2  # the log keeps the earlier attempts
    assert actions() == ["webhook.replayed"]
    # Still pending: a second replay is refused.
    client.post(url("webhook_replay", project, endpoint_id=endpoint.pk, message_id=message.pk))
    assert actions() == ["webhook.replayed"]


def test_replay_of_another_endpoints_message_is_not_found(client, project, owner):
    endpoint = make_endpoint(project)
    (foreign,) = _delivered(make_endpoint(make_project()))
    response = client.post(url("webhook_replay", project, endpoint_id=endpoint.pk,
                               message_id=foreign.pk))
    assert response.status_code == 404


def test_the_log_page_has_a_bounded_number_of_queries(client, project, owner,
                                                      django_assert_max_num_queries):
    endpoint = make_endpoint(project)
    _delivered(endpoint, 3)
    with django_assert_max_num_queries(20) as few:
        client.get(url("webhook", project, endpoint_id=endpoint.pk))
    _delivered(endpoint, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("webhook", project, endpoint_id=endpoint.pk))
    content = page.content.decode()
    assert content.count("HTTP 503") == 20  # a page of 20 messages
    assert "&lt;b&gt;down&lt;/b&gt;" in content  # the receiver's answer, escaped
    assert "?page=2" in content
    with django_assert_max_num_queries(len(few.captured_queries)):
        listing = client.get(url("webhooks", project))
    assert endpoint.url in listing.content.decode()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_editors_and_viewers_are_refused(client, project, role):
    endpoint = make_endpoint(project)
    (message,) = _delivered(endpoint)
    client.force_login(organiser(f"not-owner-{role}", project, role))
    assert client.get(url("webhooks", project)).status_code == 403
    assert client.get(url("webhook", project, endpoint_id=endpoint.pk)).status_code == 403
    for name, kwargs in [("webhook_rotate", {}), ("webhook_test", {}), ("webhook_delete", {}),
                         ("webhook_replay", {"message_id": message.pk})]:
        response = client.post(url(name, project, endpoint_id=endpoint.pk, **kwargs), CONFIRMED)
        assert response.status_code == 403, name
    assert not AuditEntry.objects.exists()
    assert services.EVENT_TYPES  # (the module is importable without a request)
