"""A PDF page's lines rebuilt into the blocks a reader sees, from their geometry and fonts.

Knows nothing of PDFium: `pdf.py` reads the glyphs and makes `Line`s; this module goes
lines → page furniture removed (running headers, footers and page numbers: lines in the top or
bottom band that repeat on most pages, digits aside) → footnotes cut off each page's foot (small
text under the body that starts with a note number) → printed contents pages (lines ending in
leaders or a wide gap and a page number) → paragraphs (continued across lines and pages, ended by
vertical gaps, first-line indents, short last lines and style changes) → blocks (headings by size
and weight, list items, monospaced code, contents, tables where cells keep to columns, footnotes
after the paragraph citing them).
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from reader.core.documents.importers.base import RawBlock, RawDocument
from reader.core.documents.model import BlockKind

SOFT_HYPHEN = "\u00ad"  # a word break the typesetter chose: never part of the word
_PDFIUM_HYPHENS = ("\x02", "\ufffe")  # how PDFium reports a hyphen ending a line
WORD_BREAKS = (SOFT_HYPHEN, *_PDFIUM_HYPHENS)  # a word goes on in the next line
_LINE_END_HYPHENS = ("-", "\u2010", *_PDFIUM_HYPHENS)
_MAX_WORD = 100  # letters looked at before a line-end hyphen: no word is longer
# Bullets, numbers and letters opening a list item; a symbol font's bullet (Word's Symbol and
# Wingdings) comes out of a PDF as a private-use character.
_BULLET = re.compile(
    r"^\s*([•▪●◦■□➢►‣∙·–—-]|\d{1,3}[.)]|[a-zđ][.)]|[\ue000-\uf8ff])(?:\s+|(?<=[\ue000-\uf8ff]))",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:(?:page|trang|seite|p\.)\s*)?(\d{1,4}|[ivxlc]{1,6})"
    r"(?:\s*(?:/|of|trên|von)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
_CONTENTS_PAGE = re.compile(r"\d{1,4}|[ivxlcdm]{1,7}", re.IGNORECASE)
_DOTTED_ENTRY = re.compile(
    r"^(?P<title>.*?)(?:\s*[.·…_]){3,}\s*(?P<page>\d{1,4}|[ivxlcdm]{1,7})$", re.IGNORECASE
)
_NOTE_START = re.compile(r"^(\d{1,3}|\*{1,3})[.)]?\s+(?=\S)")
_TERMINAL = tuple(".!?:;…”\"')»]")
_SAME_HEIGHT = 3.0  # points: a running header stands at the same height on every page
_MARGIN_SHARE = 0.12  # running headers and footers sit in the top or bottom 12% of a page
_HEADING_RATIO = 1.15  # a paragraph this much larger than the body text is a heading
_SMALL_RATIO = 0.9  # footnotes are set smaller than the body text
_SHORT_LINE_SHARE = 0.12  # a line ending this far before the right margin ends its paragraph
_PARAGRAPH_GAP = 1.35  # a baseline distance this many line spacings apart is a blank line
_BOLD_HEADING_MAX = 200  # characters: a longer bold paragraph is emphasis, not a heading
_CONTENTS_MIN_ENTRIES = 3
_INDENT_TOLERANCE = 4.0  # points


@dataclass(frozen=True)
class Cell:
    """A piece of a line, separated from the next by a gap much wider than a space."""

    text: str
    left: float
    right: float


@dataclass
class Line:
    page: int
    cells: tuple[Cell, ...]
    top: float
    bottom: float
    baseline: float
    size: float  # of its body glyphs, superscripts aside
    bold: bool = False
    italic: bool = False
    mono: bool = False
    refs: tuple[str, ...] = ()  # the footnote numbers this line cites (superscripts)
    note_mark: str | None = None  # the raised number a footnote's first line starts with

    @property
    def text(self) -> str:
        return " ".join(cell.text for cell in self.cells)

    @property
    def left(self) -> float:
        return self.cells[0].left

    @property
    def right(self) -> float:
        return self.cells[-1].right


@dataclass(frozen=True)
class _Layout:
    body_size: float  # the font size of most of the text
    gap: float  # the usual baseline distance between the lines of a body paragraph
    margins: dict[int, tuple[float, float]]  # page → the body text's left and right edges
    bold_stands_out: bool = True  # bold is the exception in the body text, not its face

    def left(self, page: int) -> float:
        return self.margins[page][0]

    def right(self, page: int) -> float:
        return self.margins[page][1]

    def width(self, page: int) -> float:
        return self.right(page) - self.left(page)


@dataclass
class _Group:
    """Lines that make one block: a paragraph, a run of code, a table or a contents page."""

    kind: BlockKind
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # footnotes to place after this block

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)

    @property
    def bold(self) -> bool:
        return all(line.bold for line in self.lines)

    @property
    def italic(self) -> bool:
        return all(line.italic for line in self.lines)


def build_document(pages: list[list[Line]], title: str | None) -> RawDocument:
    pages = drop_page_furniture(pages)
    lines = [line for page in pages for line in page]
    if not lines:
        return RawDocument(blocks=[], title=title)
    layout = _measure(lines)
    body_lines: list[Line] = []
    notes: dict[int, list[str]] = {}
    last_notes: list[str] = []
    for page in filter(None, pages):
        foot = split_footnotes(page, layout.body_size, after_note=bool(last_notes))
        if foot.continued:
            last_notes[-1] += " " + foot.continued  # a long note goes on under the next page
        notes[page[0].page] = foot.notes
        last_notes = foot.notes or (last_notes if foot.continued else [])
        body_lines.extend(foot.body)
    groups = _groups(body_lines, layout) if body_lines else []
    _attach_notes(groups, notes)
    blocks, toc = _blocks(groups, layout, Hyphenation.of(lines))
    return RawDocument(blocks=blocks, title=title, toc=toc)


# --- Page furniture ----------------------------------------------------------------------------


def drop_page_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """A line in a page's top or bottom band goes if it is a page number, or if the same text
    (digits aside) stands at the same height (to a few points) on at least half of the pages."""
    page_top = max((line.top for page in pages for line in page), default=0)
    page_bottom = min((line.bottom for page in pages for line in page), default=0)
    zone = (page_top - page_bottom) * _MARGIN_SHARE

    def in_band(line: Line) -> bool:
        return line.top > page_top - zone or line.bottom < page_bottom + zone

    heights: dict[str, list[float]] = defaultdict(list)  # text → its baselines, page by page
    for page in pages:
        for key, baseline in {(_furniture_key(line), round(line.baseline)) for line in page}:
            heights[key].append(baseline)
    for baselines in heights.values():
        baselines.sort()
    threshold = max(2, len(pages) // 2)  # even and odd pages may each have their own

    def repeats(line: Line) -> bool:
        """Whether the line's text stands this high (to a few points) on enough pages."""
        baselines = heights[_furniture_key(line)]
        low = bisect.bisect_left(baselines, line.baseline - _SAME_HEIGHT)
        return bisect.bisect_right(baselines, line.baseline + _SAME_HEIGHT) - low >= threshold

    def is_furniture(line: Line) -> bool:
        return (
            in_band(line)
            and line.note_mark is None
            and (bool(_PAGE_NUMBER.match(line.text)) or repeats(line))
        )

    return [[line for line in page if not is_furniture(line)] for page in pages]


