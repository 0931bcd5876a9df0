"""A mail server on 127.0.0.1 (aiosmtpd) for the delivery tests: down until a test starts it,
then refusing on demand (temporarily: 421 or 451) and keeping every message it accepts."""

import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller

CLOSING = "421 4.3.2 Service not available, closing transmission channel"
ONLY_THIS_ONE = "451 4.3.0 Temporary failure, try again later"


class Sink:
    """An aiosmtpd handler: refuses the first ``refuse_rcpt`` recipients with 421, then the
    first ``refuse_data`` messages with ``data_reply`` (421: the server goes away; 451: this
    message only), accepts everything after that."""

    def __init__(self, refuse_rcpt=0, refuse_data=0, data_reply=CLOSING):
        self.refuse_rcpt = refuse_rcpt
        self.refuse_data = refuse_data
        self.data_reply = data_reply
        self.received: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.refuse_rcpt:
                self.refuse_rcpt -= 1
                return "421 4.3.0 Service not available, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_data:
                self.refuse_data -= 1
                return self.data_reply
            self.received.append(
                email.message_from_bytes(envelope.original_content, policy=policy.default)
            )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_server(settings, timeout=5):
    """Point Django's SMTP backend at a free port; yields ``start(sink)``, which starts the
    server there (the test decides when it comes up) and returns the sink. Use it as the
    body of a fixture: ``yield from mail_server(settings)``."""
    port = free_port()
    settings.AULA_MAIL_VIEWER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = timeout
    controllers = []

    def start(sink):
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return sink

    yield start
    for controller in controllers:
        controller.stop()
