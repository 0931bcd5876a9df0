"""Writing e-mails into the outbox and delivering them.

Every e-mail is first an ``OutboxMessage`` row written inside the transaction of the change that
causes it, so an e-mail exists exactly when that change committed. Delivery runs afterwards in
the task worker: it claims due messages, sends them over one mail connection and marks each one
sent in its own short transaction, retrying failures with exponential backoff.

A row may be written "to render" (``OutgoingEmail.to_render``): a renderer an app registered
(``register_renderer``) and its arguments instead of the subject and bodies. The delivery worker
renders it from stored state just before the first send and stores the result on the row, so
retries, the mail viewer and retention see it like any other. This keeps templates and calendar
files out of the request that wrote the row (a registration: bench/README.md).
"""

import functools
import logging
import os
import random
import re
import smtplib
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Q, prefetch_related_objects
from django.template import Context, TemplateDoesNotExist
from django.template import Template as DjangoTemplate
from django.template.loader import get_template
from django.utils import timezone, translation

from aula.messaging import queries
from aula.messaging.models import OutboxAttachment, OutboxMessage

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 8
# A claim runs out this long after it was taken or last renewed: a crashed worker's messages
# are taken over by another after at most about a minute. A live worker renews the claim of
# the messages it still holds every third of it (see ``_deliver_batch``), so a long batch stays
# its own. Keep it above twice EMAIL_TIMEOUT (30 s): one send that hangs must not outlast it.
DEFAULT_LEASE_SECONDS = 60
DEFAULT_BATCH_SIZE = 100
# One delivery run stops claiming new batches after this long, so a tick never occupies a worker
# indefinitely; the next tick carries on.
DEFAULT_MAX_SECONDS = 60
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600

