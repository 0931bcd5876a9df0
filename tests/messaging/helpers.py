from django.db import transaction

from aula.messaging import services


def queue_many(count, *, attachments=(), prefix="person", **fields):
    """``count`` committed messages (in one transaction, like a bulk reminder job)."""
    values = {"subject": "Hello", "text": "Body", "kind": "test", "language": "en", **fields}
    with transaction.atomic():
        return [
            services.queue_email(to=f"{prefix}{i}@example.org", attachments=attachments, **values)
            for i in range(count)
        ]
