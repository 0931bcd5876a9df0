"""A mail server on 127.0.0.1 (aiosmtpd) that refuses on demand and keeps what it accepts."""

import email
import socket
import threading
from email import policy


class Sink:
    """An aiosmtpd handler that answers the first ``refuse`` messages with a temporary 451
    and keeps every message it accepts."""

    def __init__(self, refuse=0):
        self.refuse = refuse
        self.received: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                return "451 4.3.0 Temporary failure, try again later"
            self.received.append(
                email.message_from_bytes(envelope.original_content, policy=policy.default)
            )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
