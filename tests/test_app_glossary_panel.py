"""The Glossary panel (pytest-qt): the document's abbreviations and their switches, the
glossary terms it contains, editing them (also off the GUI thread), translations lacking a
term, and the window's hook re-translating only what a change touches."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from reader.app.glossary_panel import EntryDialog, GlossaryPanel
from reader.app.workers import Workers
from reader.core.errors import ReaderError
from reader.core.library import get_document
from reader.core.terms.glossary import list_entries, make_entry, save_entry
from reader.core.terms.settings import expansion_settings
from reader.core.translate.service import TranslatedSentence
from tests.app_support import WAIT_MS, make_window, open_and_wait, wait_translated
from tests.conftest import SAMPLE
from tests.terms_support import installed_copy_vi_en  # noqa: F401 (a fixture)


@pytest.fixture
def document(database, document_id):
    return get_document(database, document_id)


@pytest.fixture
def panel(qtbot, database, document) -> GlossaryPanel:
    panel = GlossaryPanel(lambda: database)
    qtbot.addWidget(panel)
    panel.set_document(document, "vi", "en")
    return panel


def rows(tree) -> list[list[str]]:
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def test_lists_the_documents_abbreviations_with_where_they_come_from(panel, document):
    found = {row[0]: row for row in rows(panel.abbreviations)}
    assert found["BVCTNB"][1:3] == ["bảo vệ chính trị nội bộ", "¶2"]
    assert found["UVTW"][2] == "shipped list"
    assert int(found["BVCTNB"][3]) == sum(b.text.count("BVCTNB") for b in document.blocks)


def test_unticking_an_abbreviation_persists_per_document(qtbot, panel, database, document):
    item = panel.abbreviations.findItems("UVTW", Qt.MatchFlag.MatchExactly, 0)[0]
    with qtbot.waitSignal(panel.terms_changed):
        item.setCheckState(0, Qt.CheckState.Unchecked)
    assert expansion_settings(database, document.content_hash).disabled == {"UVTW"}
    with qtbot.waitSignal(panel.terms_changed):
        panel.expand_box.setChecked(False)
    assert not expansion_settings(database, document.content_hash).expand
    assert all(
        panel.abbreviations.topLevelItem(i).isDisabled()
        for i in range(panel.abbreviations.topLevelItemCount())
    )


def test_shows_the_glossary_terms_the_document_contains(panel, database, document):
    save_entry(database, make_entry("Bộ Chính trị", "Politburo", "vi", "en"))
    save_entry(database, make_entry("Ban Bí thư", None, "vi", "en"))
    save_entry(database, make_entry("không có ở đây", "absent", "vi", "en"))
    panel.reload()
    found = {row[0]: row for row in rows(panel.entries)}
    assert set(found) == {"Bộ Chính trị", "Ban Bí thư"}
    assert found["Ban Bí thư"][1] == "(kept as is)"
    expected = sum(b.text.count("Bộ Chính trị") for b in document.blocks)
    assert int(found["Bộ Chính trị"][2]) == expected
    assert "3 entries, 2 in this document" in panel.glossary_label.text()


def test_adding_and_removing_off_the_gui_thread(qtbot, database, document):
    workers = Workers()
    panel = GlossaryPanel(lambda: database, submit=workers.submit)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.abbreviations.model().rowsInserted, timeout=10_000):
        panel.set_document(document, "vi", "en")
    with qtbot.waitSignal(panel.terms_changed, timeout=10_000):
        panel.save_entry(make_entry("Ban Bí thư", "Secretariat", "vi", "en"))
    qtbot.waitUntil(lambda: panel.entries.topLevelItemCount() == 1, timeout=10_000)
    entry = panel.entries.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole)
    assert entry.id is not None and list_entries(database) == [entry]
    panel.entries.setCurrentItem(panel.entries.topLevelItem(0))
    with qtbot.waitSignal(panel.terms_changed, timeout=10_000):
        panel.remove_current()
    assert list_entries(database) == []
    workers.wait()


def test_the_entry_dialog_builds_the_entry_and_refuses_an_empty_one(qtbot):
    dialog = EntryDialog(None, "vi", "en")
    qtbot.addWidget(dialog)
    dialog.source.setText("  Bộ   Chính trị ")
    with pytest.raises(ReaderError):
        dialog.entry()
    dialog.keep.setChecked(True)
    assert not dialog.target.isEnabled()
    dialog.accent_insensitive.setChecked(True)
    entry = dialog.entry()
    assert (entry.source, entry.target, entry.accent_sensitive) == ("Bộ Chính trị", None, False)
    edited = EntryDialog(None, "vi", "en", replace(entry, id=7))
    qtbot.addWidget(edited)
    edited.keep.setChecked(False)
    edited.target.setText("Politburo")
    assert edited.entry().id == 7 and edited.entry().target == "Politburo"


def test_lists_translations_lacking_a_term(qtbot, database, document):
    lacking = TranslatedSentence(4, 0, "s", "t", True, False, ("Bộ Chính trị",))
    fine = TranslatedSentence(5, 0, "s", "t", True, False)
    panel = GlossaryPanel(
        lambda: database, translations=lambda _document: {(4, 0): lacking, (5, 0): fine}
    )
    qtbot.addWidget(panel)
    panel.set_document(document, "vi", "en")
    assert panel.lacking.count() == 1
    assert panel.lacking.item(0).text() == "¶5: Bộ Chính trị"
    with qtbot.waitSignal(panel.block_requested) as requested:
        panel.lacking.itemActivated.emit(panel.lacking.item(0))
    assert requested.args == [4]


@pytest.mark.usefixtures("installed_copy_vi_en")
def test_in_the_window_a_new_entry_retranslates_only_the_sentences_it_touches(qtbot):
    window = make_window(qtbot)
    opened = open_and_wait(qtbot, window, SAMPLE)
    first = wait_translated(qtbot, window)
    assert first.translated == opened.document.sentence_count
    panel = window.glossary_panel
    assert panel.document.content_hash == opened.document.content_hash
    touched = [
        (block.index, sentence.index)
        for block, sentence in opened.document.iter_sentences()
        if "Ban Bí thư" in sentence.text
    ]
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS):
        panel.save_entry(make_entry("Ban Bí thư", "Secretariat", "vi", "en"))
    again = wait_translated(qtbot, window)
    assert again.translated == len(touched) > 0  # the others came from the cache
    shown = window.document_view.text.sentences
    assert all("Secretariat" in shown[position].translation for position in touched)
