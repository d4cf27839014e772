"""Small StarDict dictionaries written by the tests, byte by byte as the format says
(StarDictFileFormat), so that each test states the headwords it relies on."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

DICTZIP_CHUNK = 58315  # dictzip's default


def write_stardict(
    folder: Path,
    articles: dict[str, str | bytes],
    *,
    stem: str = "test",
    bookname: str = "Test dictionary",
    types: str = "m",
    offset_bits: int = 32,
    dictzip_chunk: int | None = None,
    synonyms: dict[str, str] | None = None,
    ifo_overrides: dict[str, str] | None = None,
) -> Path:
    """Write `<stem>.ifo/.idx/.dict[.dz][/.syn]` into `folder`; returns the `.ifo`.

    `articles` maps each headword to its article (text is UTF-8 encoded); `synonyms` maps an
    other spelling to its headword. Headwords are sorted as StarDict sorts them (ASCII case
    folded, then bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    order = sorted(articles, key=lambda word: (word.encode().lower(), word.encode()))
    data, index = b"", b""
    number = ">QI" if offset_bits == 64 else ">II"
    for word in order:
        article = articles[word]
        article = article.encode() if isinstance(article, str) else article
        index += word.encode() + b"\0" + struct.pack(number, len(data), len(article))
        data += article
    (folder / f"{stem}.idx").write_bytes(index)
    if dictzip_chunk:
        (folder / f"{stem}.dict.dz").write_bytes(dictzip(data, dictzip_chunk))
    else:
        (folder / f"{stem}.dict").write_bytes(data)
    ifo = {
        "version": "3.0.0" if offset_bits == 64 else "2.4.2",
        "bookname": bookname,
        "wordcount": str(len(order)),
        "idxfilesize": str(len(index)),
        "sametypesequence": types,
    }
    if offset_bits == 64:
        ifo["idxoffsetbits"] = "64"
    if synonyms:
        syn = b"".join(
            spelling.encode() + b"\0" + struct.pack(">I", order.index(headword))
            for spelling, headword in sorted(synonyms.items())
        )
        (folder / f"{stem}.syn").write_bytes(syn)
        ifo["synwordcount"] = str(len(synonyms))
    ifo.update(ifo_overrides or {})
    lines = ["StarDict's dict ifo file", *(f"{key}={value}" for key, value in ifo.items() if value)]
    path = folder / f"{stem}.ifo"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dictzip(data: bytes, chunk_length: int = DICTZIP_CHUNK) -> bytes:
    """`data` as dictzip writes it: one deflate stream flushed fully after each chunk, and the
    chunks' compressed sizes in the gzip header's "RA" extra field."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    chunks = []
    for start in range(0, len(data), chunk_length):
        chunks.append(compressor.compress(data[start : start + chunk_length]))
        chunks[-1] += compressor.flush(zlib.Z_FULL_FLUSH)
    chunks[-1] += compressor.flush(zlib.Z_FINISH)
    body = struct.pack("<HHH", 1, chunk_length, len(chunks))
    body += b"".join(struct.pack("<H", len(chunk)) for chunk in chunks)
    extra = b"RA" + struct.pack("<H", len(body)) + body
    header = b"\x1f\x8b\x08\x04" + b"\0\0\0\0" + b"\x02\x03" + struct.pack("<H", len(extra))
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return header + extra + b"".join(chunks) + trailer
