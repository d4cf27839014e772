"""The contents and library-search panels (pytest-qt): tree from the TOC, clicks, hit display."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.app.side_panels import SearchPanel, TocPanel
from reader.core.notes.search import SearchHit


def test_contents_nest_by_level_even_when_levels_skip(qtbot) -> None:
    panel = TocPanel()
    qtbot.addWidget(panel)
    panel.set_toc([(1, "Mở đầu", 0), (3, "Chi  tiết", 4), (2, "Phần hai", 9), (1, "Kết", 20)])
    tree = panel.tree
    assert panel.entry_count == 4 and tree.topLevelItemCount() == 2
    first = tree.topLevelItem(0)
    assert [first.child(i).text(0) for i in range(first.childCount())] == ["Chi tiết", "Phần hai"]
    panel.set_toc([])
    assert panel.entry_count == 0


def test_clicking_an_entry_asks_for_its_block(qtbot) -> None:
    panel = TocPanel()
    qtbot.addWidget(panel)
    panel.set_toc([(1, "Một", 0), (2, "Hai", 7)])
    panel.show()
    item = panel.tree.topLevelItem(0).child(0)
    with qtbot.waitSignal(panel.block_requested) as requested:
        qtbot.mouseClick(
            panel.tree.viewport(),
            Qt.MouseButton.LeftButton,
            pos=panel.tree.visualItemRect(item).center(),
        )
    assert requested.args == [7]


def hit(snippet: str, spans, kind: str = "block", document: int = 1) -> SearchHit:
    title = "Báo cáo <2023>" if document == 1 else f"Văn bản {document}"
    return SearchHit(kind, document, title, 4, None, snippet, tuple(spans), 0.0)


def test_search_panel_sends_the_query_and_shows_hits_with_matches_in_bold(qtbot) -> None:
    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.edit.setText("  viet ")
    with qtbot.waitSignal(panel.search_requested) as requested:
        qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert requested.args == ["viet"]
    panel.show_hits([hit("ở Việt Nam & nơi khác", [(2, 6)]), hit("ghi chú", [], kind="note")])
    assert panel.status.text() == "2 results"
    label = panel.results.itemWidget(panel.hit_item(0))
    assert "<b>Việt</b> Nam &amp; nơi" in label.text()  # snippet text is escaped
    assert panel.title_rows == ["Báo cáo <2023> (2)"]
    assert "note ¶5" in panel.results.itemWidget(panel.hit_item(1)).text()
    with qtbot.waitSignal(panel.hit_activated) as activated:
        panel.results.itemActivated.emit(panel.hit_item(1))
    assert activated.args[0].kind == "note"
    panel.show_hits([])
    assert panel.status.text() == "No match."


def test_hits_wrap_to_the_width_of_the_list(qtbot) -> None:
    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.resize(220, 400)
    panel.show()
    long_snippet = "công tác bảo vệ chính trị nội bộ của Đảng năm 2023 " * 4
    panel.show_hits([hit(long_snippet, [(0, 4)])])
    item = panel.hit_item(0)
    width = panel.results.viewport().width()
    assert item.sizeHint().width() == width
    assert item.sizeHint().height() > 3 * panel.results.fontMetrics().height()  # wrapped
    panel.resize(500, 400)
    qtbot.waitUntil(lambda: panel.hit_item(0).sizeHint().width() > width)


def test_hits_are_grouped_under_their_document_title_once(qtbot) -> None:
    panel = SearchPanel()
    qtbot.addWidget(panel)
    hits = [hit("một", [], document=1), hit("hai", [], document=2), hit("ba", [], document=1)]
    panel.show_hits(hits)
    assert panel.title_rows == ["Báo cáo <2023> (2)", "Văn bản 2 (1)"]
    snippets = [panel.hit_item(i).data(Qt.ItemDataRole.UserRole).snippet for i in range(3)]
    assert snippets == ["một", "ba", "hai"]  # each document's hits together, best document first
    title = panel.results.item(0)
    assert not title.flags() & Qt.ItemFlag.ItemIsSelectable
    with qtbot.assertNotEmitted(panel.hit_activated):
        panel.results.itemActivated.emit(title)
    for index in range(3):  # no hit repeats the title
        assert "Báo cáo" not in panel.results.itemWidget(panel.hit_item(index)).text()
