from reader.core.changes import NO_CHANGES, Changes


def test_union_keeps_every_touched_id_and_flag():
    merged = Changes(annotations=frozenset({1}), documents=frozenset({7})) | Changes(
        annotations=frozenset({2}), library=True
    )
    assert merged.annotations == {1, 2}
    assert merged.documents == {7}
    assert merged.library and not merged.models


def test_no_changes_is_false_and_any_change_is_true():
    assert not NO_CHANGES
    assert Changes(glossary=True)
    assert Changes(translations=frozenset({3}))


def test_touches_document_only_for_its_own_rows_or_any_annotation():
    assert Changes(translations=frozenset({3})).touches_document(3)
    assert not Changes(translations=frozenset({3})).touches_document(4)
    assert not Changes(library=True).touches_document(4)
    assert Changes(annotations=frozenset({9})).touches_document(4)
