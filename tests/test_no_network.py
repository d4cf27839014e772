"""No network: a whole session (install a model file, import, segment, translate, annotate,
search, export, back up) opens no network socket. Proved two ways:

- a socket guard (`sys.addaudithook`) in the session's process records every socket that is not
  AF_UNIX, every connect and every name lookup (always runs);
- the same session inside a network namespace with no interfaces (`unshare -n`), where any
  attempt would fail (runs where unshare works, as on our CI, which runs as root).

And a local HTTP server counts the connections made while hostile pages, books and documents
whose resources all point at it are imported, read, translated and annotated: zero.
"""

from __future__ import annotations

import shutil
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.documents import load_document
from tests.documents_helpers import DOCUMENTS
from tests.hostile_documents import hostile_docx, hostile_epub, hostile_html
from tests.session_support import run_session, session_commands


@pytest.fixture
def session(tmp_path: Path, argos_package_file: Path):
    page = tmp_path / "hostile.html"
    page.write_text(hostile_html("http://127.0.0.1:9", tmp_path / "secret.txt"), "utf-8")
    return tmp_path, session_commands(argos_package_file, tmp_path, page)


def _assert_session_worked(result: dict, work: Path) -> None:
    assert result["events"] == []
    assert result["codes"] == [0] * len(result["codes"]), result["codes"]
    assert (work / "notes.md").read_text("utf-8").count("ghi chú") == 1
    assert (work / "bilingual.html").stat().st_size > 1000
    assert (work / "backup.sqlite3").is_file()


def _unshare_prefix() -> list[str] | None:
    """`unshare -n` (as root) or `unshare -rn` (user namespace), whichever works here."""
    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return prefix
    return None


def test_whole_session_opens_no_socket(session) -> None:
    """In a namespace without network where unshare works (our CI), and always under the guard:
    the guard alone proves it where unshare is unavailable, and this test never skips."""
    prefix = _unshare_prefix() or []
    if prefix:
        # The namespace really has no network: not even loopback can be reached.
        probe = subprocess.run(
            [
                *prefix,
                sys.executable,
                "-c",
                "import socket; socket.create_connection(('127.0.0.1', 9), timeout=2)",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert probe.returncode != 0 and "Network is unreachable" in probe.stderr
    work, commands = session
    _assert_session_worked(run_session(prefix, work / "home", commands), work)


def test_the_socket_guard_catches_a_connection(tmp_path: Path) -> None:
    """The guard is not vacuous: a command that does use the network is caught."""
    result = run_session([], tmp_path / "home", [["models", "available", "--refresh"]])
    assert result["events"] and result["codes"] != [0]


# --- a local server counting every connection ---------------------------------------------------


class _Counting(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.connections: list[bytes] = []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(2)
        try:
            first = self.request.recv(200)
        except OSError:
            first = b""
        self.server.connections.append(first)
        self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nSECRET-REMOTE")


@pytest.fixture
def counting_server() -> Iterator[tuple[str, _Counting]]:
    server = _Counting()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()


def test_the_counting_server_counts(counting_server) -> None:
    base, server = counting_server
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert b"SECRET-REMOTE" in s.recv(200)
    assert len(server.connections) == 1


def test_hostile_documents_make_no_request(
    counting_server, tmp_path: Path, installed_vi_en, capsys
) -> None:
    base, server = counting_server
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-LOCAL", encoding="utf-8")
    page = tmp_path / "hostile.html"
    page.write_text(hostile_html(base, secret), encoding="utf-8")
    book = hostile_epub(tmp_path / "hostile.epub", base, secret)
    word = hostile_docx(DOCUMENTS / "sample.docx", tmp_path / "hostile.docx", base, secret)
    for path in (page, book, word):
        try:
            document = load_document(path)
        except Exception as error:  # a clear refusal is fine here; requests are what counts
            print(error)
            continue
        assert "SECRET" not in "".join(block.text for block in document.blocks)
        assert main(["library", "add", str(path)]) == 0
    assert main(["translate", str(page), "--to", "en", "--beam", "1", "--format", "html"]) == 0
    assert main(["notes", "add", "1", "--quote", "bảo vệ chính trị", "--occurrence", "1"]) == 0
    assert main(["export", str(page), "--to", "en", "-o", str(tmp_path / "out.html")]) == 0
    capsys.readouterr()
    assert server.connections == []


def test_reading_a_hostile_page_in_the_window_makes_no_request(
    counting_server, tmp_path: Path, installed_vi_en, qtbot
) -> None:
    """The window shows text, never markup: a title or text that looks like HTML with remote
    images (which a Qt label would render as rich text) fetches nothing either."""
    from tests.app_support import make_window, open_and_wait, wait_translated

    base, server = counting_server
    page = tmp_path / "window.html"
    page.write_text(
        hostile_html(base, tmp_path / "secret.txt").replace(
            "<h1>Bảo vệ chính trị nội bộ</h1>",
            f"<h1>&lt;img src=&quot;{base}/title.png&quot;&gt; Bảo vệ chính trị nội bộ</h1>",
        ),
        encoding="utf-8",
    )
    window = make_window(qtbot)
    open_and_wait(qtbot, window, page)
    wait_translated(qtbot, window)
    qtbot.wait(200)  # let the panes paint
    assert server.connections == []
