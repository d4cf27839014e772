"""Tesseract language data (`<lang>.traineddata`): where it is, installing and removing it.

Installed data lives in `data_dir()/tessdata/`; a system Tesseract's data (`TESSDATA_PREFIX`,
`/usr/share/tesseract-ocr/*/tessdata`, `/usr/share/tessdata`) is used when ours is missing.
Installs reuse the translation models' machinery: `download_file` (streamed, resumable, size and
sha256 checked) and `process_lock` (installs and removals take turns across processes). A file is
checked in a staging directory (size, then Tesseract must load it) before one atomic rename puts
it in place, so a corrupt or cut file never replaces working data.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import InputError, ReaderError
from reader.core.paths import data_dir
from reader.core.translate.download import (
    CancelCheck,
    ProgressCallback,
    download_file,
    downloads_dir,
    file_sha256,
)
from reader.core.translate.packages import process_lock

SUFFIX = ".traineddata"
LANGUAGE_NAME = re.compile(r"[a-z]{3}(?:_[a-z]+)?")  # Tesseract's names: vie, eng, chi_sim
MIN_DATA_BYTES = 64 * 1024  # the smallest real (fast) models are ~400 KB
MAX_DATA_BYTES = 200 * 1024**2  # tessdata_best's largest are ~100 MB
LOCK_TIMEOUT_SECONDS = 60.0
SYSTEM_DIRS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata")


@dataclass(frozen=True)
class OcrDataEntry:
    language: str
    name: str
    url: str
    size: int
    sha256: str


# tessdata_fast: the integer LSTM models, several times faster than tessdata_best for a small
# loss of accuracy on clean print.
CATALOGUE = (
    OcrDataEntry(
        language="vie",
        name="Vietnamese",
        url="https://github.com/tesseract-ocr/tessdata_fast/raw/4.1.0/vie.traineddata",
        size=531_275,
        sha256="79df64caf7bcfb2a27df5042ecb6121e196eada34da774956995747636d5bfa1",
    ),
)


@dataclass(frozen=True)
class OcrData:
    language: str
    path: Path  # the .traineddata file
    system: bool  # found in a system Tesseract's folder, not installed by us

    @property
    def tessdata_dir(self) -> Path:
        return self.path.parent


class OcrDataMissing(InputError):
    """A file needs OCR and no data for the language is installed: the message says how to get
    it; the window tells it apart to offer the download."""

    def __init__(self, path: Path | str, language: str) -> None:
        self.language = language
        super().__init__(
            path,
            f"needs OCR (a scan or an image) and the OCR data for '{language}' is not installed: "
            f"run `bireader ocr install {language}` (or install a file: "
            f"`bireader ocr install {language}{SUFFIX}`)",
        )


def tessdata_dir() -> Path:
    path = data_dir() / "tessdata"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def catalogue_entry(language: str) -> OcrDataEntry | None:
    return next((entry for entry in CATALOGUE if entry.language == language), None)


def find_data(language: str) -> OcrData | None:
    """Our installed data for the language, else a system Tesseract's, else None."""
    _check_language_name(language)
    installed = tessdata_dir() / f"{language}{SUFFIX}"
    if installed.is_file():
        return OcrData(language, installed, system=False)
    for directory in _system_dirs():
        candidate = directory / f"{language}{SUFFIX}"
        if candidate.is_file():
            return OcrData(language, candidate, system=True)
    return None


def require_data(language: str, path: Path | str) -> OcrData:
    """The data to OCR `path` with; OcrDataMissing naming the command that installs it if none."""
    found = find_data(language)
    if found is None:
        raise OcrDataMissing(path, language)
    return found


def list_data() -> list[OcrData]:
    """Every language with data, ours first: each language once, as `find_data` would pick it."""
    names = {path.name for path in tessdata_dir().glob(f"*{SUFFIX}")}
    for directory in _system_dirs():
        names.update(path.name for path in directory.glob(f"*{SUFFIX}"))
    found = (find_data(name.removesuffix(SUFFIX)) for name in sorted(names))
    return [data for data in found if data is not None]


def _system_dirs() -> list[Path]:
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = [Path(prefix), Path(prefix) / "tessdata"] if prefix else []
    for pattern in SYSTEM_DIRS:
        candidates.extend(Path(match) for match in sorted(glob.glob(pattern)))
    return [directory for directory in candidates if directory.is_dir()]


def language_of_file(path: Path) -> str:
    language = path.name.removesuffix(SUFFIX)
    if not path.name.endswith(SUFFIX) or not LANGUAGE_NAME.fullmatch(language):
        raise InputError(path, f"expected a Tesseract data file named like vie{SUFFIX}")
    return language


def _check_language_name(language: str) -> None:
    """A name becomes a file name: `../x` would reach outside the data folder."""
    if not LANGUAGE_NAME.fullmatch(language):
        raise ReaderError(f"'{language}' is not an OCR language name (like vie, eng, chi_sim)")


def install_file(path: Path) -> OcrData:
    """Install a `.traineddata` file after checking Tesseract loads it; nothing changes if not."""
    path = Path(path)
    language = language_of_file(path)
    _check_size(path)
    root = tessdata_dir()
    with _lock(f"install {language}"):
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
        try:
            staged = staging / path.name
            try:
                shutil.copyfile(path, staged)
            except OSError as error:
                raise InputError(path, f"cannot be copied ({error.strerror or error})") from error
            _check_loads(staged, language, path)
            target = root / path.name
            os.replace(staged, target)  # atomic: a reader sees the old file or the new one
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return OcrData(language, target, system=False)


def download_data(
    language: str,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> OcrData:
    """Download the catalogue's data for the language (checked: size, sha256), then install it."""
    downloads = downloads_dir()  # an unusable data folder is the first thing to say
    _check_language_name(language)
    entry = catalogue_entry(language)
    if entry is None:
        known = ", ".join(e.language for e in CATALOGUE)
        raise ReaderError(f"no OCR data '{language}' in the catalogue (known: {known})")
    dest = downloads / f"{language}{SUFFIX}"
    download_file(
        entry.url,
        dest,
        expected_size=entry.size,
        expected_sha256=entry.sha256,
        progress=progress,
        cancelled=cancelled,
    )
    try:
        return install_file(dest)
    finally:
        dest.unlink(missing_ok=True)


def remove_data(language: str) -> OcrData:
    """Delete our installed data for the language (a system Tesseract's is not ours to touch)."""
    folder = tessdata_dir()  # an unusable data folder is the first thing to say
    _check_language_name(language)
    with _lock(f"remove {language}"):
        target = folder / f"{language}{SUFFIX}"
        if not target.is_file():
            raise ReaderError(f"OCR data '{language}' is not installed")
        target.unlink()
    return OcrData(language, target, system=False)


def data_digest(data: OcrData) -> str:
    return file_sha256(data.path)


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from error
    if not MIN_DATA_BYTES <= size <= MAX_DATA_BYTES:
        raise InputError(
            path, f"{size} bytes is not the size of Tesseract data (64 KiB to 200 MiB expected)"
        )


def _check_loads(staged: Path, language: str, original: Path) -> None:
    from reader.core.ocr.engine import tesseract

    try:
        tesseract().PyTessBaseAPI(path=str(staged.parent), lang=language).End()
    except RuntimeError as error:
        raise InputError(original, "Tesseract cannot load this data file (corrupt?)") from error


def _lock(action: str):
    busy = f"cannot {action}: another Bilingual Reader process is changing the OCR data"
    return process_lock(tessdata_dir() / ".lock", timeout=LOCK_TIMEOUT_SECONDS, busy=busy)