SUBJECT_MAX_LENGTH = OutboxMessage._meta.get_field("subject").max_length
ERROR_MAX_LENGTH = OutboxMessage._meta.get_field("last_error").max_length
FILENAME_MAX_LENGTH = OutboxAttachment._meta.get_field("filename").max_length
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MIMETYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def max_attempts() -> int:
    return getattr(settings, "AULA_MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)


def lease_seconds() -> int:
    return getattr(settings, "AULA_MAIL_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)


def renew_seconds() -> float:
    """How often a delivery run renews the claim of the messages it still holds."""
    return lease_seconds() / 3


# --- Queueing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes  # text is accepted too and stored as UTF-8
    mimetype: str = "application/octet-stream"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class OutgoingEmail:
    """One e-mail to write into the outbox: ``queue_email``'s arguments, for ``queue_emails``."""

    to: str
    subject: str
    text: str
    kind: str
    language: str
    html: str = ""
    attachments: Iterable[Attachment] = ()
    event: object = None
    registration_id: int | None = None
    send_after: datetime | None = None
    reply_to: str = ""
    # A message to many: at most one e-mail per (campaign_id, registration_id) is ever written.
    campaign_id: int | None = None
    # Rendered by the delivery worker: {"renderer": <registered name>, ...its arguments (JSON)};
    # subject, text, html and attachments are then left empty.
    to_render: dict | None = None


@dataclass(frozen=True)
class Rendered:
    """What a renderer returns for a row written "to render"."""

    subject: str
    text: str
    html: str = ""
    attachments: tuple = ()


# name → function(message) -> Rendered, registered by the apps that write such rows (in their
# AppConfig.ready; messaging imports no app above it). A renderer raises ValueError when the
# e-mail can never be rendered (what it is about is gone): the message fails for good.
_renderers: dict[str, Callable[[OutboxMessage], Rendered]] = {}


def register_renderer(name: str, func: Callable[[OutboxMessage], Rendered]) -> None:
    _renderers[name] = func


def render_later() -> bool:
    """Whether e-mails that can be are written "to render" by the delivery worker (the
    default) rather than rendered in the transaction that writes them."""
    return settings.AULA_RENDER_EMAILS_IN_WORKER


def render_pending(message: OutboxMessage, lease: datetime | None = None) -> None:
    """Render a message written "to render" and store the result on its row (and on
    ``message``), in a short transaction of its own. ``lease``: the claim it is rendered under
    (nothing is stored once that ran out); None renders it wherever it is (the mail viewer)."""
    spec = message.to_render
    if not spec:
        return
    renderer = _renderers.get(spec.get("renderer"))
    if renderer is None:
        raise ValueError(f"No renderer {spec.get('renderer')!r} for outbox message {message.pk}.")
    rendered = renderer(message)
    subject = one_line(rendered.subject)[:SUBJECT_MAX_LENGTH]
    rows = [_attachment_row(attachment) for attachment in rendered.attachments]
    with transaction.atomic():
        target = OutboxMessage.objects.filter(pk=message.pk, to_render__isnull=False)
        if lease is not None:
            target = target.filter(status=OutboxMessage.Status.SENDING, lease_expires_at=lease)
        if target.update(subject=subject, text_body=rendered.text, html_body=rendered.html,
                         to_render=None):
            for row in rows:
                row.message = message
            OutboxAttachment.objects.bulk_create(rows)
    message.subject, message.text_body, message.html_body = subject, rendered.text, rendered.html
    message.to_render = None
    # The attachments prefetched with the claim were none: read them again when built.
    getattr(message, "_prefetched_objects_cache", {}).pop("attachments", None)


def queue_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    attachments: Iterable[Attachment] = (),
    kind: str,
    language: str,
    event=None,
    registration_id: int | None = None,
    send_after: datetime | None = None,
    reply_to: str = "",
) -> OutboxMessage:
    """Write one e-mail (and its attachments) into the outbox.

    Call it inside the transaction of the change that causes the e-mail: the row commits or rolls
    back with that change, and delivery is enqueued only once it has committed. ``send_after``
    holds the message back until then. Raises ``ValidationError`` for an invalid address.
    """
    (message,) = queue_emails([OutgoingEmail(
        to=to, subject=subject, text=text, html=html, attachments=attachments, kind=kind,
        language=language, event=event, registration_id=registration_id,
        send_after=send_after, reply_to=reply_to,
    )])
    return message


def queue_emails(emails: Iterable[OutgoingEmail]) -> list[OutboxMessage]:
    """Write several e-mails into the outbox as ``queue_email`` does, in two statements however
    many there are (a reminder to every registrant of an event). Every address is checked
    before anything is written: one invalid address writes none of them."""
    now = timezone.now()
    built = [_outbox_rows(email, now) for email in emails]
    messages = [message for message, _rows in built]
    if not messages:
        return []
    # savepoint=False: inside the caller's transaction a failure here must fail that whole
    # transaction, never leave the change committed without its e-mail.
    with transaction.atomic(savepoint=False):
        if transaction.get_connection().features.can_return_rows_from_bulk_insert:
            OutboxMessage.objects.bulk_create(messages)
        else:
            for message in messages:  # the attachments need the messages' ids
                message.save(force_insert=True)
        attachments = []
        for message, rows in built:
            for row in rows:
                row.message = message
                attachments.append(row)
        OutboxAttachment.objects.bulk_create(attachments)
    _schedule(messages, now)
    return messages


def new_outbox_message(email: OutgoingEmail) -> OutboxMessage:
    """The outbox row of ``email`` (which has no attachments), checked as ``queue_emails``
    checks it and unsaved: for a caller that writes it in the statement of the change it
    reports (``registrations.services.sql.insert_registration``) and then calls
    ``outbox_written``. ``ValidationError`` for an invalid address."""
    if email.attachments:
        raise ValueError("new_outbox_message writes no attachments: use queue_emails.")
    message, _rows = _outbox_rows(email, timezone.now())
    return message


def outbox_written(messages: Iterable[OutboxMessage]) -> None:
    """Delivery of rows made by ``new_outbox_message`` and written by their caller, inside the
    caller's transaction (enqueued once it commits), as ``queue_emails`` schedules its own."""
    _schedule(list(messages), timezone.now())


def _schedule(messages: list[OutboxMessage], now: datetime) -> None:
    for run_after in sorted({m.next_attempt_at for m in messages if m.next_attempt_at > now}):
        _schedule_delivery(run_after)
    if any(message.next_attempt_at <= now for message in messages):
        _schedule_delivery()


def _outbox_rows(email: OutgoingEmail, now: datetime):
    """The message and attachment rows of ``email``, unsaved; ``ValidationError`` for an
    invalid address."""
    validate_email(email.to)
    if email.reply_to:
        validate_email(email.reply_to)
    send_after = email.send_after
    message = OutboxMessage(
        recipient=email.to,
        reply_to=email.reply_to,
        subject=one_line(email.subject)[:SUBJECT_MAX_LENGTH],
        text_body=email.text,
        html_body=email.html,
        kind=email.kind,
        language=email.language,
        event=email.event,
        registration_id=email.registration_id,
        campaign_id=email.campaign_id,
        to_render=email.to_render,
        message_id=new_message_id(),
        next_attempt_at=max(send_after, now) if send_after else now,
        created_at=now,
    )
    return message, [_attachment_row(attachment) for attachment in email.attachments]


def queue_templated_email(
    *,
    template: str,
    context: Mapping,
    to: str,
    language: str,
    kind: str,
    attachments: Iterable[Attachment] = (),
    event=None,
    registration_id: int | None = None,
    send_after: datetime | None = None,
    reply_to: str = "",
) -> OutboxMessage:
    """Render ``<template>_subject.txt``, ``<template>.txt`` and (when it exists)
    ``<template>.html`` in ``language`` and queue the result like ``queue_email``."""
    rendered = render_email(template, context, language)
    return queue_email(
        to=to, subject=rendered.subject, text=rendered.text, html=rendered.html,
        attachments=attachments, kind=kind, language=language, event=event,
        registration_id=registration_id, send_after=send_after, reply_to=reply_to,
    )


def render_email(template: str, context: Mapping, language: str) -> RenderedEmail:
    """The subject (one line), text and HTML of an e-mail, rendered in ``language``.

    The text templates are rendered without autoescaping (they are not HTML, and "O'Brien" must
    stay "O'Brien"); the HTML template with it, so values users typed are escaped.
    """
    context = {"AULA_BASE_URL": settings.AULA_BASE_URL, "language": language, **context}
    with translation.override(language):
        subject = one_line(_render_plain(f"{template}_subject.txt", context))
        text = _render_plain(f"{template}.txt", context)
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:
            html = ""
        else:
            html = html_template.render(dict(context))
    return RenderedEmail(subject=subject, text=_tidy_text(text), html=html)


def one_line(value: str) -> str:
    return " ".join(str(value).split())


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{message_id_domain()}>"


def message_id_domain() -> str:
    """The sender's domain (RFC 5322 wants the right-hand side to be one we control)."""
    return _domain_of(settings.DEFAULT_FROM_EMAIL, settings.AULA_BASE_URL)


@functools.lru_cache(maxsize=8)
def _domain_of(from_email: str, base_url: str) -> str:
    # Parsed once per value: every registration writes a message id.
    domain = parseaddr(from_email)[1].rpartition("@")[2]
    return domain or urlsplit(base_url).hostname or "localhost"


def requeue(message_ids: Iterable[int]) -> int:
    """Give failed messages a fresh set of attempts (after the mail server was fixed)."""
    with transaction.atomic():
        count = OutboxMessage.objects.filter(
            pk__in=list(message_ids), status=OutboxMessage.Status.FAILED
        ).update(
            status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=timezone.now(),
            lease_expires_at=None,
        )
        if count:
            _schedule_delivery()
    return count


def forget_registration(registration_id: int) -> None:
    """Erasure (GDPR Art. 17) reaches the outbox: the registration's unsent e-mails (queued or
    failed) are deleted; those sent, or in a worker's hands right now, keep only what counts
    need (kind, status, language, event, timestamps): no address, subject, body, error or
    attachment. Call it inside the erasing transaction."""
    messages = OutboxMessage.objects.filter(registration_id=registration_id)
    with transaction.atomic(savepoint=False):
        messages.filter(
            status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.FAILED]
        ).delete()
        OutboxAttachment.objects.filter(message__registration_id=registration_id).delete()
        # The error too: servers quote the address in their refusals.
        messages.update(
            recipient="", reply_to="", subject="", text_body="", html_body="", last_error="",
            to_render=None,
        )


