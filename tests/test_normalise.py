"""Headword keys: old and new tone-mark placement, case, Unicode form and spaces do not count;
the letters do."""

from __future__ import annotations

import unicodedata

import pytest

from reader.core.dictionary.normalise import headword_key


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("uỷ ban", "ủy ban"),
        ("khoẻ", "khỏe"),
        ("Hoà Bình", "hòa bình"),
    ],
)
def test_both_tone_mark_placements_meet(old: str, new: str):
    assert headword_key(old) == headword_key(new)


def test_unicode_form_case_and_spaces_do_not_count():
    composed = "Ban Bí thư"
    decomposed = unicodedata.normalize("NFD", "BAN  BÍ\nTHƯ")
    assert headword_key(composed) == headword_key(decomposed)


@pytest.mark.parametrize(
    ("one", "other"),
    [("bảo", "bao"), ("bảo", "báo"), ("thư", "thu"), ("ân", "an"), ("đi", "di"), ("hoà", "hoa")],
)
def test_tones_and_letters_still_tell_words_apart(one: str, other: str):
    assert headword_key(one) != headword_key(other)
