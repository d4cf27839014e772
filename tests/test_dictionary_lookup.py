"""Pointing at a syllable finds the longest headword around it, within the sentence; articles
are rendered as plain text or as sanitised HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.dictionary.installed import Article, install_dictionary, open_dictionaries
from reader.core.dictionary.lookup import (
    article_html,
    article_text,
    longest_at,
    lookup,
    lookup_at,
)
from reader.core.dictionary.stardict import Field
from tests.test_dictionary_installed import OVDP

ARTICLES = {
    "ban": "board; to grant",
    "Ban Bí thư": "the Secretariat",
    "bảo": "to tell",
    "bảo vệ": "to protect",
    "bảo vệ chính trị nội bộ": "internal political protection",
    "chính trị": "politics",
    "nội bộ": "internal",
    "uỷ ban": "committee",
    "thư": "letter",
    "của": "of; property",
    "của công": "public property",
    "công tác": "work, task",
}
SENTENCE = "Ban Bí thư chỉ đạo công tác bảo vệ chính trị nội bộ, bảo vệ Đảng; ủy ban họp."


@pytest.fixture
def dictionaries(tmp_path: Path):
    from tests.stardict_builder import write_stardict

    write_stardict(tmp_path / "d", ARTICLES)
    install_dictionary(tmp_path / "d", "vi", "en")
    opened = open_dictionaries("vi")
    yield opened
    for dictionary in opened:
        dictionary.close()


def _at(sentence: str, word: str, dictionaries, nth: int = 0) -> str | None:
    offset = -1
    for _ in range(nth + 1):
        offset = sentence.index(word, offset + 1)
    match = lookup_at(sentence, offset + 1, dictionaries)  # inside the syllable, not its start
    return match and match.text


@pytest.mark.parametrize(
    ("word", "nth", "expected"),
    [
        ("Ban", 0, "Ban Bí thư"),
        ("thư", 0, "Ban Bí thư"),
        ("bảo", 0, "bảo vệ chính trị nội bộ"),
        ("nội", 0, "bảo vệ chính trị nội bộ"),
        ("bảo", 1, "bảo vệ"),  # after the comma: "nội bộ, bảo vệ" is not one word
        ("ủy", 0, "ủy ban"),  # the dictionary spells it "uỷ ban"
        ("họp", 0, None),
    ],
)
def test_the_longest_headword_around_the_syllable(dictionaries, word, nth, expected):
    assert _at(SENTENCE, word, dictionaries, nth) == expected


def test_overlapping_headwords_are_read_as_the_sentence_cuts_them(dictionaries):
    sentence = "Tầm quan trọng của công tác bảo vệ."
    assert _at(sentence, "của", dictionaries) == "của"  # not "của công": "của | công tác"
    assert _at(sentence, "công", dictionaries) == "công tác"
    assert longest_at(sentence, sentence.index("của"), dictionaries) == "của công"


def test_the_match_says_where_it_is_and_what_it_means(dictionaries):
    match = lookup_at(SENTENCE, SENTENCE.index("vệ Đảng"), dictionaries)
    assert SENTENCE[match.start : match.end] == "bảo vệ"
    assert [found.article.fields[0].text for found in match.found] == ["to protect"]


def test_a_click_between_words_finds_nothing(dictionaries):
    assert lookup_at("—  ;", 2, dictionaries) is None


def test_whole_text_lookup_ignores_case_and_tone_placement(dictionaries):
    found = lookup("ỦY BAN", dictionaries)
    assert [(f.article.headword, f.dictionary.source_language) for f in found] == [("uỷ ban", "vi")]


def _article(kind: str, text: str) -> Article:
    return Article("x", (Field(kind, text.encode()),))


def test_html_articles_are_sanitised():
    markup = (
        '<b onclick="steal()">bảo vệ</b><script>alert(1)</script><img src="http://x/t.png">'
        '<a href="javascript:alert(1)">x</a><style>b{}</style><i>to protect</i><object>o</object>'
    )
    shown = article_html(_article("h", markup))
    for dangerous in ("script", "onclick", "javascript", "<img", "style", "<object"):
        assert dangerous not in shown
    assert "<b>bảo vệ</b>" in shown and "<i>to protect</i>" in shown


def test_plain_articles_are_escaped_not_interpreted():
    shown = article_html(_article("m", "a <b> b\nsecond line"))
    assert shown == "a &lt;b&gt; b<br>second line"


def test_html_articles_as_text_keep_their_line_breaks():
    assert article_text(_article("h", "<b>one</b><br>two &amp; three")) == "one\ntwo & three"


@pytest.mark.skipif(not OVDP.is_file(), reason="needs ../shared/data/dictionaries")
def test_the_real_dictionary_finds_multi_syllable_words():
    install_dictionary(OVDP)
    opened = open_dictionaries("vi")
    sentence = "Ban Bí thư yêu cầu tăng cường công tác bảo vệ nội bộ vì hòa bình."
    try:
        assert _at(sentence, "Ban", opened) == "Ban Bí thư"
        assert _at(sentence, "bảo", opened) == "bảo vệ"
        assert _at(sentence, "bình", opened) == "hòa bình"
    finally:
        for dictionary in opened:
            dictionary.close()
