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


def test_vietnamese_is_told_by_its_letters_without_loading_the_model(tmp_path) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO

    code = (
        "import sys; from pathlib import Path; from reader.core.documents import load_document\n"
        "document = load_document(Path(sys.argv[1]))\n"
        "print(document.language, 'py3langid' in sys.modules)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code, str(sample_document())],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split() == ["vi", "False"]


@pytest.mark.parametrize(
    "text",
    [
        # Yoruba writes ẹ and ọ (in the same Unicode block as Vietnamese's letters).
        "Ọmọ mi ti lọ si ilé ẹ̀kọ́ lónìí, ó sì ti padà dé ní ìrọ̀lẹ́ pẹ̀lú àwọn ọ̀rẹ́ rẹ̀.",
        # An English text quoting a few Vietnamese names stays English.
        "The delegation met Mr Nguyễn Văn Thưởng in the Hồ Chí Minh City office on Monday to "
        "discuss the annual report, the budget for next year and the training programme.",
    ],
)
def test_a_few_vietnamese_looking_letters_do_not_make_a_text_vietnamese(text: str) -> None:
    from reader.core.segment.language import is_vietnamese_by_letters

    assert not is_vietnamese_by_letters(text)
    assert detect_language(text) != "vi"


def test_real_vietnamese_documents_are_told_by_their_letters() -> None:
    from reader.core.documents import load_document
    from reader.core.segment.language import is_vietnamese_by_letters
    from tests.conftest import SHARED

    real = SHARED / "samples" / "real"
    if not real.is_dir():
        pytest.skip("no shared samples")
    for path in sorted(p for p in real.iterdir() if p.name != "README.md"):
        document = load_document(path)
        text = "\n\n".join(block.text for block in document.blocks[:200])
        assert document.language == "vi" and is_vietnamese_by_letters(text), path.name
