"""Side panels of the reading window: the table of contents and the library search results.

Both are plain widgets over data the window hands them (no database access here): the window
runs the search in a worker and opens documents; the panels only show and report clicks.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

BLOCK_ROLE = Qt.ItemDataRole.UserRole
HIT_ROLE = Qt.ItemDataRole.UserRole


class TocPanel(QDockWidget):
    """The document's headings as a tree; clicking one asks the window to scroll to its block."""

    block_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Contents", parent)
        self.setObjectName("tocPanel")
        self.tree = QTreeWidget()
        self.tree.setObjectName("tocTree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        self.setWidget(self.tree)

    def set_toc(self, toc: Sequence[tuple[int, str, int]]) -> None:
        """(level, title, block index) entries, in document order; levels may skip."""
        self.tree.clear()
        parents: list[tuple[int, QTreeWidgetItem]] = []  # the open branch: (level, item)
        for level, title, block_index in toc:
            while parents and parents[-1][0] >= level:
                parents.pop()
            item = QTreeWidgetItem([" ".join(title.split())])
            item.setData(0, BLOCK_ROLE, block_index)
            item.setToolTip(0, title)
            if parents:
                parents[-1][1].addChild(item)
            else:
                self.tree.addTopLevelItem(item)
            parents.append((level, item))
        self.tree.expandAll()

    @property
    def entry_count(self) -> int:
        tree = self.tree
        count, pending = 0, [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        while pending:
            item = pending.pop()
            count += 1
            pending += [item.child(i) for i in range(item.childCount())]
        return count

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.block_requested.emit(int(item.data(0, BLOCK_ROLE)))


class SearchPanel(QDockWidget):
    """Search the whole library (documents' text and notes, accents ignored): the window runs
    the query and gives back hits (`reader.core.notes.search.SearchHit`)."""

    search_requested = Signal(str)
    hit_activated = Signal(object)  # SearchHit

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Search Library", parent)
        self.setObjectName("searchPanel")
        self.edit = QLineEdit(placeholderText="Words to find in every document and note")
        self.edit.setObjectName("librarySearchEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(self._search)
        button = QPushButton("Search")
        button.clicked.connect(self._search)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.results.viewport().installEventFilter(self)  # re-wrap the hits on resize
        self.results.itemActivated.connect(self._activated)
        self.results.itemClicked.connect(self._activated)
        self.hits: list = []
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self.setWidget(body)

    def open_panel(self) -> None:
        self.show()
        self.raise_()
        self.edit.setFocus()
        self.edit.selectAll()

    def _search(self) -> None:
        query = self.edit.text().strip()
        if query:
            self.status.setText("Searching…")
            self.search_requested.emit(query)

    def show_hits(self, hits: list) -> None:
        """The hits grouped by document (in the order of each document's best hit): its title
        once, then one compact line per hit."""
        self.hits = hits
        self.results.clear()
        for group in _by_document(hits):
            self._add_title(group[0].document_title, len(group))
            for hit in group:
                self._add_hit(hit)
        self._fit_items()
        self.status.setText(
            f"{len(hits)} result{'s' if len(hits) != 1 else ''}" if hits else "No match."
        )

    def _add_title(self, title: str, count: int) -> None:
        item = QListWidgetItem(f"{' '.join(title.split())} ({count})")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not a hit to activate
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setToolTip(title)
        self.results.addItem(item)

    def _add_hit(self, hit) -> None:
        label = QLabel(_hit_html(hit))
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setContentsMargins(12, 2, 4, 2)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        item = QListWidgetItem()
        item.setData(HIT_ROLE, hit)
        self.results.addItem(item)
        self.results.setItemWidget(item, label)

    @property
    def title_rows(self) -> list[str]:
        """The document headings shown (tests)."""
        items = (self.results.item(row) for row in range(self.results.count()))
        return [item.text() for item in items if item.data(HIT_ROLE) is None]

    def hit_item(self, index: int) -> QListWidgetItem:
        """The `index`-th hit row shown (the hits grouped by document, titles left out)."""
        items = (self.results.item(row) for row in range(self.results.count()))
        return [item for item in items if item.data(HIT_ROLE) is not None][index]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.results.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_items()
        return super().eventFilter(watched, event)

    def _fit_items(self) -> None:
        """Each hit as tall as its wrapped text at the list's width (no sideways scrolling)."""
        width = max(80, self.results.viewport().width())
        for row in range(self.results.count()):
            item = self.results.item(row)
            label = self.results.itemWidget(item)
            if label is not None:
                item.setSizeHint(QSize(width, label.heightForWidth(width)))

    def show_error(self, message: str) -> None:
        self.hits = []
        self.results.clear()
        self.status.setText(message)

    def _activated(self, item: QListWidgetItem) -> None:
        hit = item.data(HIT_ROLE)
        if hit is not None:
            self.hit_activated.emit(hit)


def _by_document(hits: list) -> list[list]:
    groups: dict[int, list] = {}
    for hit in hits:
        groups.setdefault(hit.document_id, []).append(hit)
    return list(groups.values())


def _hit_html(hit) -> str:
    """Where (paragraph, or note), then the snippet with the matched words in bold."""
    pieces, position = [], 0
    for start, end in hit.highlights:
        pieces.append(html.escape(hit.snippet[position:start]))
        pieces.append(f"<b>{html.escape(hit.snippet[start:end])}</b>")
        position = end
    pieces.append(html.escape(hit.snippet[position:]))
    where = f"note ¶{hit.block_index + 1}" if hit.kind == "note" else f"¶{hit.block_index + 1}"
    return f"<small>{where}</small> {''.join(pieces)}"
