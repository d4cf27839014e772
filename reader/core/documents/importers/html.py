"""Saved web pages: the article's text without the page around it.

lxml parses (never fetching anything: no network, no external entities, no huge trees); page
furniture is removed by meaning (scripts, navigation, forms, page header and footer, hidden
elements, and elements whose class or id names share buttons, tag lists, sign-in links...),
then readability-lxml picks the main content, which `htmlblocks` turns into typed blocks.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from reader.core.documents.decoding import decode_bytes, normalise
from reader.core.documents.files import read_document_bytes
from reader.core.documents.importers.archive import one_line
from reader.core.documents.importers.base import RawDocument
from reader.core.errors import InputError

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# C0 controls other than whitespace are not allowed in HTML; lxml keeps them in the tree but
# refuses them when text is moved, so they go before parsing.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Pages that declare a Western single-byte charset are often Vietnamese in Windows-1258 or
# UTF-8: for these the bytes decide (decode_bytes recognises Windows-1258).
_UNRELIABLE_CHARSETS = {"iso8859-1", "cp1252", "ascii", "latin-1"}
_SNIFF_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")
_MIN_MAIN_TEXT_SHARE = 0.25  # readability's pick must hold this much of the page's text


class HtmlImporter:
    name = "html"
    extensions = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, path: Path, head: bytes) -> bool:
        start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return any(start.startswith(marker) for marker in _SNIFF_MARKERS) or (
            start.startswith(b"<?xml") and b"<html" in head.lower()
        )

    def read(self, path: Path) -> RawDocument:
        return parse_html(read_document_bytes(path), path)


def decode_html(data: bytes, path: Path) -> str:
    """The page's text: the real bytes win over a <meta charset> that contradicts them."""
    try:
        return normalise(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    declared = _declared_encoding(data)
    if declared and declared not in _UNRELIABLE_CHARSETS:
        try:
            return normalise(data.decode(declared))
        except UnicodeDecodeError:
            pass
    return decode_bytes(data, path)


def _declared_encoding(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def parse_html(data: bytes, path: Path) -> RawDocument:
    from reader.core.documents.importers.htmlblocks import BlockBuilder

    root = html_tree(decode_html(data, path), path, "HTML page")
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    title = _declared_title(root)  # as the page declares it: the loader judges whether it fits
    remove_page_furniture(root)
    builder = BlockBuilder(source=path)
    for element in _main_content(root, path):
        builder.add_tree(element)
    return RawDocument(
        blocks=builder.blocks,
        title=title,
        language_hint=_language_code(language),
        toc=builder.toc,
    )


def html_tree(text: str, path: Path, what: str):
    """Parse decoded HTML safely; a tree past libxml2's depth limit is refused, not cut."""
    from lxml import etree, html

    parser = safe_html_parser()
    try:
        text = _CONTROL_CHARACTERS.sub("", _XML_DECLARATION.sub("", text, count=1))
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise InputError(path, f"not a readable {what} ({one_line(error)})") from error
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        raise InputError(path, f"{what} nested too deeply (over 256 levels): not a text to read")
    return root


def safe_html_parser():
    from lxml import html

    return html.HTMLParser(
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
        default_doctype=False,
    )


def _language_code(value: str) -> str | None:
    code = value.strip().split("-")[0].split("_")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def _declared_title(root) -> str | None:
    """The title in the page's metadata: Open Graph's (the article's, without the site name
    that <title> often appends), else <title>."""
    for candidate in (
        root.xpath("string(//meta[@property='og:title']/@content)"),
        root.xpath("string(//title)"),
    ):
        candidate = " ".join(str(candidate).split())
        if candidate:
            return candidate
    return None


# --- Page furniture ----------------------------------------------------------------------------

_FURNITURE_TAGS = (
    "nav",
    "form",
    "button",
    "aside",
    "dialog",
    "menu",
    "script",
    "style",
    "noscript",
    "template",
)
_FURNITURE_ROLES = {
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "complementary",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
}
# Words in class or id names that only page furniture uses (matched as whole name parts).
_FURNITURE_NAMES = frozenset(
    [
        "share",
        "sharing",
        "social",
        "sns",
        "tags",
        "tag",
        "taglist",
        "tag-list",
        "keywords",
        "breadcrumb",
        "breadcrumbs",
        "login",
        "signin",
        "sign-in",
        "signup",
        "register",
        "account",
        "related",
        "comments",
        "comment",
        "cookie",
        "cookies",
        "consent",
        "newsletter",
        "subscribe",
        "advert",
        "advertisement",
        "ads",
        "ad",
        "banner",
        "promo",
        "sponsored",
        "sidebar",
        "navbar",
        "navigation",
        "menu",
        "toolbar",
        "pagination",
        "pager",
        "attachments",
        "attachment",
        "rating",
        "popup",
        "modal",
        "masthead",
        "topbar",
    ]
)
_NAME_SPLIT = re.compile(r"[\s_-]+")
_MAX_FURNITURE_SHARE = 0.5  # a "furniture" element holding most of the page's text is not


def remove_page_furniture(root) -> None:
    """Drop what is around the article. Page-level <header>/<footer> go; those inside an
    <article> or <main> stay (they hold the headline and date, or the article's notes)."""
    page_text = _text_length(root)
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _is_furniture(element) and _text_length(element) <= _MAX_FURNITURE_SHARE * page_text:
            doomed.append(element)
    _drop(doomed)


def _text_length(element) -> int:
    return len("".join(element.itertext()).split())


def _is_furniture(element) -> bool:
    tag = element.tag.lower()
    if tag in _FURNITURE_TAGS and not _is_note(element):
        return True
    if tag in ("header", "footer") and not any(
        ancestor.tag in ("article", "main") for ancestor in element.iterancestors()
    ):
        return True
    if (element.get("role") or "").lower() in _FURNITURE_ROLES:
        return True
    if tag in ("html", "body", "main", "article"):
        return False
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return any(part in _FURNITURE_NAMES for part in _NAME_SPLIT.split(names) if part)


def _is_note(element) -> bool:
    kinds = (
        f"{element.get('role') or ''} {element.get('epub:type') or ''} {element.get('class') or ''}"
    )
    return "note" in kinds.lower()


def _drop(elements: list) -> None:
    """Remove the elements but keep their tails, text of their parents."""
    doomed = set(elements)
    parents = {element.getparent() for element in elements}
    for parent in parents - doomed - {None}:
        _drop_children(parent, doomed)


def _drop_children(parent, doomed: set) -> None:
    """Remove the doomed children of `parent`, each tail joined to the text before it (the
    tail of the kept sibling before, or the parent's text) once per run of dropped siblings:
    appended one by one, the text was copied again for each."""
    receiver, pieces = None, [parent.text or ""]
    for child in list(parent):
        if child in doomed:
            pieces.append(child.tail or "")
            parent.remove(child)
        else:
            _set_text(parent, receiver, "".join(pieces))
            receiver, pieces = child, [child.tail or ""]
    _set_text(parent, receiver, "".join(pieces))


def _set_text(parent, receiver, text: str) -> None:
    if receiver is None:
        parent.text = text or None
    else:
        receiver.tail = text or None


def _main_content(root, path: Path) -> list:
    """The elements of the page that hold its main content, in reading order.

    readability-lxml chooses them, but its copy of the page has lost what it judged noise
    (line breaks, small tables, footnotes): the chosen elements are found again in our tree
    and read from there, with the headings just above them that it left out. The cleaned
    body instead, if the choice kept too little of the page (a short page, or a page of many
    short items)."""
    body = root.find("body")
    body = body if body is not None else root
    page_text = _text_length(body)
    if page_text == 0:
        raise InputError(path, "the page has no text")
    chosen = _readability_choice(root)
    if sum(_text_length(element) for element in chosen) < _MIN_MAIN_TEXT_SHARE * page_text:
        return [body]
    return _leading_headings(chosen[0]) + chosen


_NODE_MARK = "data-bireader-node"


def _readability_choice(root) -> list:
    """Our elements that readability's summary is made of, in reading order; [] if it fails."""
    from lxml import html
    from readability import Document as Readability
    from readability.readability import Unparseable

    nodes = {}
    for number, element in enumerate(root.iter()):
        if isinstance(element.tag, str):
            element.set(_NODE_MARK, str(number))
            nodes[str(number)] = element
    try:
        summary = Readability(html.tostring(root, encoding="unicode")).summary(html_partial=True)
        main = html.fragment_fromstring(summary, parser=safe_html_parser(), create_parent="div")
    except (Unparseable, ValueError, RecursionError, AssertionError):
        # readability asserts on pages it cannot shape (e.g. no <body>)
        return []
    chosen: set = set()  # lxml keeps one proxy per node while it is referenced: hashable
    for marked in main.iter():
        element = nodes.get(marked.get(_NODE_MARK) or "")
        # readability moves a lead paragraph into the content: an element outside all chosen
        # so far is chosen too
        if element is not None and not _inside_any(element, chosen):
            chosen.add(element)
    return sorted(chosen, key=lambda element: int(element.get(_NODE_MARK)))


def _inside_any(element, containers: set) -> bool:
    return any(ancestor in containers for ancestor in element.iterancestors())


def _leading_headings(first) -> list:
    """Headings just before the first chosen element (only unseen or empty elements between):
    the content's title, which readability leaves out when it stands outside its container."""
    from reader.core.documents.importers.htmlblocks import (
        is_heading,
        is_unseen,
        local_name,
        shows_text,
    )

    headings = []
    node = first
    while node is not None and local_name(node) not in ("body", "html"):
        for sibling in node.itersiblings(preceding=True):
            if is_heading(sibling) and not is_unseen(sibling):
                headings.insert(0, sibling)
            elif not is_unseen(sibling) and shows_text(sibling):
                return headings
        node = node.getparent()
    return headings
