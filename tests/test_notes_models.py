"""Authors and private notes (migration 0010): on PostgreSQL, row-level security keeps a private
note, its tags and its indexed words from every role but its author's, whatever the client."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from reader.core.library import add_document
from reader.core.notes.models import AUTHOR_ENV
from reader.core.notes.search import search
from reader.core.notes.service import (
    UnknownAnnotationError,
    annotate_quote,
    list_annotations,
    update_annotation,
)
from reader.core.storage.db import NotAllowedError, library_url, open_database


@pytest.fixture
def team(team_urls):
    """The team's library, migrated by its owner, opened by alice and by bob."""
    open_database(library_url(team_urls["team"])).close()
    libraries = {role: open_database(library_url(team_urls[role])) for role in ("alice", "bob")}
    yield libraries
    for library in libraries.values():
        library.close()


def test_a_note_written_on_a_server_is_by_the_database_role(team, sample_copy):
    document_id = add_document(team["alice"], sample_copy).document_id
    note = annotate_quote(team["alice"], document_id, "cản bộ", note="xem lại")
    assert note.author == "alice"
    assert [n.author for n in list_annotations(team["bob"], document_id)] == ["alice"]


def test_a_private_note_is_readable_by_its_author_only(team, sample_copy):
    alice, bob = team["alice"], team["bob"]
    document_id = add_document(alice, sample_copy).document_id
    annotate_quote(alice, document_id, "cản bộ", note="chung", tags=["công khai"])
    secret = annotate_quote(alice, document_id, "Huân chương", note="bí mật", tags=["riêng"])
    assert update_annotation(alice, secret.uuid, private=True).private

    assert {n.note for n in list_annotations(alice, document_id)} == {"chung", "bí mật"}
    assert {n.note for n in list_annotations(bob, document_id)} == {"chung"}
    assert search(alice, "bi mat", include_documents=False)
    assert search(bob, "bi mat", include_documents=False) == []
    with bob.reading() as session:  # not through the app: the database itself refuses
        assert session.execute(text("SELECT count(*) FROM annotations")).scalar_one() == 1
        tags = session.execute(text("SELECT tag FROM annotation_tags")).scalars().all()
        assert tags == ["công khai"]
        assert session.execute(text("SELECT count(*) FROM search_notes")).scalar_one() == 1
    with pytest.raises(UnknownAnnotationError):
        update_annotation(bob, secret.uuid, note="đã đọc")


def test_nobody_can_write_a_private_note_in_another_name(team, sample_copy):
    document_id = add_document(team["alice"], sample_copy).document_id
    note = annotate_quote(team["alice"], document_id, "cản bộ", note="chung")
    with pytest.raises(NotAllowedError, match=r"does not allow it .*row-level security"):
        update_annotation(team["bob"], note.uuid, private=True)  # alice's note, made bob's secret
    assert not list_annotations(team["alice"])[0].private


def test_a_local_library_names_the_user(database, sample_copy, monkeypatch):
    monkeypatch.setenv(AUTHOR_ENV, "Nguyễn Văn A")
    document_id = add_document(database, sample_copy).document_id
    note = annotate_quote(database, document_id, "cản bộ")
    assert note.author == "Nguyễn Văn A"
    assert list_annotations(database, author="Nguyễn Văn A") == [note]
    assert list_annotations(database, author="someone else") == []
