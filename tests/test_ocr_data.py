"""Tesseract data: found (ours, then the system's), installed only once Tesseract loads it,
downloaded with its size and sha256 checked, removed."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from reader.core.errors import InputError, ReaderError
from reader.core.ocr import data as ocr_data
from reader.core.ocr.data import (
    OcrDataEntry,
    OcrDataMissing,
    download_data,
    find_data,
    install_file,
    list_data,
    remove_data,
    require_data,
    tessdata_dir,
)
from reader.core.translate.download import DownloadError
from tests.ocr_support import VIE_DATA
from tests.range_server import RangeServer


def corrupt_copy(tmp_path: Path, size: int = 300_000) -> Path:
    """A file named like data, of a plausible size, that is the start of the real one."""
    path = tmp_path / "corrupt" / "vie.traineddata"
    path.parent.mkdir()
    path.write_bytes(VIE_DATA.read_bytes()[:size])
    return path


def installed_files() -> list[str]:
    return sorted(path.name for path in tessdata_dir().iterdir())


def test_installed_data_is_found_and_listed(vie_installed) -> None:
    assert vie_installed.path == tessdata_dir() / "vie.traineddata"
    assert vie_installed.path.read_bytes() == VIE_DATA.read_bytes()
    assert find_data("vie") == vie_installed
    assert list_data() == [vie_installed]


def test_missing_data_is_an_input_error_saying_how_to_get_it(no_system_tessdata) -> None:
    assert find_data("vie") is None
    with pytest.raises(InputError) as raised:
        require_data("vie", "scan.pdf")
    assert "bireader ocr install vie" in str(raised.value)
    assert str(raised.value).startswith("scan.pdf: ")
    # Told apart from other bad input (the window offers the data): it says which language.
    assert isinstance(raised.value, OcrDataMissing) and raised.value.language == "vie"


def test_a_system_tessdata_dir_is_used_when_ours_has_none(
    tmp_path: Path, no_system_tessdata, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = tmp_path / "share" / "tessdata"
    system.mkdir(parents=True)
    shutil.copyfile(VIE_DATA, system / "vie.traineddata")
    monkeypatch.setenv("TESSDATA_PREFIX", str(system.parent))
    found = find_data("vie")
    assert found is not None and found.system and found.path == system / "vie.traineddata"


def test_a_corrupt_file_installs_nothing_and_keeps_the_working_data(
    tmp_path: Path, vie_installed
) -> None:
    before = installed_files()
    with pytest.raises(InputError, match="Tesseract cannot load"):
        install_file(corrupt_copy(tmp_path))
    assert installed_files() == before  # no staging directory left either
    assert vie_installed.path.read_bytes() == VIE_DATA.read_bytes()


@pytest.mark.parametrize("size", [10, 300 * 1024**2])
def test_a_file_of_an_impossible_size_is_refused_before_loading(
    tmp_path: Path, no_system_tessdata, size: int
) -> None:
    path = tmp_path / "vie.traineddata"
    with path.open("wb") as sparse:
        sparse.truncate(size)
    with pytest.raises(InputError, match="not the size of Tesseract data"):
        install_file(path)
    assert installed_files() == []


def test_a_file_not_named_like_data_is_refused(tmp_path: Path, no_system_tessdata) -> None:
    path = tmp_path / "Vietnamese.bin"
    shutil.copyfile(VIE_DATA, path)
    with pytest.raises(InputError, match=r"vie\.traineddata"):
        install_file(path)


def test_remove_deletes_our_data_only_once(vie_installed) -> None:
    assert remove_data("vie").language == "vie"
    assert find_data("vie") is None
    with pytest.raises(ReaderError, match="not installed"):
        remove_data("vie")


def serve_as_catalogue(monkeypatch, server: RangeServer, body: bytes, size: int, sha256: str):
    server.behaviour.files["/vie.traineddata"] = body
    entry = OcrDataEntry("vie", "Vietnamese", server.url("/vie.traineddata"), size, sha256)
    monkeypatch.setattr(ocr_data, "CATALOGUE", (entry,))


def test_download_checks_size_and_hash_then_installs(monkeypatch, no_system_tessdata) -> None:
    body = VIE_DATA.read_bytes()
    reported = []
    with RangeServer() as server:
        serve_as_catalogue(monkeypatch, server, body, len(body), hashlib.sha256(body).hexdigest())
        data = download_data("vie", progress=lambda done, total: reported.append(done))
    assert data.path.read_bytes() == body
    assert reported[-1] == len(body)
    assert not any(os.scandir(ocr_data.downloads_dir()))  # the download is not kept twice


def test_a_download_with_the_wrong_hash_installs_nothing(monkeypatch, no_system_tessdata) -> None:
    body = VIE_DATA.read_bytes()
    with RangeServer() as server:
        serve_as_catalogue(monkeypatch, server, body, len(body), "0" * 64)
        with pytest.raises(DownloadError, match="sha256 mismatch"):
            download_data("vie")
    assert find_data("vie") is None


def test_a_language_outside_the_catalogue_is_a_clear_error(no_system_tessdata) -> None:
    with pytest.raises(ReaderError, match="no OCR data 'xyz'"):
        download_data("xyz")


@pytest.mark.parametrize("name", ["../../x", "../vie", "vie/../eng", "VIE", ""])
def test_a_language_name_that_is_a_path_reaches_no_file(
    vie_installed, no_system_tessdata, name: str
) -> None:
    outside = tessdata_dir().parent / "x.traineddata"
    outside.write_bytes(VIE_DATA.read_bytes())
    for use in (find_data, remove_data, download_data):
        with pytest.raises(ReaderError, match="is not an OCR language name"):
            use(name)
    assert outside.exists() and find_data("vie") is not None
