"""Background tasks of the outbox; the rules are in ``services`` and ``periodic``."""

from django_tasks import task

from aula.messaging import periodic, services


@task()
def deliver_outbox() -> dict:
    """Send the due e-mails; enqueued after a transaction that queued one, unless another
    delivery is still waiting to start."""
    services.delivery_started()
    return services.deliver_due().as_dict()


@task()
def tick() -> dict:
    """The scheduler's periodic task: outbox retries first, then every registered job."""
    delivery = services.deliver_due().as_dict()
    return {"delivery": delivery, "jobs": periodic.run_all()}
