import codecs
import unicodedata
from pathlib import Path

import pytest

from reader.core.documents.decoding import decode_bytes, normalise
from reader.core.errors import InputError, collecting_warnings

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


def _decoded_with_warnings(data: bytes) -> tuple[str, list[str]]:
    with collecting_warnings() as warnings:
        text = decode_bytes(data, Path("decree.txt"))
    return text, warnings


def test_one_invalid_byte_in_utf8_is_replaced_and_its_offset_reported() -> None:
    prefix = (VIETNAMESE + "\n").encode() * 30
    text, warnings = _decoded_with_warnings(prefix + b"\xff" + VIETNAMESE.encode())
    assert text == (VIETNAMESE + "\n") * 30 + "\ufffd" + VIETNAMESE
    assert warnings == [f"decree.txt: invalid UTF-8 at byte {len(prefix)} (replaced)"]


def test_many_invalid_bytes_report_the_first_offset_and_the_count() -> None:
    good = VIETNAMESE.encode() * 10
    text, warnings = _decoded_with_warnings(good + b"\xc3" + good + b"\xe1\xba" + good + b"\x80")
    assert text.count("\ufffd") == 3 and text.count(VIETNAMESE) == 30
    assert warnings == [
        f"decree.txt: invalid UTF-8 at byte {len(good)} and 2 more places (replaced)"
    ]


def test_replacement_characters_already_in_the_file_are_not_invalid_bytes() -> None:
    text, warnings = _decoded_with_warnings(f"{VIETNAMESE} \ufffd".encode() * 5)
    assert warnings == [] and text.count("\ufffd") == 5


def test_a_legacy_file_full_of_invalid_utf8_is_still_decoded_as_legacy() -> None:
    """cp1258 and cp1252 bytes are invalid UTF-8 almost everywhere they are not ASCII."""
    text, warnings = _decoded_with_warnings(encode_windows_1258(VIETNAMESE * 3))
    assert text.startswith(VIETNAMESE) and warnings == []
    french = "Le cœur a ses raisons que la raison ne connaît point. Ça, c'est déjà vu."
    assert _decoded_with_warnings((french * 3).encode("cp1252")) == (french * 3, [])


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_byte_order_mark(encoding: str) -> None:
    assert decode_bytes(VIETNAMESE.encode(encoding), Path("x.txt")) == VIETNAMESE


@pytest.mark.parametrize(
    "data", [b"garbage\x00\x01\x02", b"Text\x00with a NUL", b"abc\x01\x02\x03"]
)
def test_nul_bytes_or_many_controls_are_binary(data: bytes) -> None:
    with pytest.raises(InputError, match=r"x\.bin: binary file"):
        decode_bytes(data, Path("x.bin"))


def test_utf8_with_a_byte_order_mark_and_an_invalid_byte_reports_the_file_offset() -> None:
    before = codecs.BOM_UTF8 + VIETNAMESE.encode() * 4
    text, warnings = _decoded_with_warnings(before + b"\xff" + VIETNAMESE.encode())
    assert text == VIETNAMESE * 4 + "\ufffd" + VIETNAMESE
    assert warnings == [f"decree.txt: invalid UTF-8 at byte {len(before)} (replaced)"]