def _render_plain(name: str, context: dict) -> str:
    template = get_template(name)
    inner = getattr(template, "template", None)
    if isinstance(inner, DjangoTemplate):
        return inner.render(Context(context, autoescape=False))
    return template.render(context)


def _tidy_text(text: str) -> str:
    # Template tags on lines of their own leave runs of blank lines behind.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _attachment_row(attachment: Attachment) -> OutboxAttachment:
    filename = CONTROL_CHARACTERS.sub("", os.path.basename(attachment.filename.replace("\\", "/")))
    mimetype = attachment.mimetype if MIMETYPE.match(attachment.mimetype or "") else (
        "application/octet-stream"
    )
    content = attachment.content
    content = content.encode() if isinstance(content, str) else bytes(content)
    return OutboxAttachment(
        filename=filename[-FILENAME_MAX_LENGTH:] or "attachment",
        mimetype=mimetype.lower(),
        content=content,
        size=len(content),
    )


def _schedule_delivery(run_after: datetime | None = None) -> None:
    if run_after is not None:
        def enqueue_later():
            _enqueue_delivery(run_after)

        transaction.on_commit(enqueue_later, robust=True)
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and _delivery_already_scheduled(connection):
        return
    # robust: the change has committed by then; a queue that is down must not turn it into an
    # error page. The message stays queued and the scheduler's tick delivers it.
    transaction.on_commit(_enqueue_delivery, robust=True)


