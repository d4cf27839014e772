"""Translation servers in the window's preferences: the list (name, URL, whether a key is set,
the pairs each serves), add and remove, and which pairs go to which server or the fallback.

Self-contained; `attach` adds its dialog to a main window's Edit menu. Adding a server asks it
for its languages, in the worker pool: the window never waits on the network. The API key is
typed into a password field and handed to `servers.add_server`, which keeps it in the keyring
or a 0600 file; this widget never shows one back.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.app.workers import Workers, error_message
from reader.core.errors import ReaderError
from reader.core.translate import servers

LOCAL = "Local models"
NO_FALLBACK = "None"
COLUMNS = ("Name", "URL", "Key", "Pairs")


class ServerPreferences(QWidget):
    changed = Signal()  # the registry was written
    failed = Signal(str)  # a one-line problem, also shown in the status label

    def __init__(self, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workers = workers
        self.table = QTableWidget(0, len(COLUMNS), objectName="serverTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.name_edit = QLineEdit(placeholderText="office")
        self.url_edit = QLineEdit(placeholderText="http://gpu-box:5000")
        self.key_edit = QLineEdit(placeholderText="API key (optional)")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_button = QPushButton("Add", objectName="addServer")
        self.add_button.clicked.connect(self.add_server)
        self.remove_button = QPushButton("Remove", objectName="removeServer")
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = QLabel(wordWrap=True)
        self.pairs_form = QFormLayout()
        self.fallback_box = QComboBox(objectName="fallbackServer")
        self.fallback_box.activated.connect(self._fallback_chosen)
        self.pair_boxes: dict[tuple[str, str], QComboBox] = {}
        self._build()
        self.refresh()

    def _build(self) -> None:
        adding = QHBoxLayout()
        for widget in (self.name_edit, self.url_edit, self.key_edit, self.add_button):
            adding.addWidget(widget)
        routing = QGroupBox("Which translates what")
        routing.setLayout(self.pairs_form)
        self.pairs_form.addRow("When no local model exists:", self.fallback_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(adding)
        layout.addWidget(self.remove_button)
        layout.addWidget(routing)
        layout.addWidget(self.status)

    # --- showing --------------------------------------------------------------------------------

    def refresh(self) -> None:
        registry = servers.load_registry()
        self.table.setRowCount(0)
        for server in registry.servers.values():
            row = self.table.rowCount()
            self.table.insertRow(row)
            key = "set" if server.has_key else "none"
            cells = (server.name, server.url, key, ", ".join(sorted(server.models)))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self._show_routing(registry)

    def _show_routing(self, registry: servers.Registry) -> None:
        names = list(registry.servers)
        self.fallback_box.clear()
        self.fallback_box.addItems([NO_FALLBACK, *names])
        self.fallback_box.setCurrentText(registry.fallback or NO_FALLBACK)
        while self.pairs_form.rowCount() > 1:
            self.pairs_form.removeRow(1)
        self.pair_boxes = {}
        served = sorted({pair for server in registry.servers.values() for pair in server.models})
        for pair in served:
            source, target = pair.split("_")
            box = QComboBox(objectName=f"pair-{pair}")
            box.addItems([LOCAL, *(n for n in names if pair in registry.servers[n].models)])
            box.setCurrentText(registry.pairs.get(pair, LOCAL))
            box.activated.connect(lambda _i, p=(source, target), b=box: self._pair_chosen(p, b))
            self.pairs_form.addRow(f"{source} → {target}:", box)
            self.pair_boxes[(source, target)] = box

    # --- changing -------------------------------------------------------------------------------

    def add_server(self) -> None:
        """Ask the server for its pairs off the GUI thread, then store it with its key."""
        name, url, key = self.name_edit.text().strip(), self.url_edit.text(), self.key_edit.text()
        try:
            servers.check_name(name)
            url = servers.normalise_url(url)
        except ReaderError as error:
            self._failed(str(error))
            return
        self.add_button.setEnabled(False)
        self.status.setText(f"Asking {url} which languages it translates…")

        def ask() -> dict[str, str]:
            from reader.core.translate.remote import LibreTranslateClient  # httpx: not at start-up

            client = LibreTranslateClient(servers.Server(name, url), key or None)
            try:
                return client.served_models()
            finally:
                client.close()

        def store(models: dict[str, str]) -> None:
            self.add_button.setEnabled(True)
            try:
                servers.add_server(name, url, api_key=key.strip() or None, models=models)
            except ReaderError as error:
                self._failed(str(error))
                return
            self.key_edit.clear()
            self.status.setText(f"Added {name}: {', '.join(sorted(models)) or 'no pairs'}")
            self._changed()

        def refused(error: BaseException) -> None:
            self.add_button.setEnabled(True)
            self._failed(error_message(error))

        self._workers.submit(ask, store, refused)

    def remove_selected(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        for row in sorted(rows, reverse=True):
            name = self.table.item(row, 0).text()
            servers.remove_server(name)
            self.status.setText(f"Removed {name}")
        if rows:
            self._changed()

    def _pair_chosen(self, pair: tuple[str, str], box: QComboBox) -> None:
        choice = box.currentText()
        servers.use_server(None if choice == LOCAL else choice, pair=pair)
        self._changed()

    def _fallback_chosen(self) -> None:
        choice = self.fallback_box.currentText()
        servers.use_server(None if choice == NO_FALLBACK else choice)
        self._changed()

    def _changed(self) -> None:
        from reader.core.translate.remote import forget_clients

        forget_clients()  # a removed or re-added server must not keep its old connection and key
        self.refresh()
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)


class ServerPreferencesDialog(QDialog):
    def __init__(self, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Translation servers")
        self.resize(720, 460)
        self.preferences = ServerPreferences(workers, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preferences)
        layout.addWidget(buttons)

    @classmethod
    def attach(cls, window: QMainWindow) -> QAction:
        """A "Translation Servers…" entry beside Preferences in `window`'s menu. A change applies
        to documents opened from then on (the shown one keeps its route)."""
        action = QAction("Translation &Servers…", window, objectName="translationServers")
        action.triggered.connect(lambda: cls(window.workers, window).exec())
        for menu in (entry.menu() for entry in window.menuBar().actions()):
            if menu is not None and window.menu_actions.preferences in menu.actions():
                menu.addAction(action)
        return action
