"""The notes panel's author filter (pytest-qt): hidden for one author, one person's notes."""

from __future__ import annotations

from reader.app.notes_panel import NotesPanel
from reader.core.notes.models import AUTHOR_ENV
from reader.core.notes.service import annotate_quote


def _notes(panel: NotesPanel) -> list[str]:
    return [panel.list.item(row).text().splitlines()[1] for row in range(panel.list.count())]


def test_the_panel_shows_everybodys_notes_or_one_authors(qtbot, database, document_id, monkeypatch):
    panel = NotesPanel(database)
    qtbot.addWidget(panel)
    monkeypatch.setenv(AUTHOR_ENV, "An")
    annotate_quote(database, document_id, "cản bộ", note="của An")
    panel.set_document(document_id)
    assert panel.author_filter.isHidden()  # one author: nothing to choose

    monkeypatch.setenv(AUTHOR_ENV, "Bình")
    annotate_quote(database, document_id, "Trương Thị Mai", note="của Bình")
    panel.reload()
    assert not panel.author_filter.isHidden()
    choices = [panel.author_filter.itemData(i) for i in range(panel.author_filter.count())]
    assert choices == ["", "An", "Bình"]

    panel.author_filter.setCurrentIndex(panel.author_filter.findData("Bình"))
    assert _notes(panel) == ["của Bình"]
    assert panel.author_filter.count() == 3  # the others stay to choose from
    panel.author_filter.setCurrentIndex(0)
    assert sorted(_notes(panel)) == ["của An", "của Bình"]

    panel.set_document(document_id)  # (re)opening starts from everybody's notes
    assert panel.author_filter.author() is None
