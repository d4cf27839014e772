"""The Glossary panel: the shown document's abbreviations (each one's expansion for the model
switched on or off, and the document's), the glossary entries of its language pair that occur
in it (added, edited, removed here), and the translated sentences that lack a term.

Reading and writing run off the GUI thread through the window's `Workers.submit`; after a
write the panel reloads and emits `terms_changed`, on which the window re-opens the document:
the sentences the change touches have new cache keys and are translated again, the others come
from the cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.documents.model import Document
from reader.core.errors import ReaderError
from reader.core.storage.db import Database
from reader.core.terms import glossary, settings
from reader.core.terms.glossary import GlossaryEntry
from reader.core.terms.overview import DocumentTerms, document_terms

Submit = Callable[..., object]
Translations = Callable[[Document], dict]  # the document's known translations


class GlossaryPanel(QDockWidget):
    terms_changed = Signal()  # a write that changes what the model receives
    block_requested = Signal(int)  # show this block (a sentence lacking a term)

    def __init__(
        self,
        database: Callable[[], Database],
        parent: QWidget | None = None,
        *,
        submit: Submit | None = None,
        translations: Translations | None = None,
    ) -> None:
        """`database()` gives the library (opened when first needed). `submit(function,
        on_success, on_failure)` runs work off the GUI thread (the window's `Workers.submit`);
        without it, work runs at once. `translations(document)` gives the document's known
        translations, to list those lacking a term."""
        super().__init__("Glossary", parent)
        self.setObjectName("glossaryPanel")
        self._database = database
        self.document: Document | None = None
        self.pair = ("", "")
        self.terms: DocumentTerms | None = None
        self._submit = submit
        self._translations = translations
        self._generation = 0
        self._filling = False
        self._build()

    def _build(self) -> None:
        self.expand_box = QCheckBox("Write abbreviations out for the translation")
        self.expand_box.toggled.connect(self._document_switch_toggled)
        self.abbreviations = _tree(["Abbreviation", "Expansion", "From", "Times"])
        self.abbreviations.setToolTip("Unticked: the model sees the abbreviation as it is")
        self.abbreviations.itemChanged.connect(self._abbreviation_toggled)
        self.glossary_label = QLabel(wordWrap=True)
        self.entries = _tree(["Term", "Translation", "Times"])
        self.entries.itemActivated.connect(lambda *_: self.edit_current())
        self.entries.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.add_button = QPushButton("Add…", clicked=self.ask_new_entry)
        self.edit_button = QPushButton("Edit…", clicked=self.edit_current)
        self.remove_button = QPushButton("Remove", clicked=self.remove_current)
        self.lacking_label = QLabel("Translations lacking a glossary term")
        self.lacking = QListWidget()
        self.lacking.itemActivated.connect(
            lambda item: self.block_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel("<b>Abbreviations</b>"))
        layout.addWidget(self.expand_box)
        layout.addWidget(self.abbreviations, 3)
        layout.addWidget(QLabel("<b>Glossary</b>"))
        layout.addWidget(self.glossary_label)
        layout.addWidget(self.entries, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.lacking_label)
        layout.addWidget(self.lacking, 1)
        self.setWidget(body)
        self._show(None)

    # --- showing ----------------------------------------------------------------------------

    def set_document(self, document: Document | None, from_code: str = "", to_code: str = ""):
        self.document, self.pair = document, (from_code, to_code)
        self.reload()

    def reload(self) -> None:
        document, (from_code, to_code) = self.document, self.pair
        database, translations = self._database(), self._translations
        if document is None:
            self._show(None)
            return

        def load() -> DocumentTerms:
            known = translations(document) if translations else None
            return document_terms(database, document, from_code, to_code, known)

        self._generation += 1
        generation = self._generation
        self._run(load, lambda terms: self._show(terms) if generation == self._generation else None)

    def _show(self, terms: DocumentTerms | None) -> None:
        self.terms = terms
        self._filling = True
        try:
            self._fill_abbreviations(terms)
            self._fill_entries(terms)
            self._fill_lacking(terms)
        finally:
            self._filling = False
        self._update_buttons()

    def _fill_abbreviations(self, terms: DocumentTerms | None) -> None:
        self.abbreviations.clear()
        self.expand_box.setEnabled(terms is not None)
        self.expand_box.setChecked(terms is None or terms.settings.expand)
        for found in terms.abbreviations if terms else ():
            where = "shipped list" if found.block_index is None else f"¶{found.block_index + 1}"
            item = QTreeWidgetItem([found.abbreviation, found.expansion, where, str(found.count)])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = found.abbreviation not in terms.settings.disabled
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            item.setDisabled(not terms.settings.expand)
            item.setData(0, Qt.ItemDataRole.UserRole, found.abbreviation)
            self.abbreviations.addTopLevelItem(item)
        _fit_columns(self.abbreviations)

    def _fill_entries(self, terms: DocumentTerms | None) -> None:
        self.entries.clear()
        if terms is None:
            self.glossary_label.setText("Open a document to see its terms.")
            return
        from_code, to_code = self.pair
        self.glossary_label.setText(
            f"{from_code} → {to_code}: {terms.pair_entries} entr"
            f"{'y' if terms.pair_entries == 1 else 'ies'}, {len(terms.glossary)} in this document"
        )
        for use in terms.glossary:
            target = "(kept as is)" if use.entry.keep else use.entry.target
            item = QTreeWidgetItem([use.entry.source, target, str(use.count)])
            item.setData(0, Qt.ItemDataRole.UserRole, use.entry)
            item.setToolTip(0, _flags_text(use.entry))
            self.entries.addTopLevelItem(item)
        _fit_columns(self.entries)

    def _fill_lacking(self, terms: DocumentTerms | None) -> None:
        self.lacking.clear()
        lacking = terms.lacking if terms else []
        self.lacking_label.setText(f"Translations lacking a glossary term: {len(lacking)}")
        for found in lacking:
            item = QListWidgetItem(f"¶{found.block_index + 1}: {', '.join(found.terms)}")
            item.setToolTip(
                "The model dropped the protected term: this sentence was translated again "
                "without protection, and its translation lacks: " + ", ".join(found.terms)
            )
            item.setData(Qt.ItemDataRole.UserRole, found.block_index)
            self.lacking.addItem(item)

    def _update_buttons(self) -> None:
        has_document = self.terms is not None
        self.add_button.setEnabled(has_document)
        chosen = self.entries.currentItem() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    # --- writing ----------------------------------------------------------------------------

    def set_document_expansion(self, expand: bool) -> None:
        document_hash, database = self._document_hash(), self._database()
        self._write(lambda: settings.set_document_expansion(database, document_hash, expand))

    def set_abbreviation_expansion(self, abbreviation: str, expand: bool) -> None:
        document_hash, database = self._document_hash(), self._database()
        self._write(
            lambda: settings.set_abbreviation_expansion(
                database, document_hash, abbreviation, expand
            )
        )

    def save_entry(self, entry: GlossaryEntry) -> None:
        database = self._database()
        self._write(lambda: glossary.save_entry(database, entry))

    def remove_entry(self, entry: GlossaryEntry) -> None:
        database = self._database()
        self._write(lambda: glossary.remove_entry(database, entry.id))

    def ask_new_entry(self) -> None:
        self._ask_entry(None)

    def edit_current(self) -> None:
        item = self.entries.currentItem()
        if item is not None:
            self._ask_entry(item.data(0, Qt.ItemDataRole.UserRole))

    def remove_current(self) -> None:
        item = self.entries.currentItem()
        if item is not None:
            self.remove_entry(item.data(0, Qt.ItemDataRole.UserRole))

    def _ask_entry(self, entry: GlossaryEntry | None) -> None:
        dialog = EntryDialog(self, *self.pair, entry)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.save_entry(dialog.entry())
        except ReaderError as error:
            QMessageBox.warning(self, "Glossary", str(error))

    def _document_switch_toggled(self, on: bool) -> None:
        if not self._filling and self.document is not None:
            self.set_document_expansion(on)

    def _abbreviation_toggled(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0:
            return
        on = item.checkState(0) == Qt.CheckState.Checked
        self.set_abbreviation_expansion(item.data(0, Qt.ItemDataRole.UserRole), on)

    def _document_hash(self) -> str:
        if self.document is None:
            raise ReaderError("no document is open")
        return self.document.content_hash

    def _write(self, write: Callable[[], object]) -> None:
        def written(_result: object) -> None:
            self.reload()
            self.terms_changed.emit()

        self._run(write, written)

    def _run(self, function: Callable[[], object], on_success: Callable[[object], None]):
        if self._submit is None:
            on_success(function())
        else:
            self._submit(function, on_success, self._failed)

    def _failed(self, error: BaseException) -> None:
        QMessageBox.warning(self, "Glossary", str(error))
        self.reload()


class EntryDialog(QDialog):
    """A glossary entry's terms and how it is matched."""

    def __init__(
        self,
        parent: QWidget | None,
        from_code: str,
        to_code: str,
        entry: GlossaryEntry | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit glossary entry" if entry else "Add glossary entry")
        self.pair, self.original = (from_code, to_code), entry
        self.source = QLineEdit(entry.source if entry else "")
        self.target = QLineEdit(entry.target or "" if entry else "")
        self.keep = QCheckBox("Keep the term as it is (a name, a code)")
        self.keep.toggled.connect(lambda on: self.target.setEnabled(not on))
        self.keep.setChecked(bool(entry and entry.keep))
        self.case_sensitive = QCheckBox("Match case exactly")
        self.case_sensitive.setChecked(bool(entry and entry.case_sensitive))
        self.accent_insensitive = QCheckBox("Match with or without diacritics")
        self.accent_insensitive.setChecked(bool(entry and not entry.accent_sensitive))
        form = QFormLayout(self)
        form.addRow(f"Term ({from_code})", self.source)
        form.addRow(f"Translation ({to_code})", self.target)
        for box in (self.keep, self.case_sensitive, self.accent_insensitive):
            form.addRow(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def entry(self) -> GlossaryEntry:
        """The entry as filled in; ReaderError if a term is missing."""
        keep = self.keep.isChecked()
        if not keep and not self.target.text().strip():
            raise ReaderError("write the translation, or tick “keep the term as it is”")
        entry = glossary.make_entry(
            self.source.text(),
            None if keep else self.target.text(),
            *self.pair,
            case_sensitive=self.case_sensitive.isChecked(),
            accent_sensitive=not self.accent_insensitive.isChecked(),
        )
        return replace(entry, id=self.original.id) if self.original else entry


def _tree(headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    return tree


def _fit_columns(tree: QTreeWidget) -> None:
    for column in range(tree.columnCount()):
        tree.resizeColumnToContents(column)


def _flags_text(entry: GlossaryEntry) -> str:
    case = "case-sensitive" if entry.case_sensitive else "any case"
    accents = "with its diacritics" if entry.accent_sensitive else "with or without diacritics"
    return f"Matched as a whole word, {case}, {accents}"


def install_glossary_panel(window) -> GlossaryPanel:
    """Add the panel to the main window (View ▸ Glossary): it follows the shown document, and
    a change re-opens the document, so that the touched sentences are translated again. The
    window's one hook (it uses the window's own opening path)."""
    context = window.context

    def translations(document: Document) -> dict:
        opened = window.opened
        route = opened.route if opened is not None else None
        return {} if route is None else context.service().cached_translations(document, route)

    panel = GlossaryPanel(
        context.database, window, submit=window.workers.submit, translations=translations
    )
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
    panel.hide()
    toggle = panel.toggleViewAction()
    toggle.setText("&Glossary")
    toggle.setShortcut("Ctrl+Shift+G")
    for action in window.menuBar().actions():
        if action.text() == "&View":
            action.menu().addAction(toggle)

    def shown(visible: bool) -> None:
        # A tab beside the notes, not a third of their height.
        notes = window.notes_panel
        if visible and notes is not None and not window.tabifiedDockWidgets(panel):
            window.tabifyDockWidget(notes, panel)
            QTimer.singleShot(0, panel.raise_)  # once the tab bar exists

    toggle.toggled.connect(shown)

    def follow(opened) -> None:
        panel.set_document(opened.document, opened.document.language, opened.target_language)

    def reopen() -> None:
        opened = window.opened
        if opened is not None:
            window.opener.open_library_entry(opened.document_id, opened.target_language)

    window.document_opened.connect(follow)
    window.translation.finished.connect(lambda _stats: panel.reload())  # new lacking ones
    panel.terms_changed.connect(reopen)
    panel.block_requested.connect(window.document_view.scroll_to_block)
    return panel
