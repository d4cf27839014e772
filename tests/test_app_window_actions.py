"""The action table: its menus, which actions are enabled when, and the Keyboard Shortcuts
dialog generated from it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from reader.app.dialogs import ShortcutsDialog
from reader.app.window.actions import ACTION_TABLE, shortcut_rows
from tests.app_support import make_window


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_the_view_menu_shows_the_arrow_keys_too(window) -> None:
    assert "J" in window.menu_actions.next.text() and "↓" in window.menu_actions.next.text()
    assert "K" in window.menu_actions.previous.text() and "↑" in window.menu_actions.previous.text()


def test_every_table_entry_is_a_menu_action(window) -> None:
    in_menus = set()
    pending = [menu.menu() for menu in window.menuBar().actions()]
    while pending:
        menu = pending.pop()
        for action in menu.actions():
            in_menus.add(action)
            if action.menu() is not None:
                pending.append(action.menu())
    missing = [s.name for s in ACTION_TABLE if window.menu_actions.by_name[s.name] not in in_menus]
    assert missing == []


def test_the_shortcuts_dialog_lists_the_keys_the_actions_really_have(qtbot, window) -> None:
    rows = dict(shortcut_rows())
    native = QKeySequence.SequenceFormat.NativeText
    for spec in ACTION_TABLE:
        keys = {k.toString(native) for k in window.menu_actions.by_name[spec.name].shortcuts()}
        what = spec.text.replace("&", "").rstrip("…")
        listed = rows.get(what) or rows.get(f"Highlight the selection in {what.lower()}", "")
        # Every key listed is one the action answers to (the J/K rows also name the arrows).
        assert set(listed.removesuffix(" or ↓").removesuffix(" or ↑").split(", ")) <= keys | {""}
        assert bool(listed) == bool(keys), spec.name
    assert "Copy" not in rows["Copy"] and "F16" not in rows["Copy"]  # no dedicated keys
    assert "Ctrl+F" in rows["Find"] and "Ctrl+Shift+F" in rows["Search Library"]
    assert rows["Next Sentence"].endswith("or ↓")


def test_the_shortcuts_dialog_lists_the_keys_the_tools_and_panels_add_too(qtbot, window) -> None:
    dialog = window.commands.show_shortcuts()
    table = dialog.table
    rows = {table.item(row, 0).text(): table.item(row, 1).text() for row in range(table.rowCount())}
    assert rows["Add Bookmark"] == "Ctrl+B" and rows["Print"] == "Ctrl+P"
    assert rows["Find"].startswith("Ctrl+F")  # the table's rows are still there, once
    assert len(rows) == table.rowCount()
    dialog.close()
    assert rows["Highlight the selection in yellow"] == "1"
    window.menu_actions.shortcuts.trigger()
    dialog = next(d for d in window.findChildren(ShortcutsDialog) if d.isVisible())
    assert dialog.table.rowCount() == len(rows)
    shown = {
        dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(len(rows))
    }
    assert shown == rows
    dialog.reject()
    QApplication.processEvents()


def test_nothing_to_do_while_no_document_is_shown(window) -> None:
    a = window.menu_actions
    for action in (a.find, a.copy, a.note, a.export, a.cancel, a.resume, a.download, a.toc):
        assert not action.isEnabled()
    for action in (a.open, a.library, a.quit, a.shortcuts, a.preferences):
        assert action.isEnabled()
