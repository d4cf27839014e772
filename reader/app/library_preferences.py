"""The library page of the preferences: this computer's SQLite file or a team's PostgreSQL
server. It writes the `database.ini` preference (`db.set_preferred_url`), read at the next start;
`BIREADER_DATABASE_URL`, when set, overrides it and the page says so."""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ReaderError
from reader.core.storage import db

MIN_WIDTH = 460  # px

NOTE = (
    "The password goes in ~/.pgpass or the system keyring, never here. "
    "The change applies at the next start."
)


class LibraryPage(QGroupBox):
    """Chooses the library; `save` writes the choice or shows why it cannot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Library", parent)
        self.setObjectName("libraryPage")
        self.setMinimumWidth(MIN_WIDTH)  # wrapped notes in a narrow dialog get clipped
        self.local_button = QRadioButton("This computer's file", objectName="localLibrary")
        self.server_button = QRadioButton("A team server:", objectName="serverLibrary")
        self.url_edit = QLineEdit(placeholderText="postgresql://user@host/database")
        # Typing an address chooses the server (the field stays editable for that).
        self.url_edit.textEdited.connect(lambda: self.server_button.setChecked(True))
        self.override = QLabel(wordWrap=True, objectName="libraryOverride")
        self.problem = QLabel(wordWrap=True, objectName="libraryProblem")
        layout = QVBoxLayout(self)
        for widget in (self.local_button, self.server_button, self.url_edit):
            layout.addWidget(widget)
        layout.addWidget(QLabel(NOTE, wordWrap=True))
        layout.addWidget(self.override)
        layout.addWidget(self.problem)
        self._saved = self._load()
        self.override.setText(_override_note())
        self.override.setVisible(bool(self.override.text()))
        self.problem.hide()

    def _load(self) -> str | None:
        try:
            saved = db.preferred_url()
        except ReaderError as error:  # a damaged database.ini: say so, offer to replace it
            self.show_problem(str(error))
            saved = None
        self.url_edit.setText(saved or "")
        (self.server_button if saved else self.local_button).setChecked(True)
        return saved

    def chosen_url(self) -> str | None:
        """The team server's address, or None for this computer's file."""
        return self.url_edit.text().strip() or None if self.server_button.isChecked() else None

    def save(self) -> bool:
        """Remember the choice; False (and the reason shown) when the address cannot be kept."""
        chosen = self.chosen_url()
        if chosen == self._saved:
            return True  # OK with nothing changed writes nothing
        try:
            if chosen and db.library_url(chosen).get_backend_name() != "postgresql":
                raise ReaderError(f"{chosen}: a team server's address starts with postgresql://")
            db.set_preferred_url(chosen)
        except ReaderError as error:
            self.show_problem(str(error))
            return False
        self._saved = chosen
        self.problem.hide()
        return True

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
        self.window().adjustSize()  # room for the message's lines


def _override_note() -> str:
    value = os.environ.get(db.DATABASE_URL_ENV)
    if not value:
        return ""
    try:
        shown = db.library_url(value).render_as_string(hide_password=True)
    except ReaderError:
        shown = "an address that is not a library"
    return f"{db.DATABASE_URL_ENV} is set ({shown}): it overrides this choice."


def add_to_dialog(dialog: QDialog) -> LibraryPage:
    """Put the page in a preferences dialog whose layout is a form ending with its buttons. OK
    saves the choice first and closes the dialog only if it could be saved."""
    page = LibraryPage()
    form = dialog.layout()
    form.insertRow(max(0, form.rowCount() - 1), page)
    buttons = dialog.findChild(QDialogButtonBox)

    def accept_if_saved() -> None:
        if page.save():
            dialog.accept()

    buttons.accepted.disconnect(dialog.accept)
    buttons.accepted.connect(accept_if_saved)
    return page
