"""Application start-up: QApplication, theme, the main window (the last document reopened); and
the `--screenshot` mode used by tests and headless checks (render, optionally wait for the
visible translation, grab the whole window, exit)."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import QApplication

from reader.app import theme
from reader.app.platform_check import check_platform_plugin
from reader.app.settings import APPLICATION, ORGANISATION, AppSettings
from reader.app.window.main_window import MainWindow
from reader.core.errors import InputError, ReaderError
from reader.core.files import writing

SCREENSHOT_TIMEOUT_S = 300
SETTLE_MS = 150  # let the last batch paint before grabbing
EXIT_FAILED = 1
EXIT_INPUT_ERROR = 2


def create_application() -> QApplication:
    app = QApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough  # crisp text at 125 %/150 % scaling
    )
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName("bilingual-reader")
    return app


def ensure_display_for_screenshot() -> None:
    """A screenshot needs no screen: without one, render offscreen."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def build_window(settings: AppSettings | None = None) -> MainWindow:
    app = create_application()
    settings = settings or AppSettings()
    theme.apply_theme(app, settings.theme)
    return MainWindow(settings)


def start(
    window: MainWindow,
    file: Path | None,
    source_language: str | None = None,
    target_language: str | None = None,
) -> None:
    """Show the window, then open `file`; without one, the document read last, where it was
    left (the library is one key away), or the sample on the first run."""
    if file is not None:
        # The file's pane from the start: the library, shown, would read the database (and
        # then load the language identifier) while the file is being opened, on the same cores.
        window.stack.setCurrentWidget(window.document_view)
    window.show()
    gc.freeze()  # modules and widgets live until exit: no need to scan them in every full GC
    window.context.warm_up(window.workers)
    _load_language_identifier_later(window, file is None)
    if file is not None:
        window.open_path(file, source_language, target_language)
        return

    def reopen_last() -> None:
        window.library_loaded.disconnect(reopen_last)
        rows = window.library_view.rows  # the most recently opened first
        if not rows:
            window.open_sample()
        elif rows[0].opened_at is not None:
            window.opener.open_library_entry(rows[0].id)

    window.library_loaded.connect(reopen_last)
    window.show_library()


def _load_language_identifier_later(window: MainWindow, library_first: bool) -> None:
    """Once the first screen is shown (a document translated, or the library when it comes
    first): a document in a language told by letters alone never needs it, but the next one may."""
    signals = [window.translation.visible_ready]
    if library_first:
        signals.append(window.library_loaded)

    def load() -> None:
        for signal in signals:
            signal.disconnect(load)
        from reader.core.segment.language import load_identifier

        window.workers.submit(load_identifier)

    for signal in signals:
        signal.connect(load)


class Screenshot(QObject):
    """Grabs the window once the document (and, if asked, its visible translation) is shown."""

    def __init__(
        self, window: MainWindow, output: Path, wait_translation: bool, timeout_s: float
    ) -> None:
        super().__init__(window)
        self.window = window
        self.output = output
        self.exit_code = 0
        self.message = ""
        self._done = False
        if wait_translation:
            window.translation.visible_ready.connect(self._settle)
        else:
            window.document_opened.connect(self._settle)
        window.open_failed.connect(self._failed)
        window.library_loaded.connect(self._library_shown)
        self._timeout = QTimer(self, singleShot=True)
        self._timeout.timeout.connect(self._timed_out)
        self._timeout.start(round(timeout_s * 1000))

    def _settle(self, *_args) -> None:
        QTimer.singleShot(SETTLE_MS, self._grab)

    def _library_shown(self) -> None:
        # A library stays on screen when it has no document read yet (an empty one makes way
        # for the sample, one with a document read reopens it).
        rows = self.window.library_view.rows
        if rows and rows[0].opened_at is None and self.window.opened is None:
            self._settle()

    def _grab(self) -> None:
        if self._done:
            return
        self._done = True
        self.window.document_view.ensure_layout()
        try:
            self._save(self.window.grab())
        except ReaderError as error:  # a target that cannot be written, as for any output
            self.exit_code, self.message = EXIT_INPUT_ERROR, str(error)
        self._finish()

    def _save(self, image: QPixmap) -> None:
        """User-only and whole, as every file the app writes; the image format is the output's
        suffix (the temporary file has none)."""
        image_format = self.output.suffix.lstrip(".").upper() or "PNG"
        with writing(self.output) as partial:
            if not image.save(str(partial), image_format):
                raise InputError(self.output, "cannot write the screenshot")

    def _failed(self, message: str) -> None:
        if not self._done:
            self._done = True
            self.exit_code, self.message = EXIT_INPUT_ERROR, message
            self._finish()

    def _timed_out(self) -> None:
        if not self._done:
            self.message = "timed out waiting for the translation; screenshot taken anyway"
            self._grab()
            self.exit_code = EXIT_FAILED

    def _finish(self) -> None:
        self.window.translation.cancel()
        QTimer.singleShot(0, self.window.close)


def run(
    file: Path | None = None,
    *,
    source_language: str | None = None,
    target_language: str | None = None,
    screenshot: Path | None = None,
    wait_translation: bool = False,
    timeout_s: float = SCREENSHOT_TIMEOUT_S,
) -> int:
    """Run the window until it closes; return the process exit code."""
    if screenshot is not None:
        ensure_display_for_screenshot()
    check_platform_plugin()  # Qt would abort the process instead
    app = create_application()
    window = build_window()
    shooter = Screenshot(window, screenshot, wait_translation, timeout_s) if screenshot else None
    start(window, file, source_language, target_language)
    code = app.exec()
    window.workers.wait()
    if shooter is not None:
        if shooter.message:
            print(f"bireader: {shooter.message}", file=sys.stderr)
        return shooter.exit_code
    return code


def main() -> int:
    return run(Path(sys.argv[1]) if len(sys.argv) > 1 else None)


if __name__ == "__main__":
    sys.exit(main())
