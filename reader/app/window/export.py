"""Exporting the shown document as a bilingual file, in a worker (translating what is missing
first), with its progress in the status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from reader.app.context import AppContext
from reader.app.dialogs import ExportDialog
from reader.app.window.model_install import ProgressRelay
from reader.app.workers import Workers, error_message
from reader.core.reading import OpenedDocument


class ExportController(QObject):
    finished = Signal(object)  # the written Path, or an error message
    busy_changed = Signal(bool)
    message = Signal(str, int)

    def __init__(self, workers: Workers, context: AppContext, dialog_parent: QWidget) -> None:
        super().__init__(dialog_parent)
        self._workers, self._context, self._dialog_parent = workers, context, dialog_parent
        self._relay: ProgressRelay | None = None

    @property
    def busy(self) -> bool:
        return self._relay is not None

    def ask(self, opened: OpenedDocument | None) -> None:
        """File ▸ Export Bilingual…: where and how, then export."""
        if opened is None or opened.route is None:
            self.message.emit("Open a document with a translation model first", 3000)
            return
        dialog = ExportDialog(default_export_path(opened), self._dialog_parent)
        if dialog.exec() == ExportDialog.DialogCode.Accepted:
            self.export(opened, *dialog.values())

    def export(
        self,
        opened: OpenedDocument,
        output: Path,
        format: str = "html",
        layout: str = "side-by-side",
    ) -> None:
        relay = self._relay = ProgressRelay(self)
        relay.changed.connect(
            lambda done, total: self.message.emit(
                f"Exporting {output.name}: {done} / {total} sentences translated", 0
            )
        )
        self.busy_changed.emit(True)
        self.message.emit(f"Exporting {output.name}…", 0)
        service, database = self._context.service, self._context.database

        def export():
            from reader.core.export import export_document
            from reader.core.notes.service import list_annotations

            return export_document(
                service(),
                opened.document,
                opened.target_language,
                output,
                format=format,
                layout=layout,
                annotations=list_annotations(database(), opened.document_id),  # marks, notes
                on_progress=relay.report,
            )

        self._workers.submit(export, self._exported, self._failed)

    def _exported(self, path: Path) -> None:
        self._done()
        self.message.emit(f"Exported to {path}", 10_000)
        self.finished.emit(path)

    def _failed(self, error: BaseException) -> None:
        self._done()
        message = error_message(error)
        self.message.emit(f"Export failed: {message}", 10_000)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Export failed", message, parent=self._dialog_parent
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the window goes on
        self.finished.emit(message)

    def _done(self) -> None:
        if self._relay is not None:
            self._relay.deleteLater()
            self._relay = None
        self.busy_changed.emit(False)


def default_export_path(opened: OpenedDocument) -> Path:
    """Beside the document when that folder is the user's (else in Documents, or home), named
    after it and the target language."""
    from reader.core.export import default_export_folder

    source = opened.document.source_path
    stem = source.stem if source is not None else "document"
    return default_export_folder(source) / f"{stem}.{opened.target_language}.html"