def _delivery_already_scheduled(connection) -> bool:
    """One delivery task per transaction is enough, however many e-mails it queues. An earlier
    callback counts only if it survives every rollback that would remove this message, i.e. it
    was registered under a subset of the current savepoints."""
    current = set(connection.savepoint_ids)
    return any(
        func is _enqueue_delivery and savepoints <= current
        for savepoints, func, *_ in connection.run_on_commit
    )


# Set while a delivery task waits for a worker, on a backend whose queue cannot be read
# cheaply (RQ, always with the Redis cache); the task clears it as it starts.
DELIVERY_PENDING_KEY = "aula:outbox:delivery-pending"
# Should that task be lost (a worker killed), the next one is enqueued after this long; the
# scheduler's tick delivers meanwhile.
DELIVERY_PENDING_SECONDS = 30


def _enqueue_delivery(run_after: datetime | None = None) -> None:
    from aula.messaging.tasks import deliver_outbox

    task = deliver_outbox
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the scheduler's tick delivers it once due
        task = task.using(run_after=run_after)
    elif _delivery_waiting(task):
        return
    task.enqueue()


def _delivery_waiting(task) -> bool:
    """A delivery task is queued and has not started: it will claim every e-mail committed
    before it starts, this transaction's included, so another one would only add work.

    Under a registration rush this saves a task per registration: an extra commit each with
    the database backend, a forked work horse each with RQ (bench/README.md)."""
    backend_path = type(task.get_backend()).__module__
    if backend_path.startswith("django_tasks_db"):
        return _database_task_ready(task.module_path)
    if backend_path.startswith("django_tasks_rq"):
        from django.core.cache import cache

        return not cache.add(DELIVERY_PENDING_KEY, True, DELIVERY_PENDING_SECONDS)
    return False  # the immediate backend runs it now