def _furniture_key(line: Line) -> str:
    """A running line's text with its numbers blanked: "Trang 3 / 40" is "trang # / #"."""
    return re.sub(r"\d+", "#", " ".join(line.text.split()).lower())


# --- Footnotes ---------------------------------------------------------------------------------


@dataclass
class PageFoot:
    """A page's body lines and what its foot holds: the end of the previous page's last note,
    then its own notes' texts ("11 Độ dài…")."""

    body: list[Line]
    continued: str = ""
    notes: list[str] = field(default_factory=list)


def split_footnotes(page: list[Line], body_size: float, after_note: bool = False) -> PageFoot:
    """The lines at the foot of the page, under the body text, the first of them starting with
    a note number, or (`after_note`: the page before ended with a note) going on with it."""
    start = _foot_start(page, body_size)
    body, foot = page[:start], page[start:]
    if body and foot and min(line.bottom for line in body) < foot[0].top:
        return PageFoot(page)  # small text beside or above the body: not a page's foot
    first_note = next((i for i, line in enumerate(foot) if _note_number(line) is not None), None)
    if not foot or (first_note != 0 and not after_note):
        return PageFoot(page)
    first_note = len(foot) if first_note is None else first_note
    notes: list[list[Line]] = []
    for line in foot[first_note:]:
        if _note_number(line) is not None and (not notes or line.left <= foot[first_note].left + 1):
            notes.append([line])
        else:
            notes[-1].append(line)
    continued = Hyphenation().join([line.text for line in foot[:first_note]])
    return PageFoot(body, continued, [_note_text(note) for note in notes])


