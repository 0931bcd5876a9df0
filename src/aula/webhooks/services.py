"""Webhooks: writing deliveries in the transaction that causes them, delivering them signed.

**Emitting.** ``emit`` is called by the domain apps (registrations, events, attendance) inside
the transaction of the change: it writes one ``WebhookMessage`` per active endpoint of the
project subscribed to the event type, so a delivery exists exactly when the change committed,
and enqueues the delivery task on commit (one waiting task at a time, as the outbox does).

It is cheap where nobody listens, which is nearly everywhere (registration is a hot path, under
the event's counter lock): each process keeps the set of projects that have an active endpoint
(``_listening_projects``: one query, reloaded after ``AULA_WEBHOOKS_CACHE_SECONDS``, default
10, and at once in the process that changes an endpoint, by the model's save and delete
signals). A project not in the set costs no query at all; a project in it one indexed query
for its endpoints and one insert. The price: an endpoint added in another process receives
events from at most that many seconds later. An endpoint removed elsewhere costs only that
query (the endpoints themselves are always read from the database).

**Delivering.** ``deliver_due`` (the task ``webhooks.tasks.deliver_webhooks`` and the
scheduler's tick) claims due messages with a lease as the outbox does, POSTs each one signed as
the Standard Webhooks specification says (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``), follows no redirect,
gives up after 10 seconds, logs every attempt (``WebhookAttempt``), and retries failures on the
specification's schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) until
``AULA_WEBHOOKS_MAX_ATTEMPTS`` (default 8) attempts failed.

**Safety.** Only ``https://`` URLs, and the host is resolved at each delivery and refused when
any address is private, loopback, link-local or otherwise not public (no requests into the
server's own network); the connection then goes to the address checked, so a second lookup
cannot change it. ``AULA_WEBHOOKS_ALLOW_PRIVATE`` (on with ``AULA_DEBUG``, in tests and the
demo) allows ``http://`` and private addresses.
"""

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.webhooks.models import (
    SECRET_PREFIX,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookMessage,
    new_secret,
)

logger = logging.getLogger(__name__)

# The event types an endpoint may subscribe to, with the words the console shows.
EVENT_TYPES = {
    "registration.created": gettext_lazy(
        "Someone registered (with a place, a place held until they confirm, or on the waiting "
        "list)"),
    "registration.confirmed": gettext_lazy(
        "A registration was confirmed (the address checked, or confirmed by hand)"),
    "registration.cancelled": gettext_lazy("A registration was cancelled"),
    "registration.promoted": gettext_lazy("Someone on the waiting list got a place"),
    "attendance.imported": gettext_lazy("An attendance report was imported"),
    "event.changed": gettext_lazy("An event was changed (its time, place or details)"),
    "event.cancelled": gettext_lazy("An event was cancelled"),
}
TEST_EVENT = "webhook.test"

SUBSCRIBED = audit.action("webhook.subscribed", gettext_lazy("Added a webhook"))
CHANGED = audit.action("webhook.changed", gettext_lazy("Changed a webhook"))
DELETED = audit.action("webhook.deleted", gettext_lazy("Deleted a webhook"))
ROTATED = audit.action("webhook.secret_rotated", gettext_lazy("Replaced a webhook's secret"))
REPLAYED = audit.action("webhook.replayed", gettext_lazy("Sent a webhook message again"))
TESTED = audit.action("webhook.tested", gettext_lazy("Sent a test webhook"))

TIMEOUT_SECONDS = 10
# After attempt n failed, wait RETRY_SCHEDULE[n - 1] (the last one repeats).
RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
DEFAULT_MAX_ATTEMPTS = 8
# A claim runs out after this long; a run starts no send in the last part of it (two timeouts).
LEASE_SECONDS = 120
BATCH_SIZE = 10
MAX_SECONDS = 60
EXCERPT_BYTES = 1024
ERROR_MAX_LENGTH = WebhookMessage._meta.get_field("last_error").max_length
USER_AGENT = "Aula-Webhooks/1"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def allow_private() -> bool:
    return bool(getattr(settings, "AULA_WEBHOOKS_ALLOW_PRIVATE", False))


