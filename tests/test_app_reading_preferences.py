"""The reading layout page: edits reach the view at once, OK keeps them, Cancel undoes them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QPushButton

from reader.app.reading.preferences import ReadingLayoutPage, add_to_dialog
from reader.app.reading.reading_layout import ReadingLayout
from reader.app.reading.view import DocumentView
from reader.app.settings import AppSettings
from tests.reading_support import many_blocks, translated


def test_the_page_shows_a_layout_and_reports_each_change(qtbot) -> None:
    page = ReadingLayoutPage(ReadingLayout(margin=40, max_line_width=70))
    qtbot.addWidget(page)
    assert page.value() == ReadingLayout(margin=40, max_line_width=70)
    with qtbot.waitSignal(page.changed) as changed:
        page.line_spacing.setValue(1.8)
    assert changed.args[0] == ReadingLayout(line_spacing=1.8, margin=40, max_line_width=70)
    page.max_line_width.setValue(0)
    assert page.max_line_width.text() == "No limit"
    with qtbot.waitSignal(page.changed) as changed:
        page.findChild(QPushButton).click()  # "Defaults"
    assert changed.args[0] == ReadingLayout()


def preferences_dialog(qtbot) -> QDialog:
    """A dialog shaped like the window's preferences: a form ending with its buttons."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = QFormLayout(dialog)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return dialog


@pytest.mark.parametrize("accepted", [True, False])
def test_ok_keeps_the_layout_in_the_settings_and_cancel_puts_the_old_one_back(
    qtbot, accepted: bool
) -> None:
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    document = many_blocks(50)
    view.set_document(document, translated(document))
    settings = AppSettings()
    before = settings.reading_layout
    dialog = preferences_dialog(qtbot)
    page = add_to_dialog(dialog, view, settings)
    page.margin.setValue(100)
    assert view.reading_layout.margin == 100  # shown at once
    assert view.text_origin(view.source_pane.side, 0).x() >= 100
    dialog.accept() if accepted else dialog.reject()
    kept = AppSettings().reading_layout  # read back from the file
    if accepted:
        assert kept.margin == 100 and view.reading_layout.margin == 100
    else:
        assert kept == before and view.reading_layout == before