def _foot_start(page: list[Line], body_size: float) -> int:
    """Where a page's foot begins: at its trailing small lines, or at the first line in its
    lower half opening with a raised number that the page cites (notes set at the body size)."""
    start = len(page)
    while start > 0 and page[start - 1].size < _SMALL_RATIO * body_size:
        start -= 1
    cited = {ref for line in page for ref in line.refs}
    middle = (page[0].top + page[-1].bottom) / 2
    marked = (
        index
        for index, line in enumerate(page)
        if line.note_mark is not None and line.note_mark in cited and line.top < middle
    )
    return min(start, next(marked, start))


def _note_number(line: Line) -> str | None:
    if line.note_mark is not None:
        return line.note_mark
    match = _NOTE_START.match(line.text)
    return match.group(1) if match else None


def _note_text(lines: list[Line]) -> str:
    number = _note_number(lines[0]) or ""
    first = lines[0].text
    start = _NOTE_START.match(first)
    rest = first[start.end() :] if start else first[len(number) :]
    body = Hyphenation().join([rest] + [line.text for line in lines[1:]])
    return f"{number} {body}"


def _attach_notes(groups: list[_Group], notes_by_page: dict[int, list[str]]) -> None:
    """Each footnote goes after the block that cites it on its page, else after the last block
    the page shows, so a paragraph crossing the page break is not cut by it."""
    last_on_page: dict[int, _Group] = {}
    citing: dict[tuple[int, str], _Group] = {}
    for group in groups:
        for line in group.lines:
            last_on_page[line.page] = group
            for ref in line.refs:
                citing.setdefault((line.page, ref), group)
    for page, notes in notes_by_page.items():
        for note in notes:
            number = note.split(" ", 1)[0]
            target = citing.get((page, number)) or last_on_page.get(page) or _last(groups, page)
            if target is not None:
                target.notes.append(note)


def _last(groups: list[_Group], page: int) -> _Group | None:
    """The last block before `page`: a page holding nothing but footnotes follows it."""
    earlier = [g for g in groups if g.lines[0].page <= page]
    return earlier[-1] if earlier else (groups[0] if groups else None)


# --- Measuring the body text -------------------------------------------------------------------


def _measure(lines: list[Line]) -> _Layout:
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size, 1)] += len(line.text)
    body_size = weights.most_common(1)[0][0]
    body = [line for line in lines if abs(line.size - body_size) < 0.5] or lines
    document_margins = _margins(body)
    by_page: dict[int, list[Line]] = defaultdict(list)
    for line in body:
        by_page[line.page].append(line)
    margins = defaultdict(
        lambda: document_margins,
        {page: _margins(page_lines) for page, page_lines in by_page.items() if len(page_lines) > 3},
    )
    bold = sum(len(line.text) for line in body if line.bold)
    return _Layout(
        body_size=body_size,
        gap=_typical_line_gap(body),
        margins=margins,
        bold_stands_out=bold < 0.3 * sum(len(line.text) for line in body),
    )


