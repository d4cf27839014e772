"""The model manager window (Translation ▸ Manage Models…): the installed models with their
versions and sizes, the catalogue (by default only the packages for the document's languages),
install, update and remove, with progress and cancel.

It runs the same core functions as `bireader models` (`catalogue`, `download`, `packages`), each
through `submit` (the window's `Workers.submit`: off the GUI thread), and says the sizes as
`models available` does (`human_size`). `models_changed` carries the `Changes` of each install
or removal, for the window to look for a route again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.changes import Changes
from reader.core.sizes import human_size
from reader.core.translate.catalogue import CatalogueEntry, load_catalogue
from reader.core.translate.packages import (
    InstalledModel,
    install_package_file,
    list_installed,
    remove_installed,
    version_key,
)

Submit = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], Any]
MODEL_FILTER = "Argos Translate models (*.argosmodel);;All files (*)"
MODELS_CHANGED = Changes(models=True)
CODE_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class ModelsState:
    """What the window shows, read in a worker: the disk and the catalogue files."""

    installed: list[tuple[InstalledModel, int]]  # with its size on disk in bytes
    catalogue: list[CatalogueEntry]


def read_state() -> ModelsState:
    installed = [(model, folder_size(model.path)) for model in list_installed()]
    return ModelsState(installed, load_catalogue())


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def for_document(
    entries: Iterable[CatalogueEntry], source: str, target: str
) -> list[CatalogueEntry]:
    """The packages a reader of this document may want: from its language (into any other),
    and between its two languages, both ways."""
    pair = {source, target}
    return [e for e in entries if e.from_code == source or {e.from_code, e.to_code} == pair]


class DownloadRelay(QObject):
    """Carries a download's progress from the worker thread to the GUI thread."""

    changed = Signal(int, int)

    def report(self, done: int, total: int | None) -> None:
        self.changed.emit(done, total or 0)


