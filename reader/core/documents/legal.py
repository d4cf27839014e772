"""The layout of Vietnamese official and legal documents, recognised line by line.

A decree, a law or a court precedent opens with a letterhead (issuing body, quốc hiệu, tiêu ngữ,
number, place and date), is divided into Phần / Chương / Mục / Điều whose number belongs to its
title, enumerates clauses (khoản `1.`) and points (điểm `a)`), and closes with signature lines
(`TM. CHÍNH PHỦ`, `KT. BỘ TRƯỞNG`...) and the `Nơi nhận:` list. Every importer sees the same
lines in its own way (text lines, DOCX paragraphs, PDF lines, HTML elements) and asks here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_DASH = r"\s*[-–—]\s*"
_NATIONAL_NAME = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM$", re.I)
_MOTTO = re.compile(rf"^Độc\s+lập{_DASH}Tự\s+do{_DASH}Hạnh\s+phúc$", re.I)
# "Số: 145/2020/NĐ-CP", "Luật số: 45/2019/QH14", a draft's "Số:    /QĐ-UBND".
_NUMBER_LINE = re.compile(r"^(?:\w+\s+)?số\s*:\s*[\w.\s-]*/\s*\S", re.I)
_PLACE_AND_DATE = re.compile(r"^[^,]{2,40},\s*ngày\b.{0,20}\btháng\b.{0,20}\bnăm\b", re.I)
# The subject of an official letter (công văn), under its number: "V/v triển khai ...".
_LETTER_SUBJECT = re.compile(r"^V/v\b", re.I)
_RULE = re.compile(r"^[-_=–—.*~\s]{3,}$")
# Words one of the header lines has, or a rule: a quick "no" for the lines of the body.
_HEADER_HINT = re.compile(r"cộng\s+h|độc\s+lập|số\s*:|,\s*ngày|^\s*[-_=–—.*~]{3}", re.I)
# Letterheads are often laid out in two columns: "CHÍNH PHỦ      CỘNG HÒA XÃ HỘI ...".
_COLUMN_GAP = re.compile(r"\t|\s{3,}")

_ROMAN = r"[IVXLC]{1,7}"
_DIVISION_NUMBER = rf"(?:thứ\s+\S+|{_ROMAN}|\d{{1,3}})"
# The number ends there; what follows is checked by heading_level ("Chương 3 của ..." is prose).
_AFTER_NUMBER = r"(?=$|[\s.:–—-])"
_PART = re.compile(rf"^(?:Phần|PHẦN)\s+{_DIVISION_NUMBER}{_AFTER_NUMBER}")
_CHAPTER = re.compile(rf"^(?:Chương|CHƯƠNG)\s+{_DIVISION_NUMBER}{_AFTER_NUMBER}")
_SECTION = re.compile(rf"^(?:Mục|MỤC)\s+{_DIVISION_NUMBER}{_AFTER_NUMBER}")
_ROMAN_SECTION = re.compile(rf"^{_ROMAN}\.\s+(?P<title>.+)$")
# "Điều 5.", "Điều 12a:", legal-code numbers "Điều 36.3.LQ.1." — the dot or colon after the
# number is what tells a heading from prose citing an article ("Điều 10 Nghị định số ...").
_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+\d{1,4}[a-zđ]?(?:\.[0-9A-ZĐ]+)*\s*[.:](?:\s|$)")
_MAX_HEADING_LENGTH = 250
# A heading that is its number alone: its title is the next line ("Chương I." / "CHẾ ĐỘ ...").
_BARE_NUMBER = re.compile(
    rf"^(?:(?:Phần|Chương|Mục)\s+{_DIVISION_NUMBER}|Điều\s+\d+[a-zđ]?(?:\.[0-9A-ZĐ]+)*)\s*[.:]?$",
    re.I,
)

# Khoản "1.", "2)" (and "1.1."), điểm "a)", "đ)", "a.".
_CLAUSE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]|[a-zđ][.)])\s+\S")
# "TM. ỦY BAN NHÂN DÂN", "KT. BỘ TRƯỞNG", "Q. CHÁNH ÁN", "TL.", "TUQ.", "PP."
_SIGNATURE = re.compile(r"^(?:TM|KT|TL|TUQ|Q|PP)\.\s*(?P<title>\S.*)$")
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:", re.I)

_DOCUMENT_TYPES = (
    "HIẾN PHÁP",
    "BỘ LUẬT",
    "LUẬT",
    "PHÁP LỆNH",
    "LỆNH",
    "NGHỊ QUYẾT LIÊN TỊCH",
    "NGHỊ QUYẾT",
    "NGHỊ ĐỊNH",
    "QUYẾT ĐỊNH",
    "CHỈ THỊ",
    "THÔNG TƯ LIÊN TỊCH",
    "THÔNG TƯ",
    "THÔNG BÁO",
    "CÔNG VĂN",
    "KẾ HOẠCH",
    "BÁO CÁO",
    "TỜ TRÌNH",
    "HƯỚNG DẪN",
    "QUY CHẾ",
    "QUY ĐỊNH",
    "ÁN LỆ",
    "BẢN ÁN",
    "PHỤ LỤC",
)
# The type line is the type alone, maybe with its number ("ÁN LỆ SỐ 43/2021/AL") or an annex
# numbering ("Phụ lục I"); "QUY ĐỊNH CHI TIẾT ..." is a summary, not the type "QUY ĐỊNH".
_DOCUMENT_TYPE = re.compile(
    r"^(?P<type>" + "|".join(_DOCUMENT_TYPES) + r")"
    r"(?:\s+(?:số\s*:?\s*)?(?P<number>\d[\w./-]*|" + _ROMAN + r"|\d+))?$",
    re.I,
)
_MAX_TYPE_LINE = 60
_LETTERHEAD_WINDOW = 12
_MAX_LETTERHEAD_LINE = 90


def heading_level(line: str) -> int | None:
    """The rank of a structural heading: 1 Phần, 2 Chương, 3 Mục (or a Roman-numbered section
    in capitals, `II. CÁC THÀNH PHẦN`), 4 Điều; None for any other line.

    Ranks are absolute; `compact_levels` turns those a document uses into levels 1, 2, 3..."""
    line = line.strip()
    if len(line) > _MAX_HEADING_LENGTH:
        return None
    for pattern, rank in ((_PART, 1), (_CHAPTER, 2), (_SECTION, 3), (_ARTICLE, 4)):
        number = pattern.match(line)
        if number:
            # A title starts with a capital: "Điều 4. của Luật ..." is a citation in prose.
            return None if line[number.end() :].lstrip()[:1].islower() else rank
    roman = _ROMAN_SECTION.match(line)
    if roman and is_capitals(roman.group("title")):
        return 3
    return None


def is_capitals(text: str) -> bool:
    """Text with letters, all of them capitals: `CHÍNH PHỦ`, `II. CÁC THÀNH PHẦN`."""
    return any(char.isalpha() for char in text) and text == text.upper()


def compact_levels(ranks: Iterable[int]) -> dict[int, int]:
    """Levels 1, 2, 3... for the ranks a document uses: a law without Phần has Chương at 1."""
    return {rank: level for level, rank in enumerate(sorted(set(ranks)), start=1)}


def is_bare_heading_number(line: str) -> bool:
    """`Chương I.`, `Điều 5.` with no title on the line: the title, if any, is on the next one."""
    return bool(_BARE_NUMBER.match(line.strip()))


def is_list_item(line: str) -> bool:
    """A clause (khoản `1.`) or a point (điểm `a)`, `đ)`)."""
    return bool(_CLAUSE.match(line.strip()))


def is_signature_line(line: str) -> bool:
    """`TM. ỦY BAN NHÂN DÂN`, `KT. BỘ TRƯỞNG`, `Q.`, `TL.`, `TUQ.` ... or `Nơi nhận:`."""
    line = line.strip()
    signature = _SIGNATURE.match(line)
    return bool((signature and is_capitals(signature.group("title"))) or _RECIPIENTS.match(line))


def is_header_line(line: str) -> bool:
    """A letterhead line: quốc hiệu, tiêu ngữ, number, place and date, or a rule under them;
    in a two-column layout, a line one of whose columns is one of those."""
    if not _HEADER_HINT.search(line):
        return False  # most lines: no need to split them into columns
    return any(_is_header_piece(piece) for piece in _pieces(line))


def _pieces(line: str) -> list[str]:
    """The line, then its columns (a blank date "ngày   tháng   năm" is one piece, not three)."""
    line = line.strip()
    return [line, *(column.strip() for column in _COLUMN_GAP.split(line) if column.strip())]


def _is_header_piece(text: str) -> bool:
    return bool(
        _NATIONAL_NAME.match(text)
        or _MOTTO.match(text)
        or _NUMBER_LINE.match(text)
        or _PLACE_AND_DATE.match(text)
        or _RULE.match(text)
    )


def is_letterhead_line(line: str) -> bool:
    """A header line that only a letterhead has: quốc hiệu, tiêu ngữ or number, alone or as
    one of the line's columns (a rule or a date may be anywhere)."""
    return any(
        _NATIONAL_NAME.match(piece) or _MOTTO.match(piece) or _NUMBER_LINE.match(piece)
        for piece in _pieces(line)
    )


