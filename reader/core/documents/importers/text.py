"""Plain text: blank lines separate paragraphs; a line is a paragraph of its own unless the file is
hard-wrapped, when the lines of a paragraph are joined again.

Whether and where a file was wrapped is read from the text itself: its wrap width (the column
most long lines stop at) and how its long lines end. Lines that carry meaning stay apart: list
items, headings, a letterhead, signature lines, verse and tables drawn with pipes or columns.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from reader.core.documents import legal
from reader.core.documents.decoding import decode_bytes
from reader.core.documents.files import read_document_bytes
from reader.core.documents.importers.base import RawBlock, RawDocument
from reader.core.documents.model import BlockKind

_BULLET = re.compile(r"^\s*[-•*+▪●◦]\s+")
# A novel's dialogue: a paragraph of its own, its dash kept ("— Ông Trương ơi, ...").
_DIALOGUE = re.compile(r"^[–—―]\s*\S")
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}|[a-zđ]|[IVXLC]{1,6})[.)]\s+\S")
_CAPTION = re.compile(
    r"\((?:Ảnh|Photo|Hình|Nguồn|Source|Video|Clip)\s*:[^()]*\)\s*$", re.IGNORECASE
)
_TERMINAL_PUNCTUATION = tuple(".!?:;…,\"”'’)")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_FULL_STOP = re.compile(r"[.!?…][\"'”’»)\]]*$")
_MAX_TITLE_LENGTH = 200
_MIN_TITLE_WORDS = 4

# Wrapping: widths beyond this are paragraphs that happen to be short, not a wrap column.
_MAX_WRAP_WIDTH = 160
_MIN_WRAP_WIDTH = 40  # narrower is verse or a list, whose lines are its own
_FULL_LINE = 0.75  # a line this close to the wrap width may have been wrapped
_MIN_WRAPPED_SHARE = 0.15  # of the lines: full and ending mid-sentence...
_MIN_CONTINUED_SHARE = 0.4  # ...and of those, the share going on in lower case
_TIGHT_LINE = 0.85  # or: nearly every line within a paragraph stops this close to the width
_MIN_TIGHT_SHARE = 0.8

_PIPES = "|│┃"
_RULE_CHARS = set("-=+:_ ─━┼┌┐└┘├┤┬┴═╪╋╬" + _PIPES)
# Cells of a table drawn with spaces: a tab or 2+ spaces (not two after a full stop, a typing
# habit); columns must line up (see _aligned).
_CELL_GAP = re.compile(r"\t|[ \u00a0]{3,}|(?<![.!?:;,…])[ \u00a0]{2}")
_COLUMN_SLACK = 2
# A title run on from a bare heading number ("Chương I." / "CHẾ ĐỘ CHÍNH TRỊ").
_MAX_HEADING_TITLE = 200
_MAX_CAPITALS_HEADING = 120


class TextImporter:
    name = "txt"
    extensions = (".txt", ".text", "")

    def sniff(self, path: Path, head: bytes) -> bool:
        return False  # plain text has no signature; chosen by extension or as the loader's fallback

    def read(self, path: Path) -> RawDocument:
        return parse_text(decode_bytes(read_document_bytes(path), path))


@dataclass(frozen=True, slots=True)
class _Line:
    text: str  # without the indentation and trailing spaces ("" for a blank line)
    indent: int  # leading spaces, including no-break ones (w3m, lynx)
    # Where the cells of a line drawn in columns start (one start for a line of prose).
    column_starts: tuple[int, ...]

    @classmethod
    def of(cls, raw: str) -> _Line:
        raw = raw.rstrip()
        text = raw.strip()
        indent = len(raw) - len(raw.lstrip()) if text else 0
        maybe_columns = "  " in text or "\t" in text or "\u00a0" in text
        gaps = _CELL_GAP.finditer(raw, indent) if maybe_columns else ()
        return cls(text, indent, (indent, *(gap.end() for gap in gaps)))

    @property
    def end(self) -> int:
        return self.indent + len(self.text)


def parse_text(text: str) -> RawDocument:
    lines = _lines(text)
    header, lines = _split_letterhead(lines)
    width = _wrap_width(lines)
    blocks = [RawBlock(BlockKind.HEADER, header)] if header else []
    for group in _line_groups(lines):
        blocks.extend(_group_blocks(group, width))
    blocks = _legal_structure(blocks)
    official = bool(header) or any(legal.document_type(block.text) for block in blocks[:10])
    title = None if official else _promote_title(blocks)  # titles.choose_title builds it
    return RawDocument(blocks=blocks, title=title)


def _lines(text: str) -> list[_Line]:
    """The lines of the text. A signature beside the recipients ("- Lưu: VT.      TM. CHÍNH
    PHỦ") is read column by column: its lines follow the recipients' lines (`- ...`)."""
    lines: list[_Line] = []
    signature: list[_Line] = []
    signature_start: int | None = None
    for raw in [*text.split("\n"), ""]:
        line = _Line.of(raw)
        columns = _columns(raw, line)
        if signature_start is not None and _ends_signature(line, signature_start):
            signature_start = None  # else a later table with a column there would be split
        for start, column in columns[1:]:
            if legal.is_signature_line(column):
                signature_start = start
        if signature_start is not None and _has_column_at(line, signature_start):
            beside = next(
                i
                for i, (start, _) in enumerate(columns[1:], 1)
                if start >= signature_start - _COLUMN_SLACK
            )
            lines.append(_Line.of(" ".join(column for _, column in columns[:beside])))
            signature.extend(_Line.of(" " * start + column) for start, column in columns[beside:])
            continue
        if signature and not _BULLET.match(line.text):
            lines.extend([_Line.of(""), *signature])  # after a blank line: a block of its own
            signature = []
        lines.append(line)
    return lines


def _columns(raw: str, line: _Line) -> list[tuple[int, str]]:
    """(start, text) of the columns of a line drawn in columns."""
    ends = [*line.column_starts[1:], len(raw)]
    return [(start, raw[start:end]) for start, end in zip(line.column_starts, ends, strict=True)]


def _ends_signature(line: _Line, signature_start: int) -> bool:
    """A blank line, or one neither beside the signature nor a recipient, ends the recipients
    and so the signature's column."""
    if not line.text:
        return True
    return not _has_column_at(line, signature_start) and not _BULLET.match(line.text)


def _has_column_at(line: _Line, start: int) -> bool:
    return any(abs(column - start) <= _COLUMN_SLACK for column in line.column_starts[1:])


def _split_letterhead(lines: list[_Line]) -> tuple[str, list[_Line]]:
    """An official document's letterhead as one text (its lines kept), and the lines after it."""
    filled = [position for position, line in enumerate(lines) if line.text]
    count = legal.letterhead_length([lines[position].text for position in filled])
    if not count:
        return "", lines
    header_lines = [lines[position].text for position in filled[:count]]
    return "\n".join(header_lines), lines[filled[count - 1] + 1 :]


def _line_groups(lines: list[_Line]) -> list[list[_Line]]:
    groups: list[list[_Line]] = [[]]
    for line in lines:
        if line.text:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _wrap_width(lines: list[_Line]) -> int | None:
    """The column the file was wrapped at, or None if each line is a paragraph (text copied
    from a web page or a word processor). A wrapped file's long lines stop near one column and
    end mid-sentence, and the next line mostly goes on in lower case, or nearly all the lines
    within paragraphs are full; a paragraph per line ends with its sentence, and verse is
    narrower than prose."""
    filled = [line for line in lines if line.text]
    if len(filled) < 3:
        return None
    ends = sorted(line.end for line in filled)
    width = ends[int(0.95 * (len(ends) - 1))]
    if not _MIN_WRAP_WIDTH <= width <= _MAX_WRAP_WIDTH:
        return None
    followed = [(line, after) for line, after in pairwise(lines) if line.text and after.text]
    open_ended = [
        (line, after)
        for line, after in followed
        if line.end >= _FULL_LINE * width and not _ends_sentence(line.text)
    ]
    going_on_lower = sum(1 for _, after in open_ended if _starts_lower(after.text))
    if len(open_ended) < max(3, _MIN_WRAPPED_SHARE * len(filled)):
        return None
    if going_on_lower >= _MIN_CONTINUED_SHARE * len(open_ended):
        return width
    tight = sum(1 for line, _ in open_ended if line.end >= _TIGHT_LINE * width)
    return width if tight >= _MIN_TIGHT_SHARE * len(followed) else None


def _group_blocks(group: list[_Line], width: int | None) -> list[RawBlock]:
    """The blocks of lines between two blank lines: tables, and paragraphs of joined lines."""
    blocks: list[RawBlock] = []
    paragraph: list[_Line] = []
    tables = dict(_table_spans(group))
    position = 0
    while position < len(group):
        if position in tables:
            blocks.extend(_paragraph_blocks(paragraph))
            blocks.append(_table_block(group[position : tables[position]]))
            paragraph, position = [], tables[position]
            continue
        line = group[position]
        if paragraph and not (width and _continues(paragraph[-1], line, width)):
            blocks.extend(_paragraph_blocks(paragraph))
            paragraph = []
        paragraph.append(line)
        position += 1
    blocks.extend(_paragraph_blocks(paragraph))
    return blocks


def _continues(line: _Line, after: _Line, width: int) -> bool:
    """Whether `after` goes on with the paragraph that `line` is part of."""
    if _is_marked(after.text) or legal.is_signature_line(line.text):
        return False
    wrapped = _next_word_overflows(line, after, width)
    if legal.heading_level(after.text):
        # "... liên quan đến" / "Điều 4. của Luật ...": a citation running on, not a heading
        # (an article or chapter starts after a full stop, never after "a) ...;")
        return wrapped and not _ends_full_stop(line.text)
    if _is_numbered(after.text):
        return wrapped and not _ends_sentence(line.text)
    if _starts_lower(after.text) and not _ends_full_stop(line.text):
        return wrapped or line.end >= width / 2  # mid-sentence
    if legal.heading_level(line.text):
        return False
    if after.indent > line.indent or line.text.endswith((";", ":")):
        return False  # a first-line indent; an enumeration ("Căn cứ ...;") goes on a new line
    return wrapped or (line.text.endswith(",") and line.end >= width / 2)


def _next_word_overflows(line: _Line, after: _Line, width: int) -> bool:
    """The line was broken because the next word did not fit."""
    return line.end + 1 + len(after.text.split(maxsplit=1)[0]) > width


def _is_marked(text: str) -> bool:
    """Lines whose first characters start a block whatever came before."""
    return bool(
        _BULLET.match(text)
        or _DIALOGUE.match(text)
        or legal.is_signature_line(text)
        or legal.is_header_line(text)
        or legal.document_type(text)
    )


def _is_numbered(text: str) -> bool:
    """Numbered items start a block, unless a sentence runs on into them ("... tại khoản" /
    "2. Điều 5")."""
    return bool(_NUMBERED.match(text) or legal.is_list_item(text))


def _starts_lower(text: str) -> bool:
    return text[:1].islower()


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _ends_full_stop(text: str) -> bool:
    """Ends with . ! ? …: after ";" or ":" a wrapped line may go on in lower case."""
    return bool(_FULL_STOP.search(text))


def _paragraph_blocks(lines: list[_Line]) -> list[RawBlock]:
    """The block of a paragraph's lines, joined (in one go: a paragraph may have many lines);
    none for no lines."""
    if not lines:
        return []
    pieces = [lines[0].text]
    for line in lines[1:]:
        if _is_hyphenated(pieces[-1], line.text):
            pieces[-1] = pieces[-1][:-1]
        elif not _is_broken_number(pieces[-1], line.text):
            pieces.append(" ")
        pieces.append(line.text)
    return [_classify("".join(pieces))]


def _is_hyphenated(left: str, right: str) -> bool:
    """A word hyphenated at the line end (not a dash between words)."""
    return left.endswith("-") and not left.endswith(" -") and right[:1].islower()


def _is_broken_number(left: str, right: str) -> bool:
    """A number or date broken at a slash, as w3m does: `Luật 31/2018/` + `QH14`."""
    return (left.endswith("/") and not left.endswith(" /")) or right.startswith("/")


def _classify(paragraph: str) -> RawBlock:
    rank = legal.heading_level(paragraph)
    if rank:
        return RawBlock(BlockKind.HEADING, paragraph, level=rank)
    if legal.document_type(paragraph):
        return RawBlock(BlockKind.HEADING, paragraph, level=0)  # level set by _legal_structure
    bullet = _BULLET.match(paragraph)
    if bullet:
        return RawBlock(BlockKind.LIST_ITEM, paragraph[bullet.end() :].strip(), level=1)
    if _NUMBERED.match(paragraph) or legal.is_list_item(paragraph):
        return RawBlock(BlockKind.LIST_ITEM, paragraph, level=1)
    if _CAPTION.search(paragraph):
        return RawBlock(BlockKind.CAPTION, paragraph)
    return RawBlock(BlockKind.PARAGRAPH, paragraph)


# Tables drawn in text ----------------------------------------------------------------------


def _table_spans(group: list[_Line]) -> list[tuple[int, int]]:
    """(start, end) of the tables among a group's lines: 2+ rows drawn with pipes (rules between
    them), or 2+ rows of columns that line up. One pass: a run of lines is looked at once."""
    spans = []
    position = 0
    while position < len(group):
        end = position
        while end < len(group) and _is_pipe_row(group[end].text):
            end += 1
        if end > position:
            rows = group[position:end]
            if len(rows) >= 2 and any(len(_pipe_cells(line.text)) >= 2 for line in rows):
                spans.append((position, end))
            position = end
            continue
        end = position + 1
        while end < len(group) and _aligned(group[position], group[end]):
            end += 1
        if end - position >= 2 and not legal.is_header_line(group[position].text):
            spans.append((position, end))
            position = end
        else:
            position += 1
    return spans


def _is_pipe_row(text: str) -> bool:
    return sum(text.count(pipe) for pipe in _PIPES) >= 2 or _is_rule(text)


def _is_rule(text: str) -> bool:
    return (
        len(text) >= 3
        and text[0] in _RULE_CHARS
        and set(text) <= _RULE_CHARS
        and any(c in text for c in "-=─━═")
    )


def _pipe_cells(text: str) -> list[str]:
    if _is_rule(text):
        return []
    cells = re.split(f"[{_PIPES}]", text)
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return [cell.strip() for cell in cells]


def _aligned(first: _Line, line: _Line) -> bool:
    """Both lines have 2+ columns, and the columns of `line` start where those of `first` do."""
    first_starts, starts = first.column_starts, line.column_starts
    if len(first_starts) < 2 or len(starts) < 2:
        return False
    return all(_near_one_of(first_starts, start) for start in starts[1:])


def _near_one_of(ascending: tuple[int, ...], position: int) -> bool:
    """Some start of `ascending` is within the slack of `position`: found by bisection, since
    comparing every pair of starts of two long lines was quadratic."""
    index = bisect_left(ascending, position - _COLUMN_SLACK)
    return index < len(ascending) and ascending[index] <= position + _COLUMN_SLACK


def _table_block(lines: list[_Line]) -> RawBlock:
    if any(_is_pipe_row(line.text) for line in lines):
        rows = [_pipe_cells(line.text) for line in lines]
    else:
        rows = [[cell.strip() for cell in _CELL_GAP.split(line.text)] for line in lines]
    return RawBlock(BlockKind.TABLE, "", rows=tuple(tuple(row) for row in rows if row))


# Vietnamese official structure --------------------------------------------------------------


def _legal_structure(blocks: list[RawBlock]) -> list[RawBlock]:
    """Headings get their titles and their levels; capital-letter headings are recognised."""
    blocks = _capitals_headings(_titled_headings(blocks))
    ranks = [b.level for b in blocks if b.kind is BlockKind.HEADING and b.level]
    levels = legal.compact_levels(ranks)
    return [
        RawBlock(b.kind, b.text, levels.get(b.level, 1)) if b.kind is BlockKind.HEADING else b
        for b in blocks
    ]


def _titled_headings(blocks: list[RawBlock]) -> list[RawBlock]:
    """`Chương I.` and the `CHẾ ĐỘ CHÍNH TRỊ` line after it become one heading, line kept."""
    merged: list[RawBlock] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if previous and _is_heading_title(previous, block):
            merged[-1] = RawBlock(
                BlockKind.HEADING, f"{previous.text}\n{block.text}", previous.level
            )
        else:
            merged.append(block)
    return merged


def _is_heading_title(heading: RawBlock, block: RawBlock) -> bool:
    return (
        heading.kind is BlockKind.HEADING
        and legal.is_bare_heading_number(heading.text)
        and block.kind is BlockKind.PARAGRAPH
        and len(block.text) <= _MAX_HEADING_TITLE
        and not _ends_sentence(block.text)
        and not legal.is_signature_line(block.text)
    )


def _capitals_headings(blocks: list[RawBlock]) -> list[RawBlock]:
    """A short line in capitals introducing text (`LỜI NÓI ĐẦU`, a decree's summary) is a
    heading; not one followed by a short line, nor one in a signature block (`CHỦ TỊCH QUỐC
    HỘI` / the name), which runs from a signature line to the next heading."""
    result: list[RawBlock] = []
    in_signature = False
    for position, block in enumerate(blocks):
        after = blocks[position + 1] if position + 1 < len(blocks) else None
        in_signature = (in_signature and block.kind is not BlockKind.HEADING) or (
            legal.is_signature_line(block.text)
        )
        if not in_signature and _is_capitals_heading(block, result[-1] if result else None, after):
            block = RawBlock(BlockKind.HEADING, block.text, level=0)
        result.append(block)
    return result


def _is_capitals_heading(block: RawBlock, before: RawBlock | None, after: RawBlock | None) -> bool:
    if block.kind is not BlockKind.PARAGRAPH or not _is_capitals_line(block.text):
        return False
    if before is not None and before.kind is BlockKind.HEADING and before.level == 0:
        return True  # the summary under a type line ("NGHỊ ĐỊNH" / "QUY ĐỊNH CHI TIẾT ...")
    return after is not None and (
        after.kind is not BlockKind.PARAGRAPH or len(after.text) > _MAX_CAPITALS_HEADING
    )


def _is_capitals_line(text: str) -> bool:
    return (
        len(text) <= _MAX_CAPITALS_HEADING
        and text == text.upper()
        and sum(char.isalpha() for char in text) >= 3
        and not text.endswith((".", ";", ","))
        and not legal.is_signature_line(text)
    )


def _promote_title(blocks: list[RawBlock]) -> str | None:
    """The first short line that is not a sentence, among the first few, is the title."""
    for position, block in enumerate(blocks[:5]):
        text = block.text
        if (
            block.kind is BlockKind.PARAGRAPH
            and len(text) <= _MAX_TITLE_LENGTH
            and len(text.split()) >= _MIN_TITLE_WORDS
            and not text.endswith(_TERMINAL_PUNCTUATION)
        ):
            blocks[position] = RawBlock(BlockKind.HEADING, text, level=1)
            return text
    return None
