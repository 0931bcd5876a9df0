"""Background task of messages to registrants; the rules are in ``services``."""

from django_tasks import task

from aula.campaigns import services


@task()
def queue_campaign(campaign_id: int) -> int:
    """Write a campaign's e-mails into the outbox (``services.send`` enqueues it)."""
    return services.queue_all(campaign_id)