def max_attempts() -> int:
    return int(getattr(settings, "AULA_WEBHOOKS_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def cache_seconds() -> float:
    return float(getattr(settings, "AULA_WEBHOOKS_CACHE_SECONDS", 10))


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``, with a little jitter so that messages that failed
    together do not all retry together."""
    delay = RETRY_SCHEDULE[min(max(attempts, 1), len(RETRY_SCHEDULE)) - 1]
    return timedelta(seconds=delay * random.uniform(0.9, 1.0))


# --- URLs -------------------------------------------------------------------------------------


class AddressRefused(Exception):
    """The endpoint's host is (or resolves to) an address webhooks may not reach."""


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> str:
    """The URL, stripped, or ``ValidationError`` with a message for the organiser."""
    url = (url or "").strip()
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private() else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError(_("Give a full address starting with https://."))
    if parts.username or parts.password:
        raise ValidationError(_("The address may not contain a user name or password."))
    try:
        parts.port  # noqa: B018  (raises for a port out of range)
    except ValueError as exc:
        raise ValidationError(_("The port of the address is not valid.")) from exc
    host = parts.hostname
    if not allow_private():
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if (literal is not None and not _public(host)) or host == "localhost" or (
            host.endswith((".localhost", ".local", ".internal"))
        ):
            raise ValidationError(_(
                "Webhooks go only to public addresses on the internet, not to this server's "
                "own network."))
    return url


def _resolve(host: str, port: int) -> str:
    """The address to connect to, every one the host resolves to checked first."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AddressRefused(f"cannot resolve {host}: {exc}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    if not allow_private():
        refused = [a for a in addresses if not _public(a)]
        if refused:
            raise AddressRefused(f"{host} resolves to a non-public address ({refused[0]})")
    return addresses[0]


# --- Emitting ---------------------------------------------------------------------------------

_listening = {"projects": None, "loaded": 0.0}
_listening_lock = threading.Lock()


def endpoints_changed(**_kwargs) -> None:
    """An endpoint was saved or deleted: reload the set now and again once that commits."""
    _forget_listening()
    transaction.on_commit(_forget_listening)


def _forget_listening() -> None:
    with _listening_lock:
        _listening["projects"] = None


def assume_nobody_listens() -> None:
    """Take the set of listening projects as empty until the next change or reload (tests
    start so, with no endpoint in the database)."""
    with _listening_lock:
        _listening["projects"] = frozenset()
        _listening["loaded"] = time.monotonic()


def _listening_projects() -> frozenset:
    with _listening_lock:
        projects = _listening["projects"]
        if projects is not None and time.monotonic() - _listening["loaded"] < cache_seconds():
            return projects
    projects = frozenset(
        WebhookEndpoint.objects.filter(active=True).values_list("project_id", flat=True)
        .distinct()
    )
    with _listening_lock:
        _listening["projects"] = projects
        _listening["loaded"] = time.monotonic()
    return projects


def emit(
    project_id: int, event_type: str, data: Mapping | Callable[[], Mapping], *,
    personal: Mapping | Callable[[], Mapping] | None = None,
    registration_id: int | None = None,
) -> list[WebhookMessage]:
    """Write the deliveries of ``event_type`` for ``project_id``'s subscribed endpoints.

    Call it inside the transaction of the change (raises otherwise): the messages commit or
    roll back with it. ``data`` is what every subscriber gets (ids, status, sessions, counts;
    a function giving it is called only when an endpoint listens);
    ``personal`` (a mapping, or a function giving one, called only when needed) the names and
    addresses only endpoints with ``personal_data`` get. ``registration_id`` names whose
    personal data it is, so that erasure empties it (defaults to ``data["registration_id"]``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise audit.NotInTransaction(f"webhook {event_type!r} emitted outside a transaction")
    if project_id not in _listening_projects():
        return []
    endpoints = [
        endpoint for endpoint in WebhookEndpoint.objects.filter(project_id=project_id, active=True)
        .only("id", "event_types", "personal_data")
        if event_type in endpoint.event_types
    ]
    if not endpoints:
        return []
    if callable(data):  # read only now that someone listens
        data = data()
    if registration_id is None:
        registration_id = data.get("registration_id")
    personal_data = {}
    if personal is not None and any(endpoint.personal_data for endpoint in endpoints):
        personal_data = dict(personal() if callable(personal) else personal)
    now = timezone.now()
    messages = [
        WebhookMessage(
            endpoint=endpoint, event_type=event_type, data=audit.plain(dict(data)),
            personal=audit.plain(personal_data) if endpoint.personal_data else {},
            registration_id=registration_id, created_at=now, next_attempt_at=now,
        )
        for endpoint in endpoints
    ]
    _write(messages)
    return messages


def _write(messages: list[WebhookMessage]) -> None:
    with transaction.atomic(savepoint=False):
        WebhookMessage.objects.bulk_create(messages)
    _schedule_delivery()


def _schedule_delivery() -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _enqueue_delivery and savepoints <= set(connection.savepoint_ids)
        for savepoints, func, *_ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_enqueue_delivery, robust=True)


DELIVERY_PENDING_KEY = "aula:webhooks:delivery-pending"
DELIVERY_PENDING_SECONDS = 30


def _enqueue_delivery() -> None:
    """Enqueue the delivery task unless one is waiting for a worker already (it will claim
    these messages too); as the outbox does (``messaging.services._delivery_waiting``)."""
    from aula.webhooks.tasks import deliver_webhooks

    backend_path = type(deliver_webhooks.get_backend()).__module__
    if backend_path.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.ready().filter(task_path=deliver_webhooks.module_path).exists():
            return
    elif backend_path.startswith("django_tasks_rq"):
        from django.core.cache import cache

        if not cache.add(DELIVERY_PENDING_KEY, True, DELIVERY_PENDING_SECONDS):
            return
    deliver_webhooks.enqueue()


def delivery_started() -> None:
    from django.core.cache import cache

    cache.delete(DELIVERY_PENDING_KEY)


def forget_registration(registration_id: int) -> int:
    """Erasure reaches the webhooks: the personal fields of every message about the
    registration are emptied (pending ones are then delivered without them, replays too).
    Call it inside the erasing transaction."""
    return WebhookMessage.objects.filter(registration_id=registration_id).exclude(
        personal={}
    ).update(personal={})


# --- Organisers' actions ----------------------------------------------------------------------


def _clean_types(event_types: Iterable[str]) -> list[str]:
    chosen = [t for t in EVENT_TYPES if t in set(event_types)]
    unknown = set(event_types) - set(EVENT_TYPES)
    if unknown:
        raise ActionRefused(_("Unknown event type: %(type)s") % {"type": sorted(unknown)[0]})
    if not chosen:
        raise ActionRefused(_("Choose at least one event to send."))
    return chosen


def _valid_url(url: str) -> str:
    try:
        return check_url(url)
    except ValidationError as exc:
        raise ActionRefused(exc.messages[0]) from exc


FIELDS = ("url", "description", "event_types", "personal_data", "active", "disabled_reason")


def subscribe(
    project, *, actor, url: str, event_types: Iterable[str], description: str = "",
    personal_data: bool = False, via: str = "",
) -> WebhookEndpoint:
    """A new endpoint of ``project`` with a fresh secret."""
    url = _valid_url(url)
    event_types = _clean_types(event_types)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            project_id=getattr(project, "pk", project), url=url,
            description=description.strip()[:200], event_types=event_types,
            personal_data=personal_data, created_by=actor if getattr(
                actor, "is_authenticated", False) else None,
        )
        audit.record(actor, SUBSCRIBED, endpoint, project=endpoint.project_id, via=via,
                     changes=audit.changes_between({}, audit.snapshot(endpoint, FIELDS),
                                                   FIELDS))
    return endpoint


def change(endpoint: WebhookEndpoint, *, actor, via: str = "", **fields) -> WebhookEndpoint:
    """Change the URL, description, events, personal data, or switch the endpoint off
    (``active=False``, with ``disabled_reason``) or on."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "url" in fields:
        fields["url"] = _valid_url(fields["url"])
    if "event_types" in fields:
        fields["event_types"] = _clean_types(fields["event_types"])
    if "description" in fields:
        fields["description"] = fields["description"].strip()[:200]
    if fields.get("active"):
        fields["disabled_reason"] = ""
    with transaction.atomic():
        current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        before = audit.snapshot(current, FIELDS)
        for name, value in fields.items():
            setattr(current, name, value)
        changes = audit.changes_between(before, audit.snapshot(current, FIELDS), FIELDS)
        if changes:
            current.save()
            audit.record(actor, CHANGED, current, project=current.project_id, via=via,
                         changes=changes)
    return current


def delete(endpoint: WebhookEndpoint, *, actor, via: str = "") -> None:
    """Delete the endpoint with its messages and their log."""
    with transaction.atomic():
        current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        messages = current.messages.count()
        audit.record(actor, DELETED, current, project=current.project_id, via=via,
                     data={"url": current.url, "messages": messages})
        current.delete()


def rotate_secret(endpoint: WebhookEndpoint, *, actor, via: str = "") -> WebhookEndpoint:
    """A new signing secret; messages from now on (retries too) are signed with it."""
    with transaction.atomic():
        current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        current.secret = new_secret()
        current.save(update_fields=["secret"])
        audit.record(actor, ROTATED, current, project=current.project_id, via=via)
    return current


def send_test(endpoint: WebhookEndpoint, *, actor, via: str = "") -> WebhookMessage:
    """A ``webhook.test`` message to this endpoint alone, whatever it subscribed to."""
    with transaction.atomic():
        current = WebhookEndpoint.objects.get(pk=endpoint.pk)
        if not current.active:
            raise ActionRefused(_("Switch the webhook on first."))
        now = timezone.now()
        message = WebhookMessage(
            endpoint=current, event_type=TEST_EVENT, created_at=now, next_attempt_at=now,
            data={"project_id": current.project_id, "endpoint_id": current.pk,
                  "message": "This is a test from Aula."},
        )
        _write([message])
        audit.record(actor, TESTED, current, project=current.project_id, via=via,
                     data={"message": message.message_id})
    return message


def replay(message: WebhookMessage, *, actor, via: str = "") -> WebhookMessage:
    """Deliver a message again: the same payload and ``webhook-id`` (receivers recognise it),
    a fresh set of attempts; the log keeps the earlier ones."""
    with transaction.atomic():
        current = WebhookMessage.objects.select_for_update().select_related("endpoint").get(
            pk=message.pk)
        if current.status in (WebhookMessage.Status.PENDING, WebhookMessage.Status.SENDING):
            raise ActionRefused(_("This message is still being delivered."))
        if current.purged:
            raise ActionRefused(_("This message's content has been deleted after its "
                                  "retention period; it cannot be sent again."))
        if not current.endpoint.active:
            raise ActionRefused(_("Switch the webhook on first."))
        old = current.status
        current.status = WebhookMessage.Status.PENDING
        current.attempts = 0
        current.next_attempt_at = timezone.now()
        current.lease_until = None
        current.save(update_fields=["status", "attempts", "next_attempt_at", "lease_until"])
        audit.record(actor, REPLAYED, current.endpoint, project=current.endpoint.project_id,
                     via=via, changes={"status": [old, current.status]},
                     data={"message": current.message_id, "type": current.event_type})
        _schedule_delivery()
    return current


# --- Signing and delivering -------------------------------------------------------------------


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value (Standard Webhooks, symmetric ``v1``)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def body_of(message: WebhookMessage) -> bytes:
    """The JSON body: the same bytes on every attempt (unless erasure emptied the personal
    fields meanwhile)."""
    payload = {
        "type": message.event_type,
        "timestamp": message.created_at.astimezone(UTC).isoformat().replace(
            "+00:00", "Z"),
        "data": {**message.data, **message.personal},
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def headers_of(endpoint: WebhookEndpoint, message: WebhookMessage, body: bytes,
               timestamp: int) -> dict:
    return {
        "webhook-id": message.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(endpoint.secret, message.message_id, timestamp, body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address checked (``_resolve``), not to a second lookup of the host."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict) -> tuple[int, str]:
    """POST ``body``; the HTTP status and the first kilobyte of the answer. Redirects are not
    followed (a 3xx is a failed attempt). Raises ``AddressRefused`` or ``OSError``."""
    parts = urlsplit(url)
    if parts.scheme not in (("https", "http") if allow_private() else ("https",)):
        raise AddressRefused(f"scheme {parts.scheme!r} not allowed")
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    address = _resolve(parts.hostname, port)
    connection = (_PinnedHTTPS if tls else _PinnedHTTP)(
        parts.hostname, port, address, TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES)
        return response.status, excerpt.decode("utf-8", "replace")
    finally:
        connection.close()


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def deliver_due(*, batch_size: int = BATCH_SIZE, max_seconds: float = MAX_SECONDS
                ) -> DeliveryReport:
    """Deliver every message that is due, batch by batch, until none is left or
    ``max_seconds`` have passed. Safe to run in several workers at once."""
    report = DeliveryReport()
    deadline = time.monotonic() + max_seconds
    while True:
        batch, lease = _claim(batch_size)
        if not batch:
            break
        for index, message in enumerate(batch):
            # Start no send that could outlast the claim: another worker may take it then.
            if timezone.now() >= lease - timedelta(seconds=2 * TIMEOUT_SECONDS):
                _release(batch[index:], lease, report)
                return report
            _deliver(message, lease, report)
        if len(batch) < batch_size or time.monotonic() > deadline:
            break
    if report.delivered or report.retried or report.failed:
        logger.info("Webhook delivery: %s", report.as_dict())
    return report


def deliver_due_job() -> None:
    """The scheduler tick's job (``WebhooksConfig.ready``)."""
    deliver_due()


def _claim(batch_size: int) -> tuple[list[WebhookMessage], datetime]:
    """Take up to ``batch_size`` due messages of active endpoints: "sending" with a lease.
    PostgreSQL skips rows another worker is claiming; SQLite runs claims one after the other
    (IMMEDIATE transactions). The lease value identifies the claim: every later update filters
    on it, so a worker whose claim ran out and was taken over changes nothing."""
    now = timezone.now()
    lease = now + timedelta(seconds=LEASE_SECONDS)
    Status = WebhookMessage.Status
    due = Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, lease_until__lte=now)
    with transaction.atomic():
        query = WebhookMessage.objects.filter(due, endpoint__active=True).order_by(
            "next_attempt_at", "id")
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True, of=("self",))
        ids = list(query.values_list("pk", flat=True)[:batch_size])
        if ids:
            WebhookMessage.objects.filter(pk__in=ids).update(
                status=Status.SENDING, lease_until=lease)
    batch = list(WebhookMessage.objects.filter(pk__in=ids).select_related("endpoint")
                 .order_by("next_attempt_at", "id")) if ids else []
    return batch, lease


