"""Download model packages: streamed, resumable, verified, then installed.

The partial file lives in `data_dir()/downloads/<code>-<version>.argosmodel.part`; a retry (in this
call or a later one) asks for the rest with an HTTP Range request and starts over when the server
ignores it. The finished file is checked (size, sha256 when known, package structure and code)
before `install_package_file` touches `models_dir()`, so a failed, cut or forged download never
installs anything.

One partial file per package version, shared by every process, so that any later run resumes it:
a process downloading it holds `<file>.lock` beside it (`process_lock`) from the first byte to the
install, and a second one waits (cancellable) and then finds that version installed instead of
downloading it again.

Cancelling never waits on the network: the request is opened in a helper thread while we poll the
cancel hook, and the body is read only once `select` says bytes are there, polling the hook every
`CANCEL_POLL_SECONDS`; `timeout` seconds without a byte count as a cut connection (retried).
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import re
import select
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:
    import ssl
except ImportError:  # Python built without OpenSSL: http only
    ssl = None

from reader import __version__
from reader.core.changes import Changes
from reader.core.errors import InputError, ReaderError
from reader.core.paths import data_dir
from reader.core.translate.catalogue import CatalogueEntry, record_verified
from reader.core.translate.packages import (
    InstalledModel,
    install_package_file,
    list_installed,
    process_lock,
    read_package_metadata,
    version_key,
)

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int | None], None]  # (done_bytes, total_bytes or None)
CancelCheck = Callable[[], bool]  # True: stop as soon as possible

CHUNK_BYTES = 64 * 1024
DEFAULT_ATTEMPTS = 4
DEFAULT_TIMEOUT_SECONDS = 30.0  # to connect, for the headers, and without a byte of the body
RETRY_DELAY_SECONDS = 1.0
CANCEL_POLL_SECONDS = 0.2  # a cancel takes effect within this, even while the server is silent
DOWNLOAD_LOCK_TIMEOUT_SECONDS = 30 * 60.0  # another process downloading the same file: wait
USER_AGENT = f"BilingualReader/{__version__}"
CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
# A non-blocking read with nothing to hand raises one of these (TLS ones from ssl).
_NOTHING_YET = (BlockingIOError,) + ((ssl.SSLWantReadError, ssl.SSLWantWriteError) if ssl else ())


class DownloadError(ReaderError):
    """The download failed or its bytes are not what the catalogue promised."""


class DownloadCancelled(ReaderError):
    """The caller asked to stop. The partial file is kept so the next attempt resumes."""


class _Retryable(Exception):
    """A transient problem (cut connection, server error): try again, resuming."""


@dataclass(frozen=True)
class DownloadedFile:
    path: Path
    size: int
    sha256: str


@dataclass(frozen=True)
class InstallOutcome:
    model: InstalledModel
    download: DownloadedFile | None  # None when another process installed it while we waited
    first_use: bool  # the catalogue had no hash: this one was trusted and recorded
    installed_meanwhile: bool = False  # another process downloaded and installed this version

    @property
    def changes(self) -> Changes:
        return self.model.changes


def downloads_dir() -> Path:
    path = data_dir() / "downloads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024**2):
            digest.update(chunk)
    return digest.hexdigest()


def download_file(
    url: str,
    dest: Path,
    *,
    expected_size: int | None = None,
    expected_sha256: str | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    retry_delay: float = RETRY_DELAY_SECONDS,
    lock_timeout: float = DOWNLOAD_LOCK_TIMEOUT_SECONDS,
) -> DownloadedFile:
    """Fetch `url` into `dest`, resuming `dest.part` if present; verify size and sha256 if given.

    Another process fetching into the same `dest` is waited for (up to `lock_timeout` seconds).
    Raises DownloadError (nothing at `dest`) or DownloadCancelled (partial file kept).
    """
    with _download_lock(dest, lock_timeout, cancelled):
        return _download_locked(
            url,
            dest,
            expected_size,
            expected_sha256,
            progress,
            cancelled,
            attempts,
            timeout,
            retry_delay,
        )


@contextmanager
def _download_lock(dest: Path, lock_timeout: float, cancelled: CancelCheck | None):
    """Hold `dest.lock` (the partial and the finished file are ours); yield True if we waited.
    Raises DownloadCancelled if cancelled while waiting, LockTimeout after `lock_timeout`."""

    def stop_if_cancelled() -> None:
        if cancelled and cancelled():
            raise _cancelled(dest)

    waited_for = f"{lock_timeout / 60:g} min" if lock_timeout >= 120 else f"{lock_timeout:g} s"
    busy = (
        f"{dest.name} is being downloaded by another Bilingual Reader window or `bireader models` "
        f"command (waited {waited_for}); try again when it has finished"
    )
    lock = dest.with_name(dest.name + ".lock")
    with process_lock(lock, timeout=lock_timeout, busy=busy, poll=stop_if_cancelled) as waited:
        yield waited


def _cancelled(dest: Path) -> DownloadCancelled:
    return DownloadCancelled(
        f"download of {dest.name} cancelled (what has arrived is kept: the next attempt resumes)"
    )


def _download_locked(
    url: str,
    dest: Path,
    expected_size: int | None,
    expected_sha256: str | None,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
    attempts: int,
    timeout: float,
    retry_delay: float,
) -> DownloadedFile:
    part = dest.with_name(dest.name + ".part")
    last_problem = "no attempt made"
    for attempt in range(attempts):
        if attempt:
            _pause(retry_delay * attempt, cancelled, dest)
        try:
            _fetch_into(url, part, expected_size, progress, cancelled, timeout, dest)
            break
        except _Retryable as problem:
            last_problem = str(problem)
            log.info("download of %s interrupted (%s), retrying", url, problem)
    else:
        raise DownloadError(f"{url}: download failed after {attempts} attempts ({last_problem})")
    return _verified(url, part, dest, expected_size, expected_sha256)


def _pause(seconds: float, cancelled: CancelCheck | None, dest: Path) -> None:
    """Sleep before a retry; a cancel ends it."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if cancelled and cancelled():
            raise _cancelled(dest)
        time.sleep(min(left, CANCEL_POLL_SECONDS))