def _database_task_ready(task_path: str) -> bool:
    """django-tasks-db's ``DBTaskResult.objects.ready().filter(task_path=…).exists()`` in plain
    SQL: asked after every registration's commit, where building the ORM's query cost more than
    answering it (bench/README.md, 2026-12-06). The same rows: tested against the ORM."""
    from django.db import connection
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    def column(name):
        return connection.ops.quote_name(DBTaskResult._meta.get_field(name).column)

    run_after = column("run_after")
    sql = (
        f"SELECT 1 FROM {connection.ops.quote_name(DBTaskResult._meta.db_table)} "  # noqa: S608
        f"WHERE {column('status')} = %s AND {column('task_path')} = %s "
        f"AND ({run_after} = %s OR {run_after} <= %s) LIMIT 1"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [TaskResultStatus.READY, task_path, adapt(get_date_max()),
                             adapt(timezone.now())])
        return cursor.fetchone() is not None


def delivery_started() -> None:
    """Called by the delivery task before it claims anything (see ``_delivery_waiting``)."""
    from django.core.cache import cache

    cache.delete(DELIVERY_PENDING_KEY)


# --- Delivery -------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    # Claimed but given back untried: after a connection failure or when the claim ran short.
    postponed: int = 0
    stopped_by: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def deliver_due(
    *, batch_size: int = DEFAULT_BATCH_SIZE, max_seconds: float = DEFAULT_MAX_SECONDS
) -> DeliveryReport:
    """Send every message that is due, batch by batch, until none is left, the mail server
    fails, or ``max_seconds`` have passed. Safe to run in several workers at once."""
    report = DeliveryReport()
    viewer = queries.mail_viewer_enabled()
    deadline = time.monotonic() + max_seconds
    while True:
        batch, lease = _claim(batch_size)
        if not batch:
            break
        complete = _deliver_batch(batch, lease, report, viewer=viewer)
        if not complete or len(batch) < batch_size or time.monotonic() > deadline:
            break
    if report.sent or report.retried or report.failed or report.stopped_by:
        logger.info("Outbox delivery: %s", report.as_dict())
    return report


