"""The main window's missing-model flow: download a model (with a progress dialog) or install
one from a file, then show the document translated."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from reader.app.ops import Op
from reader.app.workers import error_message
from reader.core.reading import find_download, open_library_document

MODEL_FILTER = "Argos Translate models (*.argosmodel);;All files (*)"


class ModelInstaller:
    """Mixin of `MainWindow`: downloads or installs the translation model a document needs."""

    def choose_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Install a translation model", "", MODEL_FILTER)
        if path:
            self.install_model_file(Path(path))

    def install_model_file(self, path: Path) -> None:
        from reader.core.translate.packages import install_package_file

        self.statusBar().showMessage(f"Installing {path.name}…")
        Op(lambda: install_package_file(path)).success(self._model_installed).failure(
            self._model_failed
        ).run(self.workers, self.bus, initiator=self, ordered=False)

    def download_model(self) -> None:
        opened = self.opened
        if opened is None or opened.route is not None:
            return
        entry = opened.download or find_download(opened.document.language, opened.target_language)
        if entry is None:
            self.document_view.missing_panel.set_error(
                "The model catalogue lists no package for this pair."
            )
            return
        from reader.core.translate.download import download_and_install

        dialog = QProgressDialog(
            f"Downloading {entry.code} {entry.version}…", "Cancel", 0, 100, self
        )
        dialog.setWindowTitle("Downloading a translation model")
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self._download_dialog = dialog
        self._download_cancelled = False
        dialog.canceled.connect(self._cancel_download)
        progress = ProgressRelay(self)
        progress.changed.connect(self._download_progress)
        self.document_view.missing_panel.set_error(None)
        Op(
            lambda: download_and_install(
                entry, progress=progress.report, cancelled=lambda: self._download_cancelled
            )
        ).success(self._model_installed).failure(self._model_failed).run(
            self.workers, self.bus, initiator=self, ordered=False
        )
        dialog.show()

    def _cancel_download(self) -> None:
        self._download_cancelled = True

    def _download_progress(self, done: int, total: int) -> None:
        dialog = self._download_dialog
        if dialog is None:
            return
        if total > 0:
            dialog.setMaximum(100)
            dialog.setValue(min(100, done * 100 // total))
            dialog.setLabelText(f"Downloading… {done // 2**20} of {total // 2**20} MB")
        else:
            dialog.setMaximum(0)
            dialog.setLabelText(f"Downloading… {done // 2**20} MB")

    def _close_download_dialog(self) -> None:
        if self._download_dialog is not None:
            self._download_dialog.close()
            self._download_dialog.deleteLater()
            self._download_dialog = None

    def _model_installed(self, _result) -> None:
        self._close_download_dialog()
        self.statusBar().showMessage("Model installed", 5000)
        if self.opened is not None and self.opened.route is None:
            opened = self.opened
            self.workers.submit(
                lambda: open_library_document(
                    self.context, opened.document_id, opened.target_language, opened.target_language
                ),
                self._show_document,
                self._open_failed,
            )

    def _model_failed(self, error: BaseException) -> None:
        self._close_download_dialog()
        message = error_message(error)
        self.statusBar().showMessage(message, 10_000)
        self.document_view.missing_panel.set_error(f"{message}\nYou can try again.")


class ProgressRelay(QObject):
    """Carries download progress from a worker thread to the GUI thread (a queued signal)."""

    changed = Signal(int, int)

    def report(self, done: int, total: int | None) -> None:
        self.changed.emit(done, total or 0)
