"""The edit, preferences and popup dialogs."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from reader.app.dialogs import (
    EditTranslationDialog,
    ExportDialog,
    NoteDialog,
    PreferencesDialog,
    TranslationPopup,
)


def test_edit_dialog_starts_from_the_translation_and_strips_the_result(qtbot) -> None:
    dialog = EditTranslationDialog("Câu gốc.", "Machine text.", edited=False)
    qtbot.addWidget(dialog)
    assert dialog.editor.toPlainText() == "Machine text."
    dialog.editor.setPlainText("  My text.  \n")
    assert dialog.translation() == "My text."


def test_preferences_dialog_returns_the_chosen_values(qtbot) -> None:
    dialog = PreferencesDialog("DejaVu Sans", 14.0, "dark")
    qtbot.addWidget(dialog)
    family, size, theme = dialog.values()
    assert (size, theme) == (14.0, "dark")
    assert family
    dialog.size_box.setValue(500)
    assert dialog.values()[1] <= 48


def test_popup_shows_the_text(qtbot) -> None:
    popup = TranslationPopup()
    qtbot.addWidget(popup)
    popup.show_text("Hello, world.", QPoint(10, 10))
    assert popup.isVisible() and popup.label.text() == "Hello, world."


def test_note_dialog_returns_note_tags_and_colour(qtbot) -> None:
    dialog = NoteDialog("Việt   Nam", ("yellow", "green", "blue"), "green")
    qtbot.addWidget(dialog)
    assert dialog.colour_box.currentData() == "green"
    dialog.editor.setPlainText("  **xem lại**  ")
    dialog.tags_edit.setText("luật, , cần kiểm tra ")
    assert dialog.values() == ("**xem lại**", ["luật", "cần kiểm tra"], "green")


def test_export_dialog_keeps_the_extension_in_step_with_the_format(qtbot, tmp_path) -> None:
    dialog = ExportDialog(tmp_path / "report.en.html")
    qtbot.addWidget(dialog)
    assert dialog.values() == (tmp_path / "report.en.html", "html", "side-by-side")
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("epub"))
    dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("interleaved"))
    assert dialog.values() == (tmp_path / "report.en.epub", "epub", "interleaved")
    dialog.path_edit.setText(str(tmp_path / "plain"))
    assert dialog.values()[0] == tmp_path / "plain.epub"


def test_note_dialog_is_public_unless_ticked_and_says_who_enforces_it(qtbot) -> None:
    dialog = NoteDialog("Việt Nam", ("yellow", "green"), "yellow")
    qtbot.addWidget(dialog)
    assert dialog.private() is False
    assert "server" in dialog.private_box.toolTip()
    dialog.private_box.setChecked(True)
    assert dialog.private() is True


def test_note_dialog_edits_an_existing_note(qtbot) -> None:
    dialog = NoteDialog(
        "Việt Nam", ("yellow", "green"), "green", note="cũ", tags=("a", "b"), private=True
    )
    qtbot.addWidget(dialog)
    assert dialog.values() == ("cũ", ["a", "b"], "green") and dialog.private()
