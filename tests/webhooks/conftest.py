"""A real HTTP receiver for webhook tests: ``ThreadingHTTPServer`` on 127.0.0.1 (a free port)
in a thread, verifying every request's signature as a partner's server would."""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from aula.webhooks import services


@dataclass
class Received:
    headers: dict
    body: bytes
    verified: bool

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers each POST with the next status of ``answers`` (the last one repeats)."""

    answers: list = field(default_factory=lambda: [200])
    secret: str = ""
    received: list = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    port: int = 0
    delay: float = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/aula"

    def start(self, port: int = 0) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    verified = False
                if receiver.delay:
                    import time

                    time.sleep(receiver.delay)
                receiver.received.append(Received(headers, body, verified))
                index = min(len(receiver.received), len(receiver.answers)) - 1
                status = receiver.answers[index]
                answer = b'{"ok": true}' if status < 300 else b"Service Unavailable" * 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver():
    found = Receiver().start()
    yield found
    found.stop()


def free_port() -> int:
    """A port nobody listens on (connection refused), free to listen on later."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _fresh_listening_set():
    services._forget_listening()
    yield
    services._forget_listening()
