"""The notes panel's choice of author: everybody's notes, or one person's (team libraries)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QComboBox, QWidget

ALL_AUTHORS = ""


class AuthorFilter(QComboBox):
    """Offers the authors seen in the document's notes; hidden while there is only one (a
    library of one's own), so a solo reader never sees it. `author()` is the choice, None for
    everybody."""

    def __init__(self, on_change: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("authorFilter")
        self.setToolTip("Show the notes of one author")
        self._authors: set[str] = set()
        self.addItem("All authors", ALL_AUTHORS)
        self.currentIndexChanged.connect(lambda _index: on_change())
        self.setVisible(False)

    def author(self) -> str | None:
        return self.currentData() or None

    def has_several_authors(self) -> bool:
        """Whether the document's notes seen so far are by more than one person."""
        return len(self._authors) > 1

    def reset(self) -> None:
        """Another document: its own authors, and everybody's notes again."""
        self._authors.clear()
        self.blockSignals(True)
        while self.count() > 1:
            self.removeItem(1)
        self.setCurrentIndex(0)
        self.blockSignals(False)
        self.setVisible(False)

    def offer(self, authors: Iterable[str]) -> None:
        """Authors of notes just shown; the list only grows, so a chosen author's notes shown
        alone do not take the others away from the choice."""
        new = {author for author in authors if author} - self._authors
        if not new:
            return
        self._authors |= new
        chosen = self.currentData()
        self.blockSignals(True)
        while self.count() > 1:
            self.removeItem(1)
        for author in sorted(self._authors, key=str.casefold):
            self.addItem(author, author)
        self.setCurrentIndex(max(0, self.findData(chosen)))
        self.blockSignals(False)
        self.setVisible(self.has_several_authors())
