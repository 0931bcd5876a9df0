"""Background task of the webhooks; the rules are in ``services``."""

from django_tasks import task

from aula.webhooks import services


@task()
def deliver_webhooks() -> dict:
    """Deliver the due webhook messages; enqueued after a transaction that wrote one, unless
    another delivery is still waiting to start. The scheduler's tick retries the rest."""
    services.delivery_started()
    return services.deliver_due().as_dict()
