"""Live notes: a note written by one client reaches another's listener as it commits."""

from __future__ import annotations

import queue

import pytest
from sqlalchemy import text

from reader.core.library import add_document
from reader.core.notes.service import annotate_quote, delete_annotation, update_annotation
from reader.core.storage.db import library_url, open_database
from reader.core.storage.notify import NoteChange, NoteListener, parse


def test_each_change_of_a_note_is_heard_by_another_client(postgres_url, sample_copy):
    url = library_url(postgres_url)
    library = open_database(url)
    heard: queue.Queue[NoteChange] = queue.Queue()
    listener = NoteListener(url, heard.put)
    listener.start()
    try:
        assert listener.wait_listening(10)
        document_id = add_document(library, sample_copy).document_id
        note = annotate_quote(library, document_id, "cản bộ", note="một")
        first = heard.get(timeout=10)
        assert first.document_id == document_id
        update_annotation(library, note.uuid, note="hai")
        assert heard.get(timeout=10) == first
        delete_annotation(library, note.uuid)
        assert heard.get(timeout=10) == first
    finally:
        listener.stop()
        library.close()
    assert heard.empty()


def test_a_change_rolled_back_is_not_announced(postgres_url, sample_copy):
    url = library_url(postgres_url)
    library = open_database(url)
    heard: queue.Queue[NoteChange] = queue.Queue()
    listener = NoteListener(url, heard.put)
    listener.start()
    try:
        assert listener.wait_listening(10)
        document_id = add_document(library, sample_copy).document_id
        annotate_quote(library, document_id, "cản bộ", note="một")
        heard.get(timeout=10)
        with pytest.raises(RuntimeError), library.session() as session:
            session.execute(text("UPDATE annotations SET note = 'hai'"))
            raise RuntimeError("the unit of work fails: rolled back")
        with pytest.raises(queue.Empty):
            heard.get(timeout=1)
    finally:
        listener.stop()
        library.close()


def test_the_window_gets_a_colleagues_note_as_a_change_set(qtbot, postgres_url, sample_copy):
    from reader.app.live_notes import LiveNotes

    url = library_url(postgres_url)
    colleague = open_database(url)
    live = LiveNotes.for_library(url)
    try:
        assert live.listener.wait_listening(10)
        document_id = add_document(colleague, sample_copy).document_id
        with qtbot.waitSignal(live.changed, timeout=10_000) as signal:
            annotate_quote(colleague, document_id, "cản bộ", note="xem")
        (changes,) = signal.args
        assert changes.touches_document(document_id) and len(changes.annotations) == 1
    finally:
        live.stop()
        colleague.close()
    assert LiveNotes.for_library(None) is None


def test_a_payload_not_from_the_trigger_is_ignored():
    assert parse('{"document": 3, "annotation": 7}') == NoteChange(3, 7)
    assert parse("hello") is None
    assert parse('{"document": 3}') is None
