"""Builders for webhook tests."""

from aula.webhooks import services
from aula.webhooks.models import WebhookEndpoint


def make_endpoint(project, url="https://hooks.example.org/aula", *, event_types=None,
                  **fields) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(
        project=project, url=url,
        event_types=list(event_types or services.EVENT_TYPES), **fields,
    )
    return endpoint