def _claim(batch_size: int) -> tuple[list[OutboxMessage], datetime]:
    """Take up to ``batch_size`` due messages: status "sending" with a lease until ``lease``.

    Due are queued messages whose time has come and claims that ran out. A claim whose worker
    lives never runs out (the worker renews it, see ``_renew``), so it is skipped; a dead
    worker's claim is taken over after at most ``lease_seconds()``.
    PostgreSQL: rows locked by another worker's claim are skipped. SQLite: settings open every
    transaction IMMEDIATE, so claims run one after the other and never see the same row due.
    The lease value doubles as the claim's identity: every later update of a claimed message
    filters on it, so a worker whose claim ran out and was taken over changes nothing.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=lease_seconds())
    Status = OutboxMessage.Status
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, lease_expires_at__lte=now
    )
    with transaction.atomic():
        query = OutboxMessage.objects.filter(due).order_by("next_attempt_at", "id")
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        batch = list(query[:batch_size])
        if batch:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
                status=Status.SENDING, lease_expires_at=lease
            )
    prefetch_related_objects(batch, "attachments")
    return batch, lease


def _deliver_batch(batch, lease, report: DeliveryReport, *, viewer: bool) -> bool:
    """Send a claimed batch; False when the run should stop (connection failure, lost claim).

    Each message is marked sent in its own transaction right after the server's answer, before
    the next one is sent: a crash between the two re-sends that one message (same Message-ID)
    once its claim has run out, nothing else. Every ``renew_seconds()`` the claim of the
    messages still to send is renewed, so nobody takes them over while this worker lives."""
    pending = _render_batch(batch, lease, report)
    renewed_at = timezone.now()
    connection = None
    try:
        if not viewer:
            connection = mail.get_connection()
            try:
                connection.open()
            except Exception as exc:
                _connection_failed(pending, lease, exc, report)
                pending = []
                return False
        while pending:
            now = timezone.now()
            if now - renewed_at >= timedelta(seconds=renew_seconds()):
                pending, lease = _renew(pending, lease)
                renewed_at = now
                if not pending:
                    report.stopped_by = "claim lost"
                    return False
            # Start no send in the second half of the claim (it could not be renewed: the
            # database is gone), so that this worker is never still sending when another one
            # may take the messages over.
            if now >= lease - timedelta(seconds=lease_seconds() / 2):
                report.stopped_by = "claim ran short"
                return False
            message = pending.pop(0)
            try:
                _send(message, connection)
            except Exception as exc:
                if _is_connection_failure(exc):
                    _connection_failed([message, *pending], lease, exc, report)
                    pending = []
                    return False
                _record_failure(message, lease, exc, report, permanent=_is_permanent(exc))
                continue
            # A crash between the send above and this mark re-sends this one message (same
            # Message-ID) after the claim runs out; every other message is either marked or
            # still pending.
            _mark_sent(message, lease)
            report.sent += 1
        return True
    finally:
        if pending:
            _release(pending, lease, report)
        if connection is not None:
            try:
                connection.close()
            except Exception:
                logger.warning("Closing the mail connection failed", exc_info=True)


def _render_batch(batch, lease, report: DeliveryReport) -> list[OutboxMessage]:
    """Render the claimed messages written "to render" (before the mail server is even asked,
    so that an outage leaves them rendered for the viewer and the console). A message whose
    renderer fails counts a failed attempt (for good when it raised ValueError: what it was
    about is gone). Returns the messages to send."""
    ready = []
    for message in batch:
        if message.to_render:
            try:
                render_pending(message, lease)
            except Exception as exc:
                logger.warning("Outbox message %s could not be rendered", message.pk,
                               exc_info=True)
                _record_failure(message, lease, exc, report, permanent=_is_permanent(exc))
                continue
        ready.append(message)
    return ready


def _renew(messages, lease: datetime) -> tuple[list[OutboxMessage], datetime]:
    """Extend this run's claim on ``messages`` (still to send) by a full lease, in its own
    short transaction. Returns the messages still held, which is all of them unless the claim
    had run out and another worker took some over, and the claim's new value.

    A database failure keeps the old claim: the run stops at its second half."""
    new_lease = timezone.now() + timedelta(seconds=lease_seconds())
    if new_lease <= lease:
        return messages, lease
    claimed = OutboxMessage.objects.filter(
        pk__in=[m.pk for m in messages], status=OutboxMessage.Status.SENDING,
        lease_expires_at=lease,
    )
    try:
        with transaction.atomic():
            renewed = claimed.update(lease_expires_at=new_lease)
            if renewed == len(messages):
                return messages, new_lease
            kept = set(OutboxMessage.objects.filter(
                pk__in=[m.pk for m in messages], status=OutboxMessage.Status.SENDING,
                lease_expires_at=new_lease,
            ).values_list("pk", flat=True))
    except DatabaseError:
        logger.warning("Could not renew the claim of %s outbox messages", len(messages),
                       exc_info=True)
        return messages, lease
    logger.warning("Outbox: %s claimed messages were taken over by another worker",
                   len(messages) - len(kept))
    return [m for m in messages if m.pk in kept], new_lease


def _send(message: OutboxMessage, connection) -> None:
    if not message.recipient:
        # Erased while claimed (forget_registration), by a worker that then stopped: the row
        # has nothing left to send. A ValueError fails it for good.
        raise ValueError("The message was erased.")
    email = build_email(message)
    if connection is None:
        # The local mail viewer: nothing leaves the machine, but the message is still built so
        # that headers fail here exactly as they would when really sent.
        email.message()
        return
    if not connection.send_messages([email]):
        raise smtplib.SMTPException("The mail backend reported nothing sent.")


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={
            "Message-ID": message.message_id,
            # The moment it was written, so every retry is the very same message.
            "Date": format_datetime(message.created_at),
            # RFC 3834: no out-of-office replies to automatic mail.
            "Auto-Submitted": "auto-generated",
            "Content-Language": message.language,
        },
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return email


def _is_connection_failure(exc: Exception) -> bool:
    """Errors of the server or the connection rather than of one message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421:
        return True  # "service not available": the server is closing the connection
    if isinstance(exc, smtplib.SMTPException):  # (itself an OSError, hence first)
        return isinstance(exc, (
            smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError,
            smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError,
            # A refused sender is the configuration's fault and would refuse every message.
            smtplib.SMTPSenderRefused,
        ))
    return isinstance(exc, OSError)  # refused, reset, timed out, TLS


