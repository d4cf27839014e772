"""Zip containers (EPUB, DOCX) opened defensively, and XML parsed without surprises.

A zip bomb is refused from the central directory (declared sizes and compression ratios)
before anything is decompressed, and every member is read with a size cap, since the
declared size can lie. XML is parsed without network access, entity expansion, DTD loading
or libxml2's "huge tree" mode (whose depth and size limits stop pathological files).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from reader.core.errors import InputError

MAX_MEMBER_BYTES = 64 * 2**20  # a member we parse (chapter, document.xml): far above any real one
MAX_TOTAL_BYTES = 512 * 2**20
MAX_MEMBERS = 20_000
MAX_RATIO = 200  # deflate reaches ~10:1 on text; bombs go to 1000:1 and beyond
# Smaller members can have any ratio harmlessly (a Word file of repeated lines reaches 270:1 at
# 2 MiB); every member is bounded by MAX_MEMBER_BYTES and the whole by MAX_TOTAL_BYTES anyway.
_RATIO_APPLIES_FROM = 16 * 2**20
# What zipfile raises on a damaged archive besides BadZipFile: odd version fields, undecodable
# names flagged UTF-8, impossible offsets or sizes.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    NotImplementedError,
    UnicodeDecodeError,
    ValueError,
    EOFError,
    OverflowError,
)


def one_line(error: BaseException) -> str:
    """A library's error text fit for our one-line messages (lxml's span lines)."""
    return " ".join(str(error).split()) or type(error).__name__


def _every_member(name: str) -> bool:
    return True


def open_zip(
    path: Path, format_name: str, parsed: Callable[[str], bool] = _every_member
) -> zipfile.ZipFile:
    """The archive, checked for bombs. `parsed` tells the members the importer will read: only
    they are bounded (a DOCX's 500 MB picture is never unpacked, so it cannot blow up memory)."""
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as error:
        raise InputError(
            path, f"not a valid {format_name} (damaged or truncated zip archive)"
        ) from error
    except OSError as error:
        raise InputError(path, f"cannot be read ({one_line(error)})") from error
    try:
        check_not_a_bomb(archive, path, parsed)
    except InputError:
        archive.close()
        raise
    return archive


def check_not_a_bomb(
    archive: zipfile.ZipFile, path: Path, parsed: Callable[[str], bool] = _every_member
) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputError(path, f"zip archive has {len(members)} files: refused as a zip bomb")
    total = 0
    for member in (member for member in members if parsed(member.filename)):
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        # Size alone is no sign (a book may hold a big picture); text compresses ~10:1.
        if member.file_size > _RATIO_APPLIES_FROM and ratio > MAX_RATIO:
            raise InputError(
                path,
                f"{member.filename} would unpack to {member.file_size // 2**20} MiB "
                f"(compressed {ratio:.0f}:1): refused as a zip bomb",
            )
    if total > MAX_TOTAL_BYTES:
        raise InputError(
            path, f"zip archive would unpack to {total // 2**20} MiB: refused as a zip bomb"
        )


def read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """A member's bytes, capped: a member whose real size exceeds its declared size stops here."""
    try:
        with archive.open(name) as stream:
            data = stream.read(MAX_MEMBER_BYTES + 1)
    except KeyError as error:
        raise InputError(path, f"missing {name} inside the archive") from error
    except (*ZIP_ERRORS, zlib.error, OSError, RuntimeError) as error:
        # damaged data, an unsupported compression method, or an encrypted member
        raise InputError(path, f"damaged archive member {name} ({one_line(error)})") from error
    if len(data) > MAX_MEMBER_BYTES:
        raise InputError(path, f"{name} is larger than declared: refused as a zip bomb")
    return data


def safe_xml_parser():
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, name: str, path: Path):
    from lxml import etree

    try:
        return etree.fromstring(data, parser=safe_xml_parser())
    except etree.XMLSyntaxError as error:
        raise InputError(path, f"{name} is not well-formed XML ({one_line(error)})") from error