def _verified(
    url: str, part: Path, dest: Path, expected_size: int | None, expected_sha256: str | None
) -> DownloadedFile:
    size = part.stat().st_size
    if expected_size is not None and size != expected_size:
        part.unlink()
        raise DownloadError(f"{url}: got {size} bytes, expected {expected_size}")
    sha256 = file_sha256(part)
    if expected_sha256 is not None and sha256 != expected_sha256.lower():
        part.unlink()  # resuming corrupt bytes cannot help
        raise DownloadError(f"{url}: sha256 mismatch (expected {expected_sha256}, got {sha256})")
    part.replace(dest)
    return DownloadedFile(path=dest, size=size, sha256=sha256)


def _open(url: str, offset: int, timeout: float) -> http.client.HTTPResponse | None:
    """Open the request; None means the server says the range is past the end (416)."""
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 416 and offset:
            return None
        if error.code >= 500 or error.code == 429:
            raise _Retryable(f"HTTP {error.code} {error.reason}") from error
        raise DownloadError(f"{url}: HTTP {error.code} {error.reason}") from error
    except urllib.error.URLError as error:
        raise _Retryable(str(error.reason)) from error
    except (OSError, http.client.HTTPException) as error:
        raise _Retryable(str(error) or type(error).__name__) from error


class _Opener(threading.Thread):
    """Runs `_open` (connect, request, headers: up to `timeout` each) so the caller can poll its
    cancel hook meanwhile. Abandoned on cancel: it then closes whatever it gets, and ends within
    `timeout`."""

    def __init__(self, url: str, offset: int, timeout: float) -> None:
        super().__init__(name="model-download-open", daemon=True)
        self.request = (url, offset, timeout)
        self.done = threading.Event()
        self.response: http.client.HTTPResponse | None = None
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._abandoned = False

    def run(self) -> None:
        response = error = None
        try:
            response = _open(*self.request)
        except BaseException as raised:  # handed over to the caller's thread
            error = raised
        with self._lock:
            if not self._abandoned:
                self.response, self.error = response, error
                self.done.set()
                return
        if response is not None:
            response.close()

    def abandon(self) -> bool:
        """Give up on the request; False if it has already finished (the result is then ours)."""
        with self._lock:
            self._abandoned = not self.done.is_set()
            return self._abandoned


