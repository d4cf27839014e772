import stat
from pathlib import Path

from reader.core import paths


def test_bireader_home_overrides_the_platform_directory(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    assert paths.data_dir() == home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert paths.database_path().parent == home
    assert paths.models_dir().parent == home


def test_platform_directory_is_used_without_override(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(paths.HOME_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert paths.data_dir() == tmp_path / paths.APP_NAME


def test_sample_document_is_shipped() -> None:
    assert paths.sample_document().is_file()
