"""Library search: the query runs in a worker, its hits go to the search panel; a hit is shown
in its document (opened first if need be), scrolled to and selected."""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Signal

from reader.app.context import AppContext
from reader.app.reading.view import DocumentView
from reader.app.side_panels import SearchPanel
from reader.app.workers import Workers, error_message
from reader.core.reading import OpenedDocument

SEARCH_LIMIT = 50
_WORD = r"[^\W_]*"


class SearchController(QObject):
    finished = Signal(list)  # the hits shown
    open_requested = Signal(int)  # a hit's document id, to be opened (then `shown` reveals it)
    annotation_jump = Signal(int, int, int)  # block, start, end: a note's anchor

    def __init__(
        self,
        workers: Workers,
        context: AppContext,
        panel: SearchPanel,
        view: DocumentView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._workers, self._context, self._panel, self._view = workers, context, panel, view
        self._query = ""
        self._opened: OpenedDocument | None = None
        self._pending_hit = None  # a hit to show once its document is open
        panel.search_requested.connect(self.search)
        panel.hit_activated.connect(self.open_hit)

    def search(self, query: str) -> None:
        self._query = query
        database = self._context.database

        def run():
            from reader.core.notes.search import search

            return search(database(), query, limit=SEARCH_LIMIT)

        def shown(hits) -> None:
            self._panel.show_hits(hits)
            self.finished.emit(hits)

        def failed(error: BaseException) -> None:
            self._panel.show_error(error_message(error))
            self.finished.emit([])

        self._workers.latest("library-search", run, shown, failed)  # the last query's hits win

    def open_hit(self, hit) -> None:
        """Show a hit: its document (opened first if need be), scrolled to it, match selected."""
        if self._opened is not None and self._opened.document_id == hit.document_id:
            self._reveal(hit)
            return
        self._pending_hit = hit
        self.open_requested.emit(hit.document_id)

    def shown(self, opened: OpenedDocument | None) -> None:
        """The window shows `opened` now (None: the library): reveal the hit waiting for it."""
        self._opened = opened
        hit, self._pending_hit = self._pending_hit, None
        if hit is not None and opened is not None and hit.document_id == opened.document_id:
            self._reveal(hit)

    def _reveal(self, hit) -> None:
        view = self._view
        if view.text is None or not 0 <= hit.block_index < len(view.text.document.blocks):
            return
        if hit.annotation_uuid:  # a note: select what it annotates (read in a worker)
            self._workers.submit(
                lambda: self._find_annotation(hit.annotation_uuid),
                lambda annotation: self._reveal_note(hit, annotation),
                lambda _error: view.scroll_to_block(hit.block_index),
            )
            return
        span = first_match(view.text.block(hit.block_index).text, self._query)
        if span is None:
            view.scroll_to_block(hit.block_index)
        else:
            view.select_original_span(hit.block_index, *span)
        view.source_pane.setFocus()

    def _find_annotation(self, uuid: str):
        from reader.core.notes.service import UnknownAnnotationError, get_annotation

        try:
            return get_annotation(self._context.database(), uuid)
        except UnknownAnnotationError:  # deleted since the search
            return None

    def _reveal_note(self, hit, annotation) -> None:
        if self._opened is None or self._opened.document_id != hit.document_id:
            return
        if annotation is not None and annotation.status == "anchored":
            anchor = annotation.anchor
            self.annotation_jump.emit(anchor.block_index, anchor.start, anchor.end)
        else:
            self._view.scroll_to_block(hit.block_index)


def first_match(text: str, query: str) -> tuple[int, int] | None:
    """The first word of `text` starting with a word of `query`, accents and case ignored (as
    the library search matches), as offsets in `text`."""
    from reader.core.notes.search import fold, query_terms

    terms = query_terms(query)
    if not terms:
        return None
    alternatives = "|".join(re.escape(term) for term in sorted(set(terms), key=len, reverse=True))
    found = re.search(rf"(?<![^\W_])(?:{alternatives}){_WORD}", fold(text))
    return found.span() if found else None
