"""Downloading packages from a loopback server: resume, restart, verify, cancel, no half-install."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.errors import InputError, ReaderError
from reader.core.translate.catalogue import CatalogueEntry, find_entry
from reader.core.translate.download import (
    DownloadCancelled,
    DownloadError,
    download_and_install,
    download_file,
    downloads_dir,
)
from reader.core.translate.packages import install_package_file, list_installed
from tests.conftest import REPO
from tests.package_zips import minimal_package, tree_digest
from tests.range_server import RangeServer

FAST = {"timeout": 5.0, "retry_delay": 0.0}
SOCKET_TIMEOUT = 30.0  # the default: a cancel must not wait for it


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[RangeServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a configured proxy must not see loopback calls
    with RangeServer() as running:
        yield running


@pytest.fixture
def package_bytes(tmp_path: Path) -> bytes:
    # Big enough for several 64 KiB chunks, so cuts and cancels land mid-way.
    readme = "".join(
        f"line {n}: {hashlib.sha256(str(n).encode()).hexdigest()}\n" for n in range(8000)
    )
    return minimal_package(tmp_path / "served", version="2.0", readme=readme).read_bytes()


def entry_for(server: RangeServer, body: bytes, *, known: bool = True, code="translate-vi_en"):
    server.behaviour.files["/pkg.argosmodel"] = body
    from_code, to_code = code.removeprefix("translate-").split("_")
    return CatalogueEntry(
        code=code,
        from_code=from_code,
        to_code=to_code,
        from_name=from_code,
        to_name=to_code,
        version="2.0",
        argos_version="1.9",
        links=(server.url("/pkg.argosmodel"),),
        size=len(body) if known else None,
        sha256=hashlib.sha256(body).hexdigest() if known else None,
    )


@pytest.fixture
def previous(tmp_path: Path):
    """vi->en 1.0 already installed: failed downloads must leave it listed and intact."""
    model = install_package_file(minimal_package(tmp_path / "old", version="1.0"))
    return model, tree_digest(model.path)


def assert_previous_intact(previous) -> None:
    model, digest = previous
    assert list_installed() == [model]
    assert tree_digest(model.path) == digest


def test_download_verifies_installs_and_reports_progress(server, package_bytes, previous) -> None:
    entry = entry_for(server, package_bytes)
    seen: list[tuple[int, int | None]] = []

    outcome = download_and_install(entry, progress=lambda d, t: seen.append((d, t)), **FAST)

    assert outcome.model.version == "2.0"
    assert list_installed() == [outcome.model]
    assert outcome.download.sha256 == entry.sha256
    assert not outcome.first_use
    assert seen[-1] == (len(package_bytes), len(package_bytes))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) > 3
    assert list(downloads_dir().iterdir()) == []  # the package file is not kept


def test_cut_connection_resumes_with_range(server, package_bytes) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.cut_after = [100_000]

    download_and_install(entry, **FAST)

    assert server.behaviour.requests == [
        ("/pkg.argosmodel", None),
        ("/pkg.argosmodel", "bytes=100000-"),
    ]
    assert [m.version for m in list_installed()] == ["2.0"]


def test_server_ignoring_range_restarts_from_zero(server, package_bytes) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.cut_after = [100_000]
    server.behaviour.ignore_range = True

    outcome = download_and_install(entry, **FAST)

    assert len(server.behaviour.requests) == 2
    assert outcome.download.size == len(package_bytes)
    assert outcome.download.sha256 == entry.sha256


def test_cancel_keeps_the_partial_file_and_a_later_call_resumes(server, package_bytes) -> None:
    entry = entry_for(server, package_bytes)
    calls = []

    def cancel_after_three_chunks() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(DownloadCancelled):
        download_and_install(entry, cancelled=cancel_after_three_chunks, **FAST)
    assert list_installed() == []
    [part] = downloads_dir().iterdir()
    assert part.name.endswith(".part")
    kept = part.stat().st_size
    assert 0 < kept < len(package_bytes)

    download_and_install(entry, **FAST)
    assert server.behaviour.requests[-1][1] == f"bytes={kept}-"
    assert [m.version for m in list_installed()] == ["2.0"]


def test_sha_mismatch_installs_nothing(server, package_bytes, previous) -> None:
    entry = entry_for(server, package_bytes)
    forged = bytearray(package_bytes)
    forged[len(forged) // 2] ^= 0xFF
    server.behaviour.files["/pkg.argosmodel"] = bytes(forged)

    with pytest.raises(DownloadError, match="sha256 mismatch"):
        download_and_install(entry, **FAST)

    assert_previous_intact(previous)
    assert list(downloads_dir().iterdir()) == []  # corrupt bytes are not kept for resuming


def test_wrong_size_installs_nothing(server, package_bytes, previous) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.files["/pkg.argosmodel"] = package_bytes + b"extra"
    with pytest.raises(DownloadError, match="expected"):
        download_and_install(entry, **FAST)
    assert_previous_intact(previous)


def test_connection_cut_every_time_gives_up_with_nothing_installed(
    server, package_bytes, previous
) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.cut_after = [10_000] * 3
    server.behaviour.ignore_range = True  # so no attempt gets further than the last

    with pytest.raises(DownloadError, match="after 3 attempts"):
        download_and_install(entry, attempts=3, **FAST)

    assert len(server.behaviour.requests) == 3
    assert_previous_intact(previous)


def test_not_found_is_not_retried(server, package_bytes) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.files.clear()
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_and_install(entry, **FAST)
    assert len(server.behaviour.requests) == 1


def test_unknown_hash_is_trusted_once_then_recorded(server, package_bytes, tmp_path) -> None:
    real = find_entry("en_vi")
    assert real.sha256 is None
    first_body = minimal_package(tmp_path / "en_vi", "en", "vi", version=real.version).read_bytes()
    server.behaviour.files["/pkg.argosmodel"] = first_body
    entry = CatalogueEntry(**{**real.__dict__, "links": (server.url("/pkg.argosmodel"),)})

    outcome = download_and_install(entry, **FAST)

    assert outcome.first_use
    assert outcome.download.sha256 == hashlib.sha256(first_body).hexdigest()
    recorded = find_entry("en_vi")
    assert (recorded.size, recorded.sha256) == (len(first_body), outcome.download.sha256)

    # A later download of the same version must match what was recorded.
    other = minimal_package(tmp_path / "other", "en", "vi", version=real.version, readme="x")
    server.behaviour.files["/pkg.argosmodel"] = other.read_bytes()
    entry_now = CatalogueEntry(**{**recorded.__dict__, "links": (server.url("/pkg.argosmodel"),)})
    with pytest.raises(DownloadError, match="expected"):
        download_and_install(entry_now, **FAST)


def test_package_for_another_pair_is_refused(server, tmp_path, previous) -> None:
    body = minimal_package(tmp_path / "fr", "fr", "en", version="2.0").read_bytes()
    entry = entry_for(server, body)  # the catalogue says vi_en, the bytes say fr_en
    with pytest.raises(InputError, match=r"sent translate-fr_en 2\.0, not translate-vi_en 2\.0"):
        download_and_install(entry, **FAST)
    assert_previous_intact(previous)
    assert list(downloads_dir().iterdir()) == []


def test_download_of_a_non_package_installs_nothing(server, previous) -> None:
    entry = entry_for(server, b"<html>not a zip</html>" * 100)
    with pytest.raises(InputError, match="not a valid"):
        download_and_install(entry, **FAST)
    assert_previous_intact(previous)


def test_download_file_resumes_a_partial_left_by_an_earlier_run(server, tmp_path) -> None:
    body = bytes(range(256)) * 1000
    server.behaviour.files["/blob"] = body
    dest = tmp_path / "blob.bin"
    dest.with_name("blob.bin.part").write_bytes(body[:5000])

    result = download_file(server.url("/blob"), dest, expected_size=len(body), **FAST)

    assert dest.read_bytes() == body
    assert result.sha256 == hashlib.sha256(body).hexdigest()
    assert server.behaviour.requests == [("/blob", "bytes=5000-")]


def test_download_file_with_complete_partial_gets_416_and_verifies(server, tmp_path) -> None:
    body = b"x" * 1000
    server.behaviour.files["/blob"] = body
    dest = tmp_path / "blob.bin"
    dest.with_name("blob.bin.part").write_bytes(body)
    sha = hashlib.sha256(body).hexdigest()

    result = download_file(
        server.url("/blob"), dest, expected_size=1000, expected_sha256=sha, **FAST
    )

    assert result.path.read_bytes() == body


# --- cancelling while the server sends nothing -------------------------------------------------


class Canceller:
    """A cancel hook that turns True `delay` seconds after `arm()`, remembering when."""

    def __init__(self) -> None:
        self.at: float | None = None
        self._armed = False

    def arm(self, delay: float = 0.3) -> None:
        if not self._armed:
            self._armed = True
            timer = threading.Timer(delay, self._fire)
            timer.daemon = True
            timer.start()

    def _fire(self) -> None:
        self.at = time.monotonic()

    def __call__(self) -> bool:
        return self.at is not None

    def seconds_since(self) -> float:
        assert self.at is not None, "never cancelled"
        return time.monotonic() - self.at


def test_cancel_while_the_server_stalls_mid_body_is_prompt_and_the_next_call_resumes(
    server, package_bytes
) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.stall_after = [100_000]  # then silence, connection open
    cancel = Canceller()

    def progress(done: int, total: int | None) -> None:
        if done >= 100_000:  # everything before the stall has arrived
            cancel.arm()

    with pytest.raises(DownloadCancelled, match=r"translate-vi_en-2\.0\.argosmodel cancelled"):
        download_and_install(
            entry, progress=progress, cancelled=cancel, timeout=SOCKET_TIMEOUT, retry_delay=0.0
        )

    assert cancel.seconds_since() < 5  # not the 30 s socket timeout
    assert list_installed() == []
    [part] = downloads_dir().iterdir()  # the partial file, and no lock file left
    assert part.name == "translate-vi_en-2.0.argosmodel.part"
    assert part.stat().st_size == 100_000  # every byte received before the stall is kept

    server.behaviour.release.set()
    download_and_install(entry, **FAST)
    assert server.behaviour.requests[-1] == ("/pkg.argosmodel", "bytes=100000-")
    assert [m.version for m in list_installed()] == ["2.0"]


def test_cancel_while_the_server_sends_no_headers_is_prompt(server, package_bytes, previous):
    entry = entry_for(server, package_bytes)
    server.behaviour.stall_after = [-1]  # accepts the request, answers nothing
    cancel = Canceller()
    cancel.arm()

    with pytest.raises(DownloadCancelled):
        download_and_install(entry, cancelled=cancel, timeout=SOCKET_TIMEOUT, retry_delay=0.0)

    assert cancel.seconds_since() < 5
    assert len(server.behaviour.requests) == 1
    assert_previous_intact(previous)
    assert list(downloads_dir().iterdir()) == []


def test_a_silent_server_counts_as_a_cut_after_the_timeout_and_the_retry_resumes(
    server, package_bytes
) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.stall_after = [100_000]

    outcome = download_and_install(entry, timeout=1.0, retry_delay=0.0)

    assert server.behaviour.requests == [  # nothing received before the silence was lost
        ("/pkg.argosmodel", None),
        ("/pkg.argosmodel", "bytes=100000-"),
    ]
    assert outcome.download.sha256 == entry.sha256
    assert [m.version for m in list_installed()] == ["2.0"]


# --- two processes downloading the same package ------------------------------------------------

# Downloads the entry given as JSON in another process; says "checking" the first time it asks
# whether it is cancelled (while waiting for the other download, if there is one).
DOWNLOADER = r"""
import json, sys
from reader.core.translate.catalogue import CatalogueEntry
from reader.core.translate.download import download_and_install