def _margins(lines: list[Line]) -> tuple[float, float]:
    """The left edge most lines start at (first-line indents and centred lines aside) and the
    right edge that full lines reach."""
    left = Counter(round(line.left) for line in lines).most_common(1)[0][0]
    rights = sorted(line.right for line in lines)
    return float(left), rights[int(0.9 * (len(rights) - 1))]


def _typical_line_gap(lines: list[Line]) -> float:
    """The usual distance between the baselines of consecutive lines of a paragraph."""
    gaps = [
        previous.baseline - line.baseline
        for previous, line in itertools.pairwise(lines)
        if previous.page == line.page and 0 < previous.baseline - line.baseline < 2.5 * line.size
    ]
    return min(statistics.median(gaps), 1.5 * lines[0].size) if gaps else 1.2 * lines[0].size


# --- Grouping lines into blocks ----------------------------------------------------------------


def _groups(lines: list[Line], layout: _Layout) -> list[_Group]:
    contents = _contents_lines(lines)
    tables = _table_runs(lines, contents, layout)
    groups: list[_Group] = []
    for index, line in enumerate(lines):
        kind = (
            BlockKind.CONTENTS
            if index in contents
            else BlockKind.TABLE
            if index in tables
            else BlockKind.CODE
            if line.mono
            else BlockKind.PARAGRAPH
        )
        same_table = kind is not BlockKind.TABLE or tables[index] == tables.get(index - 1)
        if (
            groups
            and groups[-1].kind is kind
            and same_table
            and _continues(groups[-1], line, layout)
        ):
            groups[-1].lines.append(line)
        else:
            groups.append(_Group(kind, [line]))
    return groups


def _continues(group: _Group, line: Line, layout: _Layout) -> bool:
    if group.kind in (BlockKind.CONTENTS, BlockKind.TABLE):
        return True
    previous = group.lines[-1]
    if group.kind is BlockKind.CODE:
        return line.page != previous.page or 0 < previous.baseline - line.baseline < 3 * layout.gap
    return _paragraph_continues(group.lines[0], previous, line, layout)


def _paragraph_continues(first: Line, previous: Line, line: Line, layout: _Layout) -> bool:
    """Whether `line` goes on with the paragraph that started at `first` and ends at `previous`.

    A line that does not end a sentence followed by one starting in lower case goes on whatever
    the layout says (a page break, a short line, an indent); otherwise a paragraph ends at a
    blank line's worth of space, an indented first line, or a short last line."""
    if _style_changes(previous, line) or _BULLET.match(line.text):
        return False
    if previous.text.endswith(WORD_BREAKS):
        return True  # a word broken at the line end goes on
    ends_sentence = previous.text.rstrip().endswith(_TERMINAL)
    runs_on = not ends_sentence and _starts_lower(line.text)
    ends_short = previous.right < layout.right(previous.page) - _SHORT_LINE_SHARE * layout.width(
        previous.page
    )
    if line.page != previous.page:
        # Overleaf, where no gap tells, a sentence ending with the page ends its paragraph.
        return runs_on or not (ends_short or ends_sentence or _indented(line, layout))
    distance = previous.baseline - line.baseline
    scaled_gap = layout.gap * line.size / layout.body_size
    if distance <= 0 or distance > _PARAGRAPH_GAP * scaled_gap:
        return runs_on and 0 < distance < 3 * scaled_gap  # a jump up is a new column
    if (
        _indented(line, layout)
        and not _indented(previous, layout)
        and not _BULLET.match(first.text)
    ):
        return runs_on
    heading_sized = line.size >= _HEADING_RATIO * layout.body_size
    return runs_on or not ends_short or heading_sized  # a wrapped heading's lines are all short


def _style_changes(previous: Line, line: Line) -> bool:
    return abs(previous.size - line.size) > 0.5 or previous.bold != line.bold


def _indented(line: Line, layout: _Layout) -> bool:
    return line.left > layout.left(line.page) + max(_INDENT_TOLERANCE, 0.5 * line.size)


