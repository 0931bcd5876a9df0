"""E-mail backends standing in for mail servers that fail in particular ways."""

import smtplib
import threading
import time

from django.core.mail.backends.base import BaseEmailBackend

sent_ids: list[str] = []
_lock = threading.Lock()


def reset():
    with _lock:
        sent_ids.clear()


class RecordingBackend(BaseEmailBackend):
    """Records the Message-ID of everything sent, from any thread; a little slow on purpose so
    concurrent workers really overlap."""

    delay = 0.002

    def send_messages(self, messages):
        for message in messages:
            message.message()
            time.sleep(self.delay)
            with _lock:
                sent_ids.append(message.extra_headers["Message-ID"])
        return len(messages)


class RefusingBackend(BaseEmailBackend):
    """A server that takes the connection but refuses every message (554)."""

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(554, b"5.7.1 Message rejected")


class DownBackend(BaseEmailBackend):
    """A server that is not there."""

    opened = 0

    def open(self):
        DownBackend.opened += 1
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        raise AssertionError("never reached: open() failed")