def _open_cancellable(
    url: str, offset: int, timeout: float, cancelled: CancelCheck | None, dest: Path
) -> http.client.HTTPResponse | None:
    if cancelled is None:
        return _open(url, offset, timeout)
    opener = _Opener(url, offset, timeout)
    opener.start()
    while not opener.done.wait(CANCEL_POLL_SECONDS):
        if cancelled() and opener.abandon():
            raise _cancelled(dest)
    if opener.error is not None:
        raise opener.error
    return opener.response


def _resume_offset(response: http.client.HTTPResponse, offset: int) -> tuple[int, int | None]:
    """Where the body starts in the file and the file's total size (None if unknown)."""
    length = response.headers.get("Content-Length")
    if offset and response.status == 206:
        match = CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        if match and int(match.group(1)) == offset:
            total = match.group(3)
            return offset, (int(total) if total != "*" else None)
        raise _Retryable("server answered a different range")  # caller restarts from 0
    return 0, (int(length) if length and length.isdigit() else None)


def _fetch_into(
    url: str,
    part: Path,
    expected_size: int | None,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
    timeout: float,
    dest: Path,
) -> None:
    if cancelled and cancelled():
        raise _cancelled(dest)
    offset = part.stat().st_size if part.exists() else 0
    if expected_size is not None and offset > expected_size:
        part.unlink()
        offset = 0
    response = _open_cancellable(url, offset, timeout, cancelled, dest)
    if response is None:  # 416: we already hold the whole file, or garbage: verification decides
        if expected_size is None or offset == expected_size:
            return
        part.unlink()
        raise _Retryable("server refused to resume")
    with response:
        try:
            start, total = _resume_offset(response, offset)
        except _Retryable:
            part.unlink()
            raise
        if expected_size is not None and total is not None and total != expected_size:
            part.unlink(missing_ok=True)
            raise DownloadError(f"{url}: server offers {total} bytes, expected {expected_size}")
        _copy_body(response, part, start, total, progress, cancelled, timeout, dest)


def _copy_body(
    response: http.client.HTTPResponse,
    part: Path,
    start: int,
    total: int | None,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
    timeout: float,
    dest: Path,
) -> None:
    done = start
    try:
        sink_file = part.open("r+b" if start else "wb")
    except OSError as error:
        raise DownloadError(f"{part}: cannot write the download ({error.strerror})") from error
    with sink_file as sink:
        sink.seek(start)
        sink.truncate()
        if progress:
            progress(done, total)
        while True:
            if cancelled and cancelled():
                raise _cancelled(dest)
            _wait_for_bytes(response, cancelled, timeout, dest)
            try:
                chunk = response.read1(CHUNK_BYTES)  # what has arrived: never waits for more
            except (OSError, http.client.HTTPException) as error:
                raise _Retryable(str(error) or type(error).__name__) from error
            if not chunk:
                break
            _write(sink, chunk, part)
            done += len(chunk)
            if progress:
                progress(done, total)
    if total is not None and done < total:
        raise _Retryable(f"connection closed after {done} of {total} bytes")