def _is_permanent(exc: Exception) -> bool:
    # A message that cannot even be built (an address or header Python refuses) never will be.
    # Refusals by the server (even 5xx) are retried: a misconfigured relay refuses every
    # message, and the backoff leaves time to fix it before they fail.
    return isinstance(exc, ValueError)


def _describe(exc: Exception) -> str:
    return one_line(f"{type(exc).__name__}: {exc}")[:ERROR_MAX_LENGTH]


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 30 s doubling, at most an hour, with jitter so
    messages that failed together do not retry together."""
    delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=delay * random.uniform(0.75, 1.0))


def _claimed(message: OutboxMessage, lease: datetime):
    return OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING, lease_expires_at=lease
    )


def _mark_sent(message: OutboxMessage, lease: datetime) -> None:
    updated = _claimed(message, lease).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), lease_expires_at=None,
        attempts=message.attempts + 1, last_error="",
    )
    if not updated:
        logger.warning("Outbox message %s was sent after its claim ran out", message.pk)


def _record_failure(
    message: OutboxMessage, lease: datetime, exc: Exception, report: DeliveryReport, *,
    permanent: bool = False, not_before: datetime | None = None,
) -> None:
    """Count a failed attempt: try again after the backoff (but not before ``not_before``), or
    give up after the last attempt."""
    attempts = message.attempts + 1
    error = _describe(exc)
    if permanent or attempts >= max_attempts():
        _claimed(message, lease).update(
            status=OutboxMessage.Status.FAILED, attempts=attempts, last_error=error,
            lease_expires_at=None,
        )
        report.failed += 1
        logger.error("Outbox message %s to %s failed: %s", message.pk, message.recipient, error)
        return
    next_attempt_at = timezone.now() + backoff(attempts)
    if not_before is not None:
        next_attempt_at = max(next_attempt_at, not_before)
    _claimed(message, lease).update(
        status=OutboxMessage.Status.QUEUED, attempts=attempts, last_error=error,
        next_attempt_at=next_attempt_at, lease_expires_at=None,
    )
    report.retried += 1
    logger.warning(
        "Outbox message %s: attempt %s failed, next at %s: %s",
        message.pk, attempts, next_attempt_at.isoformat(), error,
    )


def _connection_failed(messages, lease, exc: Exception, report: DeliveryReport) -> None:
    """The server failed, not the messages. Only the message in hand is charged an attempt, and
    it goes to the back of the line, so an outage charges one attempt per run spread over the
    queue instead of failing one message after the other. The others wait the base delay: one
    connection attempt per half minute or so, and quick recovery once the server is back."""
    head, rest = messages[0], messages[1:]
    report.stopped_by = _describe(exc)
    retry_rest_at = timezone.now() + timedelta(seconds=BACKOFF_BASE_SECONDS)
    if rest:
        OutboxMessage.objects.filter(
            pk__in=[m.pk for m in rest], status=OutboxMessage.Status.SENDING,
            lease_expires_at=lease,
        ).update(
            status=OutboxMessage.Status.QUEUED, next_attempt_at=retry_rest_at,
            lease_expires_at=None, last_error=report.stopped_by,
        )
        report.postponed += len(rest)
    _record_failure(
        head, lease, exc, report, not_before=retry_rest_at + timedelta(milliseconds=1)
    )


def _release(messages, lease, report: DeliveryReport) -> None:
    """Give claimed, untried messages back at once instead of letting their claim run out."""
    try:
        OutboxMessage.objects.filter(
            pk__in=[m.pk for m in messages], status=OutboxMessage.Status.SENDING,
            lease_expires_at=lease,
        ).update(status=OutboxMessage.Status.QUEUED, lease_expires_at=None)
        report.postponed += len(messages)
    except Exception:
        # Probably the database itself; the claim runs out and another run takes them.
        logger.exception("Could not give back %s claimed outbox messages", len(messages))
