"""Helpers for the window tests (pytest-qt): build windows, open documents, make long texts."""

from __future__ import annotations

import gc
from pathlib import Path

from reader.app.settings import AppSettings
from reader.app.window.main_window import MainWindow

WAIT_MS = 60_000  # generous: CI machines are slow; tests normally finish in well under a second


def make_window(qtbot, size: tuple[int, int] = (1000, 700)) -> MainWindow:
    """A shown main window using this test's BIREADER_HOME (settings, database, models)."""
    window = MainWindow(AppSettings())
    qtbot.addWidget(window, before_close_func=_stop)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def _stop(window: MainWindow) -> None:
    """Leave no thread running: cancel the job and wait for the pool (closeEvent does both)."""
    window.close()
    window.workers.wait()
    gc.unfreeze()  # the window froze long-lived objects; let later tests' garbage go


def open_and_wait(qtbot, window: MainWindow, path: Path, **languages):
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as opened:
        window.open_path(path, **languages)
    return opened.args[0]


def wait_highlights(qtbot, window: MainWindow) -> None:
    """Wait until the shown document's annotations are painted (they load in a worker)."""
    qtbot.waitUntil(lambda: window.annotations.up_to_date, timeout=WAIT_MS)


def wait_translated(qtbot, window: MainWindow):
    """Wait for the running translation job (if any) to finish; return its stats."""
    if window.translation.runner is None:
        return None
    with qtbot.waitSignal(window.translation.finished, timeout=WAIT_MS) as finished:
        pass
    return finished.args[0]


def long_document(directory: Path, paragraphs: int, sentences_per_paragraph: int = 3) -> Path:
    """A Vietnamese text with distinct sentences (so the cache cannot merge them)."""
    lines = []
    for index in range(paragraphs):
        sentences = [
            f"Đoạn {index} câu {number}: công tác bảo vệ chính trị nội bộ năm {2000 + index}."
            for number in range(sentences_per_paragraph)
        ]
        lines.append(" ".join(sentences))
    path = directory / f"long-{paragraphs}.vi.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def wait_translated_or_cancel(qtbot, window: MainWindow) -> None:
    window.translation.cancel()
    wait_translated(qtbot, window)


def clear_translation_cache() -> None:
    """Forget every cached translation, so a reopened document must be translated again."""
    from sqlalchemy import delete

    from reader.core.storage import open_database
    from reader.core.translate.cache import CachedTranslationRow

    database = open_database()
    with database.session() as session:
        session.execute(delete(CachedTranslationRow))
    database.close()


def annotations_of(document_id: int) -> list:
    from reader.core.notes.service import list_annotations
    from reader.core.storage import open_database

    database = open_database()
    try:
        return list_annotations(database, document_id)
    finally:
        database.close()
