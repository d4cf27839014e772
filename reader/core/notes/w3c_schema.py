"""The declared shape of an annotation file `notes import` accepts (W3C Web Annotation JSON-LD, as
`export` writes it or as other tools do), with a bound on every size and number.

Extra policy: the W3C objects (annotation, target, selector, body, collection) ignore properties
they do not know, since other tools add their own (`creator`, `generator`, `rights`...); our
own `bireader:block` and `bireader:translation` objects forbid them: a key there that we did not
write is a mistake. Scalars are strict (the string "12" is not an offset) and every string is
valid Unicode (no lone surrogate: SQLite could not store it).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    StringConstraints,
    Tag,
    ValidationError,
    model_validator,
)

from reader.core.notes.reanchor import ANCHORED, ORPHAN
from reader.core.notes.service import COLOURS, SIDES

MAX_OFFSET = 2**31 - 1  # SQLite's INTEGER holds more, but no text of ours is 2 GB long
MAX_ANNOTATIONS = 200_000  # twice the 100,000 the notes benchmark exports
MAX_QUOTE_CHARS = 100_000  # a long quote is a few paragraphs
MAX_CONTEXT_CHARS = 1_000  # we write 32 characters of prefix and suffix; others write more
MAX_NOTE_CHARS = 200_000
MAX_SHORT_CHARS = 4_096  # ids, IRIs, titles, tags, hashes
MAX_SELECTORS = 32
MAX_BODIES = 1_000
MAX_DOCUMENTS = 100_000
# Dates a library can hold: converting to UTC must not leave datetime's range.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


def _text(max_length: int, min_length: int = 0):
    # pydantic refuses lone surrogates itself (error "string_unicode")
    return Annotated[
        str, StringConstraints(strict=True, min_length=min_length, max_length=max_length)
    ]


def _in_utc_range(moment: datetime) -> datetime:
    # stored as UTC wall time (SQLite keeps no zone): convert, do not just relabel
    if not EARLIEST <= moment <= LATEST:
        raise ValueError(f"must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return moment.astimezone(UTC)


def _iso_text(raw: object) -> object:
    if not isinstance(raw, str):  # a number would be read as seconds since 1970
        raise ValueError("must be an ISO 8601 date and time with a time zone")
    return raw


def _as_list(raw: object) -> object:
    """W3C lets one item alone stand for a list of it; we take null for none."""
    return [] if raw is None else raw if isinstance(raw, list) else [raw]


def _first(raw: object) -> object:
    return raw[0] if isinstance(raw, list) and raw else raw


def _bounded_list(item, max_length: int, *, single: bool = False):
    if single:
        return Annotated[list[item], BeforeValidator(_as_list), Field(max_length=max_length)]
    return Annotated[list[item], Field(max_length=max_length)]


def _urn_uuid(raw: str) -> str:
    if raw.startswith("urn:uuid:"):
        try:
            uuid.UUID(raw.removeprefix("urn:uuid:"))
        except ValueError as error:
            raise ValueError("is not a valid urn:uuid") from error
    return raw


Offset = Annotated[int, Field(strict=True, ge=0, le=MAX_OFFSET)]
Short = _text(MAX_SHORT_CHARS)
Context = _text(MAX_CONTEXT_CHARS)
Quote = _text(MAX_QUOTE_CHARS, min_length=1)
Note = _text(MAX_NOTE_CHARS)
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_in_utc_range)]


class _Span(BaseModel):
    """Something with `start` and `end` offsets: a span, never reversed."""

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class _W3C(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class _Ours(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class QuoteSelector(_W3C):
    type: Literal["TextQuoteSelector"]
    exact: Quote
    prefix: Context = ""
    suffix: Context = ""


class PositionSelector(_W3C, _Span):
    type: Literal["TextPositionSelector"]
    start: Offset
    end: Offset


class OtherSelector(_W3C):
    """A selector we do not use (CSS, range, fragment...): kept out of the way, not refused."""

    type: Short


def _selector_kind(raw: object) -> str:
    kind = raw.get("type") if isinstance(raw, dict) else None
    return kind if kind in ("TextQuoteSelector", "TextPositionSelector") else "other"


Selector = Annotated[
    Annotated[QuoteSelector, Tag("TextQuoteSelector")]
    | Annotated[PositionSelector, Tag("TextPositionSelector")]
    | Annotated[OtherSelector, Tag("other")],
    Discriminator(_selector_kind),
]
# Tags name the union's branch in error locations; they are not keys of the file.
UNION_TAGS = frozenset({"TextQuoteSelector", "TextPositionSelector", "other", "text", "object"})


class BlockSelector(_Ours, _Span):
    index: Offset
    start: Offset
    end: Offset


class Target(_W3C):
    source: Short = ""
    selector: _bounded_list(Selector, MAX_SELECTORS, single=True)
    block: BlockSelector | None = Field(None, alias="bireader:block")
    content_hash: Short | None = Field(None, alias="bireader:contentHash")

    @model_validator(mode="after")
    def _quoted(self):
        if self.quote() is None:
            raise ValueError("no TextQuoteSelector with the exact quote")
        return self

    def quote(self) -> QuoteSelector | None:
        return next((s for s in self.selector if isinstance(s, QuoteSelector)), None)

    def position(self) -> PositionSelector | None:
        return next((s for s in self.selector if isinstance(s, PositionSelector)), None)


class TextualBody(_W3C):
    value: Note | None = None
    purpose: Short | None = None

    @model_validator(mode="after")
    def _short_tag(self):
        if self.purpose == "tagging" and self.value and len(self.value) > MAX_SHORT_CHARS:
            raise ValueError(f"a tag longer than {MAX_SHORT_CHARS} characters")
        return self


class TranslationSelector(_Ours, _Span):
    sentence: Offset
    start: Offset
    end: Offset
    exact: Quote
    prefix: Context = ""
    suffix: Context = ""
    origin: Short = ""


def _body_kind(raw: object) -> str:
    return "text" if isinstance(raw, str) else "object"


Body = Annotated[
    Annotated[Note, Tag("text")] | Annotated[TextualBody, Tag("object")],
    Discriminator(_body_kind),
]


class W3CAnnotation(_W3C):
    type: Literal["Annotation"]
    id: Annotated[Short, AfterValidator(_urn_uuid)] = ""
    target: Annotated[Target, BeforeValidator(_first)]  # several targets: the first is ours
    body: _bounded_list(Body, MAX_BODIES, single=True) = []
    created: Moment | None = None
    modified: Moment | None = None
    colour: Literal[COLOURS] | None = Field(None, alias="bireader:colour")
    status: Literal[ANCHORED, ORPHAN] | None = Field(None, alias="bireader:status")
    side: Literal[SIDES] | None = Field(None, alias="bireader:side")
    translation: TranslationSelector | None = Field(None, alias="bireader:translation")


Annotations = _bounded_list(W3CAnnotation, MAX_ANNOTATIONS)


class AnnotationList(RootModel[Annotations]):
    """A file that is a plain list of annotations."""


class DocumentInfo(_W3C):
    source: Short
    title: Short = ""
    language: Short = ""
    content_hash: Short = Field("", alias="contentHash")


class AnnotationPage(_W3C):
    items: Annotations


class AnnotationCollection(_W3C):
    type: Literal["AnnotationCollection"]
    first: AnnotationPage | None = None
    items: Annotations | None = None  # a collection written without a page
    documents: _bounded_list(DocumentInfo, MAX_DOCUMENTS) = Field([], alias="bireader:documents")

    def annotations(self) -> list[W3CAnnotation]:
        return self.first.items if self.first is not None else self.items or []


# --- error messages ---------------------------------------------------------------------------

_MESSAGES = {
    "greater_than_equal": "must be ≥ {ge}",
    "less_than_equal": "must be ≤ {le}",
    "string_too_long": "longer than {max_length} characters",
    "string_too_short": "must not be empty",
    "too_long": "more than {max_length} items",
    "too_short": "must not be empty",
    "missing": "missing",
    "int_type": "must be an integer",
    "string_type": "must be a string",
    "extra_forbidden": "unknown property",
    "literal_error": "must be one of {expected}",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be a list",
    "timezone_aware": "must have a time zone",
    "string_unicode": "contains a lone surrogate (not valid Unicode)",
}


def first_problem(error: ValidationError, root: str = "") -> str:
    """'first.items[3].target.selector[1].start: must be ≥ 0': where, in the file, and what."""
    detail = error.errors(include_url=False)[0]
    where = root
    for part in detail["loc"]:
        if isinstance(part, int):
            where += f"[{part}]"
        elif part not in UNION_TAGS:
            where += f".{part}" if where else part
    template = _MESSAGES.get(detail["type"])
    if template is None:
        message = detail["msg"].removeprefix("Value error, ")
    else:
        message = template.format(**detail.get("ctx", {}))
    return f"{where or 'the file'}: {message}"