def _wait_for_bytes(
    response: http.client.HTTPResponse, cancelled: CancelCheck | None, timeout: float, dest: Path
) -> None:
    """Return once a read of `response` will not block; meanwhile honour a cancel within
    CANCEL_POLL_SECONDS. `timeout` seconds of silence raise _Retryable (the retry resumes)."""
    deadline = time.monotonic() + timeout
    wait = 0.0  # first just look: while bytes flow, this costs one select per chunk
    while True:
        try:
            readable, _, _ = select.select([response.fileno()], [], [], wait)
        except (OSError, ValueError):
            return  # the read reports it
        if readable or _bytes_buffered(response):
            return  # bytes (on the socket, or already taken off it), or the end of the stream
        if cancelled and cancelled():
            raise _cancelled(dest)
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Retryable(f"no data for {timeout:g} s")
        wait = min(left, CANCEL_POLL_SECONDS)


def _bytes_buffered(response: http.client.HTTPResponse) -> bool:
    """True if reading will not block although the socket has nothing new: bytes already taken
    off it (buffered by http.client or TLS), or we cannot tell (the read then waits up to the
    socket timeout, as a plain read would)."""
    buffered = response.fp
    sock = getattr(getattr(buffered, "raw", None), "_sock", None)  # socket.SocketIO's socket
    if buffered is None or not isinstance(sock, socket.socket):
        return True
    timeout = sock.gettimeout()
    try:
        sock.settimeout(0)  # peek takes what is buffered, or one non-blocking read
        try:
            return bool(buffered.peek(1))  # b"": nothing yet, or the end (select then says so)
        finally:
            sock.settimeout(timeout)
    except _NOTHING_YET:
        return False
    except (OSError, ValueError):
        return True


def download_and_install(
    entry: CatalogueEntry,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    retry_delay: float = RETRY_DELAY_SECONDS,
    lock_timeout: float = DOWNLOAD_LOCK_TIMEOUT_SECONDS,
) -> InstallOutcome:
    """Download a catalogue entry (trying its links in turn), verify it, install it.

    The package must be the one the entry names (code and version). Without a known sha256 the
    package is trusted on first use and its size and hash are recorded for later downloads.
    If another process is downloading the same version, wait for it (cancellable, up to
    `lock_timeout` seconds); if it installed that version, return that (`installed_meanwhile`).
    """
    dest = downloads_dir() / f"{entry.code}-{entry.version}.argosmodel"
    with _download_lock(dest, lock_timeout, cancelled) as waited:
        model = _installed_version(entry) if waited else None
        if model is not None:
            log.info("%s %s was installed meanwhile by another process", entry.code, entry.version)
            return InstallOutcome(
                model=model, download=None, first_use=False, installed_meanwhile=True
            )
        failures = []
        for url in entry.links:
            try:
                downloaded = _download_locked(
                    url,
                    dest,
                    entry.size,
                    entry.sha256,
                    progress,
                    cancelled,
                    attempts,
                    timeout,
                    retry_delay,
                )
                break
            except DownloadError as error:
                failures.append(str(error))
        else:
            raise DownloadError(f"cannot download {entry.code}: " + "; ".join(failures))
        try:
            model = _install_download(entry, downloaded)
        finally:
            dest.unlink(missing_ok=True)
        first_use = entry.sha256 is None
        if first_use:
            record_verified(entry, downloaded.size, downloaded.sha256)
    return InstallOutcome(model=model, download=downloaded, first_use=first_use)


def _installed_version(entry: CatalogueEntry) -> InstalledModel | None:
    wanted = version_key(entry.version)
    for model in list_installed():
        if model.code == entry.code and version_key(model.version) == wanted:
            return model
    return None


def _install_download(entry: CatalogueEntry, downloaded: DownloadedFile) -> InstalledModel:
    metadata = read_package_metadata(downloaded.path)
    if (metadata.code, metadata.version) != (entry.code, entry.version):
        raise InputError(
            downloaded.path,
            f"the server sent {metadata.code} {metadata.version}, not {entry.code} {entry.version}",
        )
    return install_package_file(downloaded.path)


def _write(sink, chunk: bytes, part: Path) -> None:
    """A full disk is the user's to fix: say which file, not a traceback."""
    try:
        sink.write(chunk)
    except OSError as error:
        raise DownloadError(f"{part}: cannot write the download ({error.strerror})") from error
