"""Reopening a translated document (a script, not a test): a ~5,000-sentence document is
translated once (tiny package: only the cache matters here), then reopened from the library in
a new window (new database connection, new service) several times. Measured: from the request
to both panes painted with text (original and translation) at the saved reading position.
Goal: < 0.3 s.

Run from the repo root:  .venv/bin/python bench/gui_reopen.py
"""

from __future__ import annotations

import statistics
import time

from gui_common import big_text, install, private_home, tiny_package

RUNS = 5
TARGET_SENTENCES = 5000


def main() -> None:
    home = private_home("bireader-bench-reopen-")
    install(tiny_package())
    # big_text writes 4 sentences of ~105 bytes per paragraph.
    path = big_text(home, TARGET_SENTENCES * 105)

    from PySide6.QtCore import QEventLoop, QTimer

    from reader.app.main import build_window, create_application

    app = create_application()

    def wait_for(signal, timeout_s: float = 600.0) -> list:
        loop, received = QEventLoop(), []
        signal.connect(lambda *args: (received.extend(args), loop.quit()))
        QTimer.singleShot(round(timeout_s * 1000), loop.quit)
        loop.exec()
        return received

    window = build_window()
    window.resize(1200, 800)
    window.show()
    started = time.perf_counter()
    window.open_path(path)
    opened = wait_for(window.document_opened)[0]
    sentences = opened.document.sentence_count
    if window.translation.runner is not None:
        wait_for(window.translation.finished)
    print(
        f"document: {sentences} sentences in {len(opened.document.blocks)} blocks, "
        f"translated in {time.perf_counter() - started:.1f} s"
    )
    window.document_view.scroll_to_block(len(opened.document.blocks) // 2)
    window.close()

    # Reopen in a running app, as from the library view: same window, database already open.
    window = build_window()
    window.resize(1200, 800)
    window.show()
    window.context.service()
    timings, prepared, shown = [], [], []
    show_document = window._show_document

    def timed_show(opened_document) -> None:
        prepared.append(time.perf_counter())
        show_document(opened_document)

    window.workers.submit(lambda: None)  # (start the pool threads)
    window.workers.wait()
    for _ in range(RUNS):
        window.show_library()
        app.processEvents()
        window.workers.wait()
        started = time.perf_counter()
        window._show_document = timed_show
        window.opener.open_library_entry(opened.document_id)
        wait_for(window.document_opened)
        view = window.document_view
        view.repaint()  # paint both panes now
        elapsed = time.perf_counter() - started
        assert view.visible_translated() and window.translation.runner is None, (
            "not filled from the cache"
        )
        assert len(view.text.sentences) == sentences
        timings.append(elapsed)
        shown.append(prepared[-1] - started)
    window.close()
    print(
        f"reopen → both panes painted: median {statistics.median(timings) * 1000:.0f} ms, "
        f"best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms"
    )
    print(
        f"  of which preparing in the worker (library + cache lookups): median "
        f"{statistics.median(shown) * 1000:.0f} ms; view fill + paint: median "
        f"{statistics.median(t - p for t, p in zip(timings, shown, strict=True)) * 1000:.0f} ms"
    )
    median = statistics.median(timings)
    print(f"reopen_both_panes_s={median:.3f} goal=<0.3 {'OK' if median < 0.3 else 'MISSED'}")


if __name__ == "__main__":
    main()