raw = json.loads(sys.argv[1])
entry = CatalogueEntry(**{**raw, "links": tuple(raw["links"])})
asked = []

def cancelled():
    if not asked:
        asked.append(True)
        print("checking", flush=True)
    return False

outcome = download_and_install(entry, cancelled=cancelled, timeout=30.0, retry_delay=0.0)
print(json.dumps({"version": outcome.model.version, "meanwhile": outcome.installed_meanwhile}))
"""


def start_download(entry: CatalogueEntry) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # BIREADER_HOME, NO_PROXY: this test's
    raw = json.dumps({**entry.__dict__, "links": list(entry.links)})
    return subprocess.Popen(
        [sys.executable, "-c", DOWNLOADER, raw],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.splitlines()[-1])


def wait_for_requests(server: RangeServer, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(server.behaviour.requests) < count:
        assert time.monotonic() < deadline, "the download process never asked the server"
        time.sleep(0.05)


def test_two_processes_downloading_one_package_take_turns(server, package_bytes) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.stall_after = [100_000]  # the first download stops half-way...
    first = start_download(entry)
    wait_for_requests(server, 1)
    second = start_download(entry)
    assert second.stdout.readline().strip() == "checking"  # ...while the second one waits
    server.behaviour.release.set()

    assert finish(first) == {"version": "2.0", "meanwhile": False}
    assert finish(second) == {"version": "2.0", "meanwhile": True}  # and finds it installed
    assert len(server.behaviour.requests) == 1  # downloaded once, never written by two
    assert [m.version for m in list_installed()] == ["2.0"]
    assert list(downloads_dir().iterdir()) == []


def test_waiting_for_another_process_download_can_be_cancelled_or_time_out(
    server, package_bytes
) -> None:
    entry = entry_for(server, package_bytes)
    server.behaviour.stall_after = [100_000]
    other = start_download(entry)
    wait_for_requests(server, 1)

    cancel = Canceller()
    cancel.arm()
    with pytest.raises(DownloadCancelled):
        download_and_install(entry, cancelled=cancel, **FAST)
    assert cancel.seconds_since() < 5
    with pytest.raises(ReaderError, match=r"translate-vi_en-2\.0\.argosmodel is being downloaded"):
        download_and_install(entry, lock_timeout=0.3, **FAST)
    assert len(server.behaviour.requests) == 1  # neither touched the other's partial file

    server.behaviour.release.set()
    assert finish(other) == {"version": "2.0", "meanwhile": False}
    assert [m.version for m in list_installed()] == ["2.0"]