class ModelManager(QDialog):
    models_changed = Signal(object)  # Changes
    refreshed = Signal()  # the lists show the disk as it is
    finished_work = Signal(str)  # what an install or removal did, or why it failed

    def __init__(
        self,
        submit: Submit,
        languages: tuple[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`languages`: the shown document's (source, target), which the catalogue is
        filtered by; None without a document (the whole catalogue)."""
        super().__init__(parent)
        self.setWindowTitle("Translation Models")
        self.setObjectName("modelManager")
        self._submit = submit
        self.languages = languages
        self.state = ModelsState([], [])
        self.busy = False
        self._cancel_requested = False
        self._build()
        self.resize(760, 520)
        self.refresh()

    # --- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.installed_tree = _tree(["Model", "Languages", "Version", "Size", "Catalogue"])
        self.installed_tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.available_tree = _tree(["Model", "Languages", "Version", "Size", "Installed"])
        self.available_tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.filter_box = QCheckBox(self._filter_label(), checked=bool(self.languages))
        self.filter_box.setEnabled(bool(self.languages))
        self.filter_box.toggled.connect(lambda _on: self._show_state())
        self.remove_button = QPushButton("Remove", clicked=self.remove_current)
        self.update_button = QPushButton("Update", clicked=self.update_current)
        self.install_button = QPushButton("Install", clicked=self.install_current)
        self.file_button = QPushButton("Install from File…", clicked=self.choose_file)
        self.progress = QProgressBar(objectName="modelProgress", textVisible=True)
        self.cancel_button = QPushButton("Cancel", clicked=self.cancel)
        self.status = QLabel(wordWrap=True, objectName="modelStatus")
        close = QPushButton("Close", clicked=self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Installed</b>"))
        layout.addWidget(self.installed_tree, 1)
        layout.addLayout(_row(self.remove_button, self.update_button))
        layout.addWidget(QLabel("<b>Available</b>"))
        layout.addWidget(self.filter_box)
        layout.addWidget(self.available_tree, 2)
        layout.addLayout(_row(self.install_button, self.file_button))
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addLayout(_row(close, stretch_first=True))
        self._set_busy(False)

    def _filter_label(self) -> str:
        if self.languages is None:
            return "Only the models for the document's languages (no document open)"
        source, target = self.languages
        return f"Only the models for this document: from {source}, and {source} ⇄ {target}"

    # --- showing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._submit(read_state, self._state_read, self._failed)

    def _state_read(self, state: ModelsState) -> None:
        self.state = state
        self._show_state()
        self.refreshed.emit()

    def _show_state(self) -> None:
        newest = {entry.code: entry for entry in self.state.catalogue}
        installed = {model.code: model for model, _ in self.state.installed}
        self.installed_tree.clear()
        for model, size in self.state.installed:
            entry = newest.get(model.code)
            self.installed_tree.addTopLevelItem(
                _item(model.code, model, size, _catalogue_status(model, entry))
            )
        entries = self.state.catalogue
        if self.filter_box.isChecked() and self.languages is not None:
            entries = for_document(entries, *self.languages)
        self.available_tree.clear()
        for entry in entries:
            model = installed.get(entry.code)
            self.available_tree.addTopLevelItem(
                _item(entry.code, entry, entry.size, model.version if model else "—")
            )
        for tree in (self.installed_tree, self.available_tree):
            for column in range(tree.columnCount()):
                tree.resizeColumnToContents(column)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy
        installed = self._current_installed()
        entry = self._current_entry()
        self.remove_button.setEnabled(idle and installed is not None)
        self.update_button.setEnabled(idle and self._update_for(installed) is not None)
        self.install_button.setEnabled(idle and entry is not None)
        self.file_button.setEnabled(idle)

    def _current_installed(self) -> InstalledModel | None:
        item = self.installed_tree.currentItem()
        code = item.data(0, CODE_ROLE) if item else None
        return next((m for m, _ in self.state.installed if m.code == code), None)

    def _current_entry(self) -> CatalogueEntry | None:
        item = self.available_tree.currentItem()
        code = item.data(0, CODE_ROLE) if item else None
        return next((e for e in self.state.catalogue if e.code == code), None)

    def _update_for(self, model: InstalledModel | None) -> CatalogueEntry | None:
        if model is None:
            return None
        entry = next((e for e in self.state.catalogue if e.code == model.code), None)
        newer = entry is not None and version_key(entry.version) > version_key(model.version)
        return entry if newer else None

    # --- install, update, remove --------------------------------------------------------------

    def install_current(self) -> None:
        entry = self._current_entry()
        if entry is not None:
            self.download(entry)

    def update_current(self) -> None:
        entry = self._update_for(self._current_installed())
        if entry is not None:
            self.download(entry)

    def download(self, entry: CatalogueEntry) -> None:
        from reader.core.translate.download import download_and_install

        relay = DownloadRelay(self)
        relay.changed.connect(self._download_progress)
        self._cancel_requested = False
        self._start(
            f"Downloading {entry.code} {entry.version}…",
            lambda: (
                download_and_install(
                    entry, progress=relay.report, cancelled=lambda: self._cancel_requested
                ).model
            ),
        )

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Install a translation model", "", MODEL_FILTER)
        if path:
            self.install_file(Path(path))

    def install_file(self, path: Path) -> None:
        self._start(f"Installing {path.name}…", lambda: install_package_file(path))

    def remove_current(self) -> None:
        model = self._current_installed()
        if model is not None:
            self._start(f"Removing {model.code}…", lambda: remove_installed(model.code), "Removed")

    def cancel(self) -> None:
        self._cancel_requested = True
        self.status.setText("Cancelling…")

    def _start(self, message: str, work: Callable[[], InstalledModel], done: str = "Installed"):
        self._set_busy(True)
        self.status.setText(message)
        self._submit(work, lambda model: self._done(done, model), self._failed)

    def _download_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, 100)
            self.progress.setValue(min(100, done * 100 // total))
            self.progress.setFormat(f"{human_size(done)} of {human_size(total)}")
        else:
            self.progress.setRange(0, 0)  # unknown size: a busy bar

    def _done(self, what: str, model: InstalledModel) -> None:
        self._set_busy(False)
        message = f"{what} {model.code} {model.version} ({model.from_name} → {model.to_name})"
        self.status.setText(message)
        self.models_changed.emit(MODELS_CHANGED)
        self.finished_work.emit(message)
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.status.setText(str(error))
        self.finished_work.emit(str(error))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
            self.progress.setFormat("")
        self._update_buttons()


def _catalogue_status(model: InstalledModel, entry: CatalogueEntry | None) -> str:
    if entry is None:
        return "not in the catalogue"
    if version_key(entry.version) > version_key(model.version):
        return f"{entry.version} available"
    return "up to date"


def _item(code: str, package, size: int | None, last: str) -> QTreeWidgetItem:
    languages = f"{package.from_name} → {package.to_name}"
    item = QTreeWidgetItem([code, languages, package.version, human_size(size), last])
    item.setData(0, CODE_ROLE, code)
    item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _tree(headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget(rootIsDecorated=False, uniformRowHeights=True, alternatingRowColors=True)
    tree.setHeaderLabels(headers)
    return tree


def _row(*widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    if not stretch_first:
        row.addStretch(1)
    return row
