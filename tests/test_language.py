"""Language detection: offline py3langid, ISO 639-1 codes, "und" when it cannot tell."""

from __future__ import annotations

import pytest

from reader.core.paths import sample_document
from reader.core.segment import UNDETERMINED, detect_language


def test_the_sample_document_is_vietnamese() -> None:
    assert detect_language(sample_document().read_text(encoding="utf-8")) == "vi"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The committee met on Monday to discuss the annual report and next year's budget.", "en"),
        ("Công tác bảo vệ chính trị nội bộ là một bộ phận trọng yếu.", "vi"),
        ("Le comité s'est réuni lundi pour discuter du rapport annuel.", "fr"),
        ("Das Komitee hat sich am Montag getroffen, um den Bericht zu besprechen.", "de"),
        ("委员会星期一开会讨论了年度报告。", "zh"),
    ],
)
def test_detects_the_language_of_a_sentence(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "   \n", "12345 67.89", "!!! ---", "OK"])
def test_text_without_enough_language_is_undetermined(text: str) -> None:
    assert detect_language(text) == UNDETERMINED == "und"


def test_only_two_letter_codes_are_returned() -> None:
    # Short greetings the full model would give to three-letter-only languages ("fuv", "st").
    for text in ["Hello world", "Sign In", "Xin chào", "Tag:", "Guten Tag"]:
        code = detect_language(text)
        assert code == UNDETERMINED or (len(code) == 2 and code.isalpha()), (text, code)


def test_a_long_text_is_detected_from_a_sample() -> None:
    text = "The committee met on Monday to discuss the annual report. " * 40_000  # 2.3 MB
    assert detect_language(text) == "en"
