"""The library page of the preferences: this computer's file or a team server, kept in
database.ini for the next start; a password is refused, the environment variable wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from reader.app.dialogs import PreferencesDialog
from reader.app.library_preferences import LibraryPage, add_to_dialog
from reader.core import paths
from reader.core.storage.db import DATABASE_URL_ENV, configured_url, preferred_url

TEAM = "postgresql://alice@db.example/team"


@pytest.fixture
def dialog(qtbot) -> PreferencesDialog:
    widget = PreferencesDialog("", 12.0, "system")
    qtbot.addWidget(widget)
    return widget


def preferences_file() -> Path:
    return paths.data_dir() / "database.ini"


def press_ok(qtbot, dialog: PreferencesDialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def choose_server(qtbot, page: LibraryPage, url: str) -> None:
    page.url_edit.clear()
    qtbot.keyClicks(page.url_edit, url)  # typing the address chooses the server


def test_a_team_server_is_kept_for_the_next_start(qtbot, dialog) -> None:
    page = add_to_dialog(dialog)
    assert page.local_button.isChecked() and page.url_edit.text() == ""
    choose_server(qtbot, page, TEAM)
    press_ok(qtbot, dialog)
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted
    assert TEAM in preferences_file().read_text(encoding="utf-8")
    assert configured_url().host == "db.example"
    reopened = LibraryPage()  # the next time the preferences open, they show it
    qtbot.addWidget(reopened)
    assert reopened.server_button.isChecked() and reopened.url_edit.text() == TEAM


def test_choosing_this_computers_file_clears_the_server(qtbot, dialog) -> None:
    page = add_to_dialog(dialog)
    choose_server(qtbot, page, TEAM)
    assert page.save() and preferred_url() == TEAM
    page.local_button.setChecked(True)
    press_ok(qtbot, dialog)
    assert preferred_url() is None and configured_url() is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://alice:secret@db.example/team", "password"),
        ("db.example/team", "postgresql://"),  # would be a SQLite file named so
        ("mysql://alice@db.example/team", "not a library address"),
    ],
)
def test_an_address_that_cannot_be_kept_is_explained_and_the_dialog_stays(
    qtbot, dialog, url: str, problem: str
) -> None:
    page = add_to_dialog(dialog)
    choose_server(qtbot, page, url)
    press_ok(qtbot, dialog)
    assert not page.problem.isHidden() and problem in page.problem.text()
    assert "secret" not in page.problem.text()
    assert dialog.result() != PreferencesDialog.DialogCode.Accepted  # still open to correct
    assert preferred_url() is None
    assert not preferences_file().exists()  # nothing written, the password least of all
    choose_server(qtbot, page, TEAM)  # corrected: OK now closes it
    press_ok(qtbot, dialog)
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted and preferred_url() == TEAM
    assert page.problem.isHidden()


def test_the_environment_variable_is_shown_as_overriding(qtbot, monkeypatch) -> None:
    plain = LibraryPage()
    qtbot.addWidget(plain)
    assert plain.override.isHidden()
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://bob:hidden@office/library")
    page = LibraryPage()
    qtbot.addWidget(page)
    assert not page.override.isHidden()
    assert DATABASE_URL_ENV in page.override.text() and "office" in page.override.text()
    assert "hidden" not in page.override.text()  # the variable's password is never shown


def test_a_damaged_preferences_file_is_explained_and_can_be_replaced(qtbot) -> None:
    preferences_file().parent.mkdir(parents=True, exist_ok=True)
    preferences_file().write_bytes(b"\xff\xfe not text")
    page = LibraryPage()
    qtbot.addWidget(page)
    assert "not a preferences file" in page.problem.text() and page.local_button.isChecked()
    choose_server(qtbot, page, TEAM)
    assert page.save() and preferred_url() == TEAM


def test_edit_preferences_in_the_window_offers_the_library(qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.app_support import make_window

    window = make_window(qtbot)
    seen = []

    def choose_and_accept() -> None:
        dialog = QApplication.activeModalWidget()
        page = dialog.findChild(LibraryPage)
        seen.append(page)
        choose_server(qtbot, page, TEAM)
        press_ok(qtbot, dialog)

    QTimer.singleShot(0, choose_and_accept)
    window.commands.edit_preferences()
    assert seen and preferred_url() == TEAM
