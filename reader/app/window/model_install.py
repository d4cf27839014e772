"""Installing the translation model a document needs: downloaded (with a progress dialog that
can cancel) or from a file."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from reader.app.ops import ChangeBus, Op
from reader.app.workers import Workers, error_message
from reader.core.sizes import human_size

MODEL_FILTER = "Argos Translate models (*.argosmodel);;All files (*)"


class ProgressRelay(QObject):
    """Carries progress from a worker thread to the GUI thread (a queued signal)."""

    changed = Signal(int, int)

    def report(self, done: int, total: int | None) -> None:
        self.changed.emit(done, total or 0)


class ModelInstaller(QObject):
    """Installs models in the workers; says how it went through `installed` and `failed`."""

    installed = Signal()
    failed = Signal(str)
    message = Signal(str, int)

    def __init__(self, workers: Workers, bus: ChangeBus, dialog_parent: QWidget) -> None:
        super().__init__(dialog_parent)
        self._workers, self._bus = workers, bus
        self._dialog_parent = dialog_parent
        self.dialog: QProgressDialog | None = None
        self._cancel = threading.Event()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._dialog_parent, "Install a translation model", "", MODEL_FILTER
        )
        if path:
            self.install_file(Path(path))

    def install_file(self, path: Path) -> None:
        from reader.core.translate.packages import install_package_file

        self.message.emit(f"Installing {path.name}…", 0)
        self._run(lambda: install_package_file(path))

    def download(self, entry) -> None:
        """Download and install the catalogue's `entry`, showing its progress."""
        from reader.core.translate.download import download_and_install

        self._close_dialog()
        dialog = QProgressDialog(
            f"Downloading {entry.code} {entry.version}…", "Cancel", 0, 100, self._dialog_parent
        )
        dialog.setWindowTitle("Downloading a translation model")
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        cancel = self._cancel = threading.Event()
        dialog.canceled.connect(cancel.set)
        self.dialog = dialog
        progress = ProgressRelay(self)
        progress.changed.connect(self._progress)
        self._run(
            lambda: download_and_install(entry, progress=progress.report, cancelled=cancel.is_set)
        )
        dialog.show()

    def _run(self, install) -> None:
        """Install in the pool, off the ordered write thread: a download must not hold up note
        writes; the models change is broadcast (the library's and the menus' routes)."""
        Op(install).success(self._installed).failure(self._failed).run(
            self._workers, self._bus, initiator=self, ordered=False
        )

    def stop(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        if total > 0:
            dialog.setMaximum(100)
            dialog.setValue(min(100, done * 100 // total))
            dialog.setLabelText(f"Downloading… {human_size(done)} of {human_size(total)}")
        else:
            dialog.setMaximum(0)
            dialog.setLabelText(f"Downloading… {human_size(done)}")

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _installed(self, _result) -> None:
        self._close_dialog()
        self.message.emit("Model installed", 5000)
        self.installed.emit()

    def _failed(self, error: BaseException) -> None:
        self._close_dialog()
        message = error_message(error)
        self.message.emit(message, 10_000)
        self.failed.emit(message)
