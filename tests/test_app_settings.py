"""Preferences and window state in QSettings, kept inside BIREADER_HOME in tests."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from PySide6.QtCore import QByteArray

from reader.app.settings import DEFAULT_FONT_SIZE, MAX_FONT_SIZE, MAX_RECENT_FILES, AppSettings


def test_settings_live_in_the_data_directory(bireader_home: Path) -> None:
    settings = AppSettings()
    settings.theme = "dark"
    settings.sync()
    assert Path(settings.file_name) == bireader_home / "settings.ini"
    assert (bireader_home / "settings.ini").read_text().count("dark") == 1


def test_the_settings_file_is_user_only_whatever_the_umask(bireader_home: Path) -> None:
    loose = bireader_home / "settings.ini"
    loose.write_text("[General]\n")
    loose.chmod(0o666)  # as an older version left it
    previous = os.umask(0)
    try:
        settings = AppSettings()
        settings.add_recent_file(bireader_home / "bí mật.pdf")
        settings.sync()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    assert "recent" in loose.read_text(encoding="utf-8")  # written, and still private


def test_defaults() -> None:
    settings = AppSettings()
    assert settings.theme == "system"
    assert settings.synced_scrolling is True
    assert settings.font_size == DEFAULT_FONT_SIZE
    assert settings.recent_files == []
    assert settings.target_language == "en"
    assert settings.geometry("main") is None


def test_values_survive_a_new_instance() -> None:
    settings = AppSettings()
    settings.synced_scrolling = False
    settings.font_family = "DejaVu Serif"
    settings.font_size = 15.5
    settings.set_geometry("main", QByteArray(b"\x01\x02"))
    settings.sync()
    again = AppSettings()
    assert again.synced_scrolling is False
    assert (again.font_family, again.font_size) == ("DejaVu Serif", 15.5)
    assert again.geometry("main") == QByteArray(b"\x01\x02")


def test_bad_values_fall_back_to_sane_ones() -> None:
    settings = AppSettings()
    settings.font_size = 500
    assert settings.font_size == MAX_FONT_SIZE
    settings.theme = "purple"
    assert settings.theme == "system"


def test_recent_files_are_most_recent_first_unique_and_bounded(tmp_path: Path) -> None:
    settings = AppSettings()
    for index in range(MAX_RECENT_FILES + 3):
        settings.add_recent_file(tmp_path / f"{index}.txt")
    settings.add_recent_file(tmp_path / "5.txt")
    files = AppSettings().recent_files
    assert len(files) == MAX_RECENT_FILES
    assert files[0] == str((tmp_path / "5.txt").resolve())
    assert files.count(str((tmp_path / "5.txt").resolve())) == 1
    settings.clear_recent_files()
    assert AppSettings().recent_files == []
