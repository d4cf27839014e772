"""Start-up: the window, the first run (library empty: the sample), later runs (the last
document, where it was left), `--screenshot` mode, and that the heavy Argos dependencies (torch,
stanza, spaCy) are never imported."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from reader.app.main import build_window, start
from tests.app_support import WAIT_MS
from tests.conftest import REPO, SAMPLE


def test_first_run_opens_the_bundled_sample(qtbot) -> None:
    window = build_window()
    qtbot.addWidget(window, before_close_func=lambda w: (w.close(), w.workers.wait()))
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as opened:
        start(window, None)
    assert opened.args[0].document.source_path == SAMPLE.resolve()
    window.close()


def test_a_file_given_is_opened_without_reading_the_library_meanwhile(qtbot, monkeypatch) -> None:
    """`bireader FILE`: the library view, never shown, does not compete with the opening."""
    window = build_window()
    qtbot.addWidget(window, before_close_func=lambda w: (w.close(), w.workers.wait()))
    loads: list[bool] = []
    monkeypatch.setattr(window.library_view, "refresh", lambda: loads.append(True))
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS):
        start(window, SAMPLE)
        assert window.stack.currentWidget() is window.document_view
    assert loads == []
    window.close()


def test_later_runs_reopen_the_last_document_where_it_was_left(qtbot) -> None:
    first = build_window()
    qtbot.addWidget(first, before_close_func=lambda w: (w.close(), w.workers.wait()))
    with qtbot.waitSignal(first.document_opened, timeout=WAIT_MS) as opened:
        start(first, None)
    first.document_view.scroll_to_block(6)
    first.close()
    first.workers.wait()
    second = build_window()
    qtbot.addWidget(second, before_close_func=lambda w: (w.close(), w.workers.wait()))
    with qtbot.waitSignal(second.document_opened, timeout=WAIT_MS) as reopened:
        start(second, None)
    assert reopened.args[0].document_id == opened.args[0].document_id
    assert second.document_view.top_block() == 6
    second.activateWindow()
    second.document_view.source_pane.setFocus()
    with qtbot.waitSignal(second.library_loaded, timeout=WAIT_MS):  # the library: one key away
        qtbot.keyClick(
            second.document_view.source_pane, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
        )
    assert second.stack.currentWidget() is second.library_view
    assert len(second.library_view.rows) == 1


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BIREADER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_screenshot_waits_for_the_visible_translation(
    bireader_home, installed_vi_en, tmp_path
) -> None:
    shot = tmp_path / "shot.png"
    previous = os.umask(0)  # inherited: what the app writes must be private on its own
    try:
        result = run_cli(
            "open", str(SAMPLE), "--screenshot", str(shot), "--wait-translation", home=bireader_home
        )
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(shot.stat().st_mode) == 0o600
    assert stat.S_IMODE((bireader_home / "settings.ini").stat().st_mode) == 0o600
    image = QImage(str(shot))
    assert image.width() >= 800 and image.height() >= 500
    # Both panes have text: dark pixels on the left and on the right half of the window.
    assert _has_ink(image, 0.05, 0.45) and _has_ink(image, 0.55, 0.95)


def test_screenshot_of_a_bad_file_fails_with_one_line(bireader_home, tmp_path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    result = run_cli(
        "open", str(binary), "--screenshot", str(tmp_path / "s.png"), home=bireader_home
    )
    assert result.returncode == 2
    assert str(binary) in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "s.png").exists()


PROBE = """
import sys
from PySide6.QtCore import QTimer
from reader.app.main import build_window, create_application, start
from reader.core.paths import sample_document
app = create_application()
window = build_window()
window.translation.finished.connect(lambda *_: QTimer.singleShot(0, window.close))
window.open_failed.connect(lambda *_: QTimer.singleShot(0, window.close))
start(window, sample_document())
app.exec()
window.workers.wait()
heavy = ("torch", "stanza", "spacy", "argostranslate.translate")
heavy = sorted(name for name in heavy if name in sys.modules)
print("heavy:", heavy)
"""


def test_torch_stanza_and_spacy_are_never_imported(bireader_home, installed_vi_en) -> None:
    env = {**os.environ, "BIREADER_HOME": str(bireader_home), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout  # after opening AND translating a document


def _has_ink(image: QImage, left: float, right: float) -> bool:
    dark = 0
    for x in range(int(image.width() * left), int(image.width() * right), 7):
        for y in range(60, image.height() - 60, 7):
            if image.pixelColor(x, y).lightness() < 100:
                dark += 1
    return dark > 50
