"""Dictionary look-up in the reading view: double-click a word of the original (Ctrl+double-click
on the translation side, where a double-click edits) → a popup with the dictionary's entry, the
sentence's translation beside it, and "Add to vocabulary".

The look-up runs in a worker (the first one opens the dictionaries; a dictzip chunk may have to
be inflated); the popup shows where the click was. Saving to the vocabulary runs in a worker
too, and the controller reports the `Changes` for the vocabulary panel.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.app.workers import Workers, error_message
from reader.core.changes import Changes
from reader.core.side import Side

if TYPE_CHECKING:
    from reader.app.reading.view import DocumentView
    from reader.core.dictionary.installed import Dictionary
    from reader.core.dictionary.lookup import Match
    from reader.core.storage import Database

POPUP_WIDTH = 560


@dataclass(frozen=True, slots=True)
class LookupRequest:
    """A word pointed at: where, in which sentence, and that sentence on the other side."""

    side: Side
    language: str  # of the pointed text
    sentence: str
    offset: int  # in `sentence`
    other_side: str  # the sentence's translation (or, on the translation side, its original)
    document_id: int | None


@dataclass(frozen=True, slots=True)
class LookupResult:
    request: LookupRequest
    match: Match | None
    pointed_word: str  # the word under the pointer, shown when no headword covers it

    @property
    def word(self) -> str:
        return self.match.text if self.match else self.pointed_word

    def definition_html(self) -> str:
        from reader.core.dictionary.lookup import article_html

        if self.match is None or not self.match.found:
            return f"<i>{html.escape(self.pointed_word)}: not in the installed dictionaries</i>"
        return "<hr>".join(
            f"<p><b>{html.escape(found.article.headword)}</b> "
            f"<small>({html.escape(found.dictionary.title)})</small></p>"
            + article_html(found.article)
            for found in self.match.found
        )

    def definition_text(self) -> str:
        from reader.core.dictionary.lookup import article_text

        if self.match is None:
            return ""
        return "\n\n".join(article_text(found.article) for found in self.match.found)


class DictionaryShelf:
    """The installed dictionaries, opened once per language and shared by the workers (their
    index connections are locked); opened again when `bireader dict` installs or removes one
    while the window is open."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_language: dict[str, list[Dictionary]] = {}
        self._state: tuple = ()

    def of(self, language: str) -> list[Dictionary]:
        from reader.core.dictionary.installed import installed_state, open_dictionaries

        with self._lock:
            state = installed_state()
            if state != self._state:
                self._close_all()
                self._state = state
            if language not in self._by_language:
                self._by_language[language] = open_dictionaries(language)
            return self._by_language[language]

    def close(self) -> None:
        with self._lock:
            self._close_all()

    def _close_all(self) -> None:
        for dictionaries in self._by_language.values():
            for dictionary in dictionaries:
                dictionary.close()
        self._by_language.clear()


def look_up(shelf: DictionaryShelf, request: LookupRequest) -> LookupResult:
    """Runs in a worker."""
    from reader.core.dictionary.lookup import lookup_at, word_at

    match = lookup_at(request.sentence, request.offset, shelf.of(request.language))
    return LookupResult(request, match, word_at(request.sentence, request.offset))