def is_letter_subject(line: str) -> bool:
    """`V/v triển khai thực hiện ...`: the subject of a letter, in its letterhead."""
    return bool(_LETTER_SUBJECT.match(line.strip()))


def letterhead_length(lines: Sequence[str]) -> int:
    """How many of the leading (non-blank) lines form the letterhead; 0 if there is none.

    The letterhead runs to its last header line among the first few lines; the lines between
    (the issuing body, a second column) are short and end no sentence."""
    end = 0
    has_strong_line = False
    for position, line in enumerate(lines[:_LETTERHEAD_WINDOW]):
        if is_header_line(line):
            end = position + 1
            has_strong_line = has_strong_line or is_letterhead_line(line)
        elif len(line.strip()) > _MAX_LETTERHEAD_LINE or line.rstrip().endswith("."):
            break
    return end if has_strong_line else 0


def document_type(line: str) -> tuple[str, str | None] | None:
    """(type, number or None) if the line names a document's type: `NGHỊ ĐỊNH`, `LUẬT`,
    `ÁN LỆ SỐ 43/2021/AL`, `Phụ lục I`; None for any other line."""
    if len(line) > _MAX_TYPE_LINE:
        return None
    match = _DOCUMENT_TYPE.match(" ".join(line.split()))
    if match is None:
        return None
    kind = match.group("type")
    if not kind.isupper() and not match.group("number"):
        return None  # "Luật" alone in running text is a word, "LUẬT" alone on a line is a type
    return kind, match.group("number")


def document_number(line: str) -> str | None:
    """The number in a `Số: 145/2020/NĐ-CP` line (or column); None for a blank draft number."""
    for piece in _pieces(line)[1:]:
        if _NUMBER_LINE.match(piece):
            number = piece.split(":", 1)[1].split()
            if number and number[0][:1].isdigit():
                return number[0]
    return None
