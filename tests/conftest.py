"""Shared fixtures. Every test gets its own data directory, so nothing touches the user's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from reader.core.translate.packages import InstalledModel

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests draw the same examples on every run (a red CI must be reproducible), unless
# BIREADER_FUZZ_RANDOM asks for fresh ones, as bench/fuzz_long.py does.
settings.register_profile("reproducible", derandomize=True, database=None)
if os.environ.get("BIREADER_FUZZ_RANDOM") is None:
    settings.load_profile("reproducible")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "resources" / "samples" / "bvctnb-2023.vi.txt"
pytest_plugins = (
    "tests.ocr_support",  # OCR fixtures: the real Vietnamese data, installed
    "tests.support.postgres",  # a real PostgreSQL server, started on first use
)


@pytest.fixture
def database():
    """The library database of this test's data directory."""
    from reader.core.storage import open_database

    database = open_database()
    yield database
    database.close()


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of the sample that a test may edit and re-import."""
    path = tmp_path / "bvctnb.txt"
    shutil.copy(SAMPLE, path)
    return path


@pytest.fixture
def document_id(database, sample_copy: Path) -> int:
    """The sample copy, added to the library."""
    from reader.core.library import add_document

    return add_document(database, sample_copy).document_id


@pytest.fixture(autouse=True)
def bireader_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("bireader-home")
    monkeypatch.setenv("BIREADER_HOME", str(home))
    monkeypatch.delenv("BIREADER_DATABASE_URL", raising=False)  # never the developer's team library
    return home


# --- Argos package fixtures (tiny real models, see tests/argos_fixture.py) ---------------------


@pytest.fixture(scope="session")
def argos_package_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real vi→en `.argosmodel`, built once per session."""
    from tests.argos_fixture import build_argos_package

    return build_argos_package(tmp_path_factory.mktemp("argos-vi-en"), "vi", "en", seed=0)


@pytest.fixture(scope="session")
def argos_en_fr_package_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real en→fr `.argosmodel` (with a target prefix, as multilingual packages have)."""
    from tests.argos_fixture import build_argos_package

    return build_argos_package(
        tmp_path_factory.mktemp("argos-en-fr"), "en", "fr", seed=1, target_prefix="<2fr>"
    )


@pytest.fixture
def installed_vi_en(bireader_home: Path, argos_package_file: Path) -> InstalledModel:
    """The vi→en package installed through the real install path into this test's data dir."""
    from reader.core.translate.packages import install_package_file

    return install_package_file(argos_package_file)


@pytest.fixture
def installed_en_fr(bireader_home: Path, argos_en_fr_package_file: Path) -> InstalledModel:
    from reader.core.translate.packages import install_package_file

    return install_package_file(argos_en_fr_package_file)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection during the test fails loudly."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[1:]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
