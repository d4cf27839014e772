"""A loopback HTTP server that answers like LibreTranslate, or misbehaves on demand: a test
double of the network for the faults a real server is hard to make (429, 5xx, garbage, a
wrong number of results, silence). Binds 127.0.0.1 on an ephemeral port."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LANGUAGES = [
    {"code": "en", "name": "English", "targets": ["en", "vi"]},
    {"code": "vi", "name": "Vietnamese", "targets": ["en", "vi"]},
]


@dataclass
class Reply:
    status: int = 200
    body: bytes | None = None  # None: translate each sentence as "EN: <sentence>"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds of silence before answering


def echo(body: dict) -> bytes:
    sentences = body["q"] if isinstance(body["q"], list) else [body["q"]]
    return json.dumps({"translatedText": [f"EN: {s}" for s in sentences]}).encode()


@dataclass
class Behaviour:
    replies: list[Reply] = field(default_factory=list)  # consumed one per /translate request
    requests: list[dict] = field(default_factory=list)  # /translate bodies received
    languages_requests: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    released: threading.Event = field(default_factory=threading.Event)

    def next_reply(self) -> Reply:
        with self.lock:
            return self.replies.pop(0) if self.replies else Reply()


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.behaviour.languages_requests += 1
        self._answer(Reply(body=json.dumps(LANGUAGES).encode()))

    def do_POST(self) -> None:
        behaviour = self.server.behaviour
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with behaviour.lock:
            behaviour.requests.append(body)
            behaviour.in_flight += 1
            behaviour.most_in_flight = max(behaviour.most_in_flight, behaviour.in_flight)
        try:
            reply = behaviour.next_reply()
            if reply.delay:
                behaviour.released.wait(reply.delay)
            self._answer(reply if reply.body is not None else Reply(body=echo(body)))
        finally:
            with behaviour.lock:
                behaviour.in_flight -= 1

    def _answer(self, reply: Reply) -> None:
        payload = reply.body or b""
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = Behaviour()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def fake_server(setup: Callable[[Behaviour], None] = lambda _: None) -> Iterator[FakeServer]:
    server = FakeServer()
    setup(server.behaviour)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.behaviour.released.set()
        server.shutdown()
        server.server_close()
        thread.join()
