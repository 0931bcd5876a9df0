"""Signatures as the Standard Webhooks specification says: checked by its reference library
and by hand."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from aula.webhooks import services
from aula.webhooks.models import WebhookEndpoint, WebhookMessage, new_message_id, new_secret


def message(**fields) -> WebhookMessage:
    return WebhookMessage(
        message_id=new_message_id(), event_type="registration.created",
        created_at=datetime(2026, 12, 6, 10, 0, tzinfo=UTC),
        data={"registration_id": 7, "status": "confirmed"}, **fields,
    )


def test_the_secret_has_the_standard_format():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert new_secret() != secret
    assert new_message_id().startswith("msg_") and new_message_id() != new_message_id()


def test_the_reference_library_verifies_the_signature():
    endpoint = WebhookEndpoint(secret=new_secret())
    msg = message()
    body = services.body_of(msg)
    timestamp = int(datetime.now(UTC).timestamp())
    headers = services.headers_of(endpoint, msg, body, timestamp)
    assert Webhook(endpoint.secret).verify(body, headers) == {
        "type": "registration.created", "timestamp": "2026-12-06T10:00:00Z",
        "data": {"registration_id": 7, "status": "confirmed"},
    }
    assert headers["webhook-id"] == msg.message_id
    assert headers["webhook-timestamp"] == str(timestamp)
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "Aula-Webhooks/1"
    # Another secret, or a changed body, does not verify.
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(body.replace(b"confirmed", b"cancelled"), headers)


def test_the_signature_by_hand():
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef01234567").decode()
    body = b'{"type":"webhook.test"}'
    signature = services.sign(secret, "msg_abc", 1700000000, body)
    expected = base64.b64encode(hmac.new(
        b"0123456789abcdef01234567", b"msg_abc.1700000000." + body, hashlib.sha256,
    ).digest()).decode()
    assert signature == f"v1,{expected}"


def test_the_body_is_the_same_bytes_every_time_and_carries_personal_fields_apart():
    msg = message(personal={"first_name": "Ana"})
    assert services.body_of(msg) == services.body_of(msg)
    assert b'"first_name":"Ana"' in services.body_of(msg)
    msg.personal = {}
    assert b"Ana" not in services.body_of(msg)
