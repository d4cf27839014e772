"""Where the app keeps its data, and where its shipped resources are."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

import platformdirs

from reader.core.errors import ReaderError, os_problem

APP_NAME = "bilingual-reader"
HOME_ENV = "BIREADER_HOME"


def data_dir() -> Path:
    """The user's data directory (library database, models, caches), created user-only.

    `BIREADER_HOME` overrides the platform default; tests point it at a temporary directory.
    """
    override = os.environ.get(HOME_ENV)
    path = (
        Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    )
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.stat().st_mode & 0o077:  # notes and reading history are private, whoever made it
            path.chmod(0o700)
    except FileExistsError as error:
        raise DataFolderError(path, "it is a file, not a folder") from error
    except OSError as error:
        raise DataFolderError(path, os_problem(error)) from error
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataFolderError(path, "it is not writable")
    return path


class DataFolderError(ReaderError):
    """The data directory cannot be made or written: nothing can be stored."""

    def __init__(self, path: Path, problem: str):
        super().__init__(
            f"{path}: the data folder cannot be used ({problem}); "
            f"set {HOME_ENV} to a writable folder"
        )


def database_path() -> Path:
    return data_dir() / "library.sqlite3"


def models_dir() -> Path:
    path = data_dir() / "packages"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise DataFolderError(path, os_problem(error)) from error
    return path


def resources_dir() -> Path:
    """The app's shipped data (sample document, segmenter data, catalogue entries).

    It is the repository's top-level `resources/` folder. Wheels and `pip install .` carry it
    inside the package as `reader/resources/` (pyproject.toml maps it there); a source checkout
    or an editable install has it beside the `reader` package.
    """
    installed = importlib.resources.files("reader") / "resources"
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if checkout.is_dir():
        return checkout
    raise ReaderError(
        f"the app's data folder is missing (looked for {installed} and {checkout}): "
        "reinstall bilingual-reader"
    )


def sample_document() -> Path:
    return resources_dir() / "samples" / "bvctnb-2023.vi.txt"
