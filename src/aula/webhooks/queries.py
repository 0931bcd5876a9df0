"""Reads of the webhooks for the console: a bounded number of queries per page."""

from django.db.models import Count, Max, Prefetch, Q

from aula.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage

Status = WebhookMessage.Status


def endpoints_of(project_id: int):
    """The project's endpoints with their messages counted by status (one query)."""
    return (
        WebhookEndpoint.objects.filter(project_id=project_id)
        .annotate(
            pending=Count("messages", filter=Q(messages__status__in=[
                Status.PENDING, Status.SENDING])),
            delivered=Count("messages", filter=Q(messages__status=Status.DELIVERED)),
            failed=Count("messages", filter=Q(messages__status=Status.FAILED)),
            last_message_at=Max("messages__created_at"),
        )
        .order_by("id")
    )


def delivery_log(endpoint: WebhookEndpoint):
    """The endpoint's messages, newest first, each with its attempts (paginate it: a page
    costs a count, the page and one query for all its attempts)."""
    return (
        WebhookMessage.objects.filter(endpoint=endpoint)
        .order_by("-created_at", "-id")
        .prefetch_related(Prefetch(
            "attempt_log", queryset=WebhookAttempt.objects.order_by("-at", "-id")))
    )