def _starts_lower(text: str) -> bool:
    first = next((char for char in text if char.isalnum()), "")
    return first.islower()


# --- Tables ------------------------------------------------------------------------------------


def _table_runs(lines: list[Line], taken: set[int], layout: _Layout) -> dict[int, int]:
    """Line index → table number, for runs of at least two lines split in cells by wide gaps
    whose cells fall in the same columns (with the wrapped lines of a cell between them)."""
    tables: dict[int, int] = {}
    run: list[int] = []
    for index, line in enumerate(lines):
        fits = index not in taken and not line.mono and _in_table(run, lines, line, layout)
        if fits and (not run or table_rows([lines[i] for i in [*run, index]])):
            run.append(index)
            continue
        _accept_table(run, lines, tables)  # a line off the grid ends it, and may start another
        run = [index] if index not in taken and len(line.cells) > 1 and not line.mono else []
    _accept_table(run, lines, tables)
    return tables


def _in_table(run: list[int], lines: list[Line], line: Line, layout: _Layout) -> bool:
    if not run:
        return len(line.cells) > 1
    previous = lines[run[-1]]
    if line.page != previous.page or not 0 < previous.baseline - line.baseline < 3 * layout.gap:
        return False
    if len(line.cells) > 1:
        return True
    # A lone cell under a later column (not the first) is the wrapped rest of a cell above.
    columns = _columns([cell for index in run for cell in lines[index].cells])
    return any(left - _INDENT_TOLERANCE <= line.left <= right for left, right in columns[1:])


def _accept_table(run: list[int], lines: list[Line], tables: dict[int, int]) -> None:
    table = [lines[index] for index in run]
    if sum(len(line.cells) > 1 for line in table) >= 2 and table_rows(table):
        number = len(set(tables.values()))
        tables.update(dict.fromkeys(run, number))


def table_rows(lines: list[Line]) -> tuple[tuple[str, ...], ...]:
    """The cells of a table's lines in rows; () if the cells do not keep to columns. A column
    is where cells overlap from line to line; a line holding only a later column's cell is the
    wrapped rest of the row above."""
    columns = _columns([cell for line in lines for cell in line.cells])
    rows: list[list[str]] = []
    for line in lines:
        places = [_column_of(cell, columns) for cell in line.cells]
        if len(set(places)) < len(places):
            return ()  # two cells of one line in one column: not a grid
        if rows and len(places) == 1 and places[0] > 0:
            rows[-1][places[0]] = f"{rows[-1][places[0]]} {line.cells[0].text}".strip()
            continue
        row = [""] * len(columns)
        for place, cell in zip(places, line.cells, strict=True):
            row[place] = cell.text
        rows.append(row)
    return tuple(tuple(row) for row in rows) if len(columns) > 1 else ()


def _columns(cells: list[Cell]) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    for cell in sorted(cells, key=lambda cell: cell.left):
        if spans and cell.left <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], cell.right))
        else:
            spans.append((cell.left, cell.right))
    return spans


def _column_of(cell: Cell, columns: list[tuple[float, float]]) -> int:
    return next(i for i, (left, right) in enumerate(columns) if left <= cell.left <= right)


# --- Contents pages ----------------------------------------------------------------------------


def _contents_lines(lines: list[Line]) -> set[int]:
    """Indices of the lines of printed contents pages: runs of entries (a title, then dot
    leaders or a wide gap, then a page number), with the wrapped title lines between them."""
    entries = [index for index, line in enumerate(lines) if contents_entry(line) is not None]
    found: set[int] = set()
    run: list[int] = []
    for index in entries:
        if run and index - run[-1] > 3:
            found |= _accepted_run(run)
            run = []
        run.append(index)
    return found | _accepted_run(run)


def _accepted_run(run: list[int]) -> set[int]:
    return set(range(run[0], run[-1] + 1)) if len(run) >= _CONTENTS_MIN_ENTRIES else set()


