"""The vocabulary list: a word saved with its sentence, that sentence's translation, the
dictionary's entry and the document; listed, edited, removed; writes say what they changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.changes import Changes
from reader.core.dictionary.installed import install_dictionary
from reader.core.errors import ReaderError
from reader.core.library import get_document, remove_document
from reader.core.vocabulary.service import (
    NoSuchSentenceError,
    UnknownWordError,
    add_from_document,
    add_word,
    list_words,
    remove_word,
    update_word,
)
from tests.conftest import SHARED
from tests.stardict_builder import write_stardict

COPY_MODEL = SHARED / "models" / "translate-vi_en-copy.argosmodel"


@pytest.fixture
def dictionary(tmp_path: Path) -> None:
    write_stardict(tmp_path / "d", {"bảo vệ": "to protect", "Ban Bí thư": "the Secretariat"})
    install_dictionary(tmp_path / "d", "vi", "en")


def _sentences_with(database, document_id: int, text: str) -> list[str]:
    document = get_document(database, document_id)
    return [s.text for _, s in document.iter_sentences() if text in s.text]


def test_a_word_is_saved_with_its_sentence_and_definition(database, document_id, dictionary):
    entry, changes = add_from_document(database, "bảo vệ", document_id)
    assert changes == Changes(vocabulary=True)
    assert entry.sentence == _sentences_with(database, document_id, "bảo vệ")[0]
    assert entry.definition == "to protect"
    assert entry.source == get_document(database, document_id).title
    assert (entry.document_id, entry.language, entry.translation) == (document_id, "vi", "")
    assert list_words(database) == [entry]


def test_the_nth_occurrence_picks_the_nth_sentence(database, document_id, dictionary):
    holding = _sentences_with(database, document_id, "Ban Bí thư")
    assert len(holding) >= 2
    entry, _ = add_from_document(database, "ban bí thư", document_id, occurrence=2)
    assert entry.sentence == holding[1]
    with pytest.raises(NoSuchSentenceError, match=f"only {len(holding)} sentences"):
        add_from_document(database, "Ban Bí thư", document_id, occurrence=len(holding) + 1)
    assert len(list_words(database)) == 1


def test_a_word_is_matched_whole_not_inside_another(database, document_id):
    with pytest.raises(NoSuchSentenceError, match="no sentence"):
        add_from_document(database, "ảo v", document_id)


@pytest.mark.skipif(not COPY_MODEL.is_file(), reason="needs ../shared/models")
def test_the_sentences_translation_comes_from_the_cache(database, document_id, dictionary):
    from reader.core.library import get_document
    from reader.core.translate.packages import install_package_file
    from reader.core.translate.service import TranslationService

    install_package_file(COPY_MODEL)
    service = TranslationService(database)
    sentence = _sentences_with(database, document_id, "bảo vệ")[0]
    document = get_document(database, document_id)  # its abbreviations are written out
    (translated,) = service.translate_sentences(
        service.route("vi", "en"), [sentence], document=document
    )
    entry, _ = add_from_document(database, "bảo vệ", document_id)
    assert entry.translation == translated and translated


def test_the_same_word_in_the_same_sentence_is_kept_once(database):
    first, _ = add_word(database, "bảo vệ", sentence="Công tác bảo vệ.")
    again, changes = add_word(database, "Bảo  vệ", sentence="Công tác bảo vệ.")
    assert (again, bool(changes)) == (first, False)
    elsewhere, changes = add_word(database, "bảo vệ", sentence="Bảo vệ Tổ quốc.")
    assert elsewhere.id != first.id and changes.vocabulary
    assert len(list_words(database)) == 2


def test_edit_and_remove(database, document_id):
    entry, _ = add_word(database, "  nội bộ ", sentence="s", document_id=document_id)
    assert entry.word == "nội bộ"
    edited, changes = update_word(database, entry.id, definition="internal", word="nội  bộ")
    assert (edited.definition, edited.word, changes.vocabulary) == ("internal", "nội  bộ", True)
    assert list_words(database) == [edited]
    with pytest.raises(ReaderError, match="empty"):
        update_word(database, entry.id, word=" ")
    with pytest.raises(ValueError, match="not editable"):
        update_word(database, entry.id, document_id="3")
    removed, _ = remove_word(database, entry.id)
    assert removed.id == entry.id and list_words(database) == []
    with pytest.raises(UnknownWordError):
        remove_word(database, entry.id)


def test_a_word_outlives_its_document(database, document_id):
    entry, _ = add_word(database, "bảo vệ", document_id=document_id)
    remove_document(database, document_id)
    (kept,) = list_words(database)
    assert (kept.document_id, kept.source) == (None, entry.source) and kept.source


def test_listing_one_documents_words(database, document_id):
    add_word(database, "một", document_id=document_id)
    add_word(database, "hai")
    assert [e.word for e in list_words(database, document_id)] == ["một"]
    assert [e.word for e in list_words(database)] == ["một", "hai"]
