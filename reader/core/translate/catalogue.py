"""The catalogue of downloadable Argos model packages.

Sources, merged by package code (the highest version wins; on a tie the later source wins):
1. the Argos index bundled in `resources/catalogue/index.json`;
2. a newer copy of that index the user fetched with `refresh_catalogue()` (data dir);
3. our own `resources/catalogue/extra.json`: pairs the index dropped (vi<->en), in the same
   format plus optional `size` and `sha256` of the package file.
An entry without a known sha256 is trusted on first download; `record_verified()` then stores its
size and hash in the data dir so every later download of that version is checked against them.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

from reader.core.errors import InputError, ReaderError
from reader.core.files import write_text, writing
from reader.core.paths import data_dir, resources_dir
from reader.core.translate.argos_env import argos_package_module
from reader.core.translate.packages import (
    PackageMetadata,
    normalise_code,
    version_key,
)

log = logging.getLogger(__name__)

MAX_INDEX_BYTES = 16 * 1024**2
REFRESH_TIMEOUT_SECONDS = 20.0
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class CatalogueEntry:
    code: str  # argospm name, e.g. "translate-vi_en"
    from_code: str
    to_code: str
    from_name: str
    to_name: str
    version: str
    argos_version: str
    links: tuple[str, ...]
    size: int | None  # bytes of the .argosmodel file, None if unknown
    sha256: str | None  # hex digest of the .argosmodel file, None if unknown

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "from_code": self.from_code,
            "to_code": self.to_code,
            "from_name": self.from_name,
            "to_name": self.to_name,
            "version": self.version,
            "links": list(self.links),
            "size": self.size,
            "sha256": self.sha256,
        }


def human_size(size: int | None) -> str:
    """Decimal units, one decimal ("65.9 MB"): the CLI's `models available` and the window's
    model manager say the same."""
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def bundled_catalogue_dir() -> Path:
    return resources_dir() / "catalogue"


def user_catalogue_dir() -> Path:
    path = data_dir() / "catalogue"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def user_index_path() -> Path:
    return user_catalogue_dir() / "index.json"


def verified_path() -> Path:
    return user_catalogue_dir() / "verified.json"


def entry_from_json(raw: object) -> CatalogueEntry:
    """Parse one index entry (argospm format); raises ValueError if unusable."""
    metadata = PackageMetadata.from_json(raw)  # validates type, codes, version
    assert isinstance(raw, dict)
    package = argos_package_module().AvailablePackage(raw)  # the Argos reading of the same entry
    # Only https: other schemes in the index (ipfs://) need software we do not ship.
    links = tuple(
        link
        for link in (package.links if isinstance(package.links, list) else ())
        if isinstance(link, str) and link.startswith("https://")
    )
    if not links:
        raise ValueError(f"{metadata.code}: no https download link")
    size = raw.get("size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size <= 0):
        raise ValueError(f"{metadata.code}: size is not a positive integer")
    sha256 = raw.get("sha256")
    if sha256 is not None and (not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256)):
        raise ValueError(f"{metadata.code}: sha256 is not a hex SHA-256 digest")
    return CatalogueEntry(
        code=metadata.code,
        from_code=metadata.from_code,
        to_code=metadata.to_code,
        from_name=metadata.from_name,
        to_name=metadata.to_name,
        version=metadata.version,
        argos_version=str(package.argos_version),
        links=links,
        size=size,
        sha256=sha256,
    )


def read_index(path: Path) -> list[CatalogueEntry]:
    """Entries of an index file; unusable entries (other package types, bad links) are skipped."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(path, f"cannot read the model index ({error})") from error
    if not isinstance(raw, list):
        raise InputError(path, "the model index is not a JSON list")
    entries = []
    for item in raw:
        try:
            entries.append(entry_from_json(item))
        except ValueError as error:
            log.info("%s: skipping an index entry: %s", path, error)
    return entries


def _verified_figures() -> dict[str, dict]:
    path = verified_path()
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        log.warning("ignoring %s: %s", path, error)
        return {}
    return raw if isinstance(raw, dict) else {}


def _verified_key(entry: CatalogueEntry) -> str:
    return f"{entry.code}@{entry.version}"


def _with_verified_figures(entry: CatalogueEntry, figures: dict[str, dict]) -> CatalogueEntry:
    if entry.sha256 is not None:
        return entry
    known = figures.get(_verified_key(entry))
    if not isinstance(known, dict):
        return entry
    size, sha256 = known.get("size"), known.get("sha256")
    if isinstance(size, int) and isinstance(sha256, str) and SHA256_HEX.fullmatch(sha256):
        return replace(entry, size=size, sha256=sha256)
    return entry


def _sources() -> list[Path]:
    bundled = bundled_catalogue_dir()
    user_index = data_dir() / "catalogue" / "index.json"
    paths = [bundled / "index.json", user_index, bundled / "extra.json"]
    return [path for path in paths if path.exists()]


def load_catalogue() -> list[CatalogueEntry]:
    """All downloadable packages, one per code (its highest version), sorted by code."""
    merged: dict[str, CatalogueEntry] = {}
    for path in _sources():
        for entry in read_index(path):
            current = merged.get(entry.code)
            if current is None or version_key(entry.version) >= version_key(current.version):
                merged[entry.code] = entry
    figures = _verified_figures()
    return [_with_verified_figures(merged[code], figures) for code in sorted(merged)]


def find_entry(code: str) -> CatalogueEntry | None:
    """The catalogue entry for `vi_en`, `vi-en` or `translate-vi_en`; None if not listed."""
    wanted = normalise_code(code)
    return next((entry for entry in load_catalogue() if entry.code == wanted), None)


def record_verified(entry: CatalogueEntry, size: int, sha256: str) -> None:
    """Record the figures of a download that had no known hash (trust on first use)."""
    figures = _verified_figures()
    figures[_verified_key(entry)] = {"size": size, "sha256": sha256}
    write_text(verified_path(), json.dumps(figures, indent=2, sort_keys=True) + "\n")


def remote_index_url() -> str:
    """Where argostranslate fetches its index (honours ARGOS_PACKAGE_INDEX)."""
    return str(argos_package_module().settings.remote_package_index)


def refresh_catalogue(url: str | None = None, timeout: float = REFRESH_TIMEOUT_SECONDS) -> int:
    """Fetch the current Argos index into the data dir; return how many usable entries it has.

    Raises ReaderError (with the URL and the reason) when offline or when the index is unusable;
    the previously fetched index, if any, is kept then.
    """
    url = url or remote_index_url()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read(MAX_INDEX_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise ReaderError(f"cannot fetch the model index from {url}: HTTP {error.code}") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise ReaderError(
            f"cannot fetch the model index from {url}: {reason} (offline?)"
        ) from error
    if len(body) > MAX_INDEX_BYTES:
        raise ReaderError(f"{url}: the model index is larger than {MAX_INDEX_BYTES} bytes")
    with writing(user_index_path()) as temporary:  # a name of its own: others may refresh too
        temporary.write_bytes(body)
        try:
            count = len(read_index(temporary))
        except InputError as error:
            raise ReaderError(f"{url}: {error.problem}") from error
        if count == 0:
            raise ReaderError(f"{url}: the model index lists no usable translation package")
    return count