def contents_entry(line: Line) -> tuple[str, str] | None:
    """(title, page) if the line is an entry of a printed table of contents: a title, then dot
    leaders or a wide gap, then a page number."""
    last = line.cells[-1].text.strip()
    if len(line.cells) > 1 and _CONTENTS_PAGE.fullmatch(last):
        title, page = " ".join(cell.text for cell in line.cells[:-1]), last
    elif (dotted := _DOTTED_ENTRY.match(line.text.strip())) is not None:
        title, page = dotted.group("title"), dotted.group("page")
    else:
        return None
    title = title.strip(" .·…_")
    return (title, page) if any(char.isalpha() for char in title) else None


def _contents_text(lines: list[Line]) -> str:
    out = []
    for line in lines:
        entry = contents_entry(line)
        out.append(f"{entry[0]} … {entry[1]}" if entry else " ".join(line.text.split()))
    return "\n".join(out)


# --- Blocks ------------------------------------------------------------------------------------


class Hyphenation:
    """How to join a line ending in a hyphen to the next one: a soft hyphen always goes; a hard
    one goes where the joined word is how the document spells it elsewhere, stays where the
    hyphenated word is, and else goes only between plain Latin letters: Vietnamese is never
    hyphenated, so a hyphen after a Vietnamese syllable is printed (and English words are)."""

    def __init__(self, words: frozenset[str] = frozenset()):
        self.words = words

    @classmethod
    def of(cls, lines: list[Line]) -> Hyphenation:
        text = " ".join(line.text for line in lines)
        return cls(
            frozenset(word.lower() for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text))
        )

    def join(self, texts: list[str]) -> str:
        # Pieces joined once at the end, and only the text just before a hyphen looked at:
        # editing the whole paragraph at each hyphen was quadratic on a long one.
        pieces: list[str] = []
        for text in (text.strip() for text in texts):
            if not pieces:
                pieces.append(text)
            elif pieces[-1].endswith(SOFT_HYPHEN):
                pieces[-1] = pieces[-1][:-1]
                pieces.append(text)
            elif pieces[-1].endswith(_LINE_END_HYPHENS):
                hyphen = self._hyphen(_last_characters(pieces, _MAX_WORD + 1), text)
                pieces[-1] = pieces[-1][:-1]
                pieces.append(hyphen + text)
            else:
                pieces.append(" " + text)
            while pieces and not pieces[-1]:
                pieces.pop()  # so that the last piece ends as the text does
        return "".join(pieces)

    def _hyphen(self, before: str, after: str) -> str:
        """ "" to join the halves of a word split at the line end, else the hyphen printed."""
        head = re.search(r"[^\W\d_]+$", before[:-1])
        tail = re.match(r"[^\W\d_]+", after)
        if head is None or tail is None or not tail.group().islower():
            return "-"  # "2020-" + "2025", "Nam-" + "Bộ": a real hyphen or a dash
        joined = (head.group() + tail.group()).lower()
        if joined in self.words:
            return ""
        if f"{head.group()}-{tail.group()}".lower() in self.words:
            return "-"
        return "" if joined.isascii() else "-"


def _last_characters(pieces: list[str], count: int) -> str:
    tail = ""
    for piece in reversed(pieces):
        tail = piece + tail
        if len(tail) >= count:
            break
    return tail[-count:]


def _blocks(
    groups: list[_Group], layout: _Layout, hyphenation: Hyphenation
) -> tuple[list[RawBlock], list[tuple[int, str, int]]]:
    texts = [_paragraph_text(group, hyphenation) for group in groups]
    heading_styles = _heading_styles(groups, texts, layout)
    list_indents = _list_indents(groups)
    blocks: list[RawBlock] = []
    toc: list[tuple[int, str, int]] = []
    for group, text in zip(groups, texts, strict=True):
        block = _block(group, text, layout, heading_styles, list_indents)
        if block is not None:
            if block.kind is BlockKind.HEADING:
                toc.append((block.level, block.text, len(blocks)))
            blocks.append(block)
        blocks.extend(RawBlock(BlockKind.FOOTNOTE, note) for note in group.notes)
    return blocks, toc


