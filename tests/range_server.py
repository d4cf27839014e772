"""A loopback HTTP file server for download tests: supports Range, and can misbehave on demand.

Only binds 127.0.0.1 on an ephemeral port; every test stops it in a fixture finaliser, which
also ends any stall (a stalled handler otherwise gives up after STALL_SECONDS).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RANGE = re.compile(r"bytes=(\d+)-$")
STALL_SECONDS = 60.0


@dataclass
class Behaviour:
    """How the next requests are served. `cut_after` is consumed one entry per request."""

    files: dict[str, bytes] = field(default_factory=dict)
    cut_after: list[int | None] = field(default_factory=list)  # bytes sent before hanging up
    ignore_range: bool = False
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range header)
    # Bytes of body sent before going silent (connection kept open) until `release` is set, then
    # the rest is sent; consumed one entry per request. -1: silent before the status line.
    stall_after: list[int | None] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    server: RangeServer

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        behaviour = self.server.behaviour
        range_header = self.headers.get("Range")
        behaviour.requests.append((self.path, range_header))
        body = behaviour.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        cut = behaviour.cut_after.pop(0) if behaviour.cut_after else None
        stall = behaviour.stall_after.pop(0) if behaviour.stall_after else None
        if stall == -1:
            behaviour.release.wait(STALL_SECONDS)
            self.close_connection = True
            return
        match = RANGE.match(range_header or "")
        if match and not behaviour.ignore_range:
            start = int(match.group(1))
            if start >= len(body):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            start = 0
            self.send_response(200)
        payload = body[start:]
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Content-Type", "application/zip")
        self.end_headers()
        if cut is not None:
            payload = payload[:cut]
        try:
            if stall is not None:
                self.wfile.write(payload[:stall])
                self.wfile.flush()
                behaviour.release.wait(STALL_SECONDS)
                payload = payload[stall:]
            self.wfile.write(payload)
            self.wfile.flush()
        except ConnectionError:  # the client gave up (cancelled, or timed out and retried)
            pass
        self.close_connection = True


class RangeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = Behaviour()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def __enter__(self) -> RangeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.behaviour.release.set()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