def _claimed(message, lease):
    return WebhookMessage.objects.filter(
        pk=message.pk, status=WebhookMessage.Status.SENDING, lease_until=lease)


def _one_line(value) -> str:
    return " ".join(str(value).split())


def _deliver(message: WebhookMessage, lease: datetime, report: DeliveryReport) -> None:
    endpoint = message.endpoint
    body = body_of(message)
    timestamp = int(timezone.now().timestamp())
    headers = headers_of(endpoint, message, body, timestamp)
    started = time.monotonic()
    status, excerpt, error = None, "", ""
    try:
        status, excerpt = post(endpoint.url, body, headers)
    except Exception as exc:
        error = _one_line(f"{type(exc).__name__}: {exc}")[:ERROR_MAX_LENGTH]
    duration = int((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    if status is not None and not ok:
        error = _one_line(f"HTTP {status}")
    attempts = message.attempts + 1
    now = timezone.now()
    Status = WebhookMessage.Status
    with transaction.atomic():
        WebhookAttempt.objects.create(
            message=message, at=now, http_status=status, error=error[:500],
            response_excerpt=CONTROL.sub("", excerpt)[:EXCERPT_BYTES], duration_ms=duration,
        )
        if ok:
            updated = _claimed(message, lease).update(
                status=Status.DELIVERED, attempts=attempts, last_status=status, last_error="",
                lease_until=None, delivered_at=now)
            report.delivered += 1
        elif attempts >= max_attempts():
            updated = _claimed(message, lease).update(
                status=Status.FAILED, attempts=attempts, last_status=status, last_error=error,
                lease_until=None)
            report.failed += 1
            logger.error("Webhook %s to %s failed for good: %s", message.message_id,
                         endpoint.url, error)
        else:
            next_at = now + backoff(attempts)
            updated = _claimed(message, lease).update(
                status=Status.PENDING, attempts=attempts, last_status=status,
                last_error=error, lease_until=None, next_attempt_at=next_at)
            report.retried += 1
            logger.warning("Webhook %s: attempt %s failed, next at %s: %s",
                           message.message_id, attempts, next_at.isoformat(), error)
    if not updated:
        logger.warning("Webhook %s was attempted after its claim ran out", message.message_id)


def _release(messages, lease, report: DeliveryReport) -> None:
    WebhookMessage.objects.filter(
        pk__in=[m.pk for m in messages], status=WebhookMessage.Status.SENDING, lease_until=lease,
    ).update(status=WebhookMessage.Status.PENDING, lease_until=None)
    report.released += len(messages)


def attempts_left(message: WebhookMessage) -> int:
    return max(0, max_attempts() - message.attempts)