class LookupPopup(QFrame):
    """The entry, the sentence's translation, and a button to keep the word."""

    add_requested = Signal(object)  # the LookupResult shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("lookupPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.result: LookupResult | None = None
        self.entry = QTextBrowser(objectName="lookupEntry")
        self.entry.setOpenLinks(False)  # an article's links lead nowhere we should go
        self.entry.setMinimumHeight(160)
        self.translation = QLabel(wordWrap=True, objectName="lookupTranslation")
        self.translation.setTextFormat(Qt.TextFormat.PlainText)
        self.translation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.translation.setMaximumWidth(POPUP_WIDTH // 2)
        self.add_button = QPushButton("Add to vocabulary", objectName="addToVocabulary")
        self.add_button.clicked.connect(self._add_clicked)
        self.status = QLabel(objectName="lookupStatus")
        columns = QHBoxLayout()
        columns.addWidget(self.entry, 3)
        columns.addWidget(self.translation, 2, Qt.AlignmentFlag.AlignTop)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addLayout(footer)
        self.setFixedWidth(POPUP_WIDTH)

    def show_result(self, result: LookupResult, at: QPoint) -> None:
        self.result = result
        self.entry.setHtml(result.definition_html())
        other = result.request.other_side
        label = "Original" if result.request.side is Side.TRANSLATION else "Translation"
        self.translation.setText(f"{label} of the sentence:\n{other}" if other else "")
        self.add_button.setEnabled(True)
        self.add_button.setText(f"Add “{result.word}” to vocabulary")
        self.status.clear()
        self.adjustSize()
        self.move(at)
        self.show()

    def show_saved(self, message: str) -> None:
        self.status.setText(message)
        self.add_button.setEnabled(False)

    def _add_clicked(self) -> None:
        if self.result is not None:
            self.add_button.setEnabled(False)
            self.add_requested.emit(self.result)


class LookupController(QObject):
    """Turns the view's `word_activated` into a look-up in a worker and the popup."""

    looked_up = Signal(object)  # LookupResult, once shown
    vocabulary_changed = Signal(object)  # Changes of a word saved
    failed = Signal(str)

    def __init__(
        self,
        view: DocumentView,
        workers: Workers,
        database: Callable[[], Database],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.workers = workers
        self.database = database  # called in workers: opening it may run migrations
        self.shelf = DictionaryShelf()
        self.popup = LookupPopup(parent)
        self.popup.add_requested.connect(self.save_word)
        self.document_id: int | None = None
        self.languages = ("", "")  # of the original and of the translation
        view.word_activated.connect(self.word_activated)

    def set_document(self, document_id: int | None, source: str, target: str) -> None:
        self.document_id = document_id
        self.languages = (source, target)

    def word_activated(self, side: Side, block_index: int, position: int) -> None:
        request = self.request_at(side, block_index, position)
        if request is None:
            return
        at = QCursor.pos()
        self.workers.submit(
            lambda: look_up(self.shelf, request),
            lambda result: self._show(result, at),
            lambda error: self.failed.emit(error_message(error)),
        )

    def request_at(self, side: Side, block_index: int, position: int) -> LookupRequest | None:
        text = self.view.text
        if text is None:
            return None
        sentence_index = text.sentence_at(side, block_index, position)
        if sentence_index is None:
            return None
        sentence, start = _sentence(text, side, block_index, sentence_index)
        other, _ = _sentence(text, side.other, block_index, sentence_index)
        return LookupRequest(
            side,
            self.languages[side.index],
            sentence,
            position - start,
            other,
            self.document_id,
        )

    def _show(self, result: LookupResult, at: QPoint) -> None:
        self.popup.show_result(result, at)
        self.looked_up.emit(result)

    def save_word(self, result: LookupResult) -> None:
        from reader.core.vocabulary.service import add_word

        request = result.request

        def save():  # the sentence holding the word, and that sentence on the other side
            return add_word(
                self.database(),
                result.word,
                definition=result.definition_text(),
                sentence=request.sentence,
                translation=request.other_side,
                document_id=request.document_id,
                language=request.language,
            )

        self.workers.submit(save, self._saved, lambda e: self.failed.emit(error_message(e)))

    def _saved(self, saved: tuple[object, Changes]) -> None:
        entry, changes = saved
        self.popup.show_saved(f"Saved “{entry.word}”")
        self.vocabulary_changed.emit(changes)

    def close(self) -> None:
        self.shelf.close()


def _sentence(text, side: Side, block_index: int, sentence_index: int) -> tuple[str, int]:
    """A sentence's text and its start in the block ("" when that side has none yet)."""
    block = text.text(side, block_index)
    ranges = text.ranges(side, block_index)
    if block is None or sentence_index >= len(ranges):
        return "", 0
    start, end = ranges[sentence_index]
    return block[start:end], start


def attach_to_window(window) -> LookupController:
    """Wire the look-up and the vocabulary dock into the main window (one call, so that the
    window being rebuilt has one line to move): the dock goes on the right, hidden, with its
    toggle in the View menu."""
    from reader.app.vocabulary_panel import VocabularyPanel

    database = window.context.database
    controller = LookupController(window.document_view, window.workers, database, window)
    panel = VocabularyPanel(window.workers, database, window)
    window.vocabulary_panel = panel
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
    panel.hide()
    panel.visibilityChanged.connect(lambda visible: visible and panel.refresh())
    controller.vocabulary_changed.connect(panel.apply_changes)
    status = window.statusBar()
    for failed in (controller.failed, panel.failed):
        failed.connect(lambda message: status.showMessage(message, 8000))
    panel.exported.connect(lambda done: status.showMessage(_exported_message(done), 8000))
    window.document_opened.connect(
        lambda opened: controller.set_document(
            opened.document_id, opened.document.language, opened.target_language
        )
    )
    view_menu = next(
        (a.menu() for a in window.menuBar().actions() if a.text() == "&View" and a.menu()), None
    )
    if view_menu is not None:
        view_menu.addAction(panel.toggleViewAction())
    return controller


def _exported_message(done) -> str:
    return done if isinstance(done, str) else f"Vocabulary written to {done}"