def _paragraph_text(group: _Group, hyphenation: Hyphenation) -> str:
    """A paragraph's lines joined into one line of text; "" for the other kinds of group."""
    if group.kind is not BlockKind.PARAGRAPH:
        return ""
    return " ".join(hyphenation.join([line.text for line in group.lines]).split())


def _block(
    group: _Group,
    text: str,
    layout: _Layout,
    heading_styles: list[tuple[float, bool, bool]],
    list_indents: list[float],
) -> RawBlock | None:
    if group.kind is BlockKind.CONTENTS:
        return RawBlock(BlockKind.CONTENTS, _contents_text(group.lines))
    if group.kind is BlockKind.CODE:
        return RawBlock(BlockKind.CODE, code_text(group.lines))
    if group.kind is BlockKind.TABLE:
        return RawBlock(BlockKind.TABLE, "", rows=table_rows(group.lines))
    if not text:
        return None
    style = _style(group)
    bullet = _BULLET.match(text)
    unmarked = text[bullet.end() :] if bullet and not bullet.group(1)[0].isalnum() else text
    if style in heading_styles and _heading_like(group, text, layout):
        return RawBlock(BlockKind.HEADING, unmarked, min(heading_styles.index(style) + 1, 6))
    if bullet is not None:
        level = _list_level(group.lines[0].left, list_indents)
        return RawBlock(BlockKind.LIST_ITEM, unmarked, level)
    return RawBlock(BlockKind.PARAGRAPH, text)


def _list_indents(groups: list[_Group]) -> list[float]:
    """The distinct left edges of list items, left to right: a nested item sits further in."""
    indents: list[float] = []
    starts = (g.lines[0] for g in groups if g.kind is BlockKind.PARAGRAPH)
    for left in sorted(line.left for line in starts if _BULLET.match(line.text)):
        if not indents or left - indents[-1] > _INDENT_TOLERANCE:
            indents.append(left)
    return indents


def _list_level(left: float, indents: list[float]) -> int:
    deeper = [level for level, indent in enumerate(indents, 1) if left - indent > _INDENT_TOLERANCE]
    return min(len(deeper) + 1, 6)


def _style(group: _Group) -> tuple[float, bool, bool]:
    return round(group.size, 1), group.bold, group.italic


def _heading_styles(
    groups: list[_Group], texts: list[str], layout: _Layout
) -> list[tuple[float, bool, bool]]:
    """The styles headings are set in, the most prominent first: larger, bold, then upright."""
    styles = {
        _style(group)
        for group, text in zip(groups, texts, strict=True)
        if text and _heading_like(group, text, layout)
    }
    return sorted(styles, key=lambda style: (-style[0], not style[1], style[2]))


def _heading_like(group: _Group, text: str, layout: _Layout) -> bool:
    if _BULLET.match(text) and not group.bold:
        return False
    if group.size >= _HEADING_RATIO * layout.body_size:
        return len(text) < 300
    # A short bold paragraph (at least body-sized) heads what follows; a bold sentence is emphasis.
    text = text.rstrip()
    sentence = text.endswith((";", ",")) or (text.endswith(".") and len(text.split()) > 8)
    return (
        group.bold
        and layout.bold_stands_out
        and len(text) < _BOLD_HEADING_MAX
        and not sentence
        and group.size > layout.body_size - 0.5
    )


def code_text(lines: list[Line]) -> str:
    """Monospaced lines with their indentation: spaces for the distance from the leftmost line,
    counted in the font's character width."""
    left = min(line.left for line in lines)
    out: list[str] = []
    for previous, line in zip([None, *lines], lines, strict=False):
        if previous is not None and previous.baseline - line.baseline > 1.8 * line.size:
            out.append("")  # a blank line between two runs of code
        indent = round((line.left - left) / _char_width(line))
        out.append(" " * indent + line.text.rstrip())
    return "\n".join(out)


def _char_width(line: Line) -> float:
    width = (line.right - line.left) / max(1, len(line.text))
    return width if width > 0 else 0.6 * line.size
