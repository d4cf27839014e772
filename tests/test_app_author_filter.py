"""The notes panel's author filter (pytest-qt): hidden for one author, one person's notes."""

from __future__ import annotations

import pytest

from reader.app.notes_panel import NotesPanel
from reader.app.ops import ChangeBus
from reader.app.workers import Workers
from reader.core.notes.models import AUTHOR_ENV
from reader.core.notes.service import annotate_quote
from tests.app_support import WAIT_MS


@pytest.fixture
def panel(qtbot, database):
    workers = Workers()
    panel = NotesPanel(database, workers, ChangeBus())
    qtbot.addWidget(panel)
    panel.show()
    yield panel
    workers.wait()


def _loaded(qtbot, panel: NotesPanel) -> None:
    qtbot.waitUntil(lambda: not panel.loading, timeout=WAIT_MS)


def _notes(panel: NotesPanel) -> list[str]:
    return [panel.annotations[row].note for row in range(panel.list.count())]


def test_the_panel_shows_everybodys_notes_or_one_authors(
    qtbot, panel, database, document_id, monkeypatch
):
    monkeypatch.setenv(AUTHOR_ENV, "An")
    annotate_quote(database, document_id, "cản bộ", note="của An")
    panel.set_document(document_id)
    _loaded(qtbot, panel)
    assert panel.author_filter.isHidden()  # one author: nothing to choose

    monkeypatch.setenv(AUTHOR_ENV, "Bình")
    annotate_quote(database, document_id, "Trương Thị Mai", note="của Bình")
    panel.reload()
    _loaded(qtbot, panel)
    assert not panel.author_filter.isHidden()
    choices = [panel.author_filter.itemData(i) for i in range(panel.author_filter.count())]
    assert choices == ["", "An", "Bình"]

    panel.author_filter.setCurrentIndex(panel.author_filter.findData("Bình"))
    _loaded(qtbot, panel)
    assert _notes(panel) == ["của Bình"]
    assert panel.author_filter.count() == 3  # the others stay to choose from
    panel.author_filter.setCurrentIndex(0)
    _loaded(qtbot, panel)
    assert sorted(_notes(panel)) == ["của An", "của Bình"]

    panel.set_document(document_id)  # (re)opening starts from everybody's notes
    _loaded(qtbot, panel)
    assert panel.author_filter.author() is None
