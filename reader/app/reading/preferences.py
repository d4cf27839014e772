"""The reading layout page: line spacing, margins, paragraph spacing and the maximum line width,
applied to the view as they change (the window shows the page where it likes: a dialog, a tab)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QPushButton,
    QSpinBox,
    QWidget,
)

from reader.app.reading.reading_layout import (
    LINE_SPACING_RANGE,
    MARGIN_RANGE,
    MAX_LINE_WIDTH_RANGE,
    PARAGRAPH_SPACING_RANGE,
    ReadingLayout,
)


class ReadingLayoutPage(QWidget):
    """Edits a `ReadingLayout`; `changed` carries each new value."""

    changed = Signal(object)  # ReadingLayout

    def __init__(self, layout: ReadingLayout | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingLayoutPage")
        self.line_spacing = _decimal_box(LINE_SPACING_RANGE, 0.1, " × line height")
        self.paragraph_spacing = _decimal_box(PARAGRAPH_SPACING_RANGE, 0.1, " lines")
        self.margin = _whole_box(MARGIN_RANGE, 4, " px")
        self.max_line_width = _whole_box(MAX_LINE_WIDTH_RANGE, 5, " characters")
        self.max_line_width.setSpecialValueText("No limit")  # shown at 0: the pane's width
        reset = QPushButton("Defaults")
        reset.clicked.connect(lambda: self.set_layout(ReadingLayout(), notify=True))
        form = QFormLayout(self)
        form.addRow("Line spacing:", self.line_spacing)
        form.addRow("Paragraph spacing:", self.paragraph_spacing)
        form.addRow("Margins:", self.margin)
        form.addRow("Maximum line width:", self.max_line_width)
        form.addRow("", reset)
        self._quiet = False
        self.set_layout(layout or ReadingLayout())
        for box in (self.line_spacing, self.paragraph_spacing, self.margin, self.max_line_width):
            # Typing "60" must not lay the document out for a margin of 6 first.
            box.setKeyboardTracking(False)
            box.valueChanged.connect(self._emit_changed)

    def value(self) -> ReadingLayout:
        return ReadingLayout(
            line_spacing=round(self.line_spacing.value(), 2),
            margin=self.margin.value(),
            paragraph_spacing=round(self.paragraph_spacing.value(), 2),
            max_line_width=self.max_line_width.value(),
        ).clamped()

    def set_layout(self, layout: ReadingLayout, *, notify: bool = False) -> None:
        self._quiet = True
        try:
            self.line_spacing.setValue(layout.line_spacing)
            self.paragraph_spacing.setValue(layout.paragraph_spacing)
            self.margin.setValue(layout.margin)
            self.max_line_width.setValue(layout.max_line_width)
        finally:
            self._quiet = False
        if notify:
            self._emit_changed()

    def _emit_changed(self) -> None:
        if not self._quiet:
            self.changed.emit(self.value())


def _decimal_box(bounds: tuple[float, float], step: float, suffix: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox(decimals=1, singleStep=step, suffix=suffix)
    box.setRange(*bounds)
    return box


def _whole_box(bounds: tuple[int, int], step: int, suffix: str) -> QSpinBox:
    box = QSpinBox(singleStep=step, suffix=suffix)
    box.setRange(*bounds)
    return box


class _LayoutSettings(Protocol):
    reading_layout: ReadingLayout


class _LayoutView(Protocol):
    def set_reading_layout(self, reading: ReadingLayout) -> None: ...


def add_to_dialog(
    dialog: QDialog, view: _LayoutView, settings: _LayoutSettings
) -> ReadingLayoutPage:
    """Put the page in a preferences dialog whose layout is a form ending with its buttons: the
    view follows each change at once, OK keeps the new layout in the settings, Cancel puts the
    old one back."""
    before = settings.reading_layout
    page = ReadingLayoutPage(before)
    page.changed.connect(view.set_reading_layout)
    form = dialog.layout()
    form.insertRow(max(0, form.rowCount() - 1), page)
    dialog.accepted.connect(lambda: setattr(settings, "reading_layout", page.value()))
    dialog.rejected.connect(lambda: view.set_reading_layout(before))
    return page
