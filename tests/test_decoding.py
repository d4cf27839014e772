import unicodedata
from pathlib import Path

import pytest

from reader.core.documents.decoding import decode_bytes, normalise
from reader.core.errors import InputError

VIETNAMESE = "Công tác bảo vệ chính trị nội bộ là một bộ phận trọng yếu của Đảng, đội ngũ cán bộ."
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_windows_1258(text: str) -> bytes:
    """Windows-1258 as legacy Vietnamese software writes it: base letters precomposed where the
    code page has them, tones as combining marks."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        tones = "".join(c for c in decomposed if c in _TONES)
        out += (base + tones).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize(
    "data",
    [
        VIETNAMESE.encode("utf-8"),
        VIETNAMESE.encode("utf-8-sig"),
        VIETNAMESE.encode("utf-16"),
        VIETNAMESE.encode("utf-16-le"),
        encode_windows_1258(VIETNAMESE * 3),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-no-bom", "windows-1258"],
)
def test_vietnamese_decodes_to_nfc_whatever_the_encoding(data: bytes) -> None:
    text = decode_bytes(data, Path("x.txt"))
    assert VIETNAMESE in text
    assert text == unicodedata.normalize("NFC", text)


def test_western_code_page_is_not_mistaken_for_vietnamese() -> None:
    french = "Le cœur a ses raisons que la raison ne connaît point. Ça, c'est déjà vu à Noël."
    portuguese = "Não há nada mais difícil do que a ação. São João, irmã, pão e coração."
    for text in (french, portuguese):
        assert decode_bytes((text * 4).encode("cp1252"), Path("x.txt")).startswith(text)


def test_decomposed_input_is_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", VIETNAMESE)
    assert decode_bytes(decomposed.encode(), Path("x.txt")) == VIETNAMESE


def test_binary_data_is_refused_with_the_file_name() -> None:
    with pytest.raises(InputError, match=r"image\.png: binary"):
        decode_bytes(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, Path("image.png")
        )


def test_newlines_are_unified() -> None:
    assert normalise("a\r\nb\rc") == "a\nb\nc"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1250", "Zażółć gęślą jaźń. Łódź to miasto w Polsce, a Kraków ma piękny rynek."),
        ("cp1251", "Привет, как дела? Это тестовый текст на русском языке."),
        ("cp1253", "Καλημέρα, πώς είσαι; Αυτό είναι ένα δοκιμαστικό κείμενο στα ελληνικά."),
        ("cp1254", "Türkçe metin: çalışkan öğrenciler ığdır şehrinde güzel günler geçirdi."),
    ],
)
def test_other_legacy_code_pages(encoding: str, text: str) -> None:
    assert decode_bytes((text * 3).encode(encoding), Path("x.txt")).startswith(text)


def test_control_characters_and_lone_surrogates_do_not_survive_normalising() -> None:
    text = normalise("a\x00b\x1b]0;title\x07c\td\x0ce\ud800f")
    assert text == "ab]0;titlec\td\ne\ufffdf"
    text.encode("utf-8")  # what content_hash and the database need
