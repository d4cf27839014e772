"""Small dialogs: edit a translation, preferences, the translated-selection popup, add a note,
export, the keyboard shortcuts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFontComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.app.settings import MAX_FONT_SIZE, MIN_FONT_SIZE, THEMES


class EditTranslationDialog(QDialog):
    """Edit one sentence's translation. Saving an empty text reverts to the machine's."""

    def __init__(self, source: str, translation: str, edited: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Edit translation")
        self.setObjectName("editTranslationDialog")
        original = QLabel(
            source, wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse
        )
        original.setObjectName("editSource")
        self.editor = QPlainTextEdit(translation)
        self.editor.setObjectName("editTranslation")
        self.editor.setTabChangesFocus(True)
        note = QLabel(
            "Your translation is kept when the document is translated again. "
            "Save an empty text to go back to the machine translation."
            + (" (This sentence already has your translation.)" if edited else ""),
            wordWrap=True,
        )
        note.setEnabled(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Original</b>"))
        layout.addWidget(original)
        layout.addWidget(QLabel("<b>Translation</b>"))
        layout.addWidget(self.editor, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 320)
        self.editor.setFocus()

    def translation(self) -> str:
        return self.editor.toPlainText().strip()


class PreferencesDialog(QDialog):
    """Reading font, size and theme."""

    def __init__(self, family: str, size: float, theme: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.font_box = QFontComboBox()
        if family:
            self.font_box.setCurrentFont(QFont(family))
        self.size_box = QDoubleSpinBox(minimum=MIN_FONT_SIZE, maximum=MAX_FONT_SIZE, singleStep=1.0)
        self.size_box.setDecimals(1)
        self.size_box.setValue(size)
        self.theme_box = QComboBox()
        for name in THEMES:
            self.theme_box.addItem("Follow the system" if name == "system" else name.title(), name)
        self.theme_box.setCurrentIndex(max(0, THEMES.index(theme) if theme in THEMES else 0))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Reading font:", self.font_box)
        form.addRow("Size (pt):", self.size_box)
        form.addRow("Theme:", self.theme_box)
        form.addRow(buttons)

    def values(self) -> tuple[str, float, str]:
        return (
            self.font_box.currentFont().family(),
            self.size_box.value(),
            self.theme_box.currentData(),
        )


class TranslationPopup(QFrame):
    """The translation of the selected text, shown next to it; closes on a click elsewhere."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("translationPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(wordWrap=True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setMaximumWidth(520)
        self.label.setMinimumWidth(220)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)

    def show_text(self, text: str, at: QPoint) -> None:
        self.label.setText(text)
        self.adjustSize()
        self.move(at)
        self.show()


PRIVATE_TIP = (
    "Nobody else can read a private note. On a team library the server enforces it: "
    "your colleagues' copies of the app never receive it."
)


class NoteDialog(QDialog):
    """Add a note to the selected text, or edit one: Markdown text, tags, a colour, and whether
    it is private."""

    def __init__(
        self,
        quote: str,
        colours: tuple[str, ...],
        colour: str,
        parent: QWidget | None = None,
        *,
        note: str = "",
        tags: tuple[str, ...] = (),
        private: bool = False,
        title: str = "Add note",
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("noteDialog")
        shown = " ".join(quote.split())
        quote_label = QLabel(
            f"“{shown if len(shown) <= 300 else shown[:299] + '…'}”",
            wordWrap=True,
            textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse,
        )
        quote_label.setTextFormat(Qt.TextFormat.PlainText)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteText")
        self.editor.setPlaceholderText("Your note (Markdown)")
        self.editor.setTabChangesFocus(True)
        self.editor.setPlainText(note)
        self.tags_edit = QLineEdit(", ".join(tags), placeholderText="e.g. law, to-check")
        self.tags_edit.setObjectName("noteTags")
        self.private_box = QCheckBox("Private: only I can read it", checked=private)
        self.private_box.setObjectName("notePrivate")
        self.private_box.setToolTip(PRIVATE_TIP)
        self.colour_box = QComboBox()
        for index, name in enumerate(colours, start=1):
            self.colour_box.addItem(f"{name.capitalize()} ({index})", name)
        self.colour_box.setCurrentIndex(max(0, self.colour_box.findData(colour)))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Tags:", self.tags_edit)
        form.addRow("Colour:", self.colour_box)
        form.addRow(self.private_box)
        layout = QVBoxLayout(self)
        layout.addWidget(quote_label)
        layout.addWidget(self.editor, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(480, 300)
        self.editor.setFocus()

    def values(self) -> tuple[str, list[str], str]:
        """The note, its tags (split on commas) and the colour."""
        tags = [tag.strip() for tag in self.tags_edit.text().split(",") if tag.strip()]
        return self.editor.toPlainText().strip(), tags, self.colour_box.currentData()

    def private(self) -> bool:
        return self.private_box.isChecked()


EXPORT_FORMATS = (("html", "Web page (HTML)"), ("epub", "E-book (EPUB)"), ("md", "Markdown"))
EXPORT_LAYOUTS = (("side-by-side", "Side by side"), ("interleaved", "Interleaved"))


class ExportDialog(QDialog):
    """File ▸ Export bilingual: format, layout and where to write it."""

    def __init__(self, suggested: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export bilingual document")
        self.setObjectName("exportDialog")
        self.format_box = QComboBox()
        for code, label in EXPORT_FORMATS:
            self.format_box.addItem(label, code)
        self.layout_box = QComboBox()
        for code, label in EXPORT_LAYOUTS:
            self.layout_box.addItem(label, code)
        self.path_edit = QLineEdit(str(suggested))
        self.path_edit.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.format_box.currentIndexChanged.connect(self._match_suffix)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Format:", self.format_box)
        form.addRow("Layout:", self.layout_box)
        form.addRow("File:", path_row)
        form.addRow(buttons)
        self.resize(520, 0)
        self._match_suffix()

    def _match_suffix(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(f".{self.format_box.currentData()}")))

    def _browse(self) -> None:
        suffix = self.format_box.currentData()
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path_edit.text(), f"*.{suffix};;All files (*)"
        )
        if path:
            self.path_edit.setText(path)

    def values(self) -> tuple[Path, str, str]:
        """Output path (with the format's extension if it had none), format, layout."""
        format_code = self.format_box.currentData()
        path = Path(self.path_edit.text().strip()).expanduser()
        if not path.suffix:
            path = path.with_suffix(f".{format_code}")
        return path, format_code, self.layout_box.currentData()


class ShortcutsDialog(QDialog):
    """Help ▸ Keyboard Shortcuts: (what, keys) rows, generated from the window's action table."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.setObjectName("shortcutsDialog")
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        for row, (what, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(460, 560)
