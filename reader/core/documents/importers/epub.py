"""EPUB 2 and 3, read with zipfile + lxml, guided by the package document (OPF).

Why not EbookLib: it is AGPL-licensed (this app is MIT), reads every member into memory with
no size checks, and we need only what the OPF says: the spine order, the title, the language
and the table of contents (EPUB 3 nav document or EPUB 2 NCX). Chapters go through the same
HTML → blocks walk as web pages, without the boilerplate removal a book does not need.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urldefrag

from reader.core.documents.importers.archive import open_zip, parse_xml, read_member
from reader.core.documents.importers.base import RawDocument
from reader.core.errors import InputError

_NS = {
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
_CONTENT_TYPES = {"application/xhtml+xml", "text/html", "application/xml", "text/xml"}
_SKIPPED_GUIDE_TYPES = {"toc", "title-page", "cover"}
_SKIPPED_BODY_TYPES = {"titlepage", "cover", "toc"}
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@dataclass(frozen=True)
class _Item:
    path: str  # inside the zip
    media_type: str
    properties: frozenset[str]


class EpubImporter:
    name = "epub"
    extensions = (".epub",)

    def sniff(self, path: Path, head: bytes) -> bool:
        # The EPUB signature: an uncompressed first member "mimetype" holding the media type.
        return head.startswith(b"PK\x03\x04") and b"mimetypeapplication/epub+zip" in head[:100]

    def read(self, path: Path) -> RawDocument:
        with open_zip(path, "EPUB") as archive:
            return _read_epub(archive, path)


def _read_epub(archive: zipfile.ZipFile, path: Path) -> RawDocument:
    from reader.core.documents.importers.htmlblocks import BlockBuilder

    opf_path = _package_path(archive, path)
    opf = parse_xml(read_member(archive, opf_path, path), opf_path, path)
    manifest = _manifest(opf, posixpath.dirname(opf_path))
    skipped = _auxiliary_documents(opf, manifest, posixpath.dirname(opf_path))
    title = _metadata(opf, "title")
    title_page_texts = _title_page_texts(opf, title)
    builder = BlockBuilder(source=path)
    first_block: dict[str, int] = {}
    for item in _spine(opf, manifest, path):
        if item.path in skipped or "nav" in item.properties:
            continue
        root = _parse_content(read_member(archive, item.path, path), item.path, path)
        body = root.find("{*}body")
        if body is None or _is_auxiliary_body(body):
            continue
        if not builder.blocks and " ".join("".join(body.itertext()).split()) in title_page_texts:
            continue  # an EPUB 2 title page: nothing marks it but its text, the book's title
        first_block[item.path] = len(builder.blocks)
        builder.add_tree(body, anchor_prefix=item.path + "#")
    if not builder.blocks:
        raise InputError(path, "the EPUB has no text (images only?)")
    toc = _table_of_contents(archive, opf, manifest, path, builder.anchors, first_block)
    return RawDocument(
        blocks=builder.blocks,
        title=title,
        language_hint=(_metadata(opf, "language") or "").split("-")[0].lower() or None,
        toc=toc or builder.toc,
    )


def _package_path(archive: zipfile.ZipFile, path: Path) -> str:
    if "META-INF/container.xml" not in archive.namelist():
        raise InputError(path, "not an EPUB (no META-INF/container.xml)")
    container = parse_xml(
        read_member(archive, "META-INF/container.xml", path), "container.xml", path
    )
    for rootfile in container.iterfind(".//container:rootfile", _NS):
        if (
            rootfile.get("media-type", "application/oebps-package+xml")
            == "application/oebps-package+xml"
        ):
            full_path = rootfile.get("full-path")
            if full_path:
                return full_path
    raise InputError(path, "not an EPUB (container.xml names no package document)")


def _resolve(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(urldefrag(href).url)))


def _manifest(opf, base: str) -> dict[str, _Item]:
    items = {}
    for item in opf.iterfind("opf:manifest/opf:item", _NS):
        if item.get("id") and item.get("href"):
            items[item.get("id")] = _Item(
                _resolve(base, item.get("href")),
                item.get("media-type", ""),
                frozenset((item.get("properties") or "").split()),
            )
    return items


def _spine(opf, manifest: dict[str, _Item], path: Path) -> list[_Item]:
    """The chapters in reading order, each once: a spine may list a chapter again (a bomb
    lists one thousands of times), and a book is read once through."""
    items: dict[str, _Item] = {}
    for ref in opf.iterfind("opf:spine/opf:itemref", _NS):
        item = manifest.get(ref.get("idref") or "")
        if item is not None and item.media_type in _CONTENT_TYPES:
            items.setdefault(item.path, item)
    if not items:
        raise InputError(path, "the EPUB's spine lists no readable chapters")
    return list(items.values())


def _auxiliary_documents(opf, manifest: dict[str, _Item], base: str) -> set[str]:
    """Title pages, covers and printed tables of contents: the title and the TOC panel show
    these already, so their text would only repeat before the first chapter."""
    skipped = {item.path for item in manifest.values() if "nav" in item.properties}
    for reference in opf.iterfind("opf:guide/opf:reference", _NS):
        if (reference.get("type") or "").lower() in _SKIPPED_GUIDE_TYPES and reference.get("href"):
            skipped.add(_resolve(base, reference.get("href")))
    return skipped


def _is_auxiliary_body(body) -> bool:
    for element in (body, *body.iterchildren()):
        types = set((element.get(_EPUB_TYPE) or "").split())
        if types & _SKIPPED_BODY_TYPES:
            return True
    return False


def _parse_content(data: bytes, name: str, path: Path):
    """Chapters are XHTML; a sloppy one that is not well-formed is read as HTML instead."""
    from lxml import etree

    from reader.core.documents.importers.archive import safe_xml_parser
    from reader.core.documents.importers.html import decode_html, html_tree

    try:
        return etree.fromstring(data, parser=safe_xml_parser())
    except etree.XMLSyntaxError as error:
        if "depth" in str(error).lower():
            raise InputError(path, f"{name} nested too deeply: not a text to read") from error
    return html_tree(decode_html(data, path), path, name)


def _title_page_texts(opf, title: str | None) -> set[str]:
    if not title:
        return set()
    creators = [
        " ".join((c.text or "").split()) for c in opf.iterfind("opf:metadata/dc:creator", _NS)
    ]
    return {title, " ".join([title, *creators]).strip()}


def _metadata(opf, name: str) -> str | None:
    element = opf.find(f"opf:metadata/dc:{name}", _NS)
    text = " ".join((element.text or "").split()) if element is not None else ""
    return text or None


# --- Table of contents -------------------------------------------------------------------------


def _table_of_contents(
    archive: zipfile.ZipFile,
    opf,
    manifest: dict[str, _Item],
    path: Path,
    anchors: dict[str, int],
    first_block: dict[str, int],
) -> list[tuple[int, str, int]]:
    """(level, title, raw block index) from the EPUB 3 nav document, else the EPUB 2 NCX."""
    entries: list[tuple[int, str, str]] = []  # (level, title, resolved href)
    nav = next((item for item in manifest.values() if "nav" in item.properties), None)
    if nav is not None:
        entries = _nav_entries(read_member(archive, nav.path, path), nav.path, path)
    if not entries:
        ncx_id = (
            opf.find("opf:spine", _NS).get("toc")
            if opf.find("opf:spine", _NS) is not None
            else None
        )
        ncx = manifest.get(ncx_id or "") or next(
            (item for item in manifest.values() if item.media_type == "application/x-dtbncx+xml"),
            None,
        )
        if ncx is not None:
            entries = _ncx_entries(read_member(archive, ncx.path, path), ncx.path, path)
    toc = []
    for level, title, href in entries:
        document, _, fragment = href.partition("#")
        index = anchors.get(href) if fragment else None
        if index is None:
            index = first_block.get(document)
        if index is not None and title:
            toc.append((level, title, index))
    return toc


def _nav_entries(data: bytes, name: str, path: Path) -> list[tuple[int, str, str]]:
    root = _parse_content(data, name, path)
    base = posixpath.dirname(name)
    for nav in root.iter("{*}nav", "nav"):
        if "toc" in (nav.get(_EPUB_TYPE) or nav.get("epub:type") or "").split():
            entries = []
            for link in nav.iter("{*}a", "a"):
                depth = sum(
                    1 for ancestor in link.iterancestors() if _local(ancestor) in ("ol", "ul")
                )
                title = " ".join("".join(link.itertext()).split())
                if link.get("href"):
                    entries.append((depth, title, _resolve_with_fragment(base, link.get("href"))))
            return entries
    return []


def _ncx_entries(data: bytes, name: str, path: Path) -> list[tuple[int, str, str]]:
    root = parse_xml(data, name, path)
    base = posixpath.dirname(name)
    entries = []
    for point in root.iter("{{{}}}navPoint".format(_NS["ncx"])):
        depth = sum(1 for ancestor in point.iterancestors() if _local(ancestor) == "navPoint") + 1
        label = point.find("ncx:navLabel/ncx:text", _NS)
        content = point.find("ncx:content", _NS)
        if label is not None and content is not None and content.get("src"):
            title = " ".join((label.text or "").split())
            entries.append((depth, title, _resolve_with_fragment(base, content.get("src"))))
    return entries


def _resolve_with_fragment(base: str, href: str) -> str:
    url, fragment = urldefrag(href)
    resolved = _resolve(base, url)
    return f"{resolved}#{unquote(fragment)}" if fragment else resolved


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
