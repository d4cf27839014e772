"""Download model packages: streamed, resumable, verified, then installed.

The partial file lives in `data_dir()/downloads/<code>-<version>.argosmodel.part`; a retry (in this
call or a later one) asks for the rest with an HTTP Range request and starts over when the server
ignores it. The finished file is checked (size, sha256 when known, package structure and code)
before `install_package_file` touches `models_dir()`, so a failed, cut or forged download never
installs anything.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader import __version__
from reader.core.errors import InputError, ReaderError
from reader.core.paths import data_dir
from reader.core.translate.catalogue import CatalogueEntry, record_verified
from reader.core.translate.packages import (
    InstalledModel,
    install_package_file,
    read_package_metadata,
)

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int | None], None]  # (done_bytes, total_bytes or None)
CancelCheck = Callable[[], bool]  # True: stop as soon as possible

CHUNK_BYTES = 64 * 1024
DEFAULT_ATTEMPTS = 4
DEFAULT_TIMEOUT_SECONDS = 30.0
RETRY_DELAY_SECONDS = 1.0
USER_AGENT = f"BilingualReader/{__version__}"
CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


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
    download: DownloadedFile
    first_use: bool  # the catalogue had no hash: this one was trusted and recorded


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
) -> DownloadedFile:
    """Fetch `url` into `dest`, resuming `dest.part` if present; verify size and sha256 if given.

    Raises DownloadError (nothing at `dest`) or DownloadCancelled (partial file kept).
    """
    part = dest.with_name(dest.name + ".part")
    last_problem = "no attempt made"
    for attempt in range(attempts):
        if attempt:
            time.sleep(retry_delay * attempt)
        try:
            _fetch_into(url, part, expected_size, progress, cancelled, timeout)
            break
        except _Retryable as problem:
            last_problem = str(problem)
            log.info("download of %s interrupted (%s), retrying", url, problem)
    else:
        raise DownloadError(f"{url}: download failed after {attempts} attempts ({last_problem})")
    return _verified(url, part, dest, expected_size, expected_sha256)


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
) -> None:
    offset = part.stat().st_size if part.exists() else 0
    if expected_size is not None and offset > expected_size:
        part.unlink()
        offset = 0
    response = _open(url, offset, timeout)
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
        _copy_body(response, part, start, total, progress, cancelled)


def _copy_body(
    response: http.client.HTTPResponse,
    part: Path,
    start: int,
    total: int | None,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
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
                raise DownloadCancelled("download cancelled (the partial file is kept to resume)")
            try:
                chunk = response.read(CHUNK_BYTES)
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


def download_and_install(
    entry: CatalogueEntry,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    retry_delay: float = RETRY_DELAY_SECONDS,
) -> InstallOutcome:
    """Download a catalogue entry (trying its links in turn), verify it, install it.

    The package must be the one the entry names (code and version). Without a known sha256 the
    package is trusted on first use and its size and hash are recorded for later downloads.
    """
    dest = downloads_dir() / f"{entry.code}-{entry.version}.argosmodel"
    failures = []
    for url in entry.links:
        try:
            downloaded = download_file(
                url,
                dest,
                expected_size=entry.size,
                expected_sha256=entry.sha256,
                progress=progress,
                cancelled=cancelled,
                attempts=attempts,
                timeout=timeout,
                retry_delay=retry_delay,
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
