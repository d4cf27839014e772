"""`bireader open`: argument checks that fail before any window appears."""

from __future__ import annotations

from pathlib import Path

from reader.cli import main


def test_missing_file_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.txt"
    assert main(["open", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"bireader: {missing}: no such file"


def test_directory_is_refused(tmp_path: Path, capsys) -> None:
    assert main(["open", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_wait_translation_needs_a_screenshot(capsys) -> None:
    assert main(["open", "--wait-translation"]) == 2
    assert "--screenshot" in capsys.readouterr().err


def test_screenshot_needs_an_image_name_in_an_existing_directory(tmp_path: Path, capsys) -> None:
    assert main(["open", "--screenshot", str(tmp_path / "shot.txt")]) == 2
    assert main(["open", "--screenshot", str(tmp_path / "no" / "shot.png")]) == 2
    assert capsys.readouterr().err.count("bireader:") == 2


def test_no_display_is_one_clear_line_not_a_qt_abort(monkeypatch, capsys) -> None:
    from reader.cli import main

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["open"]) == 2
    err = capsys.readouterr().err
    assert "no display" in err and "--screenshot" in err and err.count("\n") == 1
